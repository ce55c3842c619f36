"""The `runs` log: one row per crawl, backfill or reprocess, and the counters it carries."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from pipelines.store.db import now_iso, transaction
from pipelines.store.writes import WriteResult


@dataclass(slots=True)
class RunCounters:
    """Counters of one run, written to the `runs` table as the run goes."""

    pages_downloaded: int = 0
    not_modified: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    pages_dropped: int = 0
    pages_skipped: int = 0
    errors: int = 0
    dropped_reasons: dict[str, int] = field(default_factory=dict)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def drop(self, reason: str) -> None:
        """A downloaded page that gave no article."""
        self.pages_dropped += 1
        self.dropped_reasons[reason] = self.dropped_reasons.get(reason, 0) + 1

    def skip(self, reason: str, count: int = 1) -> None:
        """A page not downloaded at all (already stored, out of the backfill's range, …)."""
        self.pages_skipped += count
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + count

    def error(self, message: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(message[:300])

    def count_write(self, result: WriteResult) -> None:
        if result.status == "new":
            self.articles_new += 1
        elif result.status == "updated":
            self.articles_updated += 1
        else:
            self.articles_unchanged += 1

    def as_row(self) -> dict[str, Any]:
        return {
            "pages_downloaded": self.pages_downloaded,
            "not_modified": self.not_modified,
            "articles_new": self.articles_new,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "pages_dropped": self.pages_dropped,
            "dropped_reasons": json.dumps(self.dropped_reasons, sort_keys=True),
            "pages_skipped": self.pages_skipped,
            "skipped_reasons": json.dumps(self.skipped_reasons, sort_keys=True),
            "errors": self.errors,
            "error_samples": json.dumps(self.error_samples, ensure_ascii=False),
        }


def start_run(db: sqlite_utils.Database, site: str, mode: str, args: dict[str, Any]) -> int:

    with transaction(db):
        table = db.table("runs").insert(
            {
                "site": site,
                "mode": mode,
                "started": now_iso(),
                "status": "running",
                "args": json.dumps(args, default=str, ensure_ascii=False),
                "pid": os.getpid(),
                "host": socket.gethostname(),
                **RunCounters().as_row(),
            }
        )
    return int(table.last_pk or 0)


ARTICLE_COUNTS = ("articles_new", "articles_updated", "articles_unchanged")


def update_run(
    db: sqlite_utils.Database,
    run_id: int,
    counters: RunCounters,
    *,
    status: str | None = None,
    exit_code: int | None = None,
    keep_article_counts: bool = False,
) -> None:
    """Write a run's counters; `keep_article_counts` when the writer of a cluster counts the
    articles itself (`count_article`) and the crawl's own counters do not know them."""
    row = counters.as_row()
    if keep_article_counts:
        for name in ARTICLE_COUNTS:
            del row[name]
    if status is not None:
        row["status"] = status
        row["ended"] = now_iso()
    if exit_code is not None:
        row["exit_code"] = exit_code
    with transaction(db):
        db.table("runs").update(run_id, row)


def record_run(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Insert a run whose id was chosen elsewhere (a cluster's run ids come from Redis);
    a second delivery of the same row changes nothing."""
    with transaction(db):
        db.execute("insert or ignore into runs (id, site, mode, started, status, args, pid, host, "
                   "pages_downloaded, not_modified, articles_new, articles_updated, "
                   "articles_unchanged, pages_dropped, dropped_reasons, pages_skipped, "
                   "skipped_reasons, errors, error_samples) values (?, ?, ?, ?, 'running', ?, ?, ?, "
                   "0, 0, 0, 0, 0, 0, '{}', 0, '{}', 0, '[]')",
                   [row["id"], row["site"], row["mode"], row.get("started") or now_iso(),
                    row.get("args") or "{}", row.get("pid"), row.get("host")])


def count_article(db: sqlite_utils.Database, run_id: int, status: str) -> None:
    """One more new/updated/unchanged article in a run's log (the cluster writer's count)."""
    column = {"new": "articles_new", "updated": "articles_updated"}.get(status, "articles_unchanged")
    db.execute(f"update runs set {column} = {column} + 1 where id = ?", [run_id])


def max_run_id(db: sqlite_utils.Database) -> int:
    return int(db.execute("select coalesce(max(id), 0) from runs").fetchone()[0])


def mark_dead_runs(db: sqlite_utils.Database, site: str) -> None:
    """Runs of `site` still marked 'running' are dead: the caller holds the site's lock."""
    db.execute(
        "update runs set status = 'interrupted', ended = coalesce(ended, ?) "
        "where site = ? and status = 'running'",
        [now_iso(), site],
    )


def interrupted_runs(db: sqlite_utils.Database, site: str, mode: str) -> list[dict[str, Any]]:
    """Earlier runs of this site and mode that never finished (killed, rebooted, Ctrl-C)."""
    return list(db.query(
        "select * from runs where site = ? and mode = ? and status in ('running', 'interrupted')"
        " order by id",
        [site, mode],
    ))


def set_duration(db: sqlite_utils.Database, run_id: int, seconds: float) -> None:
    with transaction(db):
        db.table("runs").update(run_id, {"duration_s": round(seconds, 3)})


def mark_resumed(db: sqlite_utils.Database, run_ids: list[int]) -> None:
    """Interrupted runs whose work a later run finished."""
    if not run_ids:
        return
    marks = ",".join("?" * len(run_ids))
    with transaction(db):
        db.execute(f"update runs set status = 'resumed' where id in ({marks})", run_ids)


def get_run(db: sqlite_utils.Database, run_id: int) -> dict[str, Any]:
    return dict(db.table("runs").get(run_id))


def get_run_or_none(db: sqlite_utils.Database, run_id: int) -> dict[str, Any] | None:
    row = db.execute("select id from runs where id = ?", [run_id]).fetchone()
    return get_run(db, run_id) if row else None


def list_runs(db: sqlite_utils.Database, site: str | None, limit: int) -> list[dict[str, Any]]:
    """The run log, newest first."""
    sql = "select * from runs" + (" where site = ?" if site else "") + " order by id desc limit ?"
    return list(db.query(sql, ([site] if site else []) + [limit]))


def recent_runs(db: sqlite_utils.Database, site: str, limit: int) -> list[dict[str, Any]]:
    """The last `limit` crawls and backfills of a site (reprocess runs download nothing)."""
    return list(db.query(
        "select * from runs where site = ? and mode in ('crawl', 'backfill') order by id desc limit ?",
        [site, limit],
    ))


def last_success(db: sqlite_utils.Database, site: str) -> str | None:
    ended: str | None = db.execute(
        "select max(ended) from runs where site = ? and status = 'ok'", [site]).fetchone()[0]
    return ended
