"""Stage 5: write article + raw page + search row in one transaction; count everything for the
run log. The only stage that writes: it owns the run's database connection."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.cluster.conn import RedisDown, RedisGone
from crawler.cluster.conn import connect as redis_connect
from crawler.cluster.records import RecordSender
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
    """The run's one writer. What it counts as stored (and remembers, so the next run does not
    fetch it again) is only what a committed batch holds: a batch lost to a full disk or an
    I/O error is counted as errors, stops the crawl (`store_failed`, exit 3) and leaves the
    database as the last committed batch left it. In a cluster (`--redis`) it sends the same
    rows to the writer's stream instead (crawler.cluster), which commits and counts them."""

    name = "store_article"
    opened = False  # Scrapy closes every stage, also when another one failed to open

    def open_spider(self) -> None:
        state = self.state
        self.immature: list[str] = []
        self._since_flush = 0
        self.failed = False
        self.sender: RecordSender | None = None
        if state.redis_url:
            self.sender = RecordSender(redis_connect(state.redis_url))
            self.owns_run = state.run_id is None
            if self.owns_run:
                state.run_id = self.sender.start_run(state.profile.name, state.mode, {})
            assert state.run_id is not None
            self.run_id: int = state.run_id
            self.opened = True
            return
        self.db = store.connect(state.db_path)
        self.owns_run = state.run_id is None
        if self.owns_run:  # `scrapy crawl site …` without the tarikh CLI
            state.run_id = store.start_run(self.db, state.profile.name, state.mode, {})
        assert state.run_id is not None
        self.run_id = state.run_id
        self.batch = store.BatchWriter(self.db)
        self.flusher = task.LoopingCall(self.flush)
        self.flusher.start(self.batch.max_seconds, now=False)
        self.opened = True

    def write(self, fn: Callable[..., T], *args: Any, label: str,
              on_commit: Callable[[T], None] | None = None, **kwargs: Any) -> T:
        """Run one write inside the current batch transaction; `on_commit(result)` once the
        batch holding it is committed."""
        with self.cpu("store"):
            self.batch.begin()
            try:
                with store.transaction(self.db):  # a savepoint: a failing write undoes itself
                    result = fn(self.db, *args, **kwargs)
            except sqlite3.Error as exc:
                if not self.db.conn.in_transaction:  # SQLite dropped the whole batch
                    self._lost(self.batch.abandon(exc))
                raise
            hook = None if on_commit is None else (lambda: on_commit(result))
            try:
                self.batch.wrote(label, hook)
            except store.BatchLost as lost:
                self._lost(lost)
        return result

    def flush(self) -> None:
        """Commit the open batch (the timer calls this too)."""
        try:
            self.batch.flush()
        except store.BatchLost as lost:
            self._lost(lost)

    def _lost(self, lost: store.BatchLost) -> None:
        """A batch that could not be committed: each of its pages is an error (the next run
        fetches them again), and a database that cannot take writes stops the crawl."""
        logger.error("could not commit %d page(s): %s", len(lost.labels), lost.cause)
        for label in lost.labels:
            self.state.counters.error(f"store {label}: {lost.cause}")
        self._stop_storing()

    def _stop_storing(self) -> None:
        """End the crawl as `store_failed` (exit 3): pages it could not keep are not worth
        downloading."""
        if not self.failed:
            self.failed = True
            self.state.store_failed = True
            engine = getattr(self.crawler, "engine", None)
            if engine is not None and engine.spider is not None:
                deferred_from_coro(engine.close_spider_async(reason="store_failed"))

    def process_item(self, item: PageItem) -> StoredArticle:
        state = self.state
        if self.failed:
            raise DropItem(f"not stored (the database takes no writes): {item.url}")
        if item.analysis is None:  # extraction failed: keep it raw so `reprocess` can retry
            self._save_page(item, "failed")
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
                self._save_page(item, reason)
            else:
                self._maybe_flush()
            raise DropItem(f"{reason}: {item.url}")
        record["run_id"] = state.run_id
        if self.sender is not None:  # the writer commits and counts new/updated/unchanged
            try:
                with self.cpu("store"):
                    self.sender.upsert_article(record, page_row(item, state, kind="article"))
            except RedisDown as exc:  # not remembered: the next run fetches it again
                self._unsent(item, exc)
                raise DropItem(f"not sent (next run fetches it again): {item.url}") from exc
            self.count("sent")
            self._remember(item)
            return self._stored(record)

        def committed(result: store.WriteResult) -> None:
            state.counters.count_write(result)
            self.count(result.status)
            self._remember(item)

        try:
            # with near-duplicate detection: the story's copies are linked as they arrive
            self.write(store_article, record, page=page_row(item, state, kind="article"),
                       label=item.url, on_commit=committed)
        except sqlite3.Error as exc:  # e.g. locked by another writer past the busy timeout
            logger.error("could not store %s: %s", item.url, exc)
            state.counters.error(f"store {item.url}: {exc}")
            if _database_failing(exc):
                self._lost(store.BatchLost([], exc))
            raise DropItem(f"not stored (next run fetches it again): {item.url}") from exc
        return self._stored(record)

    def _unsent(self, item: PageItem, exc: RedisDown) -> None:
        """A record Redis did not take: an error of the run (the sender logs an outage once,
        not once per page); an outage past its limit stops the crawl, as a full disk does."""
        if self.sender is not None and not self.sender.outage.down:
            logger.error("could not send %s: %s", item.url, exc)
        self.state.counters.error(f"send {item.url}: {exc}")
        if isinstance(exc, RedisGone) and not self.failed:
            logger.error("%s; stopping the crawl", exc)
            self._stop_storing()

    def _remember(self, item: PageItem) -> None:
        """A stored page: the run need not fetch it again, and it is re-cleaned at the end
        when the template was young."""
        self.state.remember(item.key, item.etag, item.last_modified, item.fetched_at)
        if item.template_pages < REFINISH_BELOW_PAGES:
            self.immature.append(item.key)

    def _stored(self, record: dict[str, Any]) -> StoredArticle:
        self._maybe_flush()
        return StoredArticle(url=record["url"], title=record["title"],
                             published=record["published"], language=record["language"])

    def _save_page(self, item: PageItem, kind: str) -> None:
        row = page_row(item, self.state, kind=kind)
        if self.sender is not None:
            try:
                self.sender.save_page(row)
            except RedisDown as exc:
                self._unsent(item, exc)
        else:
            try:
                self.write(store.save_page, row, label=item.url)
            except sqlite3.Error as exc:
                self.state.counters.error(f"store {item.url}: {exc}")
                if _database_failing(exc):
                    self._lost(store.BatchLost([], exc))
        self._maybe_flush()

    def _update_run(self, status: str | None) -> None:
        if self.sender is not None:
            self.sender.update_run(self.run_id, self.state.counters, status=status)
        else:
            store.update_run(self.db, self.run_id, self.state.counters, status=status)

    def _maybe_flush(self) -> None:
        """Every 200 pages: the run log and the learned template reach the database, so a
        watcher sees progress and a killed run keeps most of what it learned."""
        self._since_flush += 1
        if self._since_flush >= 200 and not self.failed:
            self._since_flush = 0
            try:
                self._update_run(None)
                self._save_template()
            except sqlite3.Error as exc:
                logger.error("could not update the run log: %s", exc)
            except RedisDown:  # an outage the sender has reported: the next flush sends it
                pass

    def _save_template(self) -> None:
        ctx = self.state.site_ctx
        if self.sender is not None:
            self.sender.save_template(ctx.site, ctx.template.to_json(), ctx.template.pages_seen)
            return
        store.save_template(self.db, ctx.site, ctx.template.to_json(), ctx.template.pages_seen)

    def close_spider(self) -> None:
        if not self.opened:
            return
        state = self.state
        if self.sender is not None:  # the run's last records wait through an outage (bounded)
            ctx = state.site_ctx
            try:
                self.sender.save_template(ctx.site, ctx.template.to_json(), ctx.template.pages_seen,
                                          wait=True)
                self.sender.refinish(ctx.site, self.immature, wait=True)
                self.sender.update_run(self.run_id, state.counters,
                                       status="ok" if self.owns_run else None, wait=True)
            except RedisDown as exc:
                logger.error("could not finish the run log: %s", exc)
                state.counters.error(f"send: {exc}")
            return
        if self.flusher.running:
            self.flusher.stop()
        self.flush()
        if not self.failed:
            try:
                self._save_template()
                refinish(self.db, self.immature, state.site_ctx)
                self._update_run("ok" if self.owns_run else None)
            except sqlite3.Error as exc:  # the end of the run could not be written
                logger.error("could not finish the run log: %s", exc)
                state.counters.error(f"store: {exc}")
        self.db.conn.close()


def _database_failing(exc: sqlite3.Error) -> bool:
    """A database that takes no more writes (full disk, I/O error, read-only file), as opposed
    to one busy write: the crawl should stop rather than download pages it cannot keep."""
    text = str(exc).lower()
    return any(m in text for m in ("full", "disk i/o", "readonly", "read-only", "malformed"))
