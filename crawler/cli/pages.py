"""Commands on single pages and strings: extract, date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.cli.common import HIJRI_OFFSET, POSITIVE_SECONDS, Command, emit
from crawler.runs.verdict import EXIT_OK, EXIT_UNHEALTHY


def _extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH|URL|-",
                   help="saved HTML or text files, http(s) URLs to fetch, or - for stdin")
    p.add_argument("--url", help="the page's URL (site, URL dates, canonical key)")
    p.add_argument("--timeout", type=POSITIVE_SECONDS, default=30, help="seconds to wait for a fetched URL (default 30)")


def _date_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="a date string, or - to read one per line from stdin")
    p.add_argument("--hijri-offset", type=HIJRI_OFFSET, default=0,
                   help="the site's Hijri reckoning vs Umm al-Qura, in days (default 0)")


def looks_like_html(data: bytes) -> bool:
    head = data[:4096].lower()
    return any(tag in head for tag in (b"<html", b"<!doctype html", b"<body", b"<head", b"<div", b"<p>"))


def read_source(source: str, timeout: float = 30) -> tuple[bytes, str | None]:
    """The bytes of a file, of stdin (`-`) or of an http(s) URL, and the URL it came from."""
    if source == "-":
        return sys.stdin.buffer.read(), None
    if source.startswith(("http://", "https://")):
        import urllib.request

        request = urllib.request.Request(source, headers={"User-Agent": "tarikh extract"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), response.geturl()
    return Path(source).read_bytes(), None


def extract_file(source: str | Path, url: str | None, timeout: float = 30) -> dict[str, Any]:
    """One page (a saved file, stdin or a fetched URL; HTML or plain text) → the record
    tarikh would store."""
    from crawler.profiles import site_key
    from pipelines.article.process import SiteContext, analyse_html, analyse_text, process_analysis

    data, fetched_url = read_source(str(source), timeout)
    url = url or fetched_url
    path = Path(str(source))
    page_url = url or ("file:///dev/stdin" if str(source) == "-" else path.resolve().as_uri())
    if looks_like_html(data):
        analysis = analyse_html(data, page_url)
    else:
        analysis = analyse_text(data.decode("utf-8", errors="replace"), url)
    site = site_key(url) if url else (analysis.page.site_name or None)
    record = process_analysis(page_url, analysis, SiteContext(site=site or ""))
    return {
        "path": str(source),
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
            emit(extract_file(path, args.url, args.timeout))
        except (OSError, ValueError) as exc:  # urllib's errors are OSErrors too
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
