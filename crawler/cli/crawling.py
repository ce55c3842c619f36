"""Commands that crawl or re-derive: crawl, backfill, reprocess, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.cli.common import (
    POSITIVE_SECONDS,
    WORKERS,
    CannotRun,
    Command,
    add_db,
    add_run_options,
    amount,
    count,
    iso_date,
)
from crawler.runs.runner import RunOptions
from crawler.runs.verdict import EXIT_CANNOT_RUN, EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE


def _crawl_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", nargs="?", help="profile name in data/sites/ (or a .toml path)")
    p.add_argument("--url", help="zero-config: crawl the site of this start URL")
    p.add_argument("--all", action="store_true", help="crawl every profile, one after another")
    p.add_argument("--refresh-after", type=amount(0, 36_500), metavar="DAYS",
                   help="re-fetch stored articles older than DAYS (conditional requests)")
    add_db(p)
    add_run_options(p)
    _cluster_options(p)


def _cluster_options(p: argparse.ArgumentParser) -> None:
    from crawler.cli.cluster import add_redis

    add_redis(p, required=False)
    p.add_argument("--lease-ttl", type=POSITIVE_SECONDS, default=60.0, metavar="SECONDS",
                   help="with --redis: the site's lease lives this long past a dead run")


def _backfill_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", help="profile name in data/sites/ (or a .toml path)")
    p.add_argument("--since", type=iso_date,
                   help="first publication day YYYY-MM-DD (required unless --resume)")
    p.add_argument("--until", type=iso_date, help="YYYY-MM-DD (default: today)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted backfill")
    add_db(p)
    add_run_options(p)
    _cluster_options(p)
    p.add_argument("--distributed", action="store_true",
                   help="with --redis: split this backfill over the cluster's workers and wait for it")
    p.add_argument("--parts", type=count(1, 1_000), help="with --distributed: how many workers (default: the live ones)")
    p.add_argument("--part-of", type=count(0, 1_000), help=argparse.SUPPRESS)  # a worker's share of a distributed run


def _reprocess_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", nargs="?", help="one site (default: every site with stored pages)")
    p.add_argument("--since", type=iso_date, help="only pages fetched on or after this day (YYYY-MM-DD)")
    p.add_argument("--workers", type=WORKERS, default=1, help="processes for the analysis pass")
    add_db(p)


def _import_warc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="WARC files (.warc or .warc.gz)")
    p.add_argument("--site", help="store everything under this site (a profile name, whose rules "
                                  "apply); default: each record's host")
    add_db(p)


def _demo_args(p: argparse.ArgumentParser) -> None:
    add_db(p)
    p.add_argument("--workers", type=WORKERS, default=1, help="extraction worker processes (default 1)")
    p.add_argument("-v", "--verbose", action="store_true", help="log INFO to stderr")


def _run(profile: Any, args: argparse.Namespace, opts: RunOptions) -> int:
    from crawler.runs.lock import LockBusy
    from crawler.runs.runner import NothingToResume, run_crawl

    try:
        outcome = run_crawl(profile, args.db, opts)
    except NothingToResume as exc:
        print(f"tarikh backfill: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LockBusy as exc:
        raise CannotRun(f"{exc}; is another run of {profile.name!r} going on? (use --wait SECONDS)") from exc
    except OSError as exc:
        raise CannotRun(str(exc)) from exc
    c = outcome.counters
    if opts.redis:  # the writer counts the articles; this process only sent them
        summary = (f"{profile.name}: run {outcome.run_id} {outcome.status} — {c.pages_downloaded} pages, "
                   f"{c.not_modified} not modified, {c.pages_dropped} dropped, {c.errors} errors "
                   "(articles sent to the writer)")
    else:
        summary = (f"{profile.name}: run {outcome.run_id} {outcome.status} — {c.pages_downloaded} pages, "
                   f"{c.not_modified} not modified, {c.articles_new} new, {c.articles_updated} updated, "
                   f"{c.articles_unchanged} unchanged, {c.pages_dropped} dropped, {c.errors} errors")
    if sys.stderr.isatty() or outcome.exit_code != EXIT_OK or args.verbose:
        print(summary, file=sys.stderr)
    if c.errors:
        print(f"tarikh: {error_line(profile.name, c)}", file=sys.stderr)
    return outcome.exit_code


def error_line(site: str, counters: Any, shown: int = 5) -> str:
    """`mysite: 2 errors: HTTP 503 http://…/sitemap.xml; ConnectionRefusedError http://…/`:
    what went wrong, in one line a cron mail can show."""
    samples = counters.error_samples[:shown]
    more = counters.errors - len(samples)
    text = "; ".join(_short(s) for s in samples)
    return (f"{site}: {counters.errors} error{'s' * (counters.errors != 1)}: {text}"
            + (f"; and {more} more (tarikh runs --json)" if more > 0 else ""))


def _short(sample: str) -> str:
    """'ConnectionRefusedError http://…: Connection was refused …' → the what and where, and
    the start of why (the run log keeps the whole)."""
    what, _, why = sample.partition(": ")
    if sample.startswith("HTTP ") or not why:
        return sample
    return f"{what} ({why[:60]}{'…' if len(why) > 60 else ''})"


def _options(args: argparse.Namespace, **extra: Any) -> RunOptions:
    settings = {}
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CannotRun(f"--set wants NAME=VALUE, got {pair!r}")
        settings[name.strip()] = value
    if getattr(args, "redis", None) and getattr(args, "resume", False):
        raise CannotRun("--resume is not supported with --redis: run the backfill again "
                        "(stored articles are not fetched twice)")
    return RunOptions(workers=args.workers, throttle=not args.no_throttle, log_file=args.log_file,
                      verbose=args.verbose, wait_lock=args.wait, max_depth=args.max_depth,
                      max_pages=args.max_pages, max_minutes=args.max_minutes,
                      block_private=args.block_private,
                      redis=getattr(args, "redis", None), lease_ttl=getattr(args, "lease_ttl", 60.0),
                      warc_dir=args.warc,
                      extra_settings=settings, **extra)


def _profile(name: str) -> Any:
    from crawler.profiles import ProfileError, check_profile_file, load_profile, profile_path

    path = profile_path(name)
    problems = check_profile_file(path) if path.exists() else []
    errors = [str(p) for p in problems if p.severity == "error"]
    if errors:  # the same checks as `tarikh sites --check`: a broken profile never half-runs
        raise CannotRun("; ".join(errors))
    for problem in problems:
        print(f"tarikh: {problem}", file=sys.stderr)
    try:
        profile = load_profile(name)
    except ProfileError as exc:
        raise CannotRun(str(exc)) from exc
    if profile.is_template:
        raise CannotRun(f"profile {profile.name!r} has {{{{BASE}}}} placeholders: it is a template for "
                        "the local demo server, not a site to crawl (use tarikh demo)")
    return profile


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.profiles import ProfileError, zero_config_profile

    if sum(map(bool, (args.site, args.url, args.all))) != 1:
        print("tarikh crawl: give one of SITE (a profile name), --url URL or --all", file=sys.stderr)
        return EXIT_USAGE
    if args.all:
        return crawl_all(args)
    if args.url:
        try:
            profile = zero_config_profile(args.url)
        except ProfileError as exc:
            raise CannotRun(str(exc)) from exc
    else:
        profile = _profile(args.site)
    return _run(profile, args, _options(args, refresh_after=args.refresh_after))


def crawl_all(args: argparse.Namespace) -> int:
    """Every profile in turn, each in its own process (Twisted's reactor runs once per
    process); the exit code is the worst of theirs, so one bad site still fails the unit."""
    import subprocess

    from crawler.profiles import ProfileError, check_profile_file, load_profile, profile_files

    passthrough = ["--db", args.db, "--wait", str(args.wait), "--workers", str(args.workers)]
    for flag, value in (("--refresh-after", args.refresh_after), ("--log-file", args.log_file),
                        ("--max-depth", args.max_depth), ("--warc", args.warc)):
        if value is not None:
            passthrough += [flag, str(value)]
    for flag, value in (("--max-pages", args.max_pages), ("--max-minutes", args.max_minutes)):
        if value is not None:
            passthrough += [flag, str(value)]
    if args.block_private is not None:
        passthrough.append("--block-private" if args.block_private else "--allow-private")
    passthrough += ["-v"] * args.verbose + ["--no-throttle"] * args.no_throttle
    if args.redis:
        passthrough += ["--redis", args.redis, "--lease-ttl", str(args.lease_ttl)]
    for pair in args.set:
        passthrough += ["-s", pair]
    worst = EXIT_OK
    for path in profile_files():
        errors = [p for p in check_profile_file(path) if p.severity == "error"]
        if errors:  # named, and it fails the unit: a broken profile is never skipped silently
            for problem in errors:
                print(f"tarikh crawl --all: {problem}", file=sys.stderr)
            worst = max(worst, EXIT_CANNOT_RUN)
            continue
        try:
            if load_profile(str(path)).is_template:
                continue  # a template for a local server (the bundled demo), not a real site
        except ProfileError as exc:
            print(f"tarikh crawl --all: {exc}", file=sys.stderr)
            worst = max(worst, EXIT_CANNOT_RUN)
            continue
        code = subprocess.call([sys.executable, "-m", "crawler.cli", "crawl", path.stem, *passthrough])
        if code != EXIT_OK:
            print(f"tarikh crawl --all: {path.stem} exited {code}", file=sys.stderr)
        worst = max(worst, code)
    return worst


def cmd_backfill(args: argparse.Namespace) -> int:
    if not args.since and not args.resume:
        print("tarikh backfill: --since YYYY-MM-DD is required (or --resume)", file=sys.stderr)
        return EXIT_USAGE
    if args.since and args.until and args.since > args.until:
        print(f"tarikh backfill: --since {args.since} is after --until {args.until}: an empty range",
              file=sys.stderr)
        return EXIT_USAGE
    profile = _profile(args.site)
    opts = _options(args, mode="backfill", since=args.since, until=args.until, resume=args.resume)
    if (args.distributed or args.part_of) and not args.redis:
        print("tarikh backfill: --distributed needs --redis URL (or $TARIKH_REDIS)", file=sys.stderr)
        return EXIT_USAGE
    if args.parts is not None and args.parts < 1:
        print("tarikh backfill: --parts must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.part_of or args.distributed:
        return _run_split(profile, args, opts)
    return _run(profile, args, opts)


def _run_split(profile: Any, args: argparse.Namespace, opts: RunOptions) -> int:
    from crawler.cluster.conn import connect
    from crawler.cluster.status import snapshot
    from crawler.runs.lock import LockBusy
    from crawler.runs.runner import run_distributed, run_part

    if args.part_of:
        return run_part(profile, opts, args.part_of, args.parts or 1).exit_code
    parts = args.parts or len(snapshot(connect(args.redis))["workers"])
    if parts < 1:
        raise CannotRun("no worker is alive on this Redis: start `tarikh worker` (or give --parts N)")
    try:
        outcome = run_distributed(profile, opts, parts)
    except LockBusy as exc:
        raise CannotRun(f"{exc}; is another run of {profile.name!r} going on?") from exc
    print(f"{profile.name}: run {outcome.run_id} {outcome.status} over {parts} workers", file=sys.stderr)
    return outcome.exit_code


def cmd_reprocess(args: argparse.Namespace) -> int:
    from crawler.profiles import ProfileError, load_profile
    from pipelines import store
    from pipelines.article.process import SiteContext
    from pipelines.article.reprocess import reprocess

    def context_for(site: str) -> SiteContext:
        try:
            return load_profile(site).site_context()
        except ProfileError:
            return SiteContext(site=site)

    db = store.connect(args.db)
    run_id = store.start_run(db, args.site or "*", "reprocess", {"since": args.since})
    report = reprocess(db, site=args.site, since=args.since.isoformat() if args.since else None,
                       context_for=context_for, run_id=run_id, workers=args.workers)
    c = report.counters
    code = EXIT_OK if not c.errors else EXIT_UNHEALTHY
    store.update_run(db, run_id, c, status="ok" if not c.errors else "unhealthy", exit_code=code)
    print(f"reprocessed {report.pages} stored pages of {len(report.sites)} site(s) without downloading: "
          f"{c.articles_updated} records changed, {c.articles_new} new, {c.articles_unchanged} unchanged, "
          f"{report.empty} with no text, {c.errors} failed")
    return code


def cmd_import_warc(args: argparse.Namespace) -> int:
    from crawler.profiles import ProfileError, load_profile, site_key
    from pipelines import store
    from pipelines.article.process import SiteContext
    from pipelines.article.warc import WarcImport

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"tarikh import-warc: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    profiles: dict[str, Any] = {}

    def profile_of(site: str) -> Any:
        if site not in profiles:
            try:
                profiles[site] = load_profile(site)
            except ProfileError:
                profiles[site] = None
        return profiles[site]

    def context_for(site: str) -> SiteContext:
        profile = profile_of(site)
        return profile.site_context() if profile is not None else SiteContext(site=site)

    def article_hint(site: str, url: str) -> bool | None:
        profile = profile_of(site)
        return profile.is_article_url(url) if profile is not None else None

    db = store.connect(args.db)
    run_id = store.start_run(db, args.site or "*", "import", {"files": [str(f) for f in args.files]})
    job = WarcImport(db, site=args.site, context_for=context_for, article_hint=article_hint, run_id=run_id)
    report = job.run(list(args.files), (lambda _url: args.site) if args.site else site_key)
    c = report.counters
    if report.bad_records:
        c.skipped_reasons["bad_record"] = report.bad_records
        c.pages_skipped += report.bad_records
    code = EXIT_OK if not c.errors and not report.bad_files else EXIT_UNHEALTHY
    store.update_run(db, run_id, c, status="ok" if code == EXIT_OK else "unhealthy", exit_code=code)
    for problem in report.bad_files:
        print(f"tarikh import-warc: {problem}", file=sys.stderr)
    print(f"imported {report.files} WARC file(s), {report.records} responses: {c.articles_new} new, "
          f"{c.articles_updated} updated, {c.articles_unchanged} unchanged, {c.pages_dropped} not articles, "
          f"{c.pages_skipped} skipped ({report.bad_records} bad records), {c.errors} failed (run {run_id})")
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.app.demo import run_demo

    return run_demo(args.db, workers=args.workers, verbose=args.verbose)


COMMANDS = [
    Command("crawl", "crawl a site (profile name, or --url for zero-config)", _crawl_args, cmd_crawl),
    Command("backfill", "fetch a site's past articles in a date range", _backfill_args, cmd_backfill),
    Command("reprocess", "re-run extraction/furniture/dates on stored pages, no download", _reprocess_args, cmd_reprocess),
    Command("import-warc", "store the HTTP responses of WARC files as a crawl would", _import_warc_args,
            cmd_import_warc),
    Command("demo", "serve the bundled demo site locally, crawl it, print a summary", _demo_args, cmd_demo),
]
