"""WARC in and out: import archived HTTP responses (CC-NEWS, another crawler's WARCs) through
the crawl's own page → record path, and export stored raw pages as WARC.

Library: warcio, for reading and writing (benchmarks/warc.py). FastWARC reads about twice as
fast (0.20 vs 0.45 ms per gzipped record of the Zyte pages), but either is under 1% of a
page's parse and extraction (tens of ms), and warcio also writes — the export, the tests'
WARCs — so one pure-Python library does both.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.warcwriter import WARCWriter

from pipelines import store
from pipelines.article.dupes import store_article
from pipelines.article.process import (
    KEEP_RAW_REASONS,
    SiteContext,
    analyse_html,
    canonical_url,
    clean_blocks,
    date_of,
    drop_reason,
    make_record,
)
from pipelines.article.reprocess import refinish
from pipelines.page.furniture import SiteTemplate

#: As in a crawl: articles stored before the template saw this many pages are re-cleaned.
REFINISH_BELOW_PAGES = 60
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass(slots=True)
class WarcPage:
    """One HTTP response from a WARC file."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str


@dataclass(slots=True)
class ImportReport:
    files: int = 0
    records: int = 0
    bad_records: int = 0
    bad_files: list[str] = field(default_factory=list)
    counters: store.RunCounters = field(default_factory=store.RunCounters)


def _warc_date(value: str | None) -> str:
    """WARC-Date (ISO 8601, maybe with fractions) → tarikh's `*_at` format."""
    if value:
        try:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
    return store.now_iso()


def read_warc(path: Path, report: ImportReport) -> Iterator[WarcPage]:
    """The response records of one WARC file (gzipped or plain). Records that are not HTTP
    responses (request, metadata, warcinfo) are passed over; broken ones are counted in
    `report` and skipped; a file that breaks mid-way ends there, counted, not raised."""
    with open(path, "rb") as stream:
        head = stream.read(5)
        if not (head.startswith(b"\x1f\x8b") or head == b"WARC/"):
            report.bad_files.append(f"{path}: not a WARC file (neither gzip nor 'WARC/' at the start); skipped")
            return
        stream.seek(0)
        iterator = ArchiveIterator(stream)
        yield from _records(path, iterator, report)
        if iterator.err_count:
            report.bad_records += iterator.err_count
            report.bad_files.append(f"{path}: {iterator.err_count} record(s) with a wrong Content-Length")


def _records(path: Path, iterator: ArchiveIterator, report: ImportReport) -> Iterator[WarcPage]:
    records = iter(iterator)
    while True:
        try:
            # warcio writes its format warnings to stderr; they are counted (err_count)
            with contextlib.redirect_stderr(io.StringIO()):
                record = next(records)
        except StopIteration:
            return
        except (ArchiveLoadFailed, StatusAndHeadersParserException, OSError, ValueError,
                EOFError) as exc:
            report.bad_records += 1
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            report.bad_files.append(f"{path}: unreadable from here on ({why}); rest of the file skipped")
            return
        if record.rec_type != "response":
            continue
        report.records += 1
        url = record.rec_headers.get_header("WARC-Target-URI")
        http = record.http_headers
        try:
            body = record.content_stream().read()
            status = int(http.get_statuscode()) if http is not None else 0
        except (OSError, ValueError, EOFError):
            report.bad_records += 1
            continue
        if not url or http is None or not status:
            report.bad_records += 1
            continue
        yield WarcPage(url=url, status=status, body=body,
                       content_type=http.get_header("Content-Type"),
                       etag=http.get_header("ETag"), last_modified=http.get_header("Last-Modified"),
                       fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")))


class WarcImport:
    """Runs WARC pages through the crawl's stages: analyse, furniture (learning the site's
    template), date, record, the crawl's drop rules, store with raw page and duplicates."""

    def __init__(self, db: Any, *, site: str | None, context_for: Callable[[str], SiteContext],
                 article_hint: Callable[[str, str], bool | None], run_id: int) -> None:
        self.db = db
        self.site = site
        self.context_for = context_for
        self.article_hint = article_hint
        self.run_id = run_id
        self.contexts: dict[str, SiteContext] = {}
        self.immature: dict[str, list[str]] = {}
        self.report = ImportReport()

    def context(self, site: str) -> SiteContext:
        ctx = self.contexts.get(site)
        if ctx is None:
            ctx = self.context_for(site)
            saved = store.load_template(self.db, site)
            if saved is not None:
                ctx.template = SiteTemplate.from_json(saved)
            self.contexts[site] = ctx
        return ctx

    def run(self, paths: list[Path], site_of: Callable[[str], str]) -> ImportReport:
        counters = self.report.counters
        for path in paths:
            self.report.files += 1
            for page in read_warc(path, self.report):
                self.add(page, site_of(page.url), counters)
        for site, ctx in self.contexts.items():
            store.save_template(self.db, site, ctx.template.to_json(), ctx.template.pages_seen)
            refinish(self.db, self.immature.get(site, []), ctx)
        return self.report

    def add(self, page: WarcPage, site: str, counters: store.RunCounters) -> None:
        if page.status != 200:
            counters.skip(f"status_{page.status}")
            return
        ctype = (page.content_type or "").split(";")[0].strip().lower()
        if ctype not in _HTML_TYPES:
            counters.skip("not_html")
            return
        counters.pages_downloaded += 1
        ctx = self.context(site)
        key = canonical_url(page.url)
        match = _CHARSET.search(page.content_type or "")
        encoding = match.group(1) if match else None
        row = {"url": key, "site": site, "status": page.status, "fetched_at": page.fetched_at,
               "etag": page.etag, "last_modified": page.last_modified,
               "content_type": page.content_type, "encoding": encoding,
               "html": store.pack(page.body), "extracted": None, "kind": "failed", "error": None,
               "run_id": self.run_id}
        try:
            analysis = analyse_html(page.body, page.url, encoding=encoding, rules=ctx.rules)
        except Exception as exc:  # noqa: BLE001 - one bad page is counted, the import goes on
            counters.error(f"analyse {page.url}: {type(exc).__name__}: {exc}")
            row["error"] = f"{type(exc).__name__}: {exc}"[:300]
            store.save_page(self.db, row)
            return
        row["extracted"] = store.pack(analysis.to_json())
        blocks = clean_blocks(analysis, ctx, page_key=key)
        record = make_record(page.url, analysis, blocks, date_of(analysis, ctx), ctx,
                             fetched_at=page.fetched_at)
        reason = drop_reason(analysis.page.kind, self.article_hint(site, page.url), record["text"],
                             record["published"], None, None)
        if reason is not None:
            counters.drop(reason)
            if reason in KEEP_RAW_REASONS:
                store.save_page(self.db, {**row, "kind": reason})
            return
        record["run_id"] = self.run_id
        result = store_article(self.db, record, page={**row, "kind": "article"})
        counters.count_write(result)
        if ctx.template.pages_seen < REFINISH_BELOW_PAGES:
            self.immature.setdefault(site, []).append(key)


def write_warc(db: Any, out: BinaryIO, *, site: str | None = None, gzip: bool = True) -> int:
    """Every stored raw page as a WARC response record with the HTTP fields tarikh kept
    (status, Content-Type, ETag, Last-Modified) and WARC-Date = when it was fetched."""
    writer = WARCWriter(out, gzip=gzip)
    count = 0
    for page in store.pages_for_warc(db, site):
        body = store.unpack(page["html"]) or b""
        headers = [("Content-Type", page["content_type"] or "text/html"),
                   ("Content-Length", str(len(body)))]
        headers += [(name, page[col]) for name, col in (("ETag", "etag"), ("Last-Modified", "last_modified"))
                    if page[col]]
        status = page["status"] or 200
        http = StatusAndHeaders(f"{status} {'OK' if status == 200 else 'Status'}", headers,
                                protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": (page["fetched_at"] or store.now_iso())}
        record = writer.create_warc_record(page["url"], "response", payload=io.BytesIO(body),
                                           http_headers=http, warc_headers_dict=warc_headers)
        writer.write_record(record)
        count += 1
    return count
