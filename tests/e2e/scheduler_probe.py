"""A Scrapy extension for tests: the most requests Scrapy's scheduler held at once, written to
the file named by the PROBE_FILE setting when the spider closes. It reads the scheduler
itself (an engine internal, fine for a test), so it checks the frontier from outside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import signals


class SchedulerProbe:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.most = 0
        self.out = Path(crawler.settings.get("PROBE_FILE"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> SchedulerProbe:
        probe = cls(crawler)
        crawler.signals.connect(probe.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(probe.closed, signal=signals.spider_closed)
        return probe

    def scheduled(self, **_: Any) -> None:
        self.most = max(self.most, len(self.crawler.engine._slot.scheduler) + 1)

    def closed(self, **_: Any) -> None:
        self.out.write_text(str(self.most), encoding="utf-8")
