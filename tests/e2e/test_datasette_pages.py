"""Issue 12 item 10: the Datasette pages analysts use, in a real Datasette and headless Chromium.

The browser tests assert on the rendered DOM (dir attributes, text, order of elements) and save
a screenshot of each page into build/screenshots/ (paths listed at the end of the test run).
"""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from crawler.app.datasette_plugin import TEXT_CELL_CHARS, hijri_month_name, render_cell
from crawler.app.serve import prepare_metadata
from pipelines import store
from tests.conftest import SCREENSHOTS, record_screenshot
from tests.e2e.test_serve import URL, get, running_datasette
from tests.search_corpus import CORPUS, build_db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="browser test skipped: no headless Chromium (`make browser` installs Debian's chromium)",
)
LONG = "https://en.example/2015/12/long-read.html"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("pages")
    db_path = tmp / "tarikh.db"
    long_read = {"url": LONG, "site": "en-wire", "title": "A Long Read About Reservoirs",
                 "text": "\n\n".join(f"Paragraph {i} about the reservoir and its farmers." * 4
                                     for i in range(12)),
                 "published": "2015-12-02", "language": "en", "run_id": 7,
                 "hijri_year": 1437, "hijri_month": 2, "hijri_day": 20}
    build_db(db_path, [*CORPUS, long_read]).conn.close()
    with running_datasette(db_path, tmp) as srv:
        yield srv


def chromium(url: str, tmp: Path, *, screenshot: str | None = None) -> BeautifulSoup:
    """The page's DOM after its scripts ran (and a screenshot when named), offline."""
    flags = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-quic", f"--user-data-dir={tmp / 'profile'}",
             "--virtual-time-budget=8000", "--window-size=1280,1100"]
    proc = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if screenshot:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{screenshot}.png"
        shot = subprocess.run([*flags, f"--screenshot={path}", url], capture_output=True,
                              text=True, timeout=120)
        assert shot.returncode == 0 and path.stat().st_size > 0, shot.stderr[-2000:]
        record_screenshot(path)
    return BeautifulSoup(proc.stdout, "html.parser")


def page_url(server: dict, path: str, **params: str) -> str:
    query = urllib.parse.urlencode(params)
    return f"{server['api']}{path}" + (f"?{query}" if query else "")


def row_urls(soup: BeautifulSoup) -> set[str]:
    return {td.get_text(strip=True) for td in soup.select("table.rows-and-columns td.col-url")}


# --- without a browser: the JSON API and the plugin's functions -------------------------------


def test_search_param_folds_like_tarikh_search(server: dict) -> None:
    """`?_search=` runs on the folded index with the query folded the same way."""
    def hits(q: str) -> set[str]:
        status, body = get(page_url(server, "/articles.json", _search=q, _shape="array"))
        assert status == 200, body
        return {r["url"] for r in body}

    assert hits("مدرسة") == {URL["school-opens"], URL["minister-visit"]}
    assert hits("istanbul") == {URL["kopru"]}
    assert hits("reservoir NOT farmers") == {URL["reservoir"], URL["notice"]}


def test_render_cell_truncates_text_and_marks_direction() -> None:
    class Urls:
        def row(self, database: str, table: str, pk: str) -> str:
            return f"/{database}/{table}/{pk}"

    class Ds:
        urls = Urls()

    text = "نص " * 200
    cell = str(render_cell(text, "text", "articles", "tarikh", Ds()))
    assert cell.startswith('<span dir="auto"') and len(cell) < TEXT_CELL_CHARS + 80
    assert 'dir="auto"' in str(render_cell("افتتاح", "title", "articles", "tarikh", Ds()))
    assert str(render_cell(7, "run_id", "articles", "tarikh", Ds())) == '<a href="/tarikh/runs/7">7</a>'
    assert "Ramadan" in str(render_cell(9, "hijri_month", "articles", "tarikh", Ds()))
    assert render_cell("x", "title", "runs", "tarikh", Ds()) is None
    assert [hijri_month_name(m) for m in (1, 9, 12, 13)] == ["Muharram", "Ramadan", "Dhu al-Hijja", None]


def test_metadata_facets_search_and_chart_follow_the_database_name(tmp_path: Path) -> None:
    import json

    meta = json.loads(prepare_metadata(tmp_path / "news.db", tmp_path).read_text("utf-8"))
    articles = meta["databases"]["news"]["tables"]["articles"]
    assert articles["fts_table"] == "articles_search" and articles["fts_pk"] == "rowid"
    assert {"site", "language", "hijri_month"} <= set(articles["facets"])
    assert meta["databases"]["news"]["queries"]["search"]["hide_sql"] is True
    charts = meta["plugins"]["datasette-dashboards"]["articles"]["charts"]
    assert {c["db"] for c in charts.values()} == {"news"}


# --- in headless Chromium -----------------------------------------------------------------------


@needs_chromium
def test_articles_page_search_first_short_rows_rtl_facets(server: dict, tmp_path: Path) -> None:
    soup = chromium(page_url(server, "/articles"), tmp_path, screenshot="articles")
    search = soup.select_one("form.tarikh-search input[name=_search]")
    table = soup.select_one("table.rows-and-columns")
    assert search is not None and table is not None
    columns = soup.select_one("dl.column-descriptions")
    assert columns is not None and columns.find_parent("details") is not None  # folded away
    order = [(t.sourceline, t.sourcepos) for t in (search, columns, table)]
    assert order == sorted(order)  # the search box first, the rows after the descriptions
    texts = soup.select("td.col-text span[dir=auto]")
    assert texts and all(len(t.get_text()) <= TEXT_CELL_CHARS + 1 for t in texts)
    titles = {t.get_text(): t for t in soup.select("td.col-title span")}
    arabic = next(a["title"] for a in CORPUS if a["url"] == URL["school-opens"])
    assert titles[arabic]["dir"] == "auto"
    facets = {f["data-column"]: f.get_text(" ", strip=True) for f in soup.select(".facet-info")}
    assert {"site", "language", "hijri_month"} <= set(facets)
    assert "Ramadan" in facets["hijri_month"] and "Shawwal" in facets["hijri_month"]
    run_link = soup.select_one("td.col-run_id a")
    assert run_link is not None and run_link["href"].endswith("/runs/7")


@needs_chromium
def test_articles_search_box_folds_and_reports_malformed_queries(server: dict, tmp_path: Path) -> None:
    soup = chromium(page_url(server, "/articles", _search="مدرسة"), tmp_path, screenshot="search")
    assert row_urls(soup) == {URL["school-opens"], URL["minister-visit"]}
    assert soup.select_one("#tarikh-q")["value"] == "مدرسة"
    assert soup.select_one(".tarikh-problem") is None
    bad = chromium(page_url(server, "/articles", _search='"yeni köprü'), tmp_path,
                   screenshot="search-malformed")
    problem = bad.select_one(".tarikh-problem")
    assert problem is not None and "unclosed quote" in problem.get_text()
    assert row_urls(bad) == {URL["kopru"]}


@needs_chromium
def test_canned_search_hides_its_sql_and_says_why_a_query_is_bad(server: dict, tmp_path: Path) -> None:
    soup = chromium(page_url(server, "/search", q="iraq AND"), tmp_path, screenshot="canned-search")
    assert soup.body is not None and "with hits as" not in soup.body.get_text()  # SQL hidden
    assert soup.title is not None and soup.title.get_text(strip=True) == "tarikh: Search articles"
    assert soup.select_one("input[name=q]") is not None
    problem = soup.select_one(".tarikh-problem")
    assert problem is not None and "after AND" in problem.get_text()


@needs_chromium
def test_row_page_reads_as_an_article(server: dict, tmp_path: Path) -> None:
    school = next(a for a in CORPUS if a["url"] == URL["school-opens"])
    pk = store_pk(school["url"])
    soup = chromium(f"{server['api']}/articles/{pk}", tmp_path, screenshot="row-arabic")
    article = soup.select_one("article.tarikh-article")
    assert article is not None and article["dir"] == "rtl" and article["lang"] == "ar"
    assert article.select_one("h2").get_text(strip=True) == school["title"]
    paragraphs = [p.get_text(strip=True) for p in article.select("p[dir=auto]")]
    assert paragraphs == [p.strip() for p in school["text"].split("\n\n")]
    assert "Shawwal 1439" in article.select_one(".tarikh-meta").get_text(" ", strip=True)
    long_page = chromium(f"{server['api']}/articles/{store_pk(LONG)}", tmp_path,
                         screenshot="row-english")
    long_article = long_page.select_one("article.tarikh-article")
    assert long_article is not None and long_article["dir"] == "auto"
    assert len(long_article.select("p[dir=auto]")) == 12  # the whole text, not a cut cell


@needs_chromium
def test_dashboard_chart_renders_offline(server: dict, tmp_path: Path) -> None:
    soup = chromium(f"{server['base']}/-/dashboards/articles", tmp_path, screenshot="chart")
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert scripts and all(src.startswith("/") for src in scripts), scripts  # nothing from a CDN
    marks = [p for p in soup.select("svg.marks path[aria-roledescription=circle]")
             if p.get("aria-label", "").startswith("day:")]  # one point per site and day
    db = store.connect(server["db"], readonly=True)
    try:
        per_day = db.execute("select count(*) from articles_per_site_day").fetchone()[0]
    finally:
        db.conn.close()
    assert len(marks) == per_day > 0
    legend = soup.select_one("svg.marks").get_text(" ")
    assert "ar-news" in legend and "tr-haber" in legend


def store_pk(url: str) -> str:
    """Datasette's tilde-encoded primary key of a row, for its row page."""
    from datasette.utils import tilde_encode

    return tilde_encode(url)
