"""Commands for analysts: search, export, serve."""

from __future__ import annotations

import argparse
import sys

from crawler.cli.common import ROWS, Command, add_db, count, emit, iso_date, open_existing_db
from crawler.runs.verdict import EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE


def _search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help='words, "a phrase", prefix*, AND/OR/NOT, title:word')
    add_db(p)
    p.add_argument("--site", help="only this site's articles")
    p.add_argument("--since", type=iso_date,
                   help="published on or after this day (YYYY-MM-DD; not the fetch time): undated articles are left out")
    p.add_argument("--until", type=iso_date, help="published on or before this day (YYYY-MM-DD)")
    p.add_argument("--limit", type=ROWS, default=20, help="at most N results (default 20)")
    p.add_argument("--json", action="store_true", help="JSON Lines instead of text")
    p.add_argument("--collapse", action="store_true",
                   help="one result per story (near-duplicate copies folded, with a count)")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["csv", "jsonl", "parquet", "warc"], required=True,
                   help="output format (warc: the stored raw pages as gzipped WARC response records)")
    add_db(p)
    p.add_argument("--site", help="only this site's articles")
    p.add_argument("--since", type=iso_date, help="published on or after this day (YYYY-MM-DD)")
    p.add_argument("--until", type=iso_date, help="published on or before this day (YYYY-MM-DD)")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.add_argument("--collapse", action="store_true",
                   help="one row per story: earliest copies only, with a `copies` column")
    p.add_argument("--excel-safe", action="store_true",
                   help="CSV: prefix cells starting with = + - @ with ' so a spreadsheet shows, not runs, them")


def _dupes_args(p: argparse.ArgumentParser) -> None:
    add_db(p)
    p.add_argument("--site", help="only clusters with a copy on this site")
    p.add_argument("--rebuild", action="store_true",
                   help="recompute every signature and link (after an upgrade or a change of rules)")
    p.add_argument("--json", action="store_true", help="JSON Lines instead of text")


def _history_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", help="the article's URL as stored (its canonical URL)")
    add_db(p)
    p.add_argument("--json", action="store_true", help="the versions as JSON Lines")
    p.add_argument("--site-only", action="store_true",
                   help="only editorial revisions (reason 'site'), not re-derivations")


def _serve_args(p: argparse.ArgumentParser) -> None:
    add_db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=count(0, 65_535), default=8001, help="port (default 8001; 0: any free port)")


def cmd_search(args: argparse.Namespace) -> int:
    from pipelines.store.search import SearchError, format_results_text, search

    db = open_existing_db(args.db)
    try:
        results = search(db, args.query, site=args.site,
                         since=args.since.isoformat() if args.since else None,
                         until=args.until.isoformat() if args.until else None, limit=args.limit,
                         collapse=args.collapse)
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
    from pipelines.store.export import ExportError, export

    db = open_existing_db(args.db)
    if args.format == "warc":
        return _export_warc(db, args)
    if args.excel_safe and args.format != "csv":
        print("tarikh export: --excel-safe applies to --format csv only", file=sys.stderr)
        return EXIT_USAGE
    out = args.output or sys.stdout.buffer
    try:
        count = export(db, args.format, out, site=args.site,
                       since=args.since.isoformat() if args.since else None,
                       until=args.until.isoformat() if args.until else None,
                       collapse=args.collapse, excel_safe=args.excel_safe)
    except ExportError as exc:
        print(f"tarikh export: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    print(f"exported {count} {'stories' if args.collapse else 'articles'}", file=sys.stderr)
    return EXIT_OK


def cmd_dupes(args: argparse.Namespace) -> int:
    from pipelines import store
    from pipelines.store.dupes import clusters

    db = open_existing_db(args.db)  # a missing database is exit 3, never a new file
    if args.rebuild:
        from pipelines.article.dupes import rebuild

        db.conn.close()
        db = store.connect(args.db)
        print(f"re-indexed {rebuild(db)} articles for near-duplicates", file=sys.stderr)
    found = clusters(db, args.site)
    for cluster in found:
        if args.json:
            emit(cluster)
            continue
        print(f"{len(cluster['copies']) + 1} copies · {cluster['title'] or '(untitled)'}")
        print(f"  original  {cluster['published'] or 'no date':20} {cluster['site']:16} {cluster['url']}")
        for c in cluster["copies"]:
            print(f"  {c['similarity'] or 0:8.2f}  {c['published'] or 'no date':20} {c['site']:16} {c['url']}")
    if not args.json:
        print(f"{len(found)} stories with copies", file=sys.stderr)
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from pipelines import store
    from pipelines.article.history import render_history

    db = open_existing_db(args.db)  # a missing database is exit 3, never a new file
    versions = store.article_versions(db, args.url)
    if not versions:
        print(f"tarikh history: no stored article {args.url}", file=sys.stderr)
        return EXIT_USAGE
    if args.site_only:
        versions = [v for v in versions if v["reason"] in ("site", "current")]
    if args.json:
        for v in versions:
            emit({"url": args.url, **v})
    else:
        print(render_history(args.url, versions))
    return EXIT_OK


def _export_warc(db: object, args: argparse.Namespace) -> int:

    from pipelines.article.warc import write_warc
    from pipelines.store.export import output_file

    if args.since or args.until or args.collapse:
        print("tarikh export: --format warc exports raw pages; only --site applies", file=sys.stderr)
        return EXIT_USAGE
    if not args.output or args.output == "-":
        count = write_warc(db, sys.stdout.buffer, site=args.site)
    else:
        with output_file(args.output) as file:
            count = write_warc(db, file, site=args.site)
    print(f"exported {count} raw pages as WARC", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from crawler.app.serve import serve

    open_existing_db(args.db).conn.close()  # refuse a missing file; upgrade an old schema
    return serve(args.db, host=args.host, port=args.port)


COMMANDS = [
    Command("search", "full-text search", _search_args, cmd_search),
    Command("export", "export articles as csv, jsonl or parquet", _export_args, cmd_export),
    Command("dupes", "near-duplicate clusters (syndicated copies of one story)", _dupes_args, cmd_dupes),
    Command("history", "an article's stored versions and what changed", _history_args, cmd_history),
    Command("serve", "browse the database in Datasette (read-only)", _serve_args, cmd_serve),
]
