"""Profile selectors: CSS, or XPath when the selector starts with '/' or '('."""

from __future__ import annotations

from typing import Any

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


def selector_error(selector: str) -> str | None:
    """Why a profile selector cannot work (a CSS or XPath syntax error), or None.

    `select` swallows a bad selector so a typo never crashes a crawl; this says so up front."""
    from cssselect import GenericTranslator, SelectorError

    try:
        if is_xpath(selector):
            etree.XPath(selector)
        else:
            GenericTranslator().css_to_xpath(selector)
    except (etree.XPathSyntaxError, SelectorError) as exc:
        return f"{'XPath' if is_xpath(selector) else 'CSS'} selector {selector!r}: {exc}"
    return None


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "("))


def select_any(tree: etree._Element, selector: str) -> list[Any]:
    """Elements or strings (XPath attribute and text results); [] for a bad selector."""
    try:
        if is_xpath(selector):
            res = tree.xpath(selector)
            return list(res) if isinstance(res, list) else []
        return list(tree.cssselect(selector))
    except Exception:  # noqa: BLE001 - a profile's typo must not crash a crawl
        return []
