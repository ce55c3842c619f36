"""Profile selectors: CSS, or XPath when the selector starts with '/' or '('."""

from __future__ import annotations

from lxml import etree


def select(tree: etree._Element, selector: str) -> list[etree._Element]:
    """The elements a selector names; a bad selector selects nothing."""
    return [r for r in select_any(tree, selector) if isinstance(r, etree._Element)]


def select_texts(tree: etree._Element, selector: str, limit: int = 3) -> list[str]:
    """The texts a selector names: elements' text, or XPath strings (`//time/@datetime`)."""
    out = []
    for node in select_any(tree, selector)[:limit]:
        text = node if isinstance(node, str) else node.text_content()
        text = " ".join(str(text).split())
        if text:
            out.append(text)
    return out


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "("))


def select_any(tree: etree._Element, selector: str) -> list:
    """Elements or strings (XPath attribute and text results); [] for a bad selector."""
    try:
        if is_xpath(selector):
            res = tree.xpath(selector)
            return list(res) if isinstance(res, list) else []
        return tree.cssselect(selector)
    except Exception:  # noqa: BLE001 - a profile's typo must not crash a crawl
        return []
