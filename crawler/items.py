"""The typed items that flow through the item pipelines.

One `PageItem` per downloaded page: the spider fills the fetch fields, each stage fills the
fields named after it. Declared fields (not a dict that stages add keys to) let mypy and a
reader see what every stage needs and gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.article.process import Analysis
from pipelines.dates.signals import PickedDate


@dataclass(slots=True)
class PageItem:
    """A fetched page on its way to becoming an article (or a dropped page)."""

    # set by the spider
    url: str
    key: str  # the canonical URL: the `pages` key
    site: str
    status: int
    body: bytes | None
    encoding: str | None
    fetched_at: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    article_hint: bool | None = None  # the profile's URL rules: True article, False not, None unknown
    # extract_text
    html_packed: bytes | None = None
    analysis: Analysis | None = None
    extracted_packed: bytes | None = None
    error: str | None = None  # processing failed: the page is kept raw, not stored as an article
    # strip_furniture
    template_pages: int = 0
    blocks: list[str] = field(default_factory=list)
    # pick_date
    picked_date: PickedDate | None = None


@dataclass(slots=True)
class StoredArticle:
    """What the pipeline hands on (feed exports, `scrapy crawl -O`) for a stored article."""

    url: str
    title: str | None
    published: str | None
    language: str | None
