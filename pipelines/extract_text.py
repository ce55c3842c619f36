"""Stage 1: the heavy pass, in the crawl's worker pool: parse, read the metadata once, collect
date candidates, extract the main text — and compress the raw HTML and the analysis for the
`pages` table, in the same round trip, so a page's body crosses to the worker once.

The stage owns the pool (opened first, closed last): parsing and zlib are milliseconds of CPU
per page, which belong off the reactor's process.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from crawler.items import PageItem
from pipelines import store
from pipelines.article.pool import worker_pool
from pipelines.article.process import Analysis, analyse_html
from pipelines.stage import Stage, off_reactor

logger = logging.getLogger(__name__)


def analyse_and_pack(body: bytes, url: str, kwargs: dict[str, Any]
                     ) -> tuple[bytes | None, Analysis | None, bytes | None, str | None]:
    """Runs in a worker: (packed HTML, analysis, packed analysis JSON, error). The HTML is
    packed even when the analysis fails, so a page we cannot process is still kept raw."""
    start = time.thread_time()
    packed_html = store.pack(body)
    compress = time.thread_time() - start
    try:
        analysis = analyse_html(body, url, **kwargs)
    except Exception as exc:  # noqa: BLE001 - one bad page is reported, the run goes on
        return packed_html, None, None, f"{type(exc).__name__}: {exc}"
    start = time.thread_time()
    packed = store.pack(analysis.to_json())
    analysis.cpu["compress"] = compress + time.thread_time() - start
    return packed_html, analysis, packed, None


class ExtractPipeline(Stage):
    name = "extract_text"

    def open_spider(self) -> None:
        state = self.state
        state.pool = worker_pool(state.workers) if state.workers > 0 else None

    def close_spider(self) -> None:
        if self.state.pool is not None:
            self.state.pool.shutdown(wait=True, cancel_futures=True)
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
        try:
            item.html_packed, analysis, item.extracted_packed, error = await off_reactor(
                self.state, analyse_and_pack, item.body or b"", item.url, kwargs)
        except Exception as exc:  # noqa: BLE001 - a broken pool: this page fails, the run goes on
            analysis, error = None, f"{type(exc).__name__}: {exc}"
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
