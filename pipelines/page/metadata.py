"""One metadata pass per page, shared by main-text extraction and date picking.

A walk of the whole tree costs about as much as reading what it finds, so the head's
`<meta>`, `<link>`, `<title>`, the scripts (JSON-LD parsed once), the headings and the
document language are gathered in one `tree.iter` and handed to both consumers — like
trafilatura's `metadata.py`, one pass into one document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from pipelines.page.language import normalise_lang_tag

#: Schema.org types of an article page (JSON-LD `@type`).
ARTICLE_TYPES = frozenset({
    "Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle",
    "AnalysisNewsArticle", "OpinionNewsArticle", "LiveBlogPosting", "ScholarlyArticle",
    "TechArticle", "BackgroundNewsArticle", "Review", "SocialMediaPosting", "WebPage-Article",
})
#: Schema.org types of a page that lists others.
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "WebSite"})
HEADINGS = ("h1", "h2", "h3")

_TITLE_SEP = re.compile(r"\s+(?:[|·•»«:~/]|[-–—]{1,2}|::)\s+")


def text_of(el: lxml.html.HtmlElement) -> str:
    """An element's text, whitespace collapsed."""
    return " ".join(el.text_content().split())


def clean_field(value: str) -> str:
    """A metadata string as a reader sees it: HTML entities decoded (JSON-LD often carries
    `&#8216;`), whitespace collapsed."""
    return " ".join(unescape(value).split())


def walk_jsonld(data: object) -> Iterator[dict[str, Any]]:
    """Every dict in a JSON-LD document, in document order (pre-order), 6 levels deep at most
    and 50 items of a list; iterative, as graphs of hundreds of objects are common."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > 6:
            continue
        if isinstance(node, dict):
            yield node
            children = [v for v in node.values() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            children = [v for v in node[:50] if isinstance(v, (dict, list))]
        else:
            continue
        stack.extend((child, depth + 1) for child in reversed(children))


def jsonld_types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {str(x) for x in (t if isinstance(t, list) else [t]) if x}


@dataclass(slots=True)
class PageMeta:
    """What the head and the structured data say about a page."""

    og_title: str | None = None
    html_title: str | None = None
    site_name: str | None = None
    description: str | None = None
    author: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    og_image: str | None = None
    lang: str | None = None
    og_type: str | None = None
    ld_types: set[str] = field(default_factory=set)
    ld_headline: str | None = None
    #: parsed JSON-LD documents, and the text of those that do not parse (dates are read
    #: from broken JSON-LD by pattern)
    ld_docs: list[object] = field(default_factory=list)
    ld_broken: list[str] = field(default_factory=list)
    metas: list[lxml.html.HtmlElement] = field(default_factory=list)  # <meta> with content
    scripts: list[lxml.html.HtmlElement] = field(default_factory=list)  # every other script
    headings: list[lxml.html.HtmlElement] = field(default_factory=list)  # h1–h3, in order

    @property
    def is_article_typed(self) -> bool:
        return bool(self.ld_types & ARTICLE_TYPES) or self.og_type == "article"


def read_metadata(tree: lxml.html.HtmlElement, url: str) -> PageMeta:
    """The one walk over `<meta>`, `<link>`, `<title>`, scripts and headings."""
    meta = PageMeta()
    root = tree.getroottree().getroot()
    meta.lang = normalise_lang_tag(root.get("lang") or root.get("xml:lang"))
    for el in tree.iter("meta", "link", "title", "script", *HEADINGS):
        tag = el.tag
        if tag == "meta":
            _read_meta(el, meta)
        elif tag in HEADINGS:
            meta.headings.append(el)
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json":
                if el.text:
                    _read_jsonld(el.text, meta)
            else:
                meta.scripts.append(el)
        elif tag == "title":
            if meta.html_title is None:
                meta.html_title = text_of(el) or None
        elif meta.canonical is None and el.get("href") and \
                "canonical" in (el.get("rel") or "").lower().split():
            meta.canonical = urljoin(url or "", el.get("href").strip())
    return meta


def _read_meta(el: lxml.html.HtmlElement, meta: PageMeta) -> None:
    content = el.get("content")
    if not content:
        return
    meta.metas.append(el)
    key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
    if not key:
        if el.get("http-equiv", "").lower() == "content-language":
            meta.lang = meta.lang or normalise_lang_tag(content)
        return
    content = " ".join(content.split())
    if key in ("og:title", "twitter:title") and not meta.og_title:
        meta.og_title = clean_field(content)
    elif key in ("og:site_name", "application-name") and not meta.site_name:
        meta.site_name = clean_field(content)
    elif key in ("description", "og:description") and not meta.description:
        meta.description = clean_field(content)
    elif key in ("author", "article:author", "dc.creator", "byl") and not meta.author:
        if not content.startswith("http"):
            meta.author = re.sub(r"^by\s+", "", clean_field(content), flags=re.I)
    elif key == "og:type":
        meta.og_type = content.lower()
    elif key == "og:url" and not meta.og_url:
        meta.og_url = content
    elif key in ("og:image", "twitter:image") and not meta.og_image:
        meta.og_image = content
    elif key in ("og:locale", "language", "content-language") and not meta.lang:
        meta.lang = normalise_lang_tag(content)


def _read_jsonld(text: str, meta: PageMeta) -> None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        meta.ld_broken.append(text)
        return
    meta.ld_docs.append(doc)
    for obj in walk_jsonld(doc):
        types = jsonld_types(obj)
        meta.ld_types |= types
        if not types & ARTICLE_TYPES:
            continue
        if not meta.ld_headline and isinstance(obj.get("headline"), str):
            meta.ld_headline = clean_field(obj["headline"]) or None
        author = obj.get("author")
        if not meta.author and author:
            author = author[0] if isinstance(author, list) and author else author
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, str) and name.strip():
                meta.author = clean_field(name)


# --- the headline ---------------------------------------------------------------------------


def _same_key(text: str) -> str:
    """What two texts must share to be "the same": whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def same_text(a: str, b: str) -> bool:
    return _same_key(a) == _same_key(b)


def _norm_title(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def headline_element(meta: PageMeta) -> lxml.html.HtmlElement | None:
    """The heading that holds the article's title: the h1–h3 whose text the page's <title> or
    og:title contains (a logo in an h1 does not), else the first h1."""
    heads = meta.headings[:80]
    if not heads:
        return None
    names = [_norm_title(value) for value in (meta.og_title, meta.html_title) if value]
    if names:
        best, best_len = None, 0
        for h in heads:
            text = _norm_title(h.text_content())
            if len(text) >= 8 and len(text) > best_len and any(text in n for n in names):
                best, best_len = h, len(text)
        if best is not None:
            return best
    for h in heads:
        if h.tag == "h1" and h.text_content().strip():
            return h
    return None


def headline_text(meta: PageMeta, url: str) -> str | None:
    """The article's title: an <h1> the metadata agrees with, else the JSON-LD or Open Graph
    headline, else a lone <h1>, else the document title without its " | Site" part."""
    h1s = [t for t in (text_of(h) for h in meta.headings if h.tag == "h1") if 3 <= len(t) <= 300]
    refs = [t for t in (meta.ld_headline, meta.og_title, meta.html_title) if t]
    for h in h1s:  # an <h1> that the metadata agrees with is the headline
        for r in refs:
            if same_text(h, r) or (len(h) > 10 and h.casefold() in r.casefold()):
                return h
    for ref in (meta.ld_headline, meta.og_title):
        if ref:
            return clean_title(ref, meta.site_name, url)
    if len(h1s) == 1:
        return h1s[0]
    if meta.html_title:
        return clean_title(meta.html_title, meta.site_name, url)
    return h1s[0] if h1s else None


def clean_title(title: str, site_name: str | None, url: str) -> str:
    """Remove a " | Site" suffix or "Site - " prefix from a document title."""
    parts = [p.strip() for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()
    host = urlsplit(url or "").hostname or ""
    host_key = re.sub(r"^www\d?\.", "", host).split(".")[0].lower()

    def is_site(part: str) -> bool:
        key = re.sub(r"[^\w]", "", part.lower())
        if site_name and (same_text(part, site_name) or key == re.sub(r"[^\w]", "", site_name.lower())):
            return True
        return bool(host_key) and bool(key) and (key in host_key or host_key in key)

    kept = [p for p in parts if not is_site(p)]
    if kept and len(kept) < len(parts):
        parts = kept
    if len(parts) == 1:
        return parts[0]
    # Otherwise the headline is the longest segment, provided the rest are short labels.
    longest = max(parts, key=len)
    if all(len(p.split()) <= 4 for p in parts if p is not longest):
        return longest
    return " - ".join(parts) if not kept else title.strip()
