"""Commands that crawl or re-derive: crawl, backfill, reprocess, demo."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.cli.common import CannotRun, Command, add_db, add_run_options, iso_date
from crawler.runs.runner import RunOptions
from crawler.runs.verdict import EXIT_OK, EXIT_UNHEALTHY, EXIT_USAGE


def _crawl_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", nargs="?", help="profile name in data/sites/ (or a .toml path)")
    p.add_argument("--url", help="zero-config: crawl the site of this start URL")
    p.add_argument("--all", action="store_true", help="crawl every profile, one after another")
    p.add_argument("--refresh-after", type=float, metavar="DAYS",
                   help="re-fetch stored articles older than DAYS (conditional requests)")
    add_db(p)
    add_run_options(p)


def _backfill_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site")
    p.add_argument("--since", type=iso_date, help="YYYY-MM-DD (required unless --resume)")
    p.add_argument("--until", type=iso_date, help="YYYY-MM-DD (default: today)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted backfill")
    add_db(p)
    add_run_options(p)


def _reprocess_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", nargs="?")
    p.add_argument("--since", type=iso_date, help="only pages fetched on or after this day")
    p.add_argument("--workers", type=int, default=1, help="processes for the analysis pass")
    add_db(p)


def _import_warc_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="WARC files (.warc or .warc.gz)")
    p.add_argument("--site", help="store everything under this site (a profile name, whose rules "
                                  "apply); default: each record's host")
    add_db(p)


def _demo_args(p: argparse.ArgumentParser) -> None:
    add_db(p)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("-v", "--verbose", action="store_true")


def _run(profile: Any, args: argparse.Namespace, opts: RunOptions) -> int:
    from crawler.runs.lock import LockBusy
    from crawler.runs.runner import run_crawl

    try:
        outcome = run_crawl(profile, args.db, opts)
    except LockBusy as exc:
        raise CannotRun(f"{exc}; is another run of {profile.name!r} going on? (use --wait SECONDS)") from exc
    except OSError as exc:
        raise CannotRun(str(exc)) from exc
    c = outcome.counters
    summary = (f"{profile.name}: run {outcome.run_id} {outcome.status} — {c.pages_downloaded} pages, "
               f"{c.not_modified} not modified, {c.articles_new} new, {c.articles_updated} updated, "
               f"{c.articles_unchanged} unchanged, {c.pages_dropped} dropped, {c.errors} errors")
    if sys.stderr.isatty() or outcome.exit_code != EXIT_OK or args.verbose:
        print(summary, file=sys.stderr)
    return outcome.exit_code


def _options(args: argparse.Namespace, **extra: Any) -> RunOptions:
    settings = {}
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise CannotRun(f"--set wants NAME=VALUE, got {pair!r}")
        settings[name.strip()] = value
    return RunOptions(workers=args.workers, throttle=not args.no_throttle, log_file=args.log_file,
                      verbose=args.verbose, wait_lock=args.wait, max_depth=args.max_depth,
                      warc_dir=args.warc,
                      extra_settings=settings, **extra)


def _profile(name: str) -> Any:
    from crawler.profiles import ProfileError, load_profile

    try:
        return load_profile(name)
    except ProfileError as exc:
        raise CannotRun(str(exc)) from exc


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

    from crawler.profiles import list_profiles

    passthrough = ["--db", args.db, "--wait", str(args.wait), "--workers", str(args.workers)]
    for flag, value in (("--refresh-after", args.refresh_after), ("--log-file", args.log_file),
                        ("--max-depth", args.max_depth), ("--warc", args.warc)):
        if value is not None:
            passthrough += [flag, str(value)]
    passthrough += ["-v"] * args.verbose + ["--no-throttle"] * args.no_throttle
    for pair in args.set:
        passthrough += ["-s", pair]
    worst = EXIT_OK
    for profile in list_profiles():
        if any("{{BASE}}" in u for u in profile.start_urls + profile.sitemaps + profile.feeds):
            continue  # a template for a local server (the bundled demo), not a real site
        code = subprocess.call([sys.executable, "-m", "crawler.cli", "crawl", profile.name, *passthrough])
        if code != EXIT_OK:
            print(f"tarikh crawl --all: {profile.name} exited {code}", file=sys.stderr)
        worst = max(worst, code)
    return worst


def cmd_backfill(args: argparse.Namespace) -> int:
    if not args.since and not args.resume:
        print("tarikh backfill: --since YYYY-MM-DD is required (or --resume)", file=sys.stderr)
        return EXIT_USAGE
    profile = _profile(args.site)
    return _run(profile, args, _options(args, mode="backfill", since=args.since,
                                        until=args.until, resume=args.resume))


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
