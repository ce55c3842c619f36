"""The frontier (crawler.frontier): a sitemap of many URLs reaches Scrapy's scheduler a few
dozen requests at a time, and every URL is still fetched and stored once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crawler.app.localserver import LocalSiteServer
from crawler.app.sitegen import SiteManifest, generate_site, write_sitemap
from tests.helpers import rows, tarikh, write_profile

ARTICLES = 400
#: `--no-throttle` runs 32 requests at once; the frontier keeps twice that in the scheduler.
TARGET = 64
PROBE = json.dumps({"tests.e2e.scheduler_probe.SchedulerProbe": 900})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteManifest:
    root = tmp_path_factory.mktemp("frontier") / "site"
    return generate_site(root, language="en", n_articles=ARTICLES, style=1, seed=3)


def crawl(tmp_path: Path, manifest: SiteManifest, *extra: str, parts: int = 1
          ) -> tuple[set[str], int, str]:
    """Crawl the site from its sitemap alone: the paths stored, the most requests Scrapy's
    scheduler held at once, the crawl's log (a run again adds to the same database)."""
    sites = tmp_path / "sites"
    sites.mkdir(exist_ok=True)
    db, probe, log = tmp_path / "t.db", tmp_path / "probe", tmp_path / "crawl.log"
    log.unlink(missing_ok=True)
    with LocalSiteServer(Path(manifest.root)) as server:
        sitemap = write_sitemap(manifest, server.base_url)
        if parts > 1:
            split_sitemap(sitemap, parts)
        write_profile(sites / "big.toml", name="big", base=server.base_url, start=(),
                      article_pattern=r"/\d{4}/\d{2}/[^/]+\.html$", listing_pattern=r"^$")
        tarikh("crawl", "big", "--db", str(db), "--no-throttle", "--log-file", str(log),
               "-s", f"EXTENSIONS={PROBE}", "-s", f"PROBE_FILE={probe}", *extra,
               env={"TARIKH_SITES": str(sites)}, timeout=300)
    stored = {"/" + r["url"].split("/", 3)[3] for r in rows(db, "select url from articles")}
    return stored, int(probe.read_text(encoding="utf-8")), log.read_text(encoding="utf-8")


def test_a_large_sitemap_reaches_the_scheduler_a_few_dozen_at_a_time(
        tmp_path: Path, site: SiteManifest) -> None:
    stored, most_scheduled, log = crawl(tmp_path, site)
    assert stored == {a.path for a in site.articles}
    assert most_scheduled <= TARGET + 1  # + the sitemap's own request
    assert stat(log, "frontier_peak") >= ARTICLES - TARGET  # the rest waited there
    assert stat(log, "frontier_left") == 0


def test_what_a_budget_left_in_the_frontier_the_next_run_fetches(
        tmp_path: Path, site: SiteManifest) -> None:
    first, _, log = crawl(tmp_path, site, "--max-pages", "40")
    left = stat(log, "frontier_left")
    assert len(first) < ARTICLES and left > 0
    everything, _, _ = crawl(tmp_path, site)
    assert everything == {a.path for a in site.articles}


def test_an_index_of_sitemaps_is_read_one_sitemap_at_a_time(
        tmp_path: Path, site: SiteManifest) -> None:
    """Four sitemaps of 100 under an index: every URL is stored, and the frontier never held
    more than about one sitemap's entries."""
    stored, most_scheduled, log = crawl(tmp_path, site, parts=4)
    assert stored == {a.path for a in site.articles}
    assert most_scheduled <= TARGET + 1
    assert stat(log, "frontier_peak") <= ARTICLES // 4 + TARGET


def split_sitemap(path: Path, parts: int) -> None:
    """Rewrite a urlset as `parts` sitemaps under a sitemap index at the same path."""
    text = path.read_text(encoding="utf-8")
    entries = re.findall(r"<url>.*?</url>", text, flags=re.S)
    head = text[:text.index("<url>")]
    base = re.search(r"<loc>(https?://[^/]+)", text)
    assert base is not None
    size = -(-len(entries) // parts)
    names = []
    for k in range(parts):
        name = f"sitemap-part-{k}.xml"
        (path.parent / name).write_text(head + "".join(entries[k * size:(k + 1) * size]) + "</urlset>",
                                        encoding="utf-8")
        names.append(f"<sitemap><loc>{base.group(1)}/{name}</loc></sitemap>")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(names)
                    + "</sitemapindex>", encoding="utf-8")


def stat(log: str, name: str) -> int:
    found = re.search(rf"'tarikh/{name}': (\d+)", log)
    assert found is not None, f"no tarikh/{name} in the crawl's stats"
    return int(found.group(1))


def test_without_the_frontier_the_whole_sitemap_is_scheduled_at_once(
        tmp_path: Path, site: SiteManifest) -> None:
    """What the frontier prevents (and what a shared redis scheduler needs): the same crawl
    with TARIKH_FRONTIER off fills the scheduler with the sitemap as fast as it is read."""
    stored, most_scheduled, _ = crawl(tmp_path, site, "-s", "TARIKH_FRONTIER=False")
    assert stored == {a.path for a in site.articles}
    assert most_scheduled > 3 * TARGET
