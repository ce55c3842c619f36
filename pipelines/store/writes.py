"""Writes of the crawl's hot path: articles with their raw page and search row, templates."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pipelines.store.db import (
    _upsert,
    drop_queued_search_rows,
    index_for_search,
    now_iso,
    queue_search_rows,
    transaction,
    write_queued_search_rows,
)

logger = logging.getLogger(__name__)


def content_hash(title: str | None, text: str | None, published: str | None) -> str:
    """What makes an article 'changed': its clean title, text and date."""
    h = hashlib.sha256()
    for part in (title or "", text or "", published or ""):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


@dataclass(slots=True)
class WriteResult:
    """What an upsert did, for the run log."""

    status: str  # "new" | "updated" | "unchanged"
    url: str


class BatchWriter:
    """Group a crawl's writes into short transactions (up to `max_items` or `max_seconds`).

    FTS5 writes a new index segment per transaction (and per savepoint: the batch's search
    rows wait for its commit, `queue_search_rows`) and every commit touches the WAL, so
    one transaction per article costs several times more than a batch. Each batch is still
    atomic — readers see whole articles or none — and `flush()` is called on a timer and at
    the end, so nothing waits long for its commit. A run killed mid-batch loses only that
    batch, which the next run fetches again.
    """

    def __init__(self, db: sqlite_utils.Database, *, max_items: int = 50, max_seconds: float = 0.5) -> None:
        self.db = db
        self.max_items = max_items
        self.max_seconds = max_seconds
        self._pending: list[tuple[str, Callable[[], None] | None]] = []
        self._opened = 0.0

    def begin(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.conn.execute("begin immediate")
            queue_search_rows(self.db)  # one FTS5 segment per batch, not per article
            self._opened = time.monotonic()

    def wrote(self, label: str, on_commit: Callable[[], None] | None = None) -> None:
        """One write of the batch is done; `on_commit` runs once it is committed, so what a
        run counts (and remembers as stored) is what the database really holds."""
        self._pending.append((label, on_commit))
        if len(self._pending) >= self.max_items or time.monotonic() - self._opened >= self.max_seconds:
            self.flush()

    def abandon(self, cause: sqlite3.Error) -> BatchLost:
        """The open batch is gone (SQLite rolled the transaction back on a full disk or an I/O
        error): what it held, to be counted as lost."""
        pending, self._pending = self._pending, []
        drop_queued_search_rows(self.db)
        if self.db.conn.in_transaction:
            self.db.conn.execute("rollback")
        return BatchLost([label for label, _ in pending], cause)

    def flush(self) -> None:
        """Commit the batch; on failure (disk full, I/O error) roll it back whole and raise
        BatchLost naming every write it held."""
        pending, self._pending = self._pending, []
        if self.db.conn.in_transaction:
            try:
                write_queued_search_rows(self.db)
                self.db.conn.execute("commit")
            except sqlite3.Error as exc:
                drop_queued_search_rows(self.db)
                if self.db.conn.in_transaction:
                    self.db.conn.execute("rollback")
                raise BatchLost([label for label, _ in pending], exc) from exc
        else:
            drop_queued_search_rows(self.db)
        for _, on_commit in pending:
            if on_commit is not None:
                on_commit()


class BatchLost(RuntimeError):
    """A batch that could not be committed: none of its writes are in the database."""

    def __init__(self, labels: list[str], cause: sqlite3.Error) -> None:
        super().__init__(f"{len(labels)} write(s) lost: {cause}")
        self.labels = labels
        self.cause = cause


def save_page(db: sqlite_utils.Database, page: dict[str, Any]) -> None:
    """Keep (or refresh) one raw page; `html`/`extracted` must already be packed."""
    _upsert(db, "pages", page, "url")


#: Why a stored article changed, as recorded in article_versions.reason.
REASON_SITE = "site"
REASON_REPROCESS = "reprocess"


def upsert_article(
    db: sqlite_utils.Database,
    article: dict[str, Any],
    *,
    page: dict[str, Any] | None = None,
    reason: str | None = REASON_SITE,
) -> WriteResult:
    """Insert or update an article (and its raw page and search row) atomically.

    A re-crawl never duplicates (the canonical URL is the key), an unchanged article is left
    alone, and an updated one keeps its `first_seen`, its `run_id` (the run that first stored
    it) and its earlier state as a row of `article_versions` marked with `reason` (None: keep no
    version — the end-of-run re-clean of an article this same fetch stored, whose earlier text
    was never published as such). The hash is of the clean title/text/date, so a counter or
    furniture change is no version. `updated_at` is the time of the change, not of the fetch:
    `reprocess` re-derives pages fetched long ago, and a sync by `updated_at` must see it.
    """
    url = article["url"]
    stamp = article.get("fetched_at") or now_iso()
    article = dict(article)
    article["content_hash"] = content_hash(
        article.get("title"), article.get("text"), article.get("published")
    )
    with transaction(db):
        if page is not None:
            save_page(db, page)
        row = db.execute(
            "select content_hash, first_seen, run_id from articles where url = ?", [url]
        ).fetchone()
        if row is not None and row[0] == article["content_hash"]:
            db.execute("update articles set fetched_at = ? where url = ?", [stamp, url])
            return WriteResult("unchanged", url)
        if row is not None and reason is not None:
            keep_version(db, url, replaced_at=stamp, reason=reason)
        article["first_seen"] = row[1] if row is not None else stamp
        if row is not None and row[2] is not None:
            article["run_id"] = row[2]
        article["updated_at"] = now_iso() if row is not None else stamp
        _upsert(db, "articles", article, "url")
        index_for_search(db, url, article.get("title"), article.get("text"))
        return WriteResult("new" if row is None else "updated", url)


def stored_version(db: sqlite_utils.Database, url: str) -> tuple[int | None, str | None] | None:
    """(run_id, content_hash) of a stored article, None if it is not stored: the cluster
    writer tells a redelivered record (same run, same content) from a new one."""
    row = db.execute("select run_id, content_hash from articles where url = ?", [url]).fetchone()
    return (row[0], row[1]) if row is not None else None


def keep_version(db: sqlite_utils.Database, url: str, *, replaced_at: str, reason: str) -> None:
    """Copy the stored state of `url` into article_versions before it is overwritten."""
    db.execute(
        "insert into article_versions (url, title, text, published, fetched_at, run_id,"
        " content_hash, replaced_at, reason) select url, title, text, published, fetched_at,"
        " run_id, content_hash, ?, ? from articles where url = ?",
        [replaced_at, reason, url],
    )


def article_versions(db: sqlite_utils.Database, url: str) -> list[dict[str, Any]]:
    """Every kept version of `url`, oldest first, then the current one (reason 'current')."""
    sql = (
        "select title, text, published, fetched_at, run_id, content_hash, replaced_at, reason"
        " from article_versions where url = ? order by replaced_at, id"
    )
    cursor = db.execute(sql, [url])
    names = [d[0] for d in cursor.description]
    versions = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    current = db.execute(
        "select title, text, published, fetched_at, run_id, content_hash, updated_at"
        " from articles where url = ?", [url]
    ).fetchone()
    if current is not None:
        versions.append({**dict(zip(names[:6], current[:6], strict=True)),
                         "replaced_at": None, "reason": "current", "updated_at": current[6]})
    return versions


def load_template(db: sqlite_utils.Database, site: str) -> dict[str, Any] | None:
    """The site's learned template; None (relearned from scratch, with a warning) when the
    stored row is not a template: a corrupt row must not stop every later run of the site."""
    row = db.execute("select data from templates where site = ?", [site]).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
    except (TypeError, ValueError):
        data = None
    if not isinstance(data, dict):
        logger.warning("the stored template of %s is corrupt: discarded, it will be relearned", site)
        return None
    return data


def save_template(db: sqlite_utils.Database, site: str, data: dict[str, Any], pages_seen: int) -> None:
    with transaction(db):
        db.table("templates").upsert(
            {
                "site": site,
                "data": json.dumps(data, ensure_ascii=False),
                "pages_seen": pages_seen,
                "updated_at": now_iso(),
            },
            pk="site",
        )
