"""Hostile sites: what a trusted crawler refuses, and runs that must not report a success that
did not happen. Each case asserts what the user sees: exit code, run-log status and counts,
what is (not) in the database."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.app.localserver import LocalSiteServer
from tests.helpers import respond, rows, tarikh, write_profile

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>"
)


def _crawl(tmp_path: Path, base: str, *, sitemaps: tuple[str, ...] = ("/sitemap.xml",),
           feeds: tuple[str, ...] = (), args: tuple[str, ...] = ()) -> tuple[int, str, dict]:
    sites = tmp_path / "sites"
    sites.mkdir(exist_ok=True)
    write_profile(sites / "news.toml", name="news", base=base, sitemaps=sitemaps, feeds=feeds)
    db = tmp_path / "t.db"
    proc = tarikh("crawl", "news", "--db", str(db), "--no-throttle", *args,
                  env={"TARIKH_SITES": str(sites)}, check=False)
    run = rows(db, "select * from runs order by id desc limit 1")[0]
    return proc.returncode, proc.stderr, run


def test_a_redirect_to_another_port_of_the_host_is_not_followed(tmp_path: Path, demo_copy: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "secret.html").write_text(
        "<html><body><article><h1>Internal admin page</h1><p>" + "Not part of the site. " * 30
        + "</p></article></body></html>", encoding="utf-8")
    with LocalSiteServer(other) as internal, LocalSiteServer(demo_copy) as site:
        path = "/en/2020/01/moved.html"
        site.hooks[path] = respond(302, b"", headers={"Location": f"{internal.base_url}/secret.html"})
        sitemap = demo_copy / "sitemap.xml"
        sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(
            "</urlset>", f"<url><loc>{{{{BASE}}}}{path}</loc></url></urlset>"), encoding="utf-8")
        code, _, run = _crawl(tmp_path, site.base_url)
    assert code == 0
    titles = {r["title"] for r in rows(tmp_path / "t.db", "select title from articles")}
    assert "Internal admin page" not in titles
    assert json.loads(run["skipped_reasons"]).get("refused_other_port") == 1


def test_non_http_sitemap_entries_are_never_fetched(tmp_path: Path, demo_copy: Path) -> None:
    sitemap = demo_copy / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(
        "</urlset>", "<url><loc>ftp://127.0.0.1:1/x.html</loc></url>"
                     "<url><loc>file:///etc/passwd</loc></url></urlset>"), encoding="utf-8")
    with LocalSiteServer(demo_copy) as site:
        code, stderr, run = _crawl(tmp_path, site.base_url)
    assert code == 0 and run["status"] == "ok" and run["errors"] == 0
    assert "ftp" not in stderr.lower() and "Traceback" not in stderr


def test_a_sitemap_that_yields_nothing_is_an_error_not_a_success(tmp_path: Path) -> None:
    site_root = tmp_path / "site"
    site_root.mkdir()
    (site_root / "laughs.xml").write_text(
        BILLION_LAUGHS + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<lolz>&lol9;</lolz><url><loc>{{BASE}}/a.html</loc></url></urlset>", encoding="utf-8")
    (site_root / "garbage.xml.gz").write_bytes(b"\x1f\x8b" + bytes(range(200)))
    (site_root / "empty.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
        encoding="utf-8")
    with LocalSiteServer(site_root) as site:
        code, stderr, run = _crawl(tmp_path, site.base_url, sitemaps=(
            "/laughs.xml", "/garbage.xml.gz", "/empty.xml"))
    assert code == 1 and run["status"] == "unhealthy"
    samples = " ".join(json.loads(run["error_samples"]))
    assert "garbage.xml.gz" in samples and "empty.xml" in samples and "laughs.xml" in samples
    assert "Traceback" not in stderr


def test_a_feed_that_yields_nothing_is_an_error(tmp_path: Path) -> None:
    site_root = tmp_path / "site"
    site_root.mkdir()
    (site_root / "feed.rss").write_text(
        BILLION_LAUGHS + "<rss><channel><x>&lol9;</x><item><link>{{BASE}}/a.html</link></item>"
        "</channel></rss>", encoding="utf-8")
    with LocalSiteServer(site_root) as site:
        code, _, run = _crawl(tmp_path, site.base_url, sitemaps=(), feeds=("/feed.rss",))
    assert code == 1
    assert "feed lists no items" in " ".join(json.loads(run["error_samples"]))


def test_zero_config_stops_at_its_page_budget(tmp_path: Path, demo_copy: Path) -> None:
    db = tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as site:
        proc = tarikh("crawl", "--url", f"{site.base_url}/index.html", "--db", str(db),
                      "--no-throttle", "--max-pages", "8", "-s", "CONCURRENT_REQUESTS=4", check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = rows(db, "select * from runs")[0]
    assert run["status"] == "ok"
    assert json.loads(run["skipped_reasons"]).get("page_budget_reached") == 1
    # it stopped early: the budget, plus the requests in flight when it was reached (32 at most)
    assert run["pages_downloaded"] <= 8 + 32
    assert len(rows(db, "select url from articles")) < 37


def test_a_utf8_page_with_one_bad_byte_is_not_stored_garbled(tmp_path: Path, demo_copy: Path) -> None:
    page = ("<html><head><meta charset='utf-8'><title>Café in Zürich</title></head><body><article>"
            "<h1>Café in Zürich</h1>" + "<p>Das Café … in Zürich ist über die Grenzen hinaus bekannt.</p>" * 6
            + "</article></body></html>").encode().replace(b"bekannt.</p>", b"bekannt.\xe9</p>", 1)
    path = "/en/2020/01/cafe.html"
    target = demo_copy / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(page)
    sitemap = demo_copy / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(
        "</urlset>", f"<url><loc>{{{{BASE}}}}{path}</loc></url></urlset>"), encoding="utf-8")
    with LocalSiteServer(demo_copy) as site:
        code, _, _ = _crawl(tmp_path, site.base_url)
    assert code == 0
    stored = rows(tmp_path / "t.db", "select title, text from articles where url like ?", ("%cafe.html",))
    assert stored and stored[0]["title"] == "Café in Zürich"
    assert "Zürich ist über die Grenzen" in stored[0]["text"] and "Ã" not in stored[0]["text"]


def test_a_stage_that_fails_to_start_fails_the_run(tmp_path: Path, demo_copy: Path) -> None:
    """Not 'ok' with 0 pages (a silent, lasting outage for a scheduled site): exit 3, status
    failed, one line naming the failure, no traceback."""
    pipelines = json.dumps({"tests.e2e.boom.Boom": 50, "pipelines.extract_text.ExtractPipeline": 200,
                            "pipelines.strip_furniture.FurniturePipeline": 300,
                            "pipelines.pick_date.DatePipeline": 400,
                            "pipelines.store_article.StorePipeline": 500})
    with LocalSiteServer(demo_copy) as site:
        code, stderr, run = _crawl(tmp_path, site.base_url, args=("-s", f"ITEM_PIPELINES={pipelines}"))
    assert code == 3, stderr[-2000:]
    assert run["status"] == "failed" and run["exit_code"] == 3
    assert "could not start" in " ".join(json.loads(run["error_samples"]))
    assert "Traceback" not in stderr


def test_hostile_sitemaps_read_no_file_and_end(tmp_path: Path) -> None:
    """XXE (an entity naming /etc/passwd), a sitemap index that lists itself and its sibling in
    a loop, and a sitemap of other hosts' URLs: no file is read, nothing offsite is fetched,
    the run ends."""
    site_root = tmp_path / "site"
    site_root.mkdir()
    (site_root / "xxe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{{BASE}}/a/&x;</loc></url></urlset>", encoding="utf-8")
    for name, other in (("loop-a.xml", "loop-b.xml"), ("loop-b.xml", "loop-a.xml")):
        (site_root / name).write_text(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{{{{BASE}}}}/{name}</loc></sitemap>"
            f"<sitemap><loc>{{{{BASE}}}}/{other}</loc></sitemap></sitemapindex>", encoding="utf-8")
    (site_root / "others.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>http://other{i}.example/x.html</loc></url>" for i in range(500))
        + "</urlset>", encoding="utf-8")
    with LocalSiteServer(site_root) as site:
        code, stderr, run = _crawl(tmp_path, site.base_url,
                                   sitemaps=("/xxe.xml", "/loop-a.xml", "/others.xml"))
        paths = set(site.hits)
    assert "Traceback" not in stderr
    assert not any("root:" in p or "passwd" in p for p in paths)  # the entity was not expanded
    assert site.hits["/loop-a.xml"] == 1 and site.hits["/loop-b.xml"] == 1
    assert run["pages_downloaded"] == 0 and code in (0, 1)
