"""Stage 2: parse, collect date candidates and extract the main text, in the worker pool."""

from __future__ import annotations

import logging
import time
from typing import Any

from crawler.items import PageItem
from pipelines import store
from pipelines.article.process import Analysis, analyse_html
from pipelines.stage import Stage, off_reactor

logger = logging.getLogger(__name__)


def analyse_and_pack(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Analysis, bytes | None]:
    """Runs in a worker: the analysis, and its compressed JSON for the `pages` table."""
    analysis = analyse_html(*args, **kwargs)
    start = time.thread_time()
    packed = store.pack(analysis.to_json())
    analysis.cpu["compress"] = time.thread_time() - start
    return analysis, packed


class ExtractPipeline(Stage):
    name = "extract_text"

    async def process_item(self, item: PageItem) -> PageItem:
        profile = self.state.profile
        args = (item.body or b"", item.url)
        kwargs = {"encoding": item.encoding, "rules": profile.rules,
                  "date_selector": profile.date_selector}
        try:
            analysis, item.extracted_packed = await off_reactor(
                self.state, analyse_and_pack, args, kwargs)
        except Exception as exc:  # noqa: BLE001 - one bad page is counted, the run goes on
            logger.warning("extraction failed for %s: %s", item.url, exc)
            self.state.counters.error(f"extract {item.url}: {exc}")
            item.error = f"extract: {exc}"  # store_article keeps the raw page for `reprocess`
            self.count("failed")
            return item
        item.analysis = analysis
        item.body = None  # the packed copy is kept; free the rest early
        for step, seconds in analysis.cpu.items():
            self.add_cpu(step, seconds)
        self.count("pages")
        return item
