"""Reads and updates of the raw `pages` table: what a run need not fetch, what reprocess redoes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlite_utils

from pipelines.store.db import iter_rows, transaction

#: Page kinds whose stored HTML `reprocess` analyses again.
REPROCESS_KINDS = ("article", "empty_text", "failed")


def known_pages(
    db: sqlite_utils.Database, site: str, resume_runs: list[int]
) -> Iterator[tuple[str, str | None, str | None, str | None]]:
    """(url, etag, last_modified, fetched_at) of every stored article of `site`, and of every
    page an interrupted run handled when resuming it."""
    yield from db.execute(
        "select url, etag, last_modified, fetched_at from pages where site = ? and kind = 'article'",
        [site],
    )
    if resume_runs:
        marks = ",".join("?" * len(resume_runs))
        yield from db.execute(
            f"select url, etag, last_modified, fetched_at from pages where site = ? and run_id in ({marks})",
            [site, *resume_runs],
        )
    yield from db.execute("select url, null, null, fetched_at from articles where site = ?", [site])


def page_sites(db: sqlite_utils.Database) -> list[str]:
    return [r[0] for r in db.execute("select distinct site from pages order by site")]


def reprocessable_urls(db: sqlite_utils.Database, site: str, since: str | None) -> list[str]:
    marks = ",".join("?" * len(REPROCESS_KINDS))
    sql = f"select url from pages where site = ? and kind in ({marks})"
    params: list[Any] = [site, *REPROCESS_KINDS]
    if since:
        sql += " and fetched_at >= ?"
        params.append(since)
    return [r[0] for r in db.execute(sql + " order by url", params)]


def stored_html(db: sqlite_utils.Database, url: str) -> tuple[bytes | None, str | None]:
    """(packed html, encoding) of a stored page."""
    row = db.execute("select html, encoding from pages where url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def stored_analysis(db: sqlite_utils.Database, url: str) -> tuple[bytes | None, str | None]:
    """(packed analysis JSON, fetched_at) of a stored page."""
    row = db.execute("select extracted, fetched_at from pages where url = ?", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def set_analysis(db: sqlite_utils.Database, url: str, packed: bytes) -> None:
    with transaction(db):
        db.execute("update pages set extracted = ?, error = null where url = ?", [packed, url])


def set_kind(db: sqlite_utils.Database, url: str, kind: str) -> None:
    with transaction(db):
        db.execute("update pages set kind = ? where url = ?", [kind, url])


def first_run_of(db: sqlite_utils.Database, article_url: str) -> int | None:
    """The run that first stored an article (None if it is not stored)."""
    row = db.execute("select run_id from articles where url = ?", [article_url]).fetchone()
    return row[0] if row else None


def pages_for_warc(db: sqlite_utils.Database, site: str | None = None) -> Iterator[dict[str, Any]]:
    """Stored raw pages with their HTTP fields, in storage order, for a WARC export."""
    sql = ("select url, site, status, fetched_at, etag, last_modified, content_type, encoding, html"
           " from pages where html is not null")
    params: list[Any] = []
    if site:
        sql += " and site = ?"
        params.append(site)
    yield from iter_rows(db, sql + " order by rowid", params)
