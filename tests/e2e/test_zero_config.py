"""Zero-config crawls (`tarikh crawl --url`) of generated sites whose furniture tarikh has not
seen before: only articles stored, each with its title, date and every paragraph, and no
furniture left (the site template is learned during the crawl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.app.sitegen import article_blocks, generate_site
from tests.helpers import crawl_home, rows, tarikh


@pytest.mark.parametrize(("language", "style"), [("en", 0), ("ar", 1), ("tr", 2), ("en", 3), ("ar", 2)])
def test_zero_config_crawl_stores_only_clean_articles(tmp_path: Path, language: str, style: int) -> None:
    root = tmp_path / "site"
    manifest = generate_site(root, language=language, n_articles=30, style=style, seed=7)
    stored = crawl_home(tmp_path, root, manifest)
    truth = {a.path: a for a in manifest.articles}
    assert set(stored) == set(truth)  # listings, tag pages and the home page are not articles
    for path, article in truth.items():
        row = stored[path]
        assert row["title"] == article.title, path
        assert row["published"] == article.published, (path, row["published_raw"])
        assert row["text"].split("\n\n") == article_blocks(article), path
        assert row["language"] == language
    run = rows(tmp_path / "t.db", "select * from runs")[0]
    assert run["status"] == "ok" and run["articles_new"] == len(truth)


def test_zero_config_on_the_demo_site_keeps_exactly_its_articles(tmp_path: Path, demo_server) -> None:
    """Section fronts with teasers, tag pages and the home page are not articles."""
    import json

    from tests.helpers import DEMO_SITE

    manifest = json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))
    db = tmp_path / "t.db"
    tarikh("crawl", "--url", demo_server.base_url + "/index.html", "--db", str(db), "--no-throttle")
    stored = {"/" + r["url"].split("/", 3)[3] for r in rows(db, "select url from articles")}
    assert stored == {a["path"] for a in manifest["articles"]}


def test_scrapy_crawl_site_runs_the_same_spider_and_pipelines(tmp_path: Path, demo_server) -> None:
    import subprocess
    import sys

    from tests.helpers import ROOT

    db = tmp_path / "t.db"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={demo_server.base_url}/index.html",
         "-s", f"TARIKH_DB={db}", "-s", "AUTOTHROTTLE_ENABLED=False", "-L", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(rows(db, "select url from articles")) >= 30
    run = rows(tmp_path / "t.db", "select * from runs")[0]
    assert run["status"] == "ok" and run["articles_new"] >= 30


@pytest.mark.parametrize(("language", "style"), [("en", 0), ("ar", 1), ("tr", 2), ("ar", 3), ("tr", 0)])
def test_zero_config_crawl_stores_briefs(tmp_path: Path, language: str, style: int) -> None:
    """Briefs (200–400 characters under an <h1> and a date line, no Open Graph or JSON-LD) are
    articles by their structure; the home page, tag pages and listings still are not."""
    root = tmp_path / "site"
    manifest = generate_site(root, language=language, n_articles=24, style=style, seed=11,
                             briefs=True)
    assert all(200 <= sum(map(len, a.paragraphs)) <= 400 for a in manifest.articles)
    stored = crawl_home(tmp_path, root, manifest)
    truth = {a.path: a for a in manifest.articles}
    assert not set(stored) - set(truth)  # no listing, tag or home page
    assert not set(stored) & {*manifest.listing_paths, *manifest.tag_paths, manifest.home_path}
    assert len(set(stored) & set(truth)) >= 0.95 * len(truth)
    for path, row in stored.items():
        assert row["title"] == truth[path].title, path
