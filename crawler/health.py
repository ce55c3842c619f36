"""`tarikh health`: has a site gone bad? (layout change, nothing new for long, error spike)"""

from __future__ import annotations

from typing import Any

#: How many recent runs the verdict looks at.
RECENT_RUNS = 5


def site_health(db: Any, site: str | None = None) -> list[dict[str, Any]]:
    sites = [site] if site else [
        r[0] for r in db.execute(
            "select site from articles union select site from runs where mode != 'reprocess' order by 1"
        )
    ]
    return [h for h in (_one(db, s) for s in sites) if h is not None]


def _one(db: Any, site: str) -> dict[str, Any] | None:
    runs = list(db.query(
        "select * from runs where site = ? and mode in ('crawl', 'backfill') order by id desc limit ?",
        [site, RECENT_RUNS],
    ))
    articles, no_date, no_text = db.execute(
        "select count(*), sum(published is null), sum(coalesce(length(text), 0) < 200)"
        " from articles where site = ?", [site]
    ).fetchone()
    if not runs and not articles:
        return None
    last_success = db.execute(
        "select max(ended) from runs where site = ? and status = 'ok'", [site]
    ).fetchone()[0]
    template = db.execute("select pages_seen from templates where site = ?", [site]).fetchone()
    problems: list[str] = []
    finished = [r for r in runs if r["status"] != "running"]
    if finished and finished[0]["status"] not in ("ok", "resumed"):
        problems.append(f"last run {finished[0]['id']} ended {finished[0]['status']}")
    attempts = sum(r["pages_downloaded"] + r["not_modified"] + r["errors"] for r in finished)
    errors = sum(r["errors"] for r in finished)
    if attempts and errors / attempts > 0.25:
        problems.append(f"error spike: {errors} errors in {attempts} requests over {len(finished)} runs")
    downloaded = sum(r["pages_downloaded"] for r in finished)
    stored = sum(r["articles_new"] + r["articles_updated"] + r["articles_unchanged"] for r in finished)
    if downloaded >= 10 and stored == 0:
        problems.append(f"{downloaded} pages downloaded but no article stored (layout changed?)")
    if not articles:
        problems.append("no articles stored")
    share_no_date = (no_date or 0) / articles if articles else 0.0
    share_no_text = (no_text or 0) / articles if articles else 0.0
    if articles >= 10 and share_no_date > 0.5:
        problems.append(f"{share_no_date:.0%} of articles have no date")
    if articles >= 10 and share_no_text > 0.5:
        problems.append(f"{share_no_text:.0%} of articles have (almost) no text")
    new_counts = [r["articles_new"] for r in finished]
    return {
        "site": site,
        "healthy": not problems,
        "problems": problems,
        "last_success": last_success,
        "articles": articles,
        "runs_considered": len(finished),
        "avg_new_per_run": sum(new_counts) / len(new_counts) if new_counts else 0.0,
        "share_no_date": share_no_date,
        "share_no_text": share_no_text,
        "template_pages": template[0] if template else 0,
    }
