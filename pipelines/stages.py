"""Scrapy item pipelines: thin adapters over `pipelines.process` and `pipelines.store`.

Order (see crawler/settings.py): keep raw → extract → furniture → date → store. The
CPU-heavy work (zlib, parsing, extraction) runs in a process pool, so the reactor keeps
downloading while pages are analysed.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sqlite3
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from scrapy.exceptions import DropItem
from twisted.internet import task

from pipelines import store
from pipelines.furniture import SiteTemplate
from pipelines.process import (
    Analysis,
    SiteContext,
    analyse_html,
    clean_blocks,
    date_of,
    make_record,
)
from pipelines.reprocess import rederive

logger = logging.getLogger(__name__)

#: Articles cleaned before the site's template had seen this many pages are cleaned again
#: at the end of the run, when the template knows the site's furniture.
REFINISH_BELOW_PAGES = 60


def _state(crawler: Any) -> Any:
    state = getattr(crawler, "tarikh_state", None)
    if state is None:
        raise RuntimeError("tarikh pipelines need the tarikh spider (crawler.spiders.site)")
    return state


def _warm_worker() -> None:
    """Import the heavy modules once per worker, not on the first page."""
    import pipelines.process  # noqa: F401


class _Stage:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> _Stage:
        return cls(crawler)

    @property
    def state(self) -> Any:
        return _state(self.crawler)


class RawPagePipeline(_Stage):
    """Compress the fetched HTML for the `pages` table (re-processing needs no refetch).

    It also owns the crawl's worker pool (opened first, closed last): zlib at this size is
    milliseconds of CPU per page, which belongs off the reactor's process like extraction.
    """

    def open_spider(self) -> None:
        workers = self.state.workers
        self.state.pool = None
        if workers > 0:
            ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
            self.state.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                                  initializer=_warm_worker)

    def close_spider(self) -> None:
        if self.state.pool is not None:
            self.state.pool.shutdown(wait=True, cancel_futures=True)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        item["html_packed"] = await off_reactor(self.state, store.pack, item["body"])
        return item


async def off_reactor(state: Any, fn: Any, *args: Any) -> Any:
    """Run CPU-bound work in the crawl's worker pool (inline when it has none)."""
    pool: Executor | None = getattr(state, "pool", None)
    if pool is None:
        return fn(*args)
    return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)


class ExtractPipeline(_Stage):
    """Parse, collect date candidates and extract the main text, in the worker pool."""

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        profile = self.state.profile
        args = (item["body"], item["url"])
        kwargs = {"encoding": item.get("encoding"), "rules": profile.rules,
                  "date_selector": profile.date_selector}
        try:
            analysis, packed = await off_reactor(self.state, _analyse, args, kwargs)
        except Exception as exc:
            logger.warning("extraction failed for %s: %s", item["url"], exc)
            self.state.counters.error(f"extract {item['url']}: {exc}")
            item["error"] = f"extract: {exc}"
            StorePipeline.keep_failed_page(self.crawler, item)
            raise DropItem(f"unparseable page {item['url']}") from exc
        item["analysis"] = analysis
        item["extracted_packed"] = packed
        del item["body"]  # the packed copy is kept; free the rest early
        return item


def _analyse(args: tuple, kwargs: dict) -> tuple[Analysis, bytes]:
    """Runs in a worker: the analysis, and its compressed JSON for the `pages` table."""
    analysis = analyse_html(*args, **kwargs)
    return analysis, store.pack(analysis.to_json())


class FurniturePipeline(_Stage):
    """Strip site furniture with generic rules, the profile's rules and the learned template."""

    def open_spider(self) -> None:
        state = self.state
        db = store.connect(state.db_path)
        try:
            saved = store.load_template(db, state.profile.name)
        finally:
            db.conn.close()
        profile = state.profile
        state.site_ctx = SiteContext(
            site=profile.name,
            template=SiteTemplate.from_json(saved) if saved else SiteTemplate(),
            rules=profile.rules,
            hijri_offset=profile.hijri_offset,
            timezone=profile.timezone or None,
            language=profile.language or None,
            calendar=profile.calendar,
        )

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        ctx = self.state.site_ctx
        item["template_pages"] = ctx.template.pages_seen
        item["blocks"] = clean_blocks(item["analysis"], ctx, page_key=item["key"])
        return item


class DatePipeline(_Stage):
    """Pick and normalise the publication date among the page's candidates."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        item["picked_date"] = date_of(item["analysis"], self.state.site_ctx)
        return item


class StorePipeline(_Stage):
    """Write article + raw page + search row in one transaction; count everything for the run log."""

    def open_spider(self) -> None:
        state = self.state
        self.db = store.connect(state.db_path)
        self.owns_run = state.run_id is None
        if self.owns_run:  # `scrapy crawl site …` without the tarikh CLI
            state.run_id = store.start_run(self.db, state.profile.name, state.mode, {})
        self.immature: list[str] = []
        self._since_flush = 0
        self.batch = store.BatchWriter(self.db)
        self.flusher = task.LoopingCall(self.batch.flush)
        self.flusher.start(self.batch.max_seconds, now=False)
        state.store_pipeline = self

    def write(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one write inside the current batch transaction."""
        self.batch.begin()
        with store.transaction(self.db):  # a savepoint: a failing write undoes only itself
            result = fn(self.db, *args, **kwargs)
        self.batch.wrote()
        return result

    @staticmethod
    def keep_failed_page(crawler: Any, item: dict[str, Any]) -> None:
        """A page we could not process is still kept raw, so `reprocess` can retry it."""
        state = _state(crawler)
        state.store_pipeline.write(store.save_page, _page_row(item, state, kind="failed"))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        analysis: Analysis = item["analysis"]
        record = make_record(item["url"], analysis, item["blocks"], item["picked_date"], state.site_ctx,
                             fetched_at=item["fetched_at"])
        reason = drop_reason(item, record, state)
        if reason is not None:
            state.counters.drop(reason)
            if reason in ("empty_text", "out_of_range", "no_date_in_range"):
                self.write(store.save_page, _page_row(item, state, kind=reason))
            self._maybe_flush()
            raise DropItem(f"{reason}: {item['url']}")
        record["run_id"] = state.run_id
        try:
            result = self.write(store.upsert_article, record, page=_page_row(item, state, kind="article"))
        except sqlite3.Error as exc:  # e.g. locked by another writer past the busy timeout
            logger.error("could not store %s: %s", item["url"], exc)
            state.counters.error(f"store {item['url']}: {exc}")
            raise DropItem(f"not stored (next run fetches it again): {item['url']}") from exc
        state.counters.count_write(result)
        state.remember(item["key"], item.get("etag"), item.get("last_modified"),
                       item["fetched_at"])
        if item.get("template_pages", 0) < REFINISH_BELOW_PAGES:
            self.immature.append(item["key"])
        self._maybe_flush()
        return {k: record[k] for k in ("url", "title", "published", "language")}

    def _maybe_flush(self) -> None:
        """Every 200 pages: the run log and the learned template reach the database, so a
        watcher sees progress and a killed run keeps most of what it learned."""
        self._since_flush += 1
        if self._since_flush >= 200:
            self._since_flush = 0
            store.update_run(self.db, self.state.run_id, self.state.counters)
            self._save_template()

    def _save_template(self) -> None:
        ctx = self.state.site_ctx
        store.save_template(self.db, ctx.site, ctx.template.to_json(), ctx.template.pages_seen)

    def close_spider(self) -> None:
        state = self.state
        if self.flusher.running:
            self.flusher.stop()
        self.batch.flush()
        if state.site_ctx is not None:
            self._save_template()
            refinish(self.db, self.immature, state.site_ctx)
        store.update_run(self.db, state.run_id, state.counters,
                         status="ok" if self.owns_run else None)
        self.db.conn.close()


def drop_reason(item: dict[str, Any], record: dict[str, Any], state: Any) -> str | None:
    """Why a processed page is not stored as an article (None: store it)."""
    kind = item["analysis"].page.kind
    if item.get("article_hint") is not True and kind != "article":
        return "not_article"
    if not record["text"].strip():
        return "empty_text"
    if state.since is not None or state.until is not None:
        day = (record["published"] or "")[:10]
        if not day:
            return "no_date_in_range"
        if (state.since and day < state.since.isoformat()) or (
            state.until and day > state.until.isoformat()
        ):
            return "out_of_range"
    return None


def _page_row(item: dict[str, Any], state: Any, *, kind: str) -> dict[str, Any]:
    analysis = item.get("analysis")
    packed = item.get("html_packed")
    if packed is None and item.get("body") is not None:
        packed = store.pack(item["body"])
    return {
        "url": item["key"],
        "site": state.profile.name,
        "status": item.get("status"),
        "fetched_at": item.get("fetched_at"),
        "etag": item.get("etag"),
        "last_modified": item.get("last_modified"),
        "content_type": item.get("content_type"),
        "encoding": item.get("encoding"),
        "html": packed,
        "extracted": item.get("extracted_packed")
        or (store.pack(analysis.to_json()) if analysis is not None else None),
        "kind": kind,
        "error": item.get("error"),
        "run_id": state.run_id,
    }


def refinish(db: Any, urls: list[str], ctx: SiteContext) -> int:
    """Clean again the articles of this run that were cleaned before the template matured."""
    changed = 0
    for url in urls:
        record = rederive(db, url, ctx)
        if record is not None and store.upsert_article(db, record).status == "updated":
            changed += 1
    if changed:
        logger.info("re-cleaned %d early articles with the learned template", changed)
    return changed
