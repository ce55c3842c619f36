"""What every item pipeline of tarikh shares: the crawl's state, reached through its spider,
and a way to run CPU-bound work off the reactor."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from crawler.spiders.site import SiteSpider
from crawler.state import CrawlState

T = TypeVar("T")


class Stage:
    """Base of the item pipelines: `from_crawler`, and the run's `CrawlState` from the spider
    (passed explicitly: the spider owns it, no attribute is hung on the crawler)."""

    #: Stats key prefix of this stage (`tarikh/<name>/...`).
    name = "stage"

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Stage:
        return cls(crawler)

    @property
    def state(self) -> CrawlState:
        spider = getattr(self.crawler, "spider", None)
        if not isinstance(spider, SiteSpider):
            raise RuntimeError("tarikh pipelines need the tarikh spider (crawler.spiders.site)")
        return spider.state

    def count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"tarikh/{self.name}/{key}")

    def add_cpu(self, step: str, seconds: float) -> None:
        """CPU milliseconds spent in one step, summed over the run (`tarikh/cpu_ms/<step>`):
        the throughput benchmark prints them per page, so the next person sees where time goes."""
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"tarikh/cpu_ms/{step}", seconds * 1000.0)

    @contextmanager
    def cpu(self, step: str) -> Iterator[None]:
        """Time an in-process step with `add_cpu`. The thread's CPU clock, not the process's:
        with Scrapy's thread pool, process_time costs a syscall summing every thread (~0.2 ms
        each, measured: more than some of the steps it times)."""
        start = time.thread_time()
        try:
            yield
        finally:
            self.add_cpu(step, time.thread_time() - start)


async def off_reactor(state: CrawlState, fn: Callable[..., T], *args: Any) -> T:
    """Run CPU-bound work in the crawl's worker pool (inline when it has none)."""
    if state.pool is None:
        return fn(*args)
    return await asyncio.get_running_loop().run_in_executor(state.pool, fn, *args)
