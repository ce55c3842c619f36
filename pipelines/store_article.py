"""Stage 5: write article + raw page + search row in one transaction; count everything for the
run log. The only stage that writes: it owns the run's database connection."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy.exceptions import DropItem
from twisted.internet import task

from crawler.items import PageItem, StoredArticle
from crawler.state import CrawlState
from pipelines import store
from pipelines.article.dupes import store_article
from pipelines.article.process import KEEP_RAW_REASONS, drop_reason, make_record
from pipelines.article.reprocess import refinish
from pipelines.stage import Stage

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Articles cleaned before the site's template had seen this many pages are cleaned again
#: at the end of the run, when the template knows the site's furniture.
REFINISH_BELOW_PAGES = 60
def page_row(item: PageItem, state: CrawlState, *, kind: str) -> dict[str, Any]:
    """The `pages` row of one fetched page."""
    packed = item.html_packed
    if packed is None and item.body is not None:
        packed = store.pack(item.body)
    extracted = item.extracted_packed
    if extracted is None and item.analysis is not None:
        extracted = store.pack(item.analysis.to_json())
    return {
        "url": item.key,
        "site": state.profile.name,
        "status": item.status,
        "fetched_at": item.fetched_at,
        "etag": item.etag,
        "last_modified": item.last_modified,
        "content_type": item.content_type,
        "encoding": item.encoding,
        "html": packed,
        "extracted": extracted,
        "kind": kind,
        "error": item.error,
        "run_id": state.run_id,
    }


class StorePipeline(Stage):
    name = "store_article"

    def open_spider(self) -> None:
        state = self.state
        self.db = store.connect(state.db_path)
        self.owns_run = state.run_id is None
        if self.owns_run:  # `scrapy crawl site …` without the tarikh CLI
            state.run_id = store.start_run(self.db, state.profile.name, state.mode, {})
        assert state.run_id is not None
        self.run_id: int = state.run_id
        self.immature: list[str] = []
        self._since_flush = 0
        self.batch = store.BatchWriter(self.db)
        self.flusher = task.LoopingCall(self.batch.flush)
        self.flusher.start(self.batch.max_seconds, now=False)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one write inside the current batch transaction."""
        with self.cpu("store"):
            self.batch.begin()
            with store.transaction(self.db):  # a savepoint: a failing write undoes only itself
                result = fn(self.db, *args, **kwargs)
            self.batch.wrote()
        return result

    def process_item(self, item: PageItem) -> StoredArticle:
        state = self.state
        if item.analysis is None:  # extraction failed: keep it raw so `reprocess` can retry
            self.write(store.save_page, page_row(item, state, kind="failed"))
            self._maybe_flush()
            raise DropItem(f"unparseable page {item.url}")
        with self.cpu("record"):
            record = make_record(item.url, item.analysis, item.blocks, item.picked_date,
                                 state.site_ctx, fetched_at=item.fetched_at)
        reason = drop_reason(item.analysis.page.kind, item.article_hint, record["text"],
                             record["published"], state.since, state.until)
        if reason is not None:
            state.counters.drop(reason)
            self.count(f"dropped/{reason}")
            if reason in KEEP_RAW_REASONS:
                self.write(store.save_page, page_row(item, state, kind=reason))
            self._maybe_flush()
            raise DropItem(f"{reason}: {item.url}")
        record["run_id"] = state.run_id
        try:
            # with near-duplicate detection: the story's copies are linked as they arrive
            result = self.write(store_article, record, page=page_row(item, state, kind="article"))
        except sqlite3.Error as exc:  # e.g. locked by another writer past the busy timeout
            logger.error("could not store %s: %s", item.url, exc)
            state.counters.error(f"store {item.url}: {exc}")
            raise DropItem(f"not stored (next run fetches it again): {item.url}") from exc
        state.counters.count_write(result)
        self.count(result.status)
        state.remember(item.key, item.etag, item.last_modified, item.fetched_at)
        if item.template_pages < REFINISH_BELOW_PAGES:
            self.immature.append(item.key)
        self._maybe_flush()
        return StoredArticle(url=record["url"], title=record["title"],
                             published=record["published"], language=record["language"])

    def _maybe_flush(self) -> None:
        """Every 200 pages: the run log and the learned template reach the database, so a
        watcher sees progress and a killed run keeps most of what it learned."""
        self._since_flush += 1
        if self._since_flush >= 200:
            self._since_flush = 0
            store.update_run(self.db, self.run_id, self.state.counters)
            self._save_template()

    def _save_template(self) -> None:
        ctx = self.state.site_ctx
        store.save_template(self.db, ctx.site, ctx.template.to_json(), ctx.template.pages_seen)

    def close_spider(self) -> None:
        state = self.state
        if self.flusher.running:
            self.flusher.stop()
        self.batch.flush()
        self._save_template()
        refinish(self.db, self.immature, state.site_ctx)
        store.update_run(self.db, self.run_id, state.counters,
                         status="ok" if self.owns_run else None)
        self.db.conn.close()
