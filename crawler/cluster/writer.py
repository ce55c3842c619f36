"""`tarikh writer`: the one process that writes the database of a cluster.

It reads the record stream as a consumer group, commits a batch in one SQLite transaction
with today's store functions, and only then acknowledges (and deletes) the entries: a writer
killed mid-batch leaves them pending, and the next writer takes them over (its own pending
entries first, then XAUTOCLAIM of a dead consumer's). Every record is an idempotent upsert,
so one delivered twice changes nothing. When Redis goes away (restarted, a network blip) it
waits with backoff, one line per outage, and carries on where it was (exit 3 only after
`--redis-wait` seconds).
"""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.cluster import keys
from crawler.cluster.codec import decode
from crawler.cluster.conn import DEFAULT_OUTAGE_LIMIT, OUTAGE_ERRORS, Outage
from crawler.profiles import ProfileError, load_profile
from pipelines import store
from pipelines.article.dupes import store_article
from pipelines.article.process import SiteContext
from pipelines.article.reprocess import refinish
from pipelines.page.furniture import SiteTemplate

logger = logging.getLogger(__name__)

Entry = tuple[bytes, dict[bytes, bytes] | None]


@dataclass(slots=True)
class WriterStats:
    batches: int = 0
    records: int = 0
    bad: int = 0
    claimed: int = 0
    by_type: dict[str, int] = field(default_factory=dict)


class StreamWriter:
    def __init__(self, client: redis.Redis, db_path: str, *, consumer: str = "writer",
                 batch: int = 200, block_ms: int = 1000, claim_idle_ms: int = 30_000,
                 outage_limit: float = DEFAULT_OUTAGE_LIMIT) -> None:
        self.client = client
        self.db_path = db_path
        self.consumer = consumer
        self.batch_size = batch
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.db = store.connect(db_path)
        self.stats = WriterStats()
        self.stopping = False
        self.outage = Outage(f"writer {consumer}", limit=outage_limit)

    # -- setting up -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Create the group, raise the run-id floor, and publish what crawls need to know."""
        try:
            self.client.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        floor = store.max_run_id(self.db)
        current = int(self.client.get(keys.RUN_IDS) or 0)
        if current < floor or not self.client.exists(keys.RUN_IDS):
            self.client.set(keys.RUN_IDS, max(current, floor))
        for site in store.page_sites(self.db):
            if not self.client.exists(keys.known(site)):
                self._publish_known(site)
            if not self.client.exists(keys.template(site)):
                data = store.load_template(self.db, site)
                if data is not None:
                    self.client.set(keys.template(site), json.dumps(data, ensure_ascii=False))

    def _publish_known(self, site: str) -> None:
        mapping: dict[str, str] = {}
        for url, etag, last_modified, fetched_at in store.known_pages(self.db, site, []):
            if url not in mapping or etag or last_modified:
                mapping[url] = json.dumps([etag, last_modified, fetched_at])
        for start in range(0, len(mapping), 1000):
            chunk = dict(list(mapping.items())[start:start + 1000])
            self.client.hset(keys.known(site), mapping=chunk)  # type: ignore[arg-type]

    # -- the loop ---------------------------------------------------------------------------

    def run(self, *, idle_exit: float | None = None) -> WriterStats:
        """Commit records until stopped (SIGTERM/SIGINT finish the batch first) or, with
        `idle_exit`, until the stream has been empty that long."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.prepare()
        backlog = True  # our own pending entries (a previous life of this consumer) first
        last_work = time.monotonic()
        while not self.stopping:
            try:
                if self.outage.down:  # Redis is back (or seems to be): it may have lost the group
                    self.prepare()
                entries = self._next(backlog)
                if self.outage.ok():
                    last_work = time.monotonic()
                if backlog and not entries:
                    backlog = False
                    continue
                if entries:
                    self.apply(entries)
                    last_work = time.monotonic()
                elif idle_exit is not None and time.monotonic() - last_work >= idle_exit:
                    break
            except sqlite3.OperationalError as exc:  # locked, disk full: retry the batch later
                logger.error("batch not committed (it stays pending): %s", exc)
                backlog = True
                time.sleep(1.0)
            except OUTAGE_ERRORS as exc:
                # A batch committed but not acknowledged stays pending: read our own pending
                # entries again when Redis is back (a redelivered record is a no-op).
                backlog = True
                self._pause(self.outage.failed(exc))
        self.db.conn.close()
        return self.stats

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def _pause(self, seconds: float) -> None:
        """Sleep between attempts during an outage, still answering SIGTERM promptly."""
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.1, end - time.monotonic()))

    def _next(self, backlog: bool) -> list[Entry]:
        if backlog:
            got = self.client.xreadgroup(keys.GROUP, self.consumer, {keys.STREAM: "0"},
                                         count=self.batch_size)
            return _entries(got)
        claimed = self.client.xautoclaim(keys.STREAM, keys.GROUP, self.consumer,
                                         min_idle_time=self.claim_idle_ms, count=self.batch_size)
        entries: list[Entry] = list(claimed[1])
        if entries:
            self.stats.claimed += len(entries)
            logger.warning("took over %d records of a dead writer", len(entries))
            return entries
        got = self.client.xreadgroup(keys.GROUP, self.consumer, {keys.STREAM: ">"},
                                     count=self.batch_size, block=self.block_ms)
        return _entries(got)

    def apply(self, entries: list[Entry]) -> None:
        """One transaction for the batch; acknowledged only once it is committed."""
        ids = [entry_id for entry_id, _ in entries]
        effects: list[tuple[str, Any]] = []
        # BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; the batch's search rows are
        # written together before the commit (one FTS5 segment, not one per record)
        with store.transaction(self.db), store.search_rows_at_commit(self.db):
            for entry_id, fields in entries:
                if not fields or b"r" not in fields:
                    continue  # deleted while pending
                try:
                    record = decode(fields[b"r"])
                    with store.transaction(self.db):  # a savepoint: a bad record undoes itself
                        effects.extend(self._apply_one(record))
                except (ValueError, KeyError, TypeError, sqlite3.IntegrityError,
                        sqlite3.InterfaceError) as exc:
                    # A record that can never be written must not block the stream forever.
                    self.stats.bad += 1
                    logger.error("skipped a bad record %s: %s", entry_id.decode(), exc)
        pipe = self.client.pipeline(transaction=False)
        for kind, args in effects:
            if kind == "known":
                site, url, value = args
                pipe.hset(keys.known(site), url, value)
            elif kind == "template":
                site, value = args
                pipe.set(keys.template(site), value)
        pipe.xack(keys.STREAM, keys.GROUP, *ids)
        pipe.xdel(keys.STREAM, *ids)
        pipe.execute()
        self.stats.batches += 1
        self.stats.records += len(ids)

    def _apply_one(self, record: dict[str, Any]) -> list[tuple[str, Any]]:
        kind = record["type"]
        self.stats.by_type[kind] = self.stats.by_type.get(kind, 0) + 1
        db = self.db
        if kind == "article":
            article, page = record["article"], record.get("page")
            before = store.stored_version(db, article["url"])
            # the same write as a single-process crawl: versions kept, near-duplicates linked
            result = store_article(db, article, page=page)
            redelivered = (before is not None and before[0] == article.get("run_id")
                           and result.status == "unchanged")
            if article.get("run_id") and not redelivered:
                store.count_article(db, int(article["run_id"]), result.status)
            if page is None:
                return []
            value = json.dumps([page.get("etag"), page.get("last_modified"), page.get("fetched_at")])
            return [("known", (page["site"], page["url"], value))]
        if kind == "page":
            store.save_page(db, record["page"])
            return []
        if kind == "template":
            store.save_template(db, record["site"], record["data"], int(record["pages_seen"]))
            return [("template", (record["site"], json.dumps(record["data"], ensure_ascii=False)))]
        if kind == "run_start":
            run = record["run"]
            if store.get_run_or_none(db, int(run["id"])) is None:
                store.mark_dead_runs(db, run["site"])  # the sender holds the site's lease
            store.record_run(db, run)
            return []
        if kind == "run":
            self._apply_run(record)
            return []
        if kind == "refinish":
            refinish(db, list(record["urls"]), self._context(record["site"]))
            return []
        raise ValueError(f"unknown record type {kind!r}")

    def _apply_run(self, record: dict[str, Any]) -> None:
        """Sum the counters of every process of the run (one, or a distributed backfill's)."""
        run_id = int(record["id"])
        parts_key = keys.run_parts(run_id)
        self.client.hset(parts_key, record["part"], json.dumps(record["counters"]))
        self.client.expire(parts_key, 30 * 86400)
        total = store.RunCounters()
        for value in self.client.hvals(parts_key):
            part = store.RunCounters(**json.loads(value))
            total = _add(total, part)
        store.update_run(self.db, run_id, total, status=record.get("status"),
                         exit_code=record.get("exit_code"), keep_article_counts=True)
        if record.get("duration") is not None:
            store.set_duration(self.db, run_id, float(record["duration"]))

    def _context(self, site: str) -> SiteContext:
        saved = store.load_template(self.db, site)
        template = SiteTemplate.from_json(saved) if saved else None
        try:
            return load_profile(site).site_context(template)
        except ProfileError:
            return SiteContext(site=site)


def _entries(reply: Any) -> list[Entry]:
    """The entries of an XREADGROUP reply on our one stream."""
    return list(reply[0][1]) if reply else []


def _add(a: store.RunCounters, b: store.RunCounters) -> store.RunCounters:
    out = store.RunCounters()
    for name in ("pages_downloaded", "not_modified", "articles_new", "articles_updated",
                 "articles_unchanged", "pages_dropped", "pages_skipped", "errors"):
        setattr(out, name, getattr(a, name) + getattr(b, name))
    for name in ("dropped_reasons", "skipped_reasons"):
        merged = dict(getattr(a, name))
        for key, n in getattr(b, name).items():
            merged[key] = merged.get(key, 0) + n
        setattr(out, name, merged)
    out.error_samples = (a.error_samples + b.error_samples)[:20]
    return out
