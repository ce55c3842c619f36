"""`tarikh serve`: a real Datasette on 127.0.0.1 answering its JSON API and canned queries, and
readers that are never blocked by, nor see half of, a crawl's writes."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.app.serve import METADATA, datasette_command, prepare_metadata
from pipelines import store
from pipelines.store.search import search
from tests.helpers import ROOT
from tests.search_corpus import CORPUS, build_db, crawl_demo

CHROMIUM = Path("/usr/bin/chromium")
URL = {a["url"].rsplit("/", 1)[1].removesuffix(".html"): a["url"] for a in CORPUS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=15) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@contextlib.contextmanager
def running_datasette(db_path: Path, tmp: Path) -> Iterator[dict[str, Any]]:
    """`tarikh serve`'s Datasette command, started for real on a free port."""
    port = free_port()
    cmd = datasette_command(db_path, host="127.0.0.1", port=port,
                            metadata_path=prepare_metadata(db_path, tmp))
    log = open(tmp / "datasette.log", "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError("datasette exited:\n" + (tmp / "datasette.log").read_text())
            try:
                if get(base + "/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("datasette did not start in 30 s")
            time.sleep(0.1)
        yield {"base": base, "db": db_path, "api": base + "/" + db_path.stem}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("serve")
    db_path = tmp / "tarikh.db"
    build_db(db_path).conn.close()
    with running_datasette(db_path, tmp) as srv:
        yield srv


def canned(server: dict, name: str, **params: Any) -> list[dict]:
    query = urllib.parse.urlencode({**params, "_shape": "array"})
    status, body = get(f"{server['api']}/{name}.json?{query}")
    assert status == 200, body
    return body


def db_rows(path: Path, sql: str, params: tuple = ()) -> list[dict]:
    db = store.connect(path, readonly=True)
    try:
        return list(store.iter_rows(db, sql, params))
    finally:
        db.conn.close()


# --- command and metadata -----------------------------------------------------------------------


def test_command_serves_mutable_read_only(tmp_path: Path) -> None:
    meta = tmp_path / "m.json"
    cmd = datasette_command(tmp_path / "x.db", host="127.0.0.1", port=8123, metadata_path=meta)
    assert cmd[1:4] == ["-m", "datasette", "serve"]
    assert str(tmp_path / "x.db") in cmd and str(meta) in cmd
    # immutable mode would ignore the WAL, so rows a running crawl commits would stay invisible
    assert "-i" not in cmd and "--immutable" not in cmd and "--nolock" not in cmd
    assert cmd[cmd.index("--port") + 1] == "8123"


def test_metadata_documents_the_schema(tmp_path: Path) -> None:
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    db_meta = meta["databases"]["tarikh"]
    described = db_meta["tables"]["articles"]["columns"]
    assert set(store.ARTICLE_COLUMNS) == set(described) and all(described.values())
    assert set(store.VIEWS) <= set(db_meta["tables"])
    assert set(db_meta["queries"]) == {"search", "by_site", "by_hijri_month"}
    assert not any(q.get("write") for q in db_meta["queries"].values())
    rekeyed = json.loads(prepare_metadata(tmp_path / "other.db", tmp_path).read_text("utf-8"))
    assert set(rekeyed["databases"]) == {"other"}


# --- the running server -------------------------------------------------------------------------


def test_plugin_is_loaded(server: dict) -> None:
    status, plugins = get(server["base"] + "/-/plugins.json")
    assert status == 200 and "tarikh" in {p["name"] for p in plugins}


def test_articles_json_api(server: dict) -> None:
    status, body = get(server["api"] + "/articles.json?_shape=array&_size=max")
    assert status == 200
    expected = db_rows(server["db"], "select url, title, published from articles")
    assert {(r["url"], r["title"], r["published"]) for r in body} == {
        (r["url"], r["title"], r["published"]) for r in expected
    }


def test_views_answer(server: dict) -> None:
    for view in store.VIEWS:
        status, body = get(f"{server['api']}/{view}.json?_shape=array")
        assert status == 200, (view, body)
        assert body == db_rows(server["db"], f"select * from {view}")
    undated = get(server["api"] + "/articles_without_date.json?_shape=array")[1]
    assert [r["url"] for r in undated] == [URL["notice"]]


def test_column_descriptions_are_served(server: dict) -> None:
    status, meta = get(server["base"] + "/-/metadata.json")
    assert status == 200
    columns = meta["databases"]["tarikh"]["tables"]["articles"]["columns"]
    assert "Hijri" in columns["hijri_year"] or "Islamic" in columns["hijri_year"]


def test_canned_search_folds_the_query(server: dict) -> None:
    hits = canned(server, "search", q="المدرسة")
    assert {h["url"] for h in hits} == {URL["school-opens"], URL["minister-visit"]}
    school = next(h for h in hits if h["url"] == URL["school-opens"])
    assert "[الْمَدْرَسَةُ]" in school["snippet"]
    assert [h["url"] for h in canned(server, "search", q="مُسْتَشْفَى")] == [URL["minister-visit"]]
    assert canned(server, "search", q="istanbul")[0]["url"] == URL["kopru"]
    assert canned(server, "search", q="reservoir")[0]["url"] == URL["reservoir"]  # title first
    both = canned(server, "search", q="reservoir NOT farmers")
    assert {h["url"] for h in both} == {URL["reservoir"], URL["notice"]}


def test_canned_search_tolerates_bad_and_empty_queries(server: dict) -> None:
    assert canned(server, "search", q="") == []
    # a malformed query is searched as plain words rather than failing
    assert [h["url"] for h in canned(server, "search", q='"yeni köprü')] == [URL["kopru"]]


def test_canned_by_site_and_by_hijri_month(server: dict) -> None:
    assert [r["url"] for r in canned(server, "by_site", site="tr-haber")] == [URL["kopru"]]
    ramadan = canned(server, "by_hijri_month", hijri_year="1439", hijri_month="9")
    expected = db_rows(server["db"], "select url from articles "
                       "where hijri_year = 1439 and hijri_month = 9")
    assert {r["url"] for r in ramadan} == {r["url"] for r in expected}
    assert {r["url"] for r in ramadan} == {URL["minister-visit"], URL["ramadan-market"]}


def test_sql_writes_are_refused(server: dict) -> None:
    before = db_rows(server["db"], "select count(*) as n from articles")[0]["n"]
    for sql in ("delete from articles", "update articles set title = 'x'",
                "insert into articles (url) values ('x')"):
        query = urllib.parse.urlencode({"sql": sql, "_shape": "array"})
        status, _ = get(f"{server['api']}.json?{query}")
        assert status >= 400, sql
    assert db_rows(server["db"], "select count(*) as n from articles")[0]["n"] == before


def test_server_reads_while_a_crawl_writes(server: dict) -> None:
    new = {"url": "https://en.example/live/breaking.html", "site": "en-wire",
           "title": "Breaking: Harbour Crane Collapses", "text": "A crane collapsed at the harbour.",
           "published": "2015-11-30", "language": "en"}
    count_url = server["api"] + ".json?sql=select+count(*)+as+n+from+articles&_shape=array"
    before = get(count_url)[1][0]["n"]
    writer = store.connect(server["db"])
    try:
        with store.transaction(writer):
            store.upsert_article(writer, new)
            start = time.monotonic()
            status, body = get(count_url)  # the crawl holds its write transaction open
            assert status == 200 and body[0]["n"] == before  # not locked, nothing half-visible
            assert time.monotonic() - start < 5
            assert canned(server, "search", q="harbour crane") == []
        assert get(count_url)[1][0]["n"] == before + 1  # committed rows appear (not immutable)
        assert [h["url"] for h in canned(server, "search", q="harbour crane")] == [new["url"]]
    finally:
        writer.conn.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium to render pages headless")
def test_page_renders_in_headless_chromium(server: dict, tmp_path: Path) -> None:
    title = next(a["title"] for a in CORPUS if a["url"] == URL["kopru"])
    for page in ("/articles", "/search?q=istanbul"):
        proc = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
             server["api"] + page],
            capture_output=True, text=True, timeout=90,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert title in proc.stdout.replace("&#39;", "'").replace("&#x27;", "'"), page


# --- WAL: readers during writes -----------------------------------------------------------------


NEW_ARTICLE = {"url": "https://en.example/live/storm.html", "site": "en-wire",
               "title": "Storm Closes the Harbour", "text": "The storm closed the harbour today.",
               "published": "2015-12-01", "language": "en"}


def test_reader_is_not_blocked_by_an_open_write_transaction(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    writer = build_db(path)
    reader = store.connect(path, readonly=True)
    reader.execute("pragma busy_timeout = 0")  # any lock would raise at once instead of waiting
    try:
        with store.transaction(writer):
            store.upsert_article(writer, NEW_ARTICLE)  # written, not committed
            for _ in range(3):
                assert reader.execute("select count(*) from articles").fetchone()[0] == len(CORPUS)
                assert reader.execute("select count(*) from articles_search "
                                      "where articles_search match 'harbour'").fetchone()[0] == 0
                assert search(reader, "storm") == []
        assert [r["url"] for r in search(reader, "storm harbour")] == [NEW_ARTICLE["url"]]
        assert reader.execute("select count(*) from articles").fetchone()[0] == len(CORPUS) + 1
    finally:
        reader.conn.close()
        writer.conn.close()


def _reader(path: str, stop, results) -> None:  # runs in a child process
    """Read snapshots until told to stop; report how many, and every inconsistency seen."""
    db = store.connect(path, readonly=True)
    db.execute("pragma busy_timeout = 0")  # a lock would raise at once instead of waiting
    reads, failures, last = 0, [], 0
    try:
        while not stop.is_set():
            db.execute("begin")
            n_articles = db.execute("select count(*) from articles").fetchone()[0]
            n_search = db.execute(
                "select count(*) from articles a join articles_search s on s.rowid = a.rowid "
                "and s.url = a.url").fetchone()[0]
            stale = [
                url for url, h, title, text, published in db.execute(
                    "select url, content_hash, title, text, published from articles")
                if h != store.content_hash(title, text, published)
            ]
            db.execute("commit")
            if n_articles != n_search or stale or n_articles < last:
                failures.append(f"{n_articles} articles, {n_search} indexed, {stale[:1]}")
            last = n_articles
            reads += 1
    except sqlite3.OperationalError as exc:
        failures.append(f"reader error: {exc}")
    finally:
        db.conn.close()
        results.put((reads, failures))


def test_readers_never_locked_and_never_see_half_an_article(tmp_path: Path) -> None:
    """A crawl writes article after article while two reader processes read: every snapshot
    holds whole articles, each with its search row, and no read fails or waits on a lock."""
    path = tmp_path / "t.db"
    build_db(path).conn.close()
    writer = store.connect(path)
    ctx = multiprocessing.get_context("fork")
    stop, results = ctx.Event(), ctx.Queue()
    readers = [ctx.Process(target=_reader, args=(str(path), stop, results)) for _ in range(2)]
    for proc in readers:
        proc.start()
    try:
        time.sleep(0.2)  # let the readers open the database and start reading
        for i in range(120):
            with store.transaction(writer):
                store.upsert_article(writer, {"url": f"https://w.example/{i}", "site": "w",
                                              "title": f"Story {i}", "text": f"body {i} " * 50,
                                              "published": "2020-01-01", "language": "en"})
                time.sleep(0.002)  # hold the write lock while readers read
    finally:
        stop.set()
        reports = [results.get(timeout=30) for _ in readers]
        for proc in readers:
            proc.join(timeout=30)
        writer.conn.close()
    failures = [f for _, fs in reports for f in fs]
    assert not failures, failures[:5]
    assert all(reads > 10 for reads, _ in reports), reports  # both really read alongside
    assert db_rows(path, "select count(*) as n from articles")[0]["n"] == len(CORPUS) + 120
    assert db_rows(path, "pragma journal_mode")[0]["journal_mode"] == "wal"


def test_canned_queries_on_a_crawled_database(tmp_path: Path) -> None:
    """The acceptance case: a real crawl of a three-language site, then Datasette's canned
    queries — Arabic typed without tashkeel finds the vowelled article, and by_hijri_month
    finds what the SQL says."""
    crawled = crawl_demo(tmp_path)
    with running_datasette(crawled["db"], tmp_path) as srv:
        hits = canned(srv, "search", q=crawled["word"])
        assert any(h["url"].endswith(crawled["path"]) for h in hits)
        by_site = canned(srv, "by_site", site="news")
        assert len(by_site) == len(crawled["manifest"]["articles"])
        some = db_rows(crawled["db"], "select hijri_year, hijri_month from articles limit 1")[0]
        month = canned(srv, "by_hijri_month", hijri_year=str(some["hijri_year"]),
                       hijri_month=str(some["hijri_month"]))
        expected = db_rows(crawled["db"], "select url from articles where hijri_year = ? and "
                           "hijri_month = ?", (some["hijri_year"], some["hijri_month"]))
        assert {r["url"] for r in month} == {r["url"] for r in expected} != set()


def test_sigterm_stops_datasette_and_removes_the_temp_folder(tmp_path: Path) -> None:
    """SIGTERM/SIGINT to `tarikh serve` reach its Datasette child; nothing is left behind."""
    import psutil

    db_path = tmp_path / "tarikh.db"
    build_db(db_path).conn.close()
    for signum in (signal.SIGTERM, signal.SIGINT):
        serve = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(db_path),
                                  "--port", "0"], cwd=ROOT, stderr=subprocess.DEVNULL)
        child = None
        try:
            deadline = time.monotonic() + 30
            while child is None or not _listening(child):
                assert time.monotonic() < deadline, "datasette did not start"
                assert serve.poll() is None
                kids = psutil.Process(serve.pid).children()
                child = kids[0] if kids else None
                time.sleep(0.2)
            cmdline = child.cmdline()
            temp_dir = Path(cmdline[cmdline.index("--metadata") + 1]).parent
            assert temp_dir.is_dir()
            serve.send_signal(signum)
            assert serve.wait(timeout=30) == 0
            psutil.wait_procs([child], timeout=10)
            assert not child.is_running()
            assert not temp_dir.exists()
        finally:
            if serve.poll() is None:
                serve.kill()
            if child is not None and child.is_running():  # the bug: an orphan left behind
                child.kill()


def _listening(proc: Any) -> bool:
    """Datasette is up: it listens on its (OS-chosen) port."""
    connections = getattr(proc, "net_connections", None) or proc.connections
    try:
        return any(c.status == "LISTEN" for c in connections(kind="tcp"))
    except Exception:  # the process is still starting (or exec-ing)
        return False
