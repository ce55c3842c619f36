"""WARC in and out (#13): crawl → export WARC → import into a fresh database gives the same
records; CC-NEWS-shaped files (warcinfo, request, response, metadata records) gzipped and
plain; bad records skipped and counted, a bad file gets one line, never a traceback."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.helpers import rows, tarikh, write_profile

PARA = ("The council approved the new harbour budget on Tuesday after a long debate, and the "
        "mayor said work on the sea wall would begin before the winter storms arrive. ")


def _page(title: str, day: str, words: str = "") -> bytes:
    return (f"<html><head><title>{title}</title><meta property='article:published_time' "
            f"content='{day}'></head><body><nav>Home News Sport</nav><article><h1>{title}</h1>"
            f"<p>{PARA * 3}{words}</p><p>{PARA}</p></article></body></html>").encode()


def write_cc_news(path: Path, *, gz: bool) -> None:
    """A small file shaped like CC-NEWS: warcinfo, then request/response/metadata per URL."""
    with open(path, "wb") as out:
        w = WARCWriter(out, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test", "format": "WARC/1.0"}))
        for i, (host, day) in enumerate((("news-a.example", "2024-03-01"), ("news-b.example", "2024-03-02"))):
            url = f"https://{host}/2024/03/harbour-{i}.html"
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            body = _page(f"Harbour budget approved {i}", day, words=f"Story number {i}. ")
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                warc_headers_dict={"WARC-Date": f"{day}T10:00:00Z"}))
            w.write_record(w.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 12")))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news-a.example/logo.png", "response",
                                            payload=io.BytesIO(b"\x89PNG..."), http_headers=img))
        gone = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://news-a.example/gone.html", "response",
                                            payload=io.BytesIO(b"<html>gone</html>"), http_headers=gone))
    # a response record whose block is no HTTP message (warcio will not write one): a bad record
    raw = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news-a.example/raw\r\n"
           b"WARC-Date: 2024-03-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:0000-bad>\r\n"
           b"Content-Type: application/http; msgtype=response\r\nContent-Length: 8\r\n\r\n"
           b"not http\r\n\r\n")
    with open(path, "ab") as out:
        out.write(gzip.compress(raw) if gz else raw)


@pytest.mark.parametrize("gz", [True, False])
def test_import_cc_news_shaped_warc(tmp_path: Path, gz: bool) -> None:
    warc = tmp_path / ("news.warc.gz" if gz else "news.warc")
    write_cc_news(warc, gz=gz)
    db = tmp_path / "t.db"
    out = tarikh("import-warc", str(warc), "--db", str(db)).stdout
    assert "2 new" in out
    stored = rows(db, "select url, site, title, published, fetched_at from articles order by url")
    assert [(r["site"], r["published"], r["fetched_at"]) for r in stored] == [
        ("news-a.example", "2024-03-01", "2024-03-01T10:00:00Z"),
        ("news-b.example", "2024-03-02", "2024-03-02T10:00:00Z")]
    assert all(r["title"].startswith("Harbour budget approved") for r in stored)
    run = rows(db, "select mode, articles_new, pages_skipped, skipped_reasons from runs")[0]
    assert run["mode"] == "import" and run["articles_new"] == 2
    assert run["pages_skipped"] == 3  # the image, the 404, the record without HTTP
    assert '"bad_record": 1' in run["skipped_reasons"] and '"not_html": 1' in run["skipped_reasons"]
    assert len(rows(db, "select url from pages where html is not null")) == 2
    again = tarikh("import-warc", str(warc), "--db", str(db)).stdout  # re-import: nothing new
    assert "0 new" in again and "2 unchanged" in again


def test_bad_files_get_one_line_and_the_rest_is_imported(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    write_cc_news(good, gz=True)
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not a WARC file at all\n" * 10)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])  # truncated mid-record
    db = tmp_path / "t.db"
    proc = tarikh("import-warc", str(junk), str(cut), str(good), "--db", str(db), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    problems = [line for line in proc.stderr.splitlines() if line.startswith("tarikh import-warc:")]
    assert any("junk.warc.gz" in p for p in problems)
    assert len(rows(db, "select url from articles")) == 2  # the good file, whole
    missing = tarikh("import-warc", str(tmp_path / "nope.warc"), "--db", str(db), check=False)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "nope.warc" in missing.stderr


def test_crawl_export_warc_import_gives_the_same_records(tmp_path: Path) -> None:
    first, second = tmp_path / "crawled.db", tmp_path / "imported.db"
    tarikh("demo", "--db", str(first))
    warc = tmp_path / "demo.warc.gz"
    proc = tarikh("export", "--format", "warc", "--db", str(first), "-o", str(warc))
    pages = rows(first, "select url, content_type from pages where html is not null")
    assert f"exported {len(pages)} raw pages" in proc.stderr
    with open(warc, "rb") as f:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_header("Content-Type"))
                   for r in ArchiveIterator(f)]
    assert sorted(records) == sorted((p["url"], p["content_type"]) for p in pages)
    assert gzip.decompress(warc.read_bytes())[:8] == b"WARC/1.0" or warc.read_bytes()[:2] == b"\x1f\x8b"
    tarikh("import-warc", str(warc), "--site", "demo", "--db", str(second))
    columns = [c["name"] for c in rows(first, "select name from pragma_table_info('articles')")
               if c["name"] != "run_id"]
    query = f"select {', '.join(columns)} from articles order by url"
    crawled, imported = rows(first, query), rows(second, query)
    assert len(crawled) >= 30
    assert imported == crawled


def test_crawl_with_warc_writes_rotated_files_that_import_to_the_same_records(
        tmp_path: Path, demo_server) -> None:
    sites, warcs = tmp_path / "sites", tmp_path / "warc"
    sites.mkdir()
    write_profile(sites / "news.toml", name="news", base=demo_server.base_url)
    first, second = tmp_path / "crawled.db", tmp_path / "imported.db"
    env = {"TARIKH_SITES": str(sites)}
    tarikh("crawl", "news", "--db", str(first), "--no-throttle", "--warc", str(warcs),
           "-s", "TARIKH_WARC_MAX_BYTES=60000", env=env)
    files = sorted(warcs.glob("tarikh-news-*.warc.gz"))
    assert len(files) >= 2  # rotated
    kinds: dict[str, int] = {}
    responses = set()
    for path in files:
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
                if record.rec_type == "response":
                    responses.add(record.rec_headers.get_header("WARC-Target-URI"))
    assert kinds["warcinfo"] == len(files)
    assert kinds["response"] == kinds["request"] == kinds["metadata"] >= 30
    stored = {r["url"] for r in rows(first, "select url from articles")}
    assert stored <= responses
    tarikh("import-warc", *map(str, files), "--site", "news", "--db", str(second), env=env)
    columns = [c["name"] for c in rows(first, "select name from pragma_table_info('articles')")
               if c["name"] not in ("run_id", "fetched_at", "first_seen", "updated_at")]
    query = f"select {', '.join(columns)} from articles order by url"
    assert rows(second, query) == rows(first, query)
