"""Commands for operators: sites, runs, health."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.cli.common import ROWS, Command, add_db, emit, open_existing_db
from crawler.runs.verdict import EXIT_OK, EXIT_UNHEALTHY


def _sites_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true",
                   help="check every profile (TOML, keys, regexes, name, timezone, calendar, "
                        "selectors); exit 1 on any problem")


def _runs_args(p: argparse.ArgumentParser) -> None:
    add_db(p)
    p.add_argument("--site", help="only the runs of this site")
    p.add_argument("--limit", type=ROWS, default=20, help="newest N runs (default 20)")
    p.add_argument("--json", action="store_true",
                   help="JSON Lines, one run a line; reasons, samples and args as JSON values")


def _health_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", nargs="?", help="one site (default: every site with runs or articles)")
    add_db(p)
    p.add_argument("--json", action="store_true", help="JSON Lines, one site a line")


def cmd_sites(args: argparse.Namespace) -> int:
    from crawler.profiles import check_profile_file, list_profiles, profile_files

    problems = [p for path in profile_files() for p in check_profile_file(path)]
    if args.check:
        for problem in problems:
            print(problem)
        print(f"{len(profile_files())} profiles, {len(problems)} problems", file=sys.stderr)
        return EXIT_UNHEALTHY if problems else EXIT_OK
    for profile in list_profiles():
        where = ", ".join(profile.sitemaps or profile.start_urls or profile.feeds)
        print(f"{profile.name:20} {profile.title or '-':40} {where}")
    for problem in problems:  # a broken profile is not listed: say why
        print(f"tarikh sites: {problem}", file=sys.stderr)
    errors = any(p.severity == "error" for p in problems)
    return EXIT_UNHEALTHY if errors else EXIT_OK


def cmd_runs(args: argparse.Namespace) -> int:
    from pipelines import store

    db = open_existing_db(args.db)
    rows = store.list_runs(db, args.site, args.limit)
    if args.json:
        for row in rows:
            emit(decode_run(row))
        return EXIT_OK
    print(f"{'id':>4} {'site':18} {'mode':9} {'started':20} {'status':11} "
          f"{'pages':>6} {'304':>5} {'new':>5} {'upd':>5} {'same':>5} {'drop':>5} {'skip':>5} {'err':>4}")
    for r in rows:
        print(f"{r['id']:>4} {r['site'][:18]:18} {r['mode']:9} {r['started']:20} {r['status']:11} "
              f"{r['pages_downloaded']:>6} {r['not_modified']:>5} {r['articles_new']:>5} "
              f"{r['articles_updated']:>5} {r['articles_unchanged']:>5} {r['pages_dropped']:>5} "
              f"{r['pages_skipped'] or 0:>5} {r['errors']:>4}")
    return EXIT_OK


#: Columns of `runs` stored as JSON text: emitted as JSON values, not strings of JSON.
JSON_COLUMNS = ("dropped_reasons", "skipped_reasons", "error_samples", "args")


def decode_run(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in JSON_COLUMNS:
        if isinstance(out.get(column), str):
            try:
                out[column] = json.loads(out[column])
            except ValueError:
                pass  # not JSON (written by hand?): keep the text
    return out


def cmd_health(args: argparse.Namespace) -> int:
    from crawler.runs.health import site_health

    db = open_existing_db(args.db)
    reports = site_health(db, args.site)
    if args.site and not reports:
        print(f"tarikh health: no runs or articles for site {args.site!r}", file=sys.stderr)
        return EXIT_UNHEALTHY
    for report in reports:
        if args.json:
            emit(report)
        else:
            flag = "OK " if report["healthy"] else "BAD"
            print(f"{flag} {report['site']}: last success {report['last_success'] or 'never'}, "
                  f"{report['articles']} articles, {report['avg_new_per_run']:.1f} new/run, "
                  f"no date {report['share_no_date']:.0%}, no text {report['share_no_text']:.0%}, "
                  f"template {report['template_pages']} pages"
                  + (f" — {'; '.join(report['problems'])}" if report["problems"] else ""))
    return EXIT_OK if all(r["healthy"] for r in reports) else EXIT_UNHEALTHY


COMMANDS = [
    Command("sites", "list the site profiles", _sites_args, cmd_sites),
    Command("runs", "the run log", _runs_args, cmd_runs),
    Command("health", "per-site health; exits 1 when a site has gone bad", _health_args, cmd_health),
]
