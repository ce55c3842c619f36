"""Reading WARC: warcio vs FastWARC, on a WARC generated from the Zyte benchmark's real pages.

    .venv/bin/python benchmarks/warc.py [--copies 10]

The 181 Zyte pages (each with an HTTP response header) are written `--copies` times as
response records (with a request record each, as a crawler writes them) with warcio, once
gzipped per record and once plain; each library then reads every response record and its
whole HTTP body (as `tarikh import-warc` does). CPU ms per record and MB/s of WARC file.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import tempfile
import time
from pathlib import Path

from scoring import dataset_dir
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def generate(path: Path, pages: list[tuple[str, bytes]], copies: int, gz: bool) -> int:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)
        n = 0
        for c in range(copies):
            for url, body in pages:
                url = f"{url}?copy={c}"
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                      ("Content-Length", str(len(body)))],
                                           protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   http_headers=headers)
                writer.write_record(record)
                req = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
                writer.write_record(req)
                n += 1
    return n


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type == "response":
                record.content_stream().read()
                n += 1
    return n


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    n = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True):
            record.reader.read()
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    root = dataset_dir("zyte", "ground-truth.json")
    if root is None:
        raise SystemExit(1)
    truth = json.loads((root / "ground-truth.json").read_text())
    pages = [(v.get("url") or f"https://x.example/{k}", gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()))
             for k, v in truth.items()]
    print(f"{'file':10} {'records':>8} {'MB':>7} {'library':10} {'ms/record':>10} {'MB/s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for gz in (True, False):
            path = Path(tmp) / ("z.warc.gz" if gz else "z.warc")
            n = generate(path, pages, args.copies, gz)
            mb = path.stat().st_size / 1e6
            for name, fn in (("warcio", read_warcio), ("fastwarc", read_fastwarc)):
                fn(path)  # warm the page cache
                t0 = time.process_time()
                got = fn(path)
                cpu = time.process_time() - t0
                assert got == n, (name, got, n)
                print(f"{path.name:10} {n:>8} {mb:>7.1f} {name:10} {cpu / n * 1000:>10.3f} {mb / cpu:>7.1f}")


if __name__ == "__main__":
    main()
