"""The crawl's frontier: pages the spider has decided to fetch, held as compact entries and
handed to Scrapy's scheduler only as fast as the downloader takes them.

Why: Scrapy enqueues every request a callback yields at once. A sitemap lists up to 50,000
URLs, an archive page hundreds, so a large site put 100,000 `Request` objects (each with its
meta, headers and duplicate-filter fingerprint: ~1.5 KB) in memory in the first seconds, and
the heap kept that high-water mark for the whole run. An entry here is a URL and three small
fields (~0.2 KB), and the scheduler holds at most `target` of them as requests.

Why not Scrapy's disk queues (`JOBDIR`): they pickle every request to disk and back, turn on
Scrapy's job-resume machinery (state file, `requests.seen`) that tarikh's own resumable runs
already cover, and leave a directory behind a killed run. This is a deque and four signal
handlers, all of them public Scrapy signals.

A shared scheduler (the redis cluster) must see every request at once, so there the spider
runs without a frontier (`TARIKH_FRONTIER = False`).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider

logger = logging.getLogger(__name__)

#: Request meta key: the request came out of the frontier (its copies — retries, redirects —
#: carry it too, so every scheduling of one is matched by its leaving the scheduler).
FROM_FRONTIER = "tarikh_frontier"
#: Request meta key: a child sitemap of an index, held here until the pages wait low.
HELD_SITEMAP = "tarikh_held_sitemap"


class Planned(NamedTuple):
    """One page to fetch, as little as will rebuild its request."""

    url: str
    kind: str  # crawler.spiders.site.Fetch: ARTICLE, or PAGE in zero-config
    depth: int  # link hops from a start page
    via: str  # how it was found: sitemap, feed, listing, link
    headers: dict[str, str] | None  # conditional-request headers for a stored copy


class Frontier:
    """FIFO of planned pages; `attach` makes it keep about `target` of them in the scheduler.

    The child sitemaps of a sitemap index wait here too, and one is fetched only when the
    pages waiting run low and no other held sitemap is being read: a site that lists millions
    of URLs in a thousand sitemaps holds one sitemap's entries at a time, not all of them.
    """

    def __init__(self, target: int) -> None:
        self.target = max(1, target)
        self._waiting: deque[Planned] = deque()
        self._urls: set[str] = set()  # URLs waiting here: a page listed twice is held once
        self._scheduled = 0  # frontier requests now in the scheduler
        self.peak = 0
        self._filling = False
        self._sitemaps: deque[Request] = deque()  # held child sitemaps (few: one per file)
        self._sitemaps_out = 0  # held sitemaps sent and not yet read
        self._crawl: Callable[[Request], None] | None = None
        self._build: Callable[[Planned], Request] | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    def push(self, planned: Planned) -> bool:
        """Hold one page; False if it is already waiting (the duplicate filter sees the rest)."""
        if planned.url in self._urls:
            return False
        self._urls.add(planned.url)
        self._waiting.append(planned)
        self.peak = max(self.peak, len(self._waiting))
        self.top_up()
        return True

    def hold_sitemap(self, request: Request) -> None:
        """A child sitemap: fetched when the pages waiting here run low."""
        request.meta[HELD_SITEMAP] = True
        self._sitemaps.append(request)
        self.top_up()

    def sitemap_read(self, meta: dict[str, Any]) -> None:
        """The spider read (or failed to fetch) a sitemap; if it was a held one (its request's
        `meta` says), room for the next."""
        if meta.get(HELD_SITEMAP):
            self._sitemaps_out = max(0, self._sitemaps_out - 1)
            self.top_up()

    def take(self) -> Planned | None:
        if not self._waiting:
            return None
        planned = self._waiting.popleft()
        self._urls.discard(planned.url)
        return planned

    def attach(self, crawler: Any, build: Callable[[Planned], Request]) -> None:
        """Feed the crawler's engine: `build` turns an entry into the spider's request."""
        self._build = build
        self._crawl = lambda request: crawler.engine.crawl(request)
        crawler.signals.connect(self._on_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self._on_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self._on_left, signal=signals.request_reached_downloader)
        crawler.signals.connect(self._on_scheduler_empty, signal=signals.scheduler_empty)
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(lambda **_: self._report(crawler.stats), signal=signals.spider_closed,
                                weak=False)

    def _report(self, stats: Any) -> None:
        """Its largest size, and what still waited when the run ended (a time or item limit):
        the next run finds those URLs again and fetches them."""
        stats.set_value("tarikh/frontier_peak", self.peak)
        stats.set_value("tarikh/frontier_left", len(self._waiting))
        stats.set_value("tarikh/frontier_sitemaps_left", len(self._sitemaps))

    def top_up(self) -> int:
        """Move entries into the scheduler until it holds `target` of ours; returns how many."""
        if self._crawl is None or self._build is None or self._filling:
            # Not re-entered: a request the duplicate filter drops calls back in here from
            # inside `crawl`, and a run of such drops would recurse once per entry.
            return 0
        moved = 0
        self._filling = True
        try:
            while self._scheduled < self.target and self._waiting:
                planned = self.take()
                assert planned is not None
                try:
                    request = self._build(planned)
                except ValueError as exc:  # a URL Scrapy refuses: said, and the next one
                    logger.warning("not fetched (%s): %s", exc, planned.url)
                    continue
                request.meta[FROM_FRONTIER] = True
                self._crawl(request)  # request_scheduled counts it
                moved += 1
            if self._sitemaps and not self._sitemaps_out and len(self._waiting) < self.target:
                self._sitemaps_out += 1
                self._crawl(self._sitemaps.popleft())
                moved += 1
        finally:
            self._filling = False
        return moved

    def _on_scheduled(self, request: Request, **_: Any) -> None:
        if request.meta.get(FROM_FRONTIER):
            self._scheduled += 1

    def _on_left(self, request: Request, **_: Any) -> None:
        """Dropped as a duplicate, or taken by the downloader: room for another."""
        if request.meta.get(FROM_FRONTIER):
            self._scheduled = max(0, self._scheduled - 1)
        self.top_up()

    def _on_dropped(self, request: Request, **_: Any) -> None:
        if request.meta.get(HELD_SITEMAP):  # a sitemap listed twice: it will not be read
            self._sitemaps_out = max(0, self._sitemaps_out - 1)
        self._on_left(request)

    def _on_scheduler_empty(self, **_: Any) -> None:
        # The scheduler holds nothing, whatever the count says (a request another handler
        # refused at scheduling was counted and never queued).
        self._scheduled = 0
        self.top_up()

    def _on_idle(self, **_: Any) -> None:
        # Nothing is in flight: whatever the counts say (a request refused by a downloader
        # middleware is never answered), the next entries go now.
        if self._waiting or self._sitemaps:
            self._scheduled = self._sitemaps_out = 0
            self.top_up()
            raise DontCloseSpider
