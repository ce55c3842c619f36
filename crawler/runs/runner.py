"""Run one crawl or backfill: lock, run log, Scrapy process, verdict and exit code."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.fetch_policy import FetchPolicy
from crawler.profiles import SiteProfile
from crawler.runs.lock import SiteLock
from crawler.runs.verdict import EXIT_CANNOT_RUN, verdict
from crawler.spiders.site import SiteSpider
from crawler.state import optional_day
from pipelines import store

logger = logging.getLogger(__name__)


class NothingToResume(RuntimeError):
    """`--resume` found no interrupted run of the site: refused, since without the earlier
    run's range it would be an unbounded backfill of the whole site."""


@dataclass(slots=True)
class RunOptions:
    mode: str = "crawl"  # crawl | backfill
    since: date | None = None
    until: date | None = None
    refresh_after: float | None = None
    resume: bool = False
    workers: int = 1
    throttle: bool = True
    log_file: str | None = None
    verbose: bool = False
    wait_lock: float = 0.0
    max_depth: int | None = None
    max_pages: int | None = None  # page budget (None: ZERO_CONFIG_MAX_PAGES for zero-config)
    max_minutes: float | None = None  # time budget (None: ZERO_CONFIG_MAX_MINUTES for zero-config)
    block_private: bool | None = None  # None: on for zero-config, off for profiles
    extra_settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class RunOutcome:
    run_id: int
    status: str
    exit_code: int
    counters: store.RunCounters


#: A zero-config crawl follows every in-site link, so a site whose pages link to endless new
#: pages (calendars, faceted search, spider traps) would run for ever: it gets a page and a
#: time budget unless the operator sets one (`--max-pages`, `--max-minutes`).
ZERO_CONFIG_MAX_PAGES = 10_000
ZERO_CONFIG_MAX_MINUTES = 120.0
#: Scrapy finish reasons of a run stopped by its budget (a normal end, noted in the run log).
BUDGET_REASONS = {"closespider_pagecount": "page_budget_reached",
                  "closespider_timeout": "time_budget_reached"}


def budget_settings(profile: SiteProfile, opts: RunOptions) -> dict[str, Any]:
    """CLOSESPIDER_* for the run's page and time budget (none for a profile unless asked)."""
    pages = opts.max_pages if opts.max_pages is not None else (
        ZERO_CONFIG_MAX_PAGES if profile.zero_config else 0)
    minutes = opts.max_minutes if opts.max_minutes is not None else (
        ZERO_CONFIG_MAX_MINUTES if profile.zero_config else 0)
    return {"CLOSESPIDER_PAGECOUNT": pages, "CLOSESPIDER_TIMEOUT": minutes * 60}


def quiet(opts: RunOptions) -> bool:
    """Under cron (no terminal, no -v, no log file): one line per problem, no tracebacks."""
    return not (opts.verbose or opts.log_file or sys.stderr.isatty())


def build_settings(db_path: str, run_id: int, opts: RunOptions, resume_runs: list[int],
                   profile: SiteProfile | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "TARIKH_DB": db_path,
        "TARIKH_RUN_ID": run_id,
        "TARIKH_MODE": opts.mode,
        "TARIKH_SINCE": opts.since.isoformat() if opts.since else "",
        "TARIKH_UNTIL": opts.until.isoformat() if opts.until else "",
        "TARIKH_REFRESH_AFTER": opts.refresh_after if opts.refresh_after is not None else -1,
        "TARIKH_RESUME_RUNS": [str(r) for r in resume_runs],
        "TARIKH_WORKERS": opts.workers,
        # Warnings only, unless asked: a terminal gets the progress line, cron gets silence.
        "LOG_LEVEL": "INFO" if (opts.verbose or opts.log_file) else "WARNING",
        "TARIKH_QUIET": quiet(opts),
    }
    if opts.max_depth is not None:
        overrides["TARIKH_MAX_DEPTH"] = opts.max_depth
    if profile is not None:
        overrides.update(budget_settings(profile, opts))
        overrides["TARIKH_NAMED_HOSTS"] = sorted(
            {h for h, _ in FetchPolicy.for_profile(profile).origins})
        block = profile.zero_config if opts.block_private is None else opts.block_private
        overrides["TARIKH_BLOCK_PRIVATE"] = block
    if opts.log_file:
        overrides["LOG_FILE"] = opts.log_file
    if not opts.throttle:  # only for servers you own (the demo, tests, benchmarks)
        overrides.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0,
                         CONCURRENT_REQUESTS=32, CONCURRENT_REQUESTS_PER_DOMAIN=32)
    if sys.stderr.isatty() and not opts.log_file:
        overrides["EXTENSIONS"] = {"crawler.runs.progress.ProgressLine": 500}
    overrides.update(opts.extra_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(profile: SiteProfile, db_path: str, opts: RunOptions) -> RunOutcome:
    """Crawl (or backfill) one site into the database; raises LockBusy if a run is going on."""
    lock = SiteLock(db_path, profile.name).acquire(wait=opts.wait_lock)
    try:
        db = store.connect(db_path)
        # We hold the site's lock, so any run still marked 'running' for it is dead.
        store.mark_dead_runs(db, profile.name)
        resume_runs: list[int] = []
        if opts.resume:
            earlier = store.interrupted_runs(db, profile.name, opts.mode)
            resume_runs = [r["id"] for r in earlier]
            if not earlier:
                db.conn.close()
                raise NothingToResume(f"no interrupted {opts.mode} of {profile.name!r} to resume "
                                      f"(start one with --since YYYY-MM-DD)")
            last_args = json.loads(earlier[-1]["args"] or "{}")
            opts.since = opts.since or optional_day(last_args.get("since"))
            opts.until = opts.until or optional_day(last_args.get("until"))
        args = {"since": opts.since, "until": opts.until, "refresh_after": opts.refresh_after,
                "resume_of": resume_runs}
        run_id = store.start_run(db, profile.name, opts.mode, args)
        process = CrawlerProcess(build_settings(db_path, run_id, opts, resume_runs, profile))
        crawler = process.create_crawler(SiteSpider)
        failures: list[Any] = []
        process.crawl(crawler, profile=profile).addErrback(failures.append)
        started = time.monotonic()
        process.start()
        duration = time.monotonic() - started
        spider = crawler.spider
        if failures or not isinstance(spider, SiteSpider) or spider._state is None:
            # a stage (or the spider) failed to start: nothing was crawled, say so — never 'ok'
            why = failures[0].getErrorMessage() if failures else "the crawl did not start"
            counters = store.RunCounters()
            counters.error(f"could not start: {why}")
            reason: str | None = "start_failed"
        else:
            counters = spider.state.counters
            reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
            if spider.state.store_failed:
                reason = "store_failed"
        if reason in BUDGET_REASONS:  # a budget is a normal end: note it in the run log
            counters.skip(BUDGET_REASONS[reason])
            reason = "finished"
        status, code = verdict(counters.pages_downloaded, counters.not_modified, counters.errors, reason)
        try:
            store.update_run(db, run_id, counters, status=status, exit_code=code)
            store.set_duration(db, run_id, duration)
            if status == "ok":
                store.mark_resumed(db, resume_runs)
        except sqlite3.Error as exc:  # e.g. the disk filled up: the next run marks it interrupted
            logger.error("could not record the end of run %s: %s", run_id, exc)
            counters.error(f"run log: {exc}")
            status, code = "failed", EXIT_CANNOT_RUN
        db.conn.close()
        return RunOutcome(run_id=run_id, status=status, exit_code=code, counters=counters)
    finally:
        lock.release()
