"""Commands on single pages and strings: extract, date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.cli.common import Command, emit
from crawler.runs.verdict import EXIT_OK, EXIT_UNHEALTHY


def _extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--url", help="the page's URL (site, URL dates, canonical key)")


def _date_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="a date string, or - to read one per line from stdin")
    p.add_argument("--hijri-offset", type=int, default=0)


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lower()
    return any(tag in head for tag in (b"<html", b"<!doctype html", b"<body", b"<head", b"<div", b"<p>"))


def extract_file(path: Path, url: str | None) -> dict[str, Any]:
    """One saved page (HTML or plain text) → the record tarikh would store."""
    from crawler.profiles import site_key
    from pipelines.article.process import SiteContext, analyse_html, analyse_text, process_analysis

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
            emit(extract_file(path, args.url))
        except (OSError, ValueError) as exc:
            emit({"path": str(path), "error": str(exc)})
            print(f"tarikh extract: {path}: {exc}", file=sys.stderr)
            status = EXIT_UNHEALTHY
    return status


def cmd_date(args: argparse.Namespace) -> int:
    from pipelines.dates.parse import parse_date

    lines = sys.stdin.read().splitlines() if args.text == "-" else [args.text]
    for line in lines:
        parsed = parse_date(line, hijri_offset=args.hijri_offset)
        emit({
            "text": line,
            "iso": parsed.iso if parsed else None,
            "calendar": parsed.calendar if parsed else "none",
            "raw": parsed.raw if parsed else None,
            "hijri": list(parsed.hijri) if parsed and parsed.hijri else None,
            "conflict": parsed.conflict if parsed else None,
        })
    return EXIT_OK


COMMANDS = [
    Command("extract", "extract saved HTML or text files; prints JSON Lines", _extract_args, cmd_extract),
    Command("date", "parse date strings; prints JSON Lines", _date_args, cmd_date),
]
