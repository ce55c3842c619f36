"""Stage 1: the heavy pass, in the crawl's worker pool: parse, read the metadata once, collect
date candidates, extract the main text, and compress the analysis for the `pages` table —
while a thread of the crawl process compresses the raw HTML.

The stage owns the pool (opened first, closed last): parsing is milliseconds of CPU per page,
which belong off the reactor's process. Compressing the raw HTML is not: Zstandard releases
the GIL, so a thread here packs a page's body while the worker analyses it, on another core,
without holding up the reactor; and the worker (the slower side of a crawl with one worker)
neither spends that time nor sends the packed copy back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from crawler.items import PageItem
from pipelines import store
from pipelines.article.pool import worker_pool
from pipelines.article.process import Analysis, analyse_html
from pipelines.stage import Stage, off_reactor

logger = logging.getLogger(__name__)


def pack_html(body: bytes) -> tuple[bytes | None, float]:
    """The raw page compressed for the `pages` table, and the thread's CPU seconds for it."""
    start = time.thread_time()
    packed = store.pack(body)
    return packed, time.thread_time() - start


def analyse_and_pack(body: bytes, url: str, kwargs: dict[str, Any]
                     ) -> tuple[Analysis | None, bytes | None, str | None]:
    """Runs in a worker: (analysis, packed analysis JSON, error). A page whose analysis
    fails gives the error; its raw HTML is packed by the caller either way, so it is kept."""
    try:
        analysis = analyse_html(body, url, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one bad page is reported, the run goes on
        return None, None, f"{type(exc).__name__}: {exc}"
    start = time.thread_time()
    packed = store.pack(analysis.to_json())
    analysis.cpu["compress"] = time.thread_time() - start
    return analysis, packed, None


class ExtractPipeline(Stage):
    name = "extract_text"

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        #: One thread packs every page's body: ~0.5 ms each, enough for ~2,000 pages/s.
        self.packer: ThreadPoolExecutor | None = None

    def open_spider(self) -> None:
        state = self.state
        state.pool = worker_pool(state.workers) if state.workers > 0 else None
        if state.pool is not None:  # without workers everything runs inline, packing too
            self.packer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tarikh-pack")

    def close_spider(self) -> None:
        if self.state.pool is not None:
            self.state.pool.shutdown(wait=True, cancel_futures=True)
        if self.packer is not None:
            self.packer.shutdown(wait=True)
        stats = self.crawler.stats
        missed = stats.get_value("tarikh/extract_text/body_selector_missed", 0) if stats else 0
        if missed:  # a profile check can only parse the selector; pages show whether it fits
            pages = stats.get_value("tarikh/extract_text/pages", 0)
            logger.warning("the profile's body selector %r matched nothing on %d of %d pages "
                           "(their text was found automatically)",
                           self.state.profile.rules.body_selector, missed, pages)

    async def process_item(self, item: PageItem) -> PageItem:
        profile = self.state.profile
        kwargs = {"encoding": item.encoding, "rules": profile.rules,
                  "date_selector": profile.date_selector}
        body = item.body or b""
        packing = (asyncio.get_running_loop().run_in_executor(self.packer, pack_html, body)
                   if self.packer is not None else None)
        try:
            analysis, item.extracted_packed, error = await off_reactor(
                self.state, analyse_and_pack, body, item.url, kwargs)
        except Exception as exc:  # noqa: BLE001 - a broken pool: this page fails, the run goes on
            analysis, error = None, f"{type(exc).__name__}: {exc}"
        try:
            item.html_packed, seconds = await packing if packing is not None else pack_html(body)
            self.add_cpu("compress_html", seconds)
        except Exception as exc:  # noqa: BLE001 - the article is still stored, without its raw copy
            logger.warning("could not compress the raw page of %s: %s", item.url, exc)
            self.state.counters.error(f"pack {item.url}: {type(exc).__name__}: {exc}")
            item.html_packed = None
        if analysis is None:
            logger.warning("extraction failed for %s: %s", item.url, error)
            self.state.counters.error(f"extract {item.url}: {error}")
            item.error = f"extract: {error}"  # store_article keeps the raw page for `reprocess`
            self.count("failed")
            return item
        item.analysis = analysis
        item.body = None  # the packed copy is kept; free the rest early
        for step, seconds in analysis.cpu.items():
            self.add_cpu(step, seconds)
        if analysis.page.body_selector_missed:
            self.count("body_selector_missed")
        self.count("pages")
        return item
