"""Page kind: is a fetched page an article, a listing (home, section, tag, archive) or other?"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from pipelines.page.metadata import LISTING_TYPES, PageMeta

_LISTING_PATH = re.compile(
    r"/(?:page|sayfa|صفحة|tag|tags|etiket|category|categories|kategori|topics?|author|"
    r"authors|yazar|archives?|arsiv|search|section|label)(?:/|$)|[?&](?:page|paged|p|s|q)=",
    re.I)


def page_kind(url: str, meta: PageMeta, blocks: list[str], headline_links: int) -> str:
    """'article', 'listing' or 'other' from the URL, the structured data and the text."""
    prose = sum(len(b) for b in blocks if len(b) >= 80)
    path = urlsplit(url or "").path
    is_root = path in ("", "/") or re.fullmatch(r"/(?:index\.\w+|[a-z]{2})/?", path or "")
    strong = meta.is_article_typed
    if is_root or _LISTING_PATH.search(url or ""):
        return "listing" if headline_links >= 3 or not strong else (
            "article" if prose >= 600 and not is_root else "listing")
    # A run of headline links to other pages with little prose per headline is a set of
    # teasers (a section front, an archive), whatever its URL looks like.
    if headline_links >= 3 and prose < 400 * headline_links and not strong:
        return "listing"
    if prose >= 400 or (strong and prose >= 150):
        return "article"
    if headline_links >= 3 or meta.ld_types & LISTING_TYPES:
        return "listing"
    return "other"


def count_headline_links(body: etree._Element) -> int:
    """Links that are headings (<h2><a>) — many of them make a listing page."""
    return sum(1 for h in body.iter("h2", "h3", "h4") if h.find(".//a") is not None)
