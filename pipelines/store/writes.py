"""Writes of the crawl's hot path: articles with their raw page and search row, templates."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pipelines.store.db import _upsert, index_for_search, now_iso, transaction


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

    FTS5 writes a new index segment per transaction and every commit touches the WAL, so
    one transaction per article costs several times more than a batch. Each batch is still
    atomic — readers see whole articles or none — and `flush()` is called on a timer and at
    the end, so nothing waits long for its commit. A run killed mid-batch loses only that
    batch, which the next run fetches again.
    """

    def __init__(self, db: sqlite_utils.Database, *, max_items: int = 50, max_seconds: float = 0.5) -> None:
        self.db = db
        self.max_items = max_items
        self.max_seconds = max_seconds
        self._pending = 0
        self._opened = 0.0

    def begin(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.conn.execute("begin immediate")
            self._opened = time.monotonic()
            self._pending = 0

    def wrote(self) -> None:
        self._pending += 1
        if self._pending >= self.max_items or time.monotonic() - self._opened >= self.max_seconds:
            self.flush()

    def flush(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("commit")
        self._pending = 0


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
    alone, and an updated one keeps its `first_seen` and its earlier state as a row of
    `article_versions` marked with `reason` (None: keep no version — the end-of-run re-clean
    of an article this same fetch stored, whose earlier text was never published as such).
    The hash is of the clean title/text/date, so a counter or furniture change is no version.
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
            "select content_hash, first_seen from articles where url = ?", [url]
        ).fetchone()
        if row is not None and row[0] == article["content_hash"]:
            db.execute("update articles set fetched_at = ? where url = ?", [stamp, url])
            return WriteResult("unchanged", url)
        if row is not None and reason is not None:
            keep_version(db, url, replaced_at=stamp, reason=reason)
        article["first_seen"] = row[1] if row is not None else stamp
        article["updated_at"] = stamp
        _upsert(db, "articles", article, "url")
        index_for_search(db, url, article.get("title"), article.get("text"))
        return WriteResult("new" if row is None else "updated", url)


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
    row = db.execute("select data from templates where site = ?", [site]).fetchone()
    return json.loads(row[0]) if row else None


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
