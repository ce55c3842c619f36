"""Run one crawl or backfill: lock, run log, Scrapy process, verdict and exit code."""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.locking import SiteLock
from crawler.profiles import SiteProfile
from crawler.runstate import optional_day
from crawler.spiders.site import SiteSpider
from pipelines import store

EXIT_OK = 0
EXIT_UNHEALTHY = 1  # the run happened but something is wrong (error spike, interrupted)
EXIT_USAGE = 2  # bad arguments (argparse's own code)
EXIT_CANNOT_RUN = 3  # could not run at all: lock held, database unusable, bad profile

logger = logging.getLogger(__name__)


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
    extra_settings: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class RunOutcome:
    run_id: int
    status: str
    exit_code: int
    counters: store.RunCounters


def build_settings(db_path: str, run_id: int, opts: RunOptions, resume_runs: list[int]) -> Settings:
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
    }
    if opts.max_depth is not None:
        overrides["TARIKH_MAX_DEPTH"] = opts.max_depth
    if opts.log_file:
        overrides["LOG_FILE"] = opts.log_file
    if not opts.throttle:  # only for servers you own (the demo, tests, benchmarks)
        overrides.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0,
                         CONCURRENT_REQUESTS=32, CONCURRENT_REQUESTS_PER_DOMAIN=32)
    if sys.stderr.isatty() and not opts.log_file:
        overrides["EXTENSIONS"] = {"crawler.progress.ProgressLine": 500}
    overrides.update(opts.extra_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def interrupted_runs(db: Any, site: str, mode: str) -> list[dict[str, Any]]:
    """Earlier runs of this site and mode that never finished (killed, rebooted, Ctrl-C)."""
    return list(
        db.query(
            "select * from runs where site = ? and mode = ? and status in ('running', 'interrupted')"
            " order by id",
            [site, mode],
        )
    )


def run_crawl(profile: SiteProfile, db_path: str, opts: RunOptions) -> RunOutcome:
    """Crawl (or backfill) one site into the database; raises LockBusy if a run is going on."""
    lock = SiteLock(db_path, profile.name).acquire(wait=opts.wait_lock)
    try:
        db = store.connect(db_path)
        # We hold the site's lock, so any run still marked 'running' for it is dead.
        db.execute(
            "update runs set status = 'interrupted', ended = coalesce(ended, ?) "
            "where site = ? and status = 'running'",
            [store.now_iso(), profile.name],
        )
        resume_runs: list[int] = []
        if opts.resume:
            earlier = interrupted_runs(db, profile.name, opts.mode)
            resume_runs = [r["id"] for r in earlier]
            if earlier:
                last_args = json.loads(earlier[-1]["args"] or "{}")
                opts.since = opts.since or optional_day(last_args.get("since"))
                opts.until = opts.until or optional_day(last_args.get("until"))
        args = {"since": opts.since, "until": opts.until, "refresh_after": opts.refresh_after,
                "resume_of": resume_runs}
        run_id = store.start_run(db, profile.name, opts.mode, args)
        process = CrawlerProcess(build_settings(db_path, run_id, opts, resume_runs))
        crawler = process.create_crawler(SiteSpider)
        process.crawl(crawler, profile=profile)
        started = time.monotonic()
        process.start()
        duration = time.monotonic() - started
        state = crawler.tarikh_state
        counters: store.RunCounters = state.counters
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        status, code = verdict(counters, reason)
        store.update_run(db, run_id, counters, status=status, exit_code=code)
        db["runs"].update(run_id, {"duration_s": round(duration, 3)})
        if resume_runs and status == "ok":
            marks = ",".join("?" * len(resume_runs))
            db.execute(f"update runs set status = 'resumed' where id in ({marks})", resume_runs)
        db.conn.close()
        return RunOutcome(run_id=run_id, status=status, exit_code=code, counters=counters)
    finally:
        lock.release()


def verdict(counters: store.RunCounters, finish_reason: str | None) -> tuple[str, int]:
    """'ok' or why not, and the exit code a scheduler can act on."""
    if finish_reason not in (None, "finished"):
        return "interrupted", EXIT_UNHEALTHY
    attempts = counters.pages_downloaded + counters.not_modified + counters.errors
    if counters.errors and (counters.pages_downloaded == 0 or counters.errors / attempts > 0.25):
        return "unhealthy", EXIT_UNHEALTHY
    return "ok", EXIT_OK
