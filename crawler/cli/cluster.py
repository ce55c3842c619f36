"""Commands of a cluster on Redis: writer, worker, enqueue, cluster (status)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from crawler.cli.common import (
    POSITIVE_SECONDS,
    SECONDS,
    WORKERS,
    CannotRun,
    Command,
    add_db,
    count,
    emit,
    iso_date,
)
from crawler.runs.verdict import EXIT_OK, EXIT_USAGE


def add_redis(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    default = os.environ.get("TARIKH_REDIS")
    parser.add_argument("--redis", default=default, required=required and not default, metavar="URL",
                        help="Redis of the cluster, e.g. redis://host:6379/0 (default $TARIKH_REDIS)")


def add_redis_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis-wait", type=SECONDS, default=300.0, metavar="SECONDS",
                        help="through a Redis outage, retry this long before exiting 3 (default 300)")


def _log(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")


def _writer_args(p: argparse.ArgumentParser) -> None:
    add_redis(p)
    add_db(p)
    p.add_argument("--name", default="writer", help="consumer name (keep it across restarts)")
    p.add_argument("--batch", type=count(1, 100_000), default=200, help="records per transaction")
    p.add_argument("--claim-after", type=POSITIVE_SECONDS, default=30.0, metavar="SECONDS",
                   help="take over records another writer has held this long")
    add_redis_wait(p)
    p.add_argument("--idle-exit", type=POSITIVE_SECONDS, metavar="SECONDS",
                   help="exit once the stream has been empty this long (tests, benchmarks)")
    p.add_argument("-v", "--verbose", action="store_true", help="log each committed batch to stderr")


def cmd_writer(args: argparse.Namespace) -> int:
    from crawler.cluster.conn import connect
    from crawler.cluster.writer import StreamWriter

    if args.batch < 1:
        print("tarikh writer: --batch must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    _log(args.verbose)
    client = connect(args.redis)
    writer = StreamWriter(client, args.db, consumer=args.name, batch=args.batch,
                          claim_idle_ms=int(args.claim_after * 1000), outage_limit=args.redis_wait)
    stats = writer.run(idle_exit=args.idle_exit)
    print(f"writer: {stats.records} records in {stats.batches} batches, {stats.bad} bad, "
          f"{stats.claimed} taken over", file=sys.stderr)
    return EXIT_OK


def _worker_args(p: argparse.ArgumentParser) -> None:
    add_redis(p)
    p.add_argument("--name", help="worker name (default HOST-PID)")
    p.add_argument("--lease-ttl", type=POSITIVE_SECONDS, default=60.0, metavar="SECONDS",
                   help="a dead worker's site is free again after this long (default 60)")
    p.add_argument("--heartbeat", type=POSITIVE_SECONDS, default=5.0, metavar="SECONDS",
                   help="heartbeat period; a worker silent for 3 of them is dead (default 5)")
    add_redis_wait(p)
    p.add_argument("--idle-exit", type=POSITIVE_SECONDS, metavar="SECONDS",
                   help="exit once the queue has been empty this long (tests, benchmarks)")
    p.add_argument("--workers", type=WORKERS, default=1, help="extraction processes of each crawl")
    p.add_argument("--no-throttle", action="store_true", help="only for servers you own")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy setting for every crawl this worker runs (like scrapy's -s)")
    p.add_argument("-v", "--verbose", action="store_true", help="log INFO to stderr")


def cmd_worker(args: argparse.Namespace) -> int:
    from crawler.cluster.conn import connect
    from crawler.cluster.jobs import Worker

    if args.lease_ttl < 1 or args.heartbeat < 0.2:
        print("tarikh worker: --lease-ttl must be at least 1 second, --heartbeat 0.2", file=sys.stderr)
        return EXIT_USAGE
    _log(args.verbose)
    passthrough = ["--workers", str(args.workers)] + ["--no-throttle"] * args.no_throttle
    passthrough += ["-v"] * args.verbose
    for pair in args.set:
        passthrough += ["-s", pair]
    worker = Worker(connect(args.redis), args.redis, name=args.name, lease_ttl=args.lease_ttl,
                    passthrough=passthrough, heartbeat=args.heartbeat, outage_limit=args.redis_wait)
    report = worker.run(idle_exit=args.idle_exit)
    print(f"worker {worker.name}: {report.jobs} jobs, worst exit {report.worst}", file=sys.stderr)
    return EXIT_OK


def _enqueue_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("sites", nargs="*", metavar="SITE", help="profile names (or .toml paths)")
    p.add_argument("--all", action="store_true", help="every profile")
    p.add_argument("--since", type=iso_date, help="backfill jobs from this day (YYYY-MM-DD)")
    p.add_argument("--until", type=iso_date, help="backfill jobs up to this day")
    add_redis(p)


def cmd_enqueue(args: argparse.Namespace) -> int:
    from crawler.cluster.conn import connect
    from crawler.cluster.jobs import enqueue, job
    from crawler.profiles import ProfileError, list_profiles, load_profile

    if bool(args.sites) == bool(args.all):
        print("tarikh enqueue: give SITE… or --all", file=sys.stderr)
        return EXIT_USAGE
    if args.until and not args.since:
        print("tarikh enqueue: --until needs --since", file=sys.stderr)
        return EXIT_USAGE
    if args.all:
        names = [p.name for p in list_profiles()
                 if not any("{{BASE}}" in u for u in p.start_urls + p.sitemaps + p.feeds)]
    else:
        names = []
        for name in args.sites:
            try:
                load_profile(name)
            except ProfileError as exc:
                raise CannotRun(str(exc)) from exc
            names.append(name)
    mode = "backfill" if args.since else "crawl"
    jobs = [job(name, mode, since=args.since, until=args.until) for name in names]
    length = enqueue(connect(args.redis), jobs)
    print(f"enqueued {len(jobs)} {mode} job(s); {length} in the queue", file=sys.stderr)
    return EXIT_OK


def _cluster_args(p: argparse.ArgumentParser) -> None:
    add_redis(p)
    p.add_argument("--json", action="store_true", help="one JSON object")


def cmd_cluster(args: argparse.Namespace) -> int:
    from crawler.cluster.conn import connect
    from crawler.cluster.status import render, snapshot

    snap = snapshot(connect(args.redis))
    if args.json:
        emit(snap)
    else:
        print(render(snap))
    return EXIT_OK


COMMANDS = [
    Command("writer", "the one SQLite writer of a cluster: commit records from Redis", _writer_args, cmd_writer),
    Command("worker", "take site jobs from Redis and crawl them (any number, any machine)", _worker_args, cmd_worker),
    Command("enqueue", "queue crawl (or --since: backfill) jobs for the cluster's workers", _enqueue_args, cmd_enqueue),
    Command("cluster", "a cluster's workers, leases, queues and the writer's lag", _cluster_args, cmd_cluster),
]
