"""The `tarikh` command line.

Exit codes (for cron and systemd): 0 ok; 1 ran but unhealthy (error spike, interrupted,
`health` found a bad site); 2 bad usage; 3 could not run (another run holds the site's
lock, unusable database or profile).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any

from crawler.runner import EXIT_CANNOT_RUN, EXIT_OK, EXIT_UNHEALTHY, RunOptions

DEFAULT_DB = "data/tarikh.db"


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=f"SQLite database (default {DEFAULT_DB})")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-file", help="write the crawl log (INFO) to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="log INFO even when not on a terminal")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for another run of the same site to finish (default: exit 3)")
    parser.add_argument("--workers", type=int, default=1,
                        help="extraction worker processes (0: extract in the crawl process)")
    parser.add_argument("--max-depth", type=int, help="link depth for zero-config discovery (default 4)")
    parser.add_argument("--no-throttle", action="store_true",
                        help="no AutoThrottle, high concurrency: only for servers you own")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (like scrapy's -s), e.g. -s DOWNLOAD_TIMEOUT=10")


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tarikh", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="serve the bundled demo site locally, crawl it, print a summary")
    _add_db(p)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("-v", "--verbose", action="store_true")

    p = sub.add_parser("crawl", help="crawl a site (profile name, or --url for zero-config)")
    p.add_argument("site", nargs="?", help="profile name in data/sites/ (or a .toml path)")
    p.add_argument("--url", help="zero-config: crawl the site of this start URL")
    p.add_argument("--all", action="store_true", help="crawl every profile, one after another")
    p.add_argument("--refresh-after", type=float, metavar="DAYS",
                   help="re-fetch stored articles older than DAYS (conditional requests)")
    _add_db(p)
    _add_run_options(p)

    p = sub.add_parser("backfill", help="fetch a site's past articles in a date range")
    p.add_argument("site")
    p.add_argument("--since", type=_iso_date, help="YYYY-MM-DD (required unless --resume)")
    p.add_argument("--until", type=_iso_date, help="YYYY-MM-DD (default: today)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted backfill")
    _add_db(p)
    _add_run_options(p)

    p = sub.add_parser("reprocess", help="re-run extraction/furniture/dates on stored pages, no download")
    p.add_argument("site", nargs="?")
    p.add_argument("--since", type=_iso_date, help="only pages fetched on or after this day")
    p.add_argument("--workers", type=int, default=1, help="processes for the analysis pass")
    _add_db(p)

    p = sub.add_parser("extract", help="extract saved HTML or text files; prints JSON Lines")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--url", help="the page's URL (site, URL dates, canonical key)")

    p = sub.add_parser("date", help="parse date strings; prints JSON Lines")
    p.add_argument("text", help="a date string, or - to read one per line from stdin")
    p.add_argument("--hijri-offset", type=int, default=0)

    sub.add_parser("sites", help="list the site profiles")

    p = sub.add_parser("runs", help="the run log")
    _add_db(p)
    p.add_argument("--site")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("health", help="per-site health; exits 1 when a site has gone bad")
    p.add_argument("site", nargs="?")
    _add_db(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="full-text search")
    p.add_argument("query")
    _add_db(p)
    p.add_argument("--site")
    p.add_argument("--since", type=_iso_date)
    p.add_argument("--until", type=_iso_date)
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="export articles as csv, jsonl or parquet")
    p.add_argument("--format", choices=["csv", "jsonl", "parquet"], required=True)
    _add_db(p)
    p.add_argument("--site")
    p.add_argument("--since", type=_iso_date)
    p.add_argument("--until", type=_iso_date)
    p.add_argument("-o", "--output", help="file to write (default: stdout)")

    p = sub.add_parser("serve", help="browse the database in Datasette (read-only)")
    _add_db(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = globals()[f"cmd_{args.command}"]
    try:
        return int(handler(args) or 0)
    except BrokenPipeError:
        return EXIT_OK
    except CannotRun as exc:
        print(f"tarikh: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except sqlite3.OperationalError as exc:  # locked past the busy timeout, unreadable file, …
        print(f"tarikh: database {getattr(args, 'db', '?')}: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN


class CannotRun(RuntimeError):
    """The command cannot run at all (exit 3)."""


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


# ---- crawling ---------------------------------------------------------------------------
def _run(profile: Any, args: argparse.Namespace, opts: RunOptions) -> int:
    from crawler.locking import LockBusy
    from crawler.runner import run_crawl

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
        return 2
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
                        ("--max-depth", args.max_depth)):
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
        return 2
    profile = _profile(args.site)
    return _run(profile, args, _options(args, mode="backfill", since=args.since,
                                        until=args.until, resume=args.resume))


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.demo import run_demo

    return run_demo(args.db, workers=args.workers, verbose=args.verbose)


def cmd_reprocess(args: argparse.Namespace) -> int:
    from crawler.profiles import ProfileError, load_profile
    from pipelines import store
    from pipelines.process import SiteContext
    from pipelines.reprocess import reprocess

    def context_for(site: str) -> SiteContext:
        try:
            p = load_profile(site)
        except ProfileError:
            return SiteContext(site=site)
        return SiteContext(site=site, rules=p.rules, hijri_offset=p.hijri_offset,
                           timezone=p.timezone or None, language=p.language or None,
                           calendar=p.calendar)

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


# ---- single pages and strings -------------------------------------------------------------
def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lower()
    return any(tag in head for tag in (b"<html", b"<!doctype html", b"<body", b"<head", b"<div", b"<p>"))


def extract_file(path: Path, url: str | None) -> dict[str, Any]:
    """One saved page (HTML or plain text) → the record tarikh would store."""
    from crawler.profiles import site_key
    from pipelines.process import SiteContext, analyse_html, analyse_text, process_analysis

    data = path.read_bytes()
    page_url = url or path.resolve().as_uri()
    if looks_like_html(data):
        analysis = analyse_html(data, page_url)
    else:
        analysis = analyse_text(data.decode("utf-8", errors="replace"), url)
    site = site_key(url) if url else (analysis.page.site_name or None)
    record = process_analysis(page_url, analysis, SiteContext(site=site or ""))
    return {
        "path": str(path),
        "url": url or record["url"],
        "site": site,
        "title": record["title"],
        "published": record["published"],
        "published_raw": record["published_raw"],
        "published_source": record["published_source"],
        "calendar": record["calendar"],
        "hijri": [record["hijri_year"], record["hijri_month"], record["hijri_day"]]
        if record["hijri_year"] else None,
        "language": record["language"],
        "text": record["text"],
    }


def cmd_extract(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.paths:
        try:
            _emit(extract_file(path, args.url))
        except (OSError, ValueError) as exc:
            _emit({"path": str(path), "error": str(exc)})
            print(f"tarikh extract: {path}: {exc}", file=sys.stderr)
            status = EXIT_UNHEALTHY
    return status


def cmd_date(args: argparse.Namespace) -> int:
    from pipelines.dateparse import parse_date

    lines = sys.stdin.read().splitlines() if args.text == "-" else [args.text]
    for line in lines:
        parsed = parse_date(line, hijri_offset=args.hijri_offset)
        _emit({
            "text": line,
            "iso": parsed.iso if parsed else None,
            "calendar": parsed.calendar if parsed else "none",
            "raw": parsed.raw if parsed else None,
            "hijri": list(parsed.hijri) if parsed and parsed.hijri else None,
            "conflict": parsed.conflict if parsed else None,
        })
    return EXIT_OK


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.profiles import list_profiles

    for profile in list_profiles():
        where = ", ".join(profile.sitemaps or profile.start_urls or profile.feeds)
        print(f"{profile.name:20} {profile.title or '-':40} {where}")
    return EXIT_OK


# ---- the run log and health -------------------------------------------------------------
def cmd_runs(args: argparse.Namespace) -> int:
    from pipelines import store

    db = store.connect(args.db)
    sql = "select * from runs" + (" where site = ?" if args.site else "") + " order by id desc limit ?"
    rows = list(db.query(sql, ([args.site] if args.site else []) + [args.limit]))
    if args.json:
        for row in rows:
            _emit(row)
        return EXIT_OK
    print(f"{'id':>4} {'site':18} {'mode':9} {'started':20} {'status':11} "
          f"{'pages':>6} {'304':>5} {'new':>5} {'upd':>5} {'same':>5} {'drop':>5} {'skip':>5} {'err':>4}")
    for r in rows:
        print(f"{r['id']:>4} {r['site'][:18]:18} {r['mode']:9} {r['started']:20} {r['status']:11} "
              f"{r['pages_downloaded']:>6} {r['not_modified']:>5} {r['articles_new']:>5} "
              f"{r['articles_updated']:>5} {r['articles_unchanged']:>5} {r['pages_dropped']:>5} "
              f"{r['pages_skipped'] or 0:>5} {r['errors']:>4}")
    return EXIT_OK


def cmd_health(args: argparse.Namespace) -> int:
    from crawler.health import site_health
    from pipelines import store

    db = store.connect(args.db)
    reports = site_health(db, args.site)
    if args.site and not reports:
        print(f"tarikh health: no runs or articles for site {args.site!r}", file=sys.stderr)
        return EXIT_UNHEALTHY
    for report in reports:
        if args.json:
            _emit(report)
        else:
            flag = "OK " if report["healthy"] else "BAD"
            print(f"{flag} {report['site']}: last success {report['last_success'] or 'never'}, "
                  f"{report['articles']} articles, {report['avg_new_per_run']:.1f} new/run, "
                  f"no date {report['share_no_date']:.0%}, no text {report['share_no_text']:.0%}, "
                  f"template {report['template_pages']} pages"
                  + (f" — {'; '.join(report['problems'])}" if report["problems"] else ""))
    return EXIT_OK if all(r["healthy"] for r in reports) else EXIT_UNHEALTHY


# ---- analysts ---------------------------------------------------------------------------
def cmd_search(args: argparse.Namespace) -> int:
    from pipelines import store
    from pipelines.search import SearchError, format_results_text, search

    db = store.connect(args.db, readonly=Path(args.db).exists())
    try:
        results = search(db, args.query, site=args.site,
                         since=args.since.isoformat() if args.since else None,
                         until=args.until.isoformat() if args.until else None, limit=args.limit)
    except SearchError as exc:
        print(f"tarikh search: {exc}", file=sys.stderr)
        return 2
    if args.json:
        for row in results:
            _emit(row)
    else:
        print(format_results_text(results))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines import store
    from pipelines.export import export

    db = store.connect(args.db, readonly=Path(args.db).exists())
    out = args.output or sys.stdout.buffer
    count = export(db, args.format, out, site=args.site,
                   since=args.since.isoformat() if args.since else None,
                   until=args.until.isoformat() if args.until else None)
    print(f"exported {count} articles", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from crawler.serve import serve
    from pipelines import store

    store.connect(args.db).conn.close()  # create/migrate so Datasette sees the current schema
    return serve(args.db, host=args.host, port=args.port)


if __name__ == "__main__":
    sys.exit(main())
