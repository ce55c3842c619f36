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

from crawler.profiles import SiteProfile
from crawler.runs.lock import SiteLock
from crawler.runs.verdict import verdict
from crawler.spiders.site import SiteSpider
from crawler.state import optional_day
from pipelines import store

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
    warc_dir: str | None = None  # --warc: also write the fetched responses as WARC here
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
    extensions: dict[str, int] = {}
    if sys.stderr.isatty() and not opts.log_file:
        extensions["crawler.runs.progress.ProgressLine"] = 500
    if opts.warc_dir:
        extensions["crawler.runs.warcwriter.WarcWriterExtension"] = 600
        overrides["TARIKH_WARC_DIR"] = opts.warc_dir
    if extensions:
        overrides["EXTENSIONS"] = extensions
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
            if earlier:
                last_args = json.loads(earlier[-1]["args"] or "{}")
                opts.since = opts.since or optional_day(last_args.get("since"))
                opts.until = opts.until or optional_day(last_args.get("until"))
        args = {"since": opts.since, "until": opts.until, "refresh_after": opts.refresh_after,
                "resume_of": resume_runs}
        run_id = store.start_run(db, profile.name, opts.mode, args)
        settings = build_settings(db_path, run_id, opts, resume_runs)
        settings.set("TARIKH_WARC_SITE", profile.name, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(SiteSpider)
        process.crawl(crawler, profile=profile)
        started = time.monotonic()
        process.start()
        duration = time.monotonic() - started
        spider = crawler.spider
        assert isinstance(spider, SiteSpider)
        state = spider.state
        counters: store.RunCounters = state.counters
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        status, code = verdict(counters.pages_downloaded, counters.not_modified, counters.errors, reason)
        store.update_run(db, run_id, counters, status=status, exit_code=code)
        store.set_duration(db, run_id, duration)
        if status == "ok":
            store.mark_resumed(db, resume_runs)
        db.conn.close()
        return RunOutcome(run_id=run_id, status=status, exit_code=code, counters=counters)
    finally:
        lock.release()
