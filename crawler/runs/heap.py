"""The crawl process's long-lived objects frozen out of the garbage collector's way, once the
crawl is under way (see `pipelines.article.heap.freeze_long_lived`)."""

from __future__ import annotations

from typing import Any

from scrapy import signals

from pipelines.article.heap import freeze_long_lived


class FreezeLongLived:
    """Freezes after the first item has passed every stage, not at start: the first page loads
    what the stages load lazily (date languages, the second opinion, compiled patterns,
    the database's statements), and that lives as long as the run too."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.frozen = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> FreezeLongLived:
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        # a flag, not a disconnect: leaving the receivers while they are being called would
        # skip the next one (Scrapy's item count) for this item
        if not self.frozen:
            self.frozen = True
            freeze_long_lived()
