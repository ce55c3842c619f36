"""Backfills (date range, filtered before fetching, killed and resumed) and re-processing
stored pages without a single request."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.app.localserver import LocalSiteServer, SiteHandler
from tests.helpers import ROOT, rows, tarikh, write_profile

MANIFEST = json.loads((ROOT / "data" / "demo-site" / "manifest.json").read_text(encoding="utf-8"))
SINCE, UNTIL = "2018-01-01", "2021-12-31"
IN_RANGE = {a["path"] for a in MANIFEST["articles"] if SINCE <= a["published"][:10] <= UNTIL}
ALL_ARTICLES = {a["path"] for a in MANIFEST["articles"]}


def _slowly(path: str):
    def hook(handler: SiteHandler) -> bool:
        time.sleep(0.4)
        handler._serve_file(path)
        return True
    return hook


def _stored_paths(db: Path) -> list[str]:
    return ["/" + r["url"].split("/", 3)[3] for r in rows(db, "select url from articles")]


def test_backfill_killed_half_way_and_resumed_stores_every_article_in_range_once(
    tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    assert 10 <= len(IN_RANGE) < len(ALL_ARTICLES)
    db = tmp_path / "t.db"
    env = {**os.environ, "TARIKH_SITES": str(sites)}
    with LocalSiteServer(demo_copy) as server:
        for path in ALL_ARTICLES:
            server.hooks[path] = _slowly(path)
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        args = [sys.executable, "-m", "crawler.cli", "backfill", "news", "--db", str(db),
                "--no-throttle", "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]
        proc = subprocess.Popen([*args, "--since", SINCE, "--until", UNTIL], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if db.exists() and len(rows(db, "select url from articles")) >= 4:
                    break
            except sqlite3.OperationalError:  # the run has not created its tables yet
                pass
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # killed, not asked to stop
        proc.wait()
        half = _stored_paths(db)
        assert 4 <= len(half) < len(IN_RANGE)
        hits_before = {p: server.hits[p] for p in half}

        resumed = subprocess.run([*args, "--resume"], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=120)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        # articles stored before the kill were not fetched again
        assert all(server.hits[p] == hits_before[p] for p in half)
        # filtered before fetching: the URL's month tells the date
        fetched = {p for p in ALL_ARTICLES if server.hits[p]}
        assert fetched <= {a["path"] for a in MANIFEST["articles"]
                           if SINCE[:7] <= a["published"][:7] <= UNTIL[:7]}

    stored = _stored_paths(db)
    assert sorted(stored) == sorted(IN_RANGE)  # every article in range, each once
    runs = rows(db, "select * from runs order by id")
    assert [r["mode"] for r in runs] == ["backfill", "backfill"]
    assert runs[0]["status"] == "resumed" and runs[1]["status"] == "ok"
    assert json.loads(runs[1]["args"])["since"] == SINCE  # --resume reuses the range


@pytest.mark.parametrize("workers", ["1", "2"])
def test_reprocess_applies_a_changed_rule_without_a_request(tmp_path: Path, demo_copy: Path,
                                                            workers: str, sites: Path) -> None:
    db = tmp_path / "t.db"
    env = {"TARIKH_SITES": str(sites)}
    target = MANIFEST["articles"][0]
    doomed = target["paragraphs"][-1]
    with LocalSiteServer(demo_copy) as server:
        profile = write_profile(sites / "news.toml", name="news", base=server.base_url)
        tarikh("crawl", "news", "--db", str(db), "--no-throttle", env=env)
    # The server is gone: any download would fail. A new rule marks one paragraph as furniture.
    pattern = "^" + re.escape(doomed[:30]) + ".*$"
    assert "'" not in pattern  # a TOML literal string below
    profile.write_text(profile.read_text(encoding="utf-8") + f"furniture_patterns = ['{pattern}']\n",
                       encoding="utf-8")
    out = tarikh("reprocess", "news", "--db", str(db), "--workers", workers, env=env).stdout
    assert "1 records changed" in out and "without downloading" in out
    row = next(r for r in rows(db, "select * from articles") if r["url"].endswith(target["path"]))
    assert doomed not in row["text"]
    assert row["text"].split("\n\n") == target["paragraphs"][:-1]
    run = rows(db, "select * from runs order by id desc limit 1")[0]
    assert run["mode"] == "reprocess" and run["pages_downloaded"] == 0 and run["articles_updated"] == 1



def test_backfill_walks_month_archives_of_the_range_only(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    """A site without a sitemap: the profile's archive_url_template gives one archive page per
    month of the range, and only those are fetched."""
    by_month: dict[str, list[dict]] = {}
    for article in MANIFEST["articles"]:
        by_month.setdefault(article["path"].split("/")[2] + "/" + article["path"].split("/")[3], []).append(article)
    for month, articles in by_month.items():
        page = demo_copy / "archive" / f"{month}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        links = "".join(f'<li><a href="{a["path"]}">{a["title"]}</a></li>' for a in articles)
        page.write_text(f"<html><body><h1>Archive {month}</h1><ul>{links}</ul></body></html>",
                        encoding="utf-8")
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url,
                      start=("/no-home-page.html",), sitemaps=(),
                      extra='archive_url_template = "{base}/archive/{year}/{month:02d}.html"\n')
        proc = tarikh("backfill", "news", "--since", "2019-01-01", "--until", "2019-12-31", "--db", str(db),
                      "--no-throttle", env={"TARIKH_SITES": str(sites)}, check=False)
        archive_hits = {p for p, n in server.hits.items() if p.startswith("/archive/") and n}
    assert proc.returncode in (0, 1), proc.stderr[-2000:]  # the missing home page is an error
    assert archive_hits == {f"/archive/2019/{m:02d}.html" for m in range(1, 13)}
    expected = {a["path"] for a in MANIFEST["articles"] if a["published"].startswith("2019")}
    assert sorted(_stored_paths(db)) == sorted(expected) and expected


def test_backfill_skips_child_sitemaps_last_modified_before_the_range(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    """A sitemap index: a child sitemap untouched since before --since holds only older URLs."""
    old = [a for a in MANIFEST["articles"] if a["published"] < "2017"]
    new = [a for a in MANIFEST["articles"] if a["published"] >= "2017"]

    def urlset(articles: list[dict]) -> str:
        locs = "".join(f"<url><loc>{{{{BASE}}}}{a['path']}</loc></url>" for a in articles)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'

    (demo_copy / "sitemap-old.xml").write_text(urlset(old), encoding="utf-8")
    (demo_copy / "sitemap-new.xml").write_text(urlset(new), encoding="utf-8")
    (demo_copy / "sitemap.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>{{BASE}}/sitemap-old.xml</loc><lastmod>2016-12-31</lastmod></sitemap>"
        "<sitemap><loc>{{BASE}}/sitemap-new.xml</loc><lastmod>2024-06-17</lastmod></sitemap>"
        "</sitemapindex>", encoding="utf-8")
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url, start=())
        tarikh("backfill", "news", "--since", "2018-01-01", "--db", str(db), "--no-throttle",
               env={"TARIKH_SITES": str(sites)})
        assert server.hits["/sitemap-old.xml"] == 0 and server.hits["/sitemap-new.xml"] == 1
    expected = {a["path"] for a in new if a["published"] >= "2018"}
    assert set(_stored_paths(db)) == expected
