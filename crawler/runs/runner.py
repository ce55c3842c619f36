"""Run one crawl or backfill: lock, run log, Scrapy process, verdict and exit code."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.cluster.keys import frontier
from crawler.fetch_policy import FetchPolicy
from crawler.profiles import SiteProfile
from crawler.runs.lock import LockBusy, SiteLock
from crawler.runs.verdict import EXIT_CANNOT_RUN, verdict
from crawler.spiders.site import SiteSpider
from crawler.state import optional_day
from pipelines import store
from pipelines.article.heap import bound_heap, collect_less

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
    #: A cluster's Redis URL: a Redis lease instead of the flock, records to the writer.
    redis: str | None = None
    lease_ttl: float = 60.0
    warc_dir: str | None = None  # --warc: also write the fetched responses as WARC here
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


#: Settings that map components to their order. Scrapy replaces such a dict set at a higher
#: priority: the demo's proxy middleware alone would have dropped the project's fetch policy.
COMPONENT_SETTINGS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS")


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
    if opts.redis:
        overrides["TARIKH_REDIS"] = opts.redis
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
    extensions: dict[str, int] = {}
    if sys.stderr.isatty() and not opts.log_file:
        extensions["crawler.runs.progress.ProgressLine"] = 500
    if opts.warc_dir:
        extensions["crawler.runs.warcwriter.WarcWriterExtension"] = 600
        overrides["TARIKH_WARC_DIR"] = opts.warc_dir
    if extensions:
        overrides["EXTENSIONS"] = extensions
    for name, value in opts.extra_settings.items():
        if name in COMPONENT_SETTINGS:  # a dict, or its JSON from `-s NAME=...`
            value = {**overrides.get(name, {}), **Settings({name: value}).getdict(name)}
        overrides[name] = value
    for name in COMPONENT_SETTINGS:
        if name in overrides:  # joins the project's components instead of replacing them
            overrides[name] = {**settings.getdict(name), **overrides[name]}
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(profile: SiteProfile, db_path: str, opts: RunOptions) -> RunOutcome:
    """Crawl (or backfill) one site into the database; raises LockBusy if a run is going on."""
    if opts.redis:
        return run_clustered(profile, opts)
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
        settings = build_settings(db_path, run_id, opts, resume_runs, profile)
        settings.set("TARIKH_WARC_SITE", profile.name, priority="cmdline")
        counters, reason, duration = _scrapy_run(settings, profile)
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


class _ScrapyStartFailureNoise(logging.Filter):
    """When a stage fails to open, Scrapy still sends spider_closed, and its CoreStats asserts
    on a start time it never set: a traceback about Scrapy's bookkeeping, not the failure,
    which the run reports in one line (`could not start: …`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, AssertionError):
            return True
        frames = traceback.extract_tb(exc.__traceback__)
        return not any(f.filename.endswith("corestats.py") for f in frames)


def _site_lease(opts: RunOptions, profile: SiteProfile) -> tuple[Any, Any]:
    """The Redis client and the site's lease (a held lease is LockBusy, like the flock)."""
    from crawler.cluster.conn import connect
    from crawler.cluster.lease import LeaseBusy, SiteLease

    assert opts.redis
    client = connect(opts.redis)
    try:
        return client, SiteLease(client, profile.name, ttl=opts.lease_ttl).acquire(wait=opts.wait_lock)
    except LeaseBusy as exc:
        raise LockBusy(str(exc)) from None


def _scrapy_run(settings: Settings, profile: SiteProfile) -> tuple[store.RunCounters, str | None, float]:
    """One Scrapy crawl: its counters, why it ended, its duration. A stage (or the spider)
    that failed to start ends it as 'start_failed' — nothing was crawled, never 'ok'; a
    database that took no more writes as 'store_failed'; a budget reached is a normal end."""
    bound_heap()  # a crawl holds many page bodies in flight, with or without workers
    collect_less()
    process = CrawlerProcess(settings)
    signal_log = logging.getLogger("scrapy.utils.signal")  # where Scrapy logs handler errors
    if not any(isinstance(f, _ScrapyStartFailureNoise) for f in signal_log.filters):
        signal_log.addFilter(_ScrapyStartFailureNoise())
    crawler = process.create_crawler(SiteSpider)
    failures: list[Any] = []
    process.crawl(crawler, profile=profile).addErrback(failures.append)
    started = time.monotonic()
    process.start()
    duration = time.monotonic() - started
    spider = crawler.spider
    if failures or not isinstance(spider, SiteSpider) or spider._state is None:
        counters = store.RunCounters()
        why = failures[0].getErrorMessage() if failures else "the crawl did not start"
        counters.error(f"could not start: {why}")
        return counters, "start_failed", duration
    counters = spider.state.counters
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    if spider.state.store_failed:
        reason = "store_failed"
    if reason in BUDGET_REASONS:  # noted in the run log
        counters.skip(BUDGET_REASONS[reason])
        reason = "finished"
    return counters, reason, duration


def run_clustered(profile: SiteProfile, opts: RunOptions) -> RunOutcome:
    """The same run on a cluster: a Redis lease, a run id from Redis, records to the writer's
    stream; this process never opens the database (it may be on another machine)."""
    from crawler.cluster.records import RecordSender

    assert opts.redis
    if opts.resume:
        raise ValueError("--resume is not supported with --redis: enqueue the backfill again "
                         "(stored articles are not fetched twice)")
    client, lease = _site_lease(opts, profile)
    try:
        sender = RecordSender(client)
        args = {"since": opts.since, "until": opts.until, "refresh_after": opts.refresh_after,
                "cluster": True}
        run_id = sender.start_run(profile.name, opts.mode, args)
        counters, reason, duration = _scrapy_run(build_settings("", run_id, opts, [], profile), profile)
        status, code = verdict(counters.pages_downloaded, counters.not_modified, counters.errors, reason)
        sender.update_run(run_id, counters, status=status, exit_code=code, duration=duration,
                          wait=True)  # through an outage: the run must not stay `running`
        return RunOutcome(run_id=run_id, status=status, exit_code=code, counters=counters)
    finally:
        lease.release()


def frontier_settings(redis_url: str, site: str, run_id: int, parts: int, throttle: bool) -> dict[str, Any]:
    """scrapy-redis's scheduler and dupefilter on keys of this site and run (the spider is
    always `site`: its default keys would mix every profile), with the site's politeness
    divided by the processes, since each one throttles on its own."""
    queue_key, seen_key = frontier(site, run_id)
    out: dict[str, Any] = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": queue_key,
        "SCHEDULER_DUPEFILTER_KEY": seen_key,
        "SCHEDULER_PERSIST": True,  # one part closing must not flush the others' frontier
        "SCHEDULER_IDLE_BEFORE_CLOSE": 2,  # wait this long on an empty queue before closing
        "REDIS_URL": redis_url,
        # Every part takes from the shared queue, so requests go there as soon as they are
        # known, not held in one part's own frontier (crawler.frontier).
        "TARIKH_FRONTIER": False,
    }
    base = Settings()
    base.setmodule("crawler.settings")
    if throttle:
        out["CONCURRENT_REQUESTS_PER_DOMAIN"] = max(1, base.getint("CONCURRENT_REQUESTS_PER_DOMAIN") // parts)
        out["AUTOTHROTTLE_TARGET_CONCURRENCY"] = base.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") / parts
        out["AUTOTHROTTLE_START_DELAY"] = base.getfloat("AUTOTHROTTLE_START_DELAY") * parts
    else:
        out["CONCURRENT_REQUESTS"] = out["CONCURRENT_REQUESTS_PER_DOMAIN"] = max(1, 32 // parts)
    return out


def run_part(profile: SiteProfile, opts: RunOptions, run_id: int, parts: int) -> RunOutcome:
    """One worker's share of a distributed backfill: the coordinator holds the lease and the
    run; this process takes requests from the run's shared frontier until it is empty."""
    from crawler.cluster.conn import connect
    from crawler.cluster.records import RecordSender

    assert opts.redis
    client = connect(opts.redis)
    opts.extra_settings = {**frontier_settings(opts.redis, profile.name, run_id, parts, opts.throttle),
                           **opts.extra_settings}
    counters, reason, _ = _scrapy_run(build_settings("", run_id, opts, [], profile), profile)
    status, code = verdict(counters.pages_downloaded, counters.not_modified, counters.errors, reason)
    sender = RecordSender(client)
    sender.update_run(run_id, counters, wait=True)
    sender.outage.call(lambda: client.hset(frontier(profile.name, run_id)[0] + ":done",
                                           f"{time.time()}", code))
    return RunOutcome(run_id=run_id, status=status, exit_code=code, counters=counters)


def run_distributed(profile: SiteProfile, opts: RunOptions, parts: int) -> RunOutcome:
    """Split one backfill over `parts` workers: hold the site's lease and the run, queue the
    parts, wait for all of them, then close the run and delete its frontier."""
    from crawler.cluster.jobs import enqueue_next, job
    from crawler.cluster.records import RecordSender

    assert opts.redis
    client, lease = _site_lease(opts, profile)
    try:
        sender = RecordSender(client)
        run_id = sender.start_run(profile.name, opts.mode, {"since": opts.since, "until": opts.until,
                                                            "distributed": parts})
        done_key = frontier(profile.name, run_id)[0] + ":done"
        started = time.monotonic()
        enqueue_next(client, [job(profile.name, "backfill", since=opts.since, until=opts.until,
                                  part_of=run_id, parts=parts) for _ in range(parts)])
        while int(sender.outage.call(lambda: client.hlen(done_key))) < parts:  # through an outage
            time.sleep(1.0)
        codes = [int(c) for c in sender.outage.call(lambda: client.hvals(done_key))]
        worst = max(codes)
        status = "ok" if worst == 0 else "unhealthy"
        sender.update_run(run_id, store.RunCounters(), part="coordinator", status=status,
                          exit_code=worst, duration=time.monotonic() - started, wait=True)
        client.delete(done_key, *frontier(profile.name, run_id))
        return RunOutcome(run_id=run_id, status=status, exit_code=worst, counters=store.RunCounters())
    finally:
        lease.release()
