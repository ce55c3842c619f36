"""Stage 1: compress the fetched HTML for the `pages` table (re-processing needs no refetch).

It also owns the crawl's worker pool (opened first, closed last): zlib at this size is
milliseconds of CPU per page, which belongs off the reactor's process like extraction.
"""

from __future__ import annotations

import time

from crawler.items import PageItem
from pipelines import store
from pipelines.article.pool import worker_pool
from pipelines.stage import Stage, off_reactor


class RawPagePipeline(Stage):
    name = "keep_raw"

    def open_spider(self) -> None:
        state = self.state
        state.pool = None
        if state.workers > 0:
            state.pool = worker_pool(state.workers)

    def close_spider(self) -> None:
        if self.state.pool is not None:
            self.state.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: PageItem) -> PageItem:
        item.html_packed, seconds = await off_reactor(self.state, timed_pack, item.body)
        self.add_cpu("compress", seconds)
        self.count("pages")
        return item


def timed_pack(body: bytes | None) -> tuple[bytes | None, float]:
    """Runs in a worker: the compressed page, and the CPU seconds it took."""
    start = time.thread_time()
    packed = store.pack(body)
    return packed, time.thread_time() - start
