"""Bad input never stops a run: 500s, timeouts, dead links, empty or broken pages, wrong
charsets are logged and counted while every good article is stored."""

from __future__ import annotations

import json
import time
from pathlib import Path

from crawler.app.localserver import LocalSiteServer, SiteHandler
from tests.helpers import ROOT, respond, rows, tarikh, write_profile

MANIFEST = json.loads((ROOT / "data" / "demo-site" / "manifest.json").read_text(encoding="utf-8"))

ARABIC_PARAGRAPH = "أعلنت البلدية اليوم عن افتتاح حديقة جديدة في وسط المدينة تضم أشجارا نادرة " * 3


def _slow(handler: SiteHandler) -> bool:
    time.sleep(8)  # longer than the run's DOWNLOAD_TIMEOUT
    return respond(200, b"<html><body><p>late</p></body></html>")(handler)


def test_a_run_survives_bad_pages(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    wrong_charset = (
        "<html><head><title>حديقة جديدة</title></head><body><article><h1>حديقة جديدة</h1>"
        f"<p>{ARABIC_PARAGRAPH}</p><p>{ARABIC_PARAGRAPH}</p></article></body></html>"
    ).encode("cp1256")
    bad = {
        "/en/2020/01/server-error.html": respond(500, b"oops"),
        "/en/2020/01/slow.html": _slow,
        "/en/2020/01/empty.html": respond(200, b""),
        "/en/2020/01/garbage.html": respond(200, bytes(range(256)) * 40),
        "/ar/2020/01/wrong-charset.html": respond(200, wrong_charset, "text/html; charset=utf-8"),
        "/en/2020/01/dead-link.html": None,  # a 404
    }
    sitemap = demo_copy / "sitemap.xml"
    extra = "".join(f"<url><loc>{{{{BASE}}}}{p}</loc></url>" for p in bad)
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace("</urlset>", extra + "</urlset>"),
                       encoding="utf-8")
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        for path, hook in bad.items():
            if hook is not None:
                server.hooks[path] = hook
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        # a short timeout for the slow page, and no retries of it; a good page that meets a
        # passing hiccup on a loaded machine still gets its retry
        proc = tarikh("crawl", "news", "--db", str(db), "--no-throttle", "-s", "DOWNLOAD_TIMEOUT=3",
                      "-s", "RETRY_TIMES=1", env={"TARIKH_SITES": str(sites)}, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stored = {r["url"].split("/", 3)[3]: r for r in rows(db, "select * from articles")}
    for article in MANIFEST["articles"]:
        assert article["path"].lstrip("/") in stored  # every good article made it
    # The page served with the wrong charset is decoded right, not stored as mojibake.
    arabic = stored.get("ar/2020/01/wrong-charset.html")
    assert arabic is not None and "حديقة جديدة" in arabic["text"] + arabic["title"]
    for path in ("server-error", "slow", "empty", "garbage", "dead-link"):
        assert f"en/2020/01/{path}.html" not in stored
    run = rows(db, "select * from runs")[0]
    assert run["status"] == "ok"
    assert run["errors"] >= 2  # 500, timeout
    samples = " ".join(json.loads(run["error_samples"]))
    assert "HTTP 500" in samples and "slow.html" in samples
    reasons = json.loads(run["dropped_reasons"])
    assert reasons["dead_link"] == 1  # the sitemap's 404: the site's problem, not the run's
    assert sum(reasons.get(k, 0) for k in ("empty_text", "not_article")) + run["errors"] >= 4
    # Pages that could not give an article are kept raw for a later `reprocess`.
    kept = {r["url"].split("/", 3)[3]: r["kind"] for r in rows(db, "select url, kind from pages")}
    assert kept.get("en/2020/01/empty.html") in ("empty_text", "failed")


def test_a_locked_database_is_a_clear_error_and_loses_nothing(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    """Another writer holding the database past the busy timeout: the run says so and exits 3;
    once the lock is gone the next run stores everything."""
    import sqlite3

    from pipelines import store

    db = tmp_path / "t.db"
    store.connect(db).conn.close()  # an existing database
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("begin immediate")  # an analyst's tool writing, never committing
    env = {"TARIKH_SITES": str(sites), "TARIKH_BUSY_TIMEOUT": "1"}
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        proc = tarikh("crawl", "news", "--db", str(db), "--no-throttle", env=env, check=False)
        assert proc.returncode == 3
        assert "database is locked" in proc.stderr and "Traceback" not in proc.stderr
        holder.execute("rollback")
        holder.close()
        tarikh("crawl", "news", "--db", str(db), "--no-throttle", env=env)
    assert len(rows(db, "select url from articles")) == len(MANIFEST["articles"])
