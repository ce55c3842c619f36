"""A one-line progress display for runs started on a terminal (never under cron)."""

from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from twisted.internet import task


class ProgressLine:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.loop = task.LoopingCall(self.show)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLine:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        self.loop.start(1.0, now=False)

    def closed(self, spider: Any) -> None:
        if self.loop.running:
            self.loop.stop()
        self.show()
        sys.stderr.write("\n")

    def show(self) -> None:
        state = getattr(getattr(self.crawler, "spider", None), "_state", None)
        if state is None:
            return
        c = state.counters
        sys.stderr.write(
            f"\r{state.profile.name}: {c.pages_downloaded} pages, {c.articles_new} new, "
            f"{c.articles_updated} updated, {c.not_modified} not modified, "
            f"{c.pages_dropped} dropped, {c.errors} errors   "
        )
        sys.stderr.flush()
