"""Scheduled runs (issue 5): only new pages, a run log, one run at a time, exit codes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.app.localserver import LocalSiteServer
from crawler.runs.lock import LockBusy, SiteLock
from tests.helpers import ROOT, json_lines, rows, tarikh, write_profile

MANIFEST = json.loads((ROOT / "data" / "demo-site" / "manifest.json").read_text(encoding="utf-8"))
ARTICLE_PATHS = {a["path"] for a in MANIFEST["articles"]}


def _crawl(sites: Path, db: Path, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return tarikh("crawl", "news", "--db", str(db), "--no-throttle", *extra,
                  env={"TARIKH_SITES": str(sites)}, check=check)


def _article_hits(server: LocalSiteServer) -> dict[str, int]:
    return {p: n for p, n in server.hits.items() if p in ARTICLE_PATHS or p.startswith("/en/2026/")}


def add_article(site: Path, *, new_path: str = "/en/2026/11/brand-new-story.html") -> str:
    """Publish a new article on the local site: a page, a sitemap entry, a listing link."""
    template = MANIFEST["articles"][0]
    html = (site / template["path"].lstrip("/")).read_text(encoding="utf-8")
    html = html.replace(template["path"], new_path).replace(template["title"], "A Brand New Story")
    target = site / new_path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    sitemap = site / "sitemap.xml"
    entry = f"<url><loc>{{{{BASE}}}}{new_path}</loc><lastmod>2026-11-26</lastmod></url>"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace("</urlset>", entry + "</urlset>"),
                       encoding="utf-8")
    listing = site / "en" / "index.html"
    text = listing.read_text(encoding="utf-8")
    listing.write_text(re.sub(r"(<body[^>]*>)", rf'\1<a href="{new_path}">A Brand New Story</a>', text, count=1),
                       encoding="utf-8")
    return new_path


def test_three_runs_fetch_only_what_is_new(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        _crawl(sites, db)
        first = _article_hits(server)
        assert set(first) == ARTICLE_PATHS and all(n == 1 for n in first.values())
        stored = rows(db, "select url, first_seen from articles")
        assert len(stored) == len(ARTICLE_PATHS)

        server.hits.clear()
        _crawl(sites, db)
        assert _article_hits(server) == {}  # no stored article downloaded again
        assert server.hits["/sitemap.xml"] == 1  # but the sitemap and listings are
        assert server.hits["/en/index.html"] == 1
        # a listing page whose articles are all known ends the walk down its pagination
        assert server.hits["/en/page/2.html"] == 0 and server.hits["/ar/page/3.html"] == 0
        assert len(rows(db, "select url from articles")) == len(ARTICLE_PATHS)

        new_path = add_article(demo_copy)
        server.hits.clear()
        _crawl(sites, db)
        assert _article_hits(server) == {new_path: 1}
        after = rows(db, "select url, title from articles")
        assert len(after) == len(ARTICLE_PATHS) + 1
        assert [r["title"] for r in after if r["url"].endswith(new_path)] == ["A Brand New Story"]

    runs = rows(db, "select * from runs order by id")
    assert [r["status"] for r in runs] == ["ok", "ok", "ok"]
    assert [r["articles_new"] for r in runs] == [len(ARTICLE_PATHS), 0, 1]
    assert runs[1]["pages_downloaded"] == 0 and runs[2]["pages_downloaded"] == 1
    skipped = json.loads(runs[1]["skipped_reasons"])
    assert skipped["already_stored"] >= len(ARTICLE_PATHS) and skipped["pagination_not_followed"] >= 1
    assert runs[1]["pages_dropped"] == 0
    assert all(r["mode"] == "crawl" and r["ended"] for r in runs)
    listed = json_lines(tarikh("runs", "--db", str(db), "--json").stdout)
    assert [r["id"] for r in listed] == [3, 2, 1]


def test_refresh_after_revalidates_and_updates_changed_articles(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        _crawl(sites, db)
        before = {r["url"]: r for r in rows(db, "select * from articles")}
        changed = MANIFEST["articles"][1]
        page = demo_copy / changed["path"].lstrip("/")
        time.sleep(1.1)  # Last-Modified has one-second resolution
        page.write_text(page.read_text(encoding="utf-8").replace(changed["title"], "Corrected Headline"),
                        encoding="utf-8")
        server.hits.clear()
        _crawl(sites, db, "--refresh-after", "0")
        assert set(_article_hits(server)) == ARTICLE_PATHS  # every stored article re-checked…
    run = rows(db, "select * from runs order by id desc limit 1")[0]
    assert run["not_modified"] == len(ARTICLE_PATHS) - 1  # …conditionally: 304 for the unchanged
    assert run["articles_updated"] == 1 and run["articles_new"] == 0
    after = {r["url"]: r for r in rows(db, "select * from articles")}
    url = next(u for u in after if u.endswith(changed["path"]))
    assert after[url]["title"] == "Corrected Headline"
    assert after[url]["first_seen"] == before[url]["first_seen"]


def test_a_second_run_of_the_same_site_exits_3_while_one_holds_the_lock(tmp_path: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    write_profile(sites / "news.toml", name="news", base="http://127.0.0.1:9")
    with SiteLock(db, "news"):
        proc = _crawl(sites, db, check=False)
    assert proc.returncode == 3
    assert "another run" in proc.stderr


def test_a_killed_run_leaves_no_lock_behind(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys,time; from crawler.runs.lock import SiteLock; "
         f"SiteLock({str(db)!r}, 'news').acquire(); print('held', flush=True); time.sleep(60)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    try:
        SiteLock(db, "news").acquire()
        raise AssertionError("lock should be busy")
    except LockBusy as exc:
        assert f"pid {holder.pid}" in str(exc)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    SiteLock(db, "news").acquire().release()


def test_a_dead_site_is_an_unhealthy_run(tmp_path: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    empty = tmp_path / "empty"
    empty.mkdir()
    with LocalSiteServer(empty) as server:  # every page 404
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        proc = _crawl(sites, db, check=False)
    assert proc.returncode == 1
    run = rows(db, "select * from runs")[0]
    assert run["status"] == "unhealthy" and run["errors"] >= 1
    health = tarikh("health", "news", "--db", str(db), check=False)
    assert health.returncode == 1 and "BAD news" in health.stdout


def test_feed_and_sitemap_lastmod_drive_what_is_fetched(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    """A feed-only profile finds articles through RSS; a newer sitemap <lastmod> than the
    stored copy makes the next run re-check exactly that article (conditionally)."""
    items = "".join(
        f"<item><title>{a['title']}</title><link>{{{{BASE}}}}{a['path']}</link>"
        f"<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate></item>"
        for a in MANIFEST["articles"][:6]
    )
    (demo_copy / "feed.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
        encoding="utf-8")
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "feedonly.toml", name="feedonly", base=server.base_url, start=(),
                      sitemaps=(), feeds=("/feed.rss",))
        tarikh("crawl", "feedonly", "--db", str(db), "--no-throttle", env={"TARIKH_SITES": str(sites)})
        assert len(rows(db, "select url from articles")) == 6

        write_profile(sites / "news.toml", name="news", base=server.base_url)
        _crawl(sites, db)
        touched = MANIFEST["articles"][3]["path"]
        sitemap = demo_copy / "sitemap.xml"
        text = sitemap.read_text(encoding="utf-8")
        start = text.index(f"{{{{BASE}}}}{touched}</loc>")
        end = text.index("</lastmod>", start)
        text = text[:start] + re.sub(r"<lastmod>[^<]*$", "<lastmod>2099-01-01", text[start:end]) + text[end:]
        sitemap.write_text(text, encoding="utf-8")
        server.hits.clear()
        _crawl(sites, db)
        assert _article_hits(server) == {touched: 1}
    run = rows(db, "select * from runs order by id desc limit 1")[0]
    assert run["not_modified"] == 1 and run["articles_new"] == 0


def test_quiet_under_cron_and_logs_to_a_file(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    log = tmp_path / "crawl.log"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        quiet = _crawl(sites, db)
        assert quiet.stdout == "" and "INFO" not in quiet.stderr  # no terminal: nothing to say
        _crawl(sites, db, "--log-file", str(log))
    assert "INFO" in log.read_text(encoding="utf-8")
    health = tarikh("health", "--db", str(db), "--json")
    [report] = json_lines(health.stdout)
    assert report["site"] == "news" and report["healthy"] and report["articles"] == len(ARTICLE_PATHS)
    assert report["template_pages"] >= len(ARTICLE_PATHS)


def test_crawl_all_runs_every_profile_and_reports_the_worst_exit(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    empty = tmp_path / "empty"
    empty.mkdir()
    with LocalSiteServer(demo_copy) as good, LocalSiteServer(empty) as dead:
        write_profile(sites / "news.toml", name="news", base=good.base_url)
        write_profile(sites / "gone.toml", name="gone", base=dead.base_url)
        proc = tarikh("crawl", "--all", "--db", str(db), "--no-throttle",
                      env={"TARIKH_SITES": str(sites)}, check=False)
    assert proc.returncode == 1 and "gone exited 1" in proc.stderr
    runs = {r["site"]: r for r in rows(db, "select * from runs")}
    assert runs["news"]["status"] == "ok" and runs["gone"]["status"] == "unhealthy"
    assert len(rows(db, "select url from articles where site = 'news'")) == len(ARTICLE_PATHS)


def test_a_terminal_gets_a_progress_line(tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    """On a terminal (a pty here) the run shows its progress and a summary; under cron it
    is silent (test_quiet_under_cron_and_logs_to_a_file)."""
    import pty

    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "news", "--db", str(db), "--no-throttle"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
            env={**os.environ, "TARIKH_SITES": str(sites)},
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the pty closes when the process exits
                break
            if not chunk:
                break
            output += chunk
        assert proc.wait(timeout=120) == 0
        os.close(leader)
    text = output.decode("utf-8", "replace")
    assert f"news: {len(ARTICLE_PATHS)} pages, {len(ARTICLE_PATHS)} new" in text  # the progress line
    assert "run 1 ok" in text  # the closing summary


def test_a_down_site_under_cron_says_which_errors_in_one_line_each(tmp_path: Path, sites: Path) -> None:
    """Quiet (no terminal, no -v): no Scrapy tracebacks (robots.txt included), one line that
    names the errors (issue 12.6)."""
    import socket

    db = tmp_path / "t.db"
    with socket.socket() as s:  # a port the OS just handed out and nobody listens on
        s.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{s.getsockname()[1]}"
    write_profile(sites / "news.toml", name="news", base=down)
    proc = _crawl(sites, db, "-s", "RETRY_TIMES=0", check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and len(lines) <= 2, proc.stderr
    [errors] = [line for line in lines if line.startswith("tarikh: news: ")]
    run = rows(db, "select * from runs")[0]
    assert errors.startswith(f"tarikh: news: {run['errors']} errors: ")
    assert f"ConnectionRefusedError {down}/robots.txt" in errors  # counted, not a traceback
    assert f"ConnectionRefusedError {down}/sitemap.xml" in errors
    assert f"ConnectionRefusedError {down}/index.html" in errors
