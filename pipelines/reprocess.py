"""Re-run extraction, furniture and dates over stored raw pages — not a single download.

For when the cleaning rules improve: every stored page of a site is analysed again from its
compressed HTML, and its article updated in place (first-seen time kept). Two passes, so a
site that has no learned template yet gets one from all its pages before any is cleaned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pipelines import store
from pipelines.furniture import SiteTemplate
from pipelines.process import Analysis, SiteContext, analyse_html, process_analysis

logger = logging.getLogger(__name__)

REPROCESS_KINDS = ("article", "empty_text", "failed")
BATCH = 256  # pages analysed per round trip to the pool


@dataclass(slots=True)
class ReprocessReport:
    """What a re-process did; `counters` is what goes to the run log."""

    pages: int = 0
    empty: int = 0
    sites: list[str] = field(default_factory=list)
    counters: store.RunCounters = field(default_factory=store.RunCounters)


def reprocess(
    db: Any,
    *,
    site: str | None = None,
    since: str | None = None,
    context_for: Callable[[str], SiteContext] | None = None,
    run_id: int | None = None,
    workers: int = 1,
) -> ReprocessReport:
    """Re-derive the articles of `site` (all sites if None) from their stored HTML."""
    report = ReprocessReport()
    sites = [site] if site else [r[0] for r in db.execute("select distinct site from pages order by site")]
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        for name in sites:
            _reprocess_site(db, name, since, context_for, run_id, pool, report)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return report


def _reprocess_site(db: Any, name: str, since: str | None,
                    context_for: Callable[[str], SiteContext] | None, run_id: int | None,
                    pool: ProcessPoolExecutor | None, report: ReprocessReport) -> None:
    ctx = context_for(name) if context_for else SiteContext(site=name)
    saved = store.load_template(db, name)
    learn = saved is None
    if saved is not None:
        ctx.template = SiteTemplate.from_json(saved)
    urls = _page_urls(db, name, since)
    report.sites.append(name)
    # Pass 1: analyse the HTML again (the expensive part, in parallel when asked), keep the
    # result, learn the template. Batches bound the memory held at once.
    for start in range(0, len(urls), BATCH):
        batch = urls[start:start + BATCH]
        jobs = []
        for url in batch:
            html, encoding = db.execute("select html, encoding from pages where url = ?", [url]).fetchone()
            jobs.append((url, store.unpack(html) or b"", encoding, ctx.rules))
        results = pool.map(_analyse_stored, jobs, chunksize=8) if pool else map(_analyse_stored, jobs)
        for url, outcome in zip(batch, results, strict=True):
            report.pages += 1
            if isinstance(outcome, str):
                logger.warning("reprocess: cannot analyse %s: %s", url, outcome)
                report.counters.error(f"analyse {url}: {outcome}")
                continue
            packed, blocks = outcome
            with store.transaction(db):
                db.execute("update pages set extracted = ?, error = null where url = ?", [packed, url])
            if learn:
                ctx.template.observe(url, blocks)
    if learn:
        store.save_template(db, name, ctx.template.to_json(), ctx.template.pages_seen)
    # Pass 2: furniture, dates, record — cheap, from what pass 1 kept.
    for url in urls:
        record = rederive(db, url, ctx, run_id=run_id)
        if record is None:
            continue
        if not record["text"].strip():
            report.empty += 1
            continue
        with store.transaction(db):
            result = store.upsert_article(db, record)
            db.execute("update pages set kind = 'article' where url = ?", [url])
        report.counters.count_write(result)


def rederive(db: Any, url: str, ctx: SiteContext, *, run_id: int | None = None) -> dict[str, Any] | None:
    """The article record of a stored page, from its kept analysis (no HTML parse): furniture
    and dates again with `ctx`'s current template. Keeps the run that first stored it (else
    `run_id`); None when the page has no kept analysis."""
    row = db.execute("select extracted, fetched_at from pages where url = ?", [url]).fetchone()
    if row is None or row[0] is None:
        return None
    analysis = Analysis.from_json(store.unpack(row[0]))
    record = process_analysis(url, analysis, ctx, fetched_at=row[1], learn=False)
    old = db.execute("select run_id from articles where url = ?", [record["url"]]).fetchone()
    record["run_id"] = old[0] if old else run_id
    return record


def _analyse_stored(job: tuple) -> tuple[bytes, list[str]] | str:
    """One stored page → (packed analysis JSON, blocks for template learning), or the error."""
    url, html, encoding, rules = job
    try:
        analysis = analyse_html(html, url, encoding=encoding, rules=rules)
    except Exception as exc:  # noqa: BLE001 - a bad stored page is reported, not fatal
        return f"{type(exc).__name__}: {exc}"
    return store.pack(analysis.to_json()), analysis.page.page_blocks or analysis.page.blocks


def _page_urls(db: Any, site: str, since: str | None) -> list[str]:
    marks = ",".join("?" * len(REPROCESS_KINDS))
    sql = f"select url from pages where site = ? and kind in ({marks})"
    params: list[Any] = [site, *REPROCESS_KINDS]
    if since:
        sql += " and fetched_at >= ?"
        params.append(since)
    return [r[0] for r in db.execute(sql + " order by url", params)]
