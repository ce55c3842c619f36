"""The spider and the item pipelines as Scrapy builds them (`get_crawler`), without a crawl:
what each component gives for a given input, with a real SQLite file behind the store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import PageItem, StoredArticle
from crawler.profiles import profile_from_dict
from crawler.spiders.site import KIND, LINK_DEPTH, Fetch, SiteSpider, _sitemap_entries
from crawler.state import CrawlState
from pipelines import store
from pipelines.extract_text import ExtractPipeline
from pipelines.pick_date import DatePipeline
from pipelines.store_article import StorePipeline, drop_reason
from pipelines.strip_furniture import FurniturePipeline

PAGE = b"""<html lang="en"><head><title>Harbour Bridge Reopens | Example News</title>
<meta property="article:published_time" content="2021-03-04T09:30:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/world/">World</a></nav>
<article><h1>Harbour Bridge Reopens</h1>
<p>The harbour bridge reopened on Thursday after eighteen months of repairs, the city said.</p>
<p>Engineers replaced the deck, the cables and the lighting, and traffic returned by noon.</p>
<p>Officials said the work came in under budget, which residents greeted with some surprise.</p>
</article><footer>Copyright 2021 Example News</footer></body></html>"""


def make_spider(tmp_path: Path, profile_extra: dict | None = None, **settings: object) -> SiteSpider:
    profile = profile_from_dict({
        "name": "example", "start_urls": ["https://news.example/"],
        "article_url_patterns": [r"/\d{4}/\d{2}/[^/]+$"], **(profile_extra or {}),
    })
    crawler = get_crawler(SiteSpider, {"TARIKH_DB": str(tmp_path / "t.db"), "TARIKH_WORKERS": 0,
                                       **settings})
    spider = SiteSpider.from_crawler(crawler, profile=profile)
    crawler.spider = spider
    return spider


def page_item(url: str = "https://news.example/2021/03/harbour-bridge") -> PageItem:
    return PageItem(url=url, key=url, site="example", status=200, body=PAGE, encoding="utf-8",
                    fetched_at="2021-03-05T00:00:00Z", content_type="text/html",
                    article_hint=True)  # the profile's article_url_patterns match it


def test_spider_owns_a_typed_state_with_the_profiles_site_context(tmp_path: Path) -> None:
    spider = make_spider(tmp_path)
    assert isinstance(spider.state, CrawlState)
    assert spider.state.site_ctx.site == "example"
    assert spider.state.db_path == str(tmp_path / "t.db")


def test_every_request_carries_its_kind_callback_and_link_depth(tmp_path: Path) -> None:
    spider = make_spider(tmp_path)
    planned = spider.plan_article("https://news.example/2021/03/harbour-bridge", via="sitemap")
    assert planned is not None
    request = spider.planned_request(planned)
    assert request.meta[KIND] == Fetch.ARTICLE and request.meta[LINK_DEPTH] == 1
    assert request.callback == spider.parse_article and request.errback == spider.on_error
    assert spider.request("https://news.example/sitemap.xml", Fetch.SITEMAP).priority == 20


def test_backfill_skips_a_url_dated_outside_its_range_before_fetching(tmp_path: Path) -> None:
    spider = make_spider(tmp_path, TARIKH_SINCE="2021-01-01", TARIKH_UNTIL="2021-12-31")
    assert spider.plan_article("https://news.example/2019/05/old-story", via="sitemap") is None
    assert spider.state.counters.skipped_reasons == {"out_of_range_by_url": 1}
    assert spider.plan_article("https://news.example/2021/05/new-story", via="sitemap") is not None


def test_a_stored_article_is_not_requested_again(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    store.upsert_article(db, {"url": "https://news.example/2021/03/harbour-bridge", "site": "example",
                              "title": "t", "text": "x", "fetched_at": "2099-01-01T00:00:00Z"})
    db.conn.close()
    spider = make_spider(tmp_path)
    assert spider.plan_article("https://news.example/2021/03/harbour-bridge", via="listing") is None
    assert spider.state.counters.skipped_reasons == {"already_stored": 1}


def test_pipelines_turn_a_page_into_a_stored_article(tmp_path: Path) -> None:
    spider = make_spider(tmp_path)
    crawler = spider.crawler
    stages = [ExtractPipeline.from_crawler(crawler),
              FurniturePipeline.from_crawler(crawler), DatePipeline.from_crawler(crawler)]
    saver = StorePipeline.from_crawler(crawler)
    stages[0].open_spider()
    saver.open_spider()
    item = page_item()
    for stage in stages:
        result = stage.process_item(item)
        item = asyncio.run(result) if asyncio.iscoroutine(result) else result
    assert item.analysis is not None and item.picked_date is not None
    assert item.picked_date.iso.startswith("2021-03-04")
    stored = saver.process_item(item)
    saver.close_spider()
    stages[0].close_spider()
    assert isinstance(stored, StoredArticle) and stored.title == "Harbour Bridge Reopens"
    db = store.connect(tmp_path / "t.db")
    text = db.execute("select text from articles").fetchone()[0]
    assert "eighteen months" in text and "Copyright" not in text and "World" not in text
    assert crawler.stats.get_value("tarikh/store_article/new") == 1
    # every stage's CPU time is in the stats (benchmarks/throughput.py prints them per page)
    steps = ("decode", "parse", "metadata", "date_candidates", "extract", "compress",
             "compress_html", "furniture", "date_pick", "record", "store")
    assert {s: crawler.stats.get_value(f"tarikh/cpu_ms/{s}") is not None for s in steps} == \
        dict.fromkeys(steps, True)


def test_with_a_worker_pool_the_raw_page_is_packed_by_the_crawl_thread(tmp_path: Path) -> None:
    """With workers the body is compressed by a thread of the crawl process while a worker
    analyses it: an analysed page and a page whose analysis fails both keep their raw HTML."""
    spider = make_spider(tmp_path, TARIKH_WORKERS=1)
    extract = ExtractPipeline.from_crawler(spider.crawler)
    extract.open_spider()
    try:
        assert extract.packer is not None and spider.state.pool is not None

        async def both() -> tuple[PageItem, PageItem]:
            bad = page_item("https://news.example/2021/03/garbage")
            bad.body = bytes(range(32)) * 200
            return await extract.process_item(page_item()), await extract.process_item(bad)

        good, bad = asyncio.run(both())
    finally:
        extract.close_spider()
    assert good.analysis is not None and good.html_packed is not None
    assert store.unpack(good.html_packed) == PAGE and good.extracted_packed is not None
    assert bad.analysis is None and bad.error and bad.html_packed is not None
    assert store.unpack(bad.html_packed) == bytes(range(32)) * 200
    assert spider.crawler.stats.get_value("tarikh/cpu_ms/compress_html") is not None


def test_a_page_that_cannot_be_packed_is_still_stored_and_the_error_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spider = make_spider(tmp_path)
    crawler = spider.crawler
    extract, saver = ExtractPipeline.from_crawler(crawler), StorePipeline.from_crawler(crawler)
    extract.open_spider()
    saver.open_spider()

    def refuse(body: bytes) -> tuple[bytes | None, float]:
        raise MemoryError("no room to compress")

    monkeypatch.setattr("pipelines.extract_text.pack_html", refuse)
    item = asyncio.run(extract.process_item(page_item()))
    assert item.analysis is not None and item.html_packed is None
    for stage in (FurniturePipeline.from_crawler(crawler), DatePipeline.from_crawler(crawler)):
        item = stage.process_item(item)
    stored = saver.process_item(item)
    saver.close_spider()
    extract.close_spider()
    assert isinstance(stored, StoredArticle)
    assert store.connect(tmp_path / "t.db").execute("select count(*) from articles").fetchone()[0] == 1
    assert spider.state.counters.errors == 1


def test_a_page_that_fails_extraction_is_kept_raw_and_dropped(tmp_path: Path) -> None:
    spider = make_spider(tmp_path)
    crawler = spider.crawler
    extract, saver = ExtractPipeline.from_crawler(crawler), StorePipeline.from_crawler(crawler)
    saver.open_spider()
    item = page_item()
    item.body = bytes(range(32)) * 200  # binary garbage served as HTML
    item = asyncio.run(extract.process_item(item))
    assert item.analysis is None and item.error
    with pytest.raises(DropItem):
        saver.process_item(item)
    saver.close_spider()
    db = store.connect(tmp_path / "t.db")
    assert db.execute("select kind from pages").fetchone()[0] == "failed"
    assert spider.state.counters.errors == 1


@pytest.mark.parametrize(("kind", "hint", "text", "published", "expected"), [
    ("listing", None, "text", "2021-01-02", "not_article"),
    ("listing", True, "text", "2021-01-02", None),  # the profile's URL rule outranks the classifier
    ("article", None, "  ", "2021-01-02", "empty_text"),
    ("article", None, "text", None, "no_date_in_range"),
    ("article", None, "text", "2020-12-31", "out_of_range"),
    ("article", None, "text", "2021-01-02T10:00", None),
])
def test_drop_reason(kind: str, hint: bool | None, text: str, published: str | None,
                     expected: str | None) -> None:
    assert drop_reason(kind, hint, text, published, date(2021, 1, 1), date(2021, 12, 31)) == expected


def test_a_body_selector_that_matches_nothing_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spider = make_spider(tmp_path, {"selectors": {"body": "div.story-body-that-does-not-exist"}})
    extract = ExtractPipeline.from_crawler(spider.crawler)
    extract.open_spider()
    item = asyncio.run(extract.process_item(page_item()))
    assert item.analysis is not None and "eighteen months" in " ".join(item.analysis.page.blocks)
    with caplog.at_level("WARNING"):
        extract.close_spider()
    assert "matched nothing on 1 of 1 pages" in caplog.text


def test_a_sitemap_broken_half_way_keeps_what_was_read_and_says_why() -> None:
    """Scrapy's Sitemap parses as it is iterated, so its XML can break after some entries: those
    stand, and the reason is kept for the run's error."""
    class BreaksAfterTwo:
        def __iter__(self) -> Iterator[dict[str, str]]:
            yield {"loc": "https://news.example/a"}
            yield {"loc": "https://news.example/b"}
            raise ValueError("unexpected end of the XML")

    problems: list[str] = []
    read = list(_sitemap_entries(BreaksAfterTwo(), problems))  # type: ignore[arg-type]
    assert [e["loc"] for e in read] == ["https://news.example/a", "https://news.example/b"]
    assert problems == ["unexpected end of the XML"]
