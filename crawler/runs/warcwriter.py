"""`tarikh crawl … --warc DIR`: also write every fetched response as WARC while crawling.

Each response becomes a request, a response and a metadata record (gzipped per record) in
`DIR/tarikh-<site>-<start>-<n>.warc.gz`, a new file when one passes TARIKH_WARC_MAX_BYTES.
Compressing and writing happen in a thread fed by a queue — off the reactor, so a slow disk
never stalls downloads; the reactor only copies references to the response.

The body is what Scrapy hands the spider (already decompressed), so Content-Encoding and
Transfer-Encoding are dropped and Content-Length is the body's: the record is then
self-consistent, and `tarikh import-warc` reads it back as the same page.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 1_000_000_000  # the size Common Crawl's files are cut at
_DROP = {b"content-encoding", b"transfer-encoding", b"content-length"}


class WarcFiles:
    """Rotating gzipped WARC files; used from one thread only."""

    def __init__(self, directory: Path, prefix: str, max_bytes: int) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.count = 0
        self.paths: list[Path] = []
        self._file: Any = None
        self._writer: WARCWriter | None = None

    def writer(self) -> WARCWriter:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()
        if self._writer is None:
            self.count += 1
            path = self.directory / f"{self.prefix}-{self.count:05d}.warc.gz"
            self._file = open(path, "wb")  # closed by close(), at rotation or at the end
            self._writer = WARCWriter(self._file, gzip=True)
            self._writer.write_record(self._writer.create_warcinfo_record(
                path.name, {"software": "tarikh", "format": "WARC File Format 1.0"}))
            self.paths.append(path)
        return self._writer

    def write(self, url: str, request: bytes, response: tuple[str, list[tuple[str, str]], bytes],
              meta: bytes, date: str) -> None:
        writer = self.writer()
        statusline, headers, body = response
        http = StatusAndHeaders(statusline, headers, protocol="HTTP/1.1")
        resp = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                         warc_headers_dict={"WARC-Date": date})
        writer.write_record(resp)
        record_id = resp.rec_headers.get_header("WARC-Record-ID")
        writer.write_record(writer.create_warc_record(
            url, "request", payload=io.BytesIO(request),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id}))
        writer.write_record(writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(meta), warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": record_id}))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file, self._writer = None, None


class WarcWriterExtension:
    """The Scrapy extension behind --warc: queue on response_received, write in a thread."""

    def __init__(self, directory: Path, site: str, max_bytes: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.files = WarcFiles(directory, f"tarikh-{site}-{stamp}", max_bytes)
        self.queue: queue.Queue[tuple | None] = queue.Queue(maxsize=1000)
        self.thread = threading.Thread(target=self._drain, name="tarikh-warc", daemon=True)
        self.thread.start()
        self.errors = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterExtension:
        settings = crawler.settings
        ext = cls(Path(settings.get("TARIKH_WARC_DIR")), settings.get("TARIKH_WARC_SITE") or "crawl",
                  settings.getint("TARIKH_WARC_MAX_BYTES", DEFAULT_MAX_BYTES))
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.queue.put((response.url, response.status, response.headers, response.body,
                        request.method, request.url, request.headers,
                        request.headers.get(b"Referer"), request.meta.get("depth"), date))

    def spider_closed(self, spider: Any) -> None:
        self.queue.put(None)
        self.thread.join()
        logger.info("WARC: %d file(s) written: %s", len(self.files.paths),
                    ", ".join(str(p) for p in self.files.paths))

    def _drain(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                self.files.close()
                return
            try:
                self._write(*job)
            except Exception as exc:  # noqa: BLE001 - the crawl goes on; the archive misses one page
                self.errors += 1
                logger.error("WARC: could not write %s: %s", job[0], exc)

    def _write(self, url: str, status: int, headers: Any, body: bytes, method: str, request_url: str,
               request_headers: Any, referer: bytes | None, depth: int | None, date: str) -> None:
        from urllib.parse import urlsplit

        pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in headers.items()
                 if k.lower() not in _DROP for v in vs]
        pairs.append(("Content-Length", str(len(body))))
        statusline = f"{status} {_REASONS.get(status, 'Status')}"
        parts = urlsplit(request_url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
        lines += [f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, vs in request_headers.items() for v in vs]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        meta = [f"depth: {depth or 0}"]
        if referer:
            meta.append(f"via: {referer.decode('latin-1')}")
        if request_url != url:
            meta.append(f"requested: {request_url}")
        self.files.write(url, request, (statusline, pairs, body), ("\r\n".join(meta) + "\r\n").encode(), date)


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            404: "Not Found", 410: "Gone", 500: "Internal Server Error"}
