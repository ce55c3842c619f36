"""`tarikh health`: has a site gone bad? (layout change, nothing new for long, error spike)"""

from __future__ import annotations

from itertools import takewhile
from typing import Any

from crawler.runs.verdict import error_spike
from pipelines import store

#: How many recent runs the verdict looks at.
RECENT_RUNS = 5


def since_last_success(finished: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs (newest first) an error spike is judged on: those since the last successful
    run, or the latest alone when it succeeded. Old errors of a site that has recovered must
    not keep it BAD: incremental runs that download nothing would never dilute them."""
    failing = list(takewhile(lambda r: r["status"] not in ("ok", "resumed"), finished))
    return failing or finished[:1]


def site_health(db: Any, site: str | None = None) -> list[dict[str, Any]]:
    sites = [site] if site else store.monitored_sites(db)
    return [h for h in (_one(db, s) for s in sites) if h is not None]


def _one(db: Any, site: str) -> dict[str, Any] | None:
    runs = store.recent_runs(db, site, RECENT_RUNS)
    articles, no_date, no_text = store.article_stats(db, site)
    if not runs and not articles:
        return None
    last_success = store.last_success(db, site)
    problems: list[str] = []
    finished = [r for r in runs if r["status"] != "running"]
    if finished and finished[0]["status"] not in ("ok", "resumed"):
        problems.append(f"last run {finished[0]['id']} ended {finished[0]['status']}")
    window = since_last_success(finished)
    attempts = sum(r["pages_downloaded"] + r["not_modified"] + r["errors"] for r in window)
    errors = sum(r["errors"] for r in window)
    if attempts and error_spike(errors, attempts):
        problems.append(f"error spike: {errors} errors in {attempts} requests over {len(window)} runs")
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
        "template_pages": store.template_pages(db, site),
    }
