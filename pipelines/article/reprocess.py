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
from pipelines.article.dupes import store_article
from pipelines.article.pool import worker_pool
from pipelines.article.process import (
    Analysis,
    SiteContext,
    analyse_html,
    observe_page,
    process_analysis,
)
from pipelines.page.extract import ExtractedPage
from pipelines.page.furniture import SiteTemplate

logger = logging.getLogger(__name__)

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
    sites = [site] if site else store.page_sites(db)
    pool = worker_pool(workers) if workers > 1 else None
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
    urls = store.reprocessable_urls(db, name, since)
    report.sites.append(name)
    # Pass 1: analyse the HTML again (the expensive part, in parallel when asked), keep the
    # result, learn the template. Batches bound the memory held at once.
    for start in range(0, len(urls), BATCH):
        batch = urls[start:start + BATCH]
        jobs = []
        for url in batch:
            html, encoding = store.stored_html(db, url)
            jobs.append((url, store.unpack(html) or b"", encoding, ctx.rules))
        results = pool.map(_analyse_stored, jobs, chunksize=8) if pool else map(_analyse_stored, jobs)
        for url, outcome in zip(batch, results, strict=True):
            report.pages += 1
            if isinstance(outcome, str):
                logger.warning("reprocess: cannot analyse %s: %s", url, outcome)
                report.counters.error(f"analyse {url}: {outcome}")
                continue
            packed, page = outcome
            if packed is not None:
                store.set_analysis(db, url, packed)
            if learn:
                observe_page(ctx.template, url, page)
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
            # Not an editorial revision: the page is the same, tarikh's rules changed.
            result = store_article(db, record, reason=store.REASON_REPROCESS)
            store.set_kind(db, url, "article")
        report.counters.count_write(result)


def rederive(db: Any, url: str, ctx: SiteContext, *, run_id: int | None = None) -> dict[str, Any] | None:
    """The article record of a stored page, from its kept analysis (no HTML parse): furniture
    and dates again with `ctx`'s current template. Keeps the run that first stored it (else
    `run_id`); None when the page has no kept analysis."""
    packed, fetched_at = store.stored_analysis(db, url)
    if packed is None:
        return None
    analysis = Analysis.from_json(store.unpack(packed) or b"")
    record = process_analysis(url, analysis, ctx, fetched_at=fetched_at, learn=False)
    first = store.first_run_of(db, record["url"])
    record["run_id"] = first if first is not None else run_id
    return record


def _analyse_stored(job: tuple) -> tuple[bytes | None, ExtractedPage] | str:
    """One stored page → (packed analysis JSON, the page for template learning), or the error."""
    url, html, encoding, rules = job
    try:
        analysis = analyse_html(html, url, encoding=encoding, rules=rules)
    except Exception as exc:  # noqa: BLE001 - a bad stored page is reported, not fatal
        return f"{type(exc).__name__}: {exc}"
    return store.pack(analysis.to_json()), analysis.page


def refinish(db: Any, urls: list[str], ctx: SiteContext) -> int:
    """Clean again the articles of a run that were cleaned before the template matured."""
    changed = 0
    for url in urls:
        record = rederive(db, url, ctx)
        # reason=None: the same fetch cleaned again; its first cleaning was never a version.
        if record is not None and store_article(db, record, reason=None).status == "updated":
            changed += 1
    if changed:
        logger.info("re-cleaned %d early articles with the learned template", changed)
    return changed
