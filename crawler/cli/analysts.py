"""Commands for analysts: search, export, serve."""

from __future__ import annotations

import argparse
import sys

from crawler.cli.common import Command, add_db, emit, iso_date, open_existing_db
from crawler.runs.verdict import EXIT_OK, EXIT_USAGE


def _search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help='words, "a phrase", prefix*, AND/OR/NOT, title:word')
    add_db(p)
    p.add_argument("--site", help="only this site's articles")
    p.add_argument("--since", type=iso_date,
                   help="published on or after this day (YYYY-MM-DD; not the fetch time): undated articles are left out")
    p.add_argument("--until", type=iso_date, help="published on or before this day (YYYY-MM-DD)")
    p.add_argument("--limit", type=int, default=20, help="at most N results (default 20)")
    p.add_argument("--json", action="store_true", help="JSON Lines instead of text")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["csv", "jsonl", "parquet"], required=True, help="output format")
    add_db(p)
    p.add_argument("--site", help="only this site's articles")
    p.add_argument("--since", type=iso_date, help="published on or after this day (YYYY-MM-DD)")
    p.add_argument("--until", type=iso_date, help="published on or before this day (YYYY-MM-DD)")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")


def _serve_args(p: argparse.ArgumentParser) -> None:
    add_db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001; 0: any free port)")


def cmd_search(args: argparse.Namespace) -> int:
    from pipelines.store.search import SearchError, format_results_text, search

    db = open_existing_db(args.db)
    try:
        results = search(db, args.query, site=args.site,
                         since=args.since.isoformat() if args.since else None,
                         until=args.until.isoformat() if args.until else None, limit=args.limit)
    except SearchError as exc:
        print(f"tarikh search: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        for row in results:
            emit(row)
    else:
        print(format_results_text(results))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.store.export import export

    db = open_existing_db(args.db)
    out = args.output or sys.stdout.buffer
    count = export(db, args.format, out, site=args.site,
                   since=args.since.isoformat() if args.since else None,
                   until=args.until.isoformat() if args.until else None)
    print(f"exported {count} articles", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from crawler.app.serve import serve

    open_existing_db(args.db).conn.close()  # refuse a missing file; upgrade an old schema
    return serve(args.db, host=args.host, port=args.port)


COMMANDS = [
    Command("search", "full-text search", _search_args, cmd_search),
    Command("export", "export articles as csv, jsonl or parquet", _export_args, cmd_export),
    Command("serve", "browse the database in Datasette (read-only)", _serve_args, cmd_serve),
]
