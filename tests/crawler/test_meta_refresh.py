"""The meta-refresh middleware: Scrapy's redirects, without decoding pages that cannot hold the
tag; and a run's own middlewares join the project's instead of replacing them."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.meta_refresh import HEAD_BYTES, MetaRefreshMiddleware, may_refresh
from crawler.runs.runner import RunOptions, build_settings

PAGE = "<html><head><title>t</title></head><body>" + "<p>Prose of the article.</p>" * 200 + "</body></html>"
REFRESH = '<meta HTTP-EQUIV="Refresh" content="0;url=/moved.html">'


class CountingResponse(HtmlResponse):
    """Counts how often the body is decoded (Scrapy's `text`)."""

    decoded = 0

    @property
    def text(self) -> str:
        CountingResponse.decoded += 1
        return super().text


def middleware() -> MetaRefreshMiddleware:
    crawler = get_crawler(settings_dict={})
    return MetaRefreshMiddleware.from_crawler(crawler)


def test_may_refresh_reads_bytes_in_any_case_and_defers_on_wide_encodings() -> None:
    assert not may_refresh(PAGE.encode())
    assert may_refresh(PAGE.replace("<title>", REFRESH + "<title>").encode())
    assert may_refresh(PAGE.replace("<title>", REFRESH + "<title>").encode("utf-16"))
    # a tag past the first 4,096 characters is one Scrapy never sees either
    assert not may_refresh(b"x" * HEAD_BYTES + REFRESH.encode())


def test_a_page_without_the_tag_passes_undecoded() -> None:
    request = Request("https://news.example/a.html")
    response = CountingResponse(request.url, body=PAGE.encode(), request=request,
                                headers={"Content-Type": "text/html"})
    CountingResponse.decoded = 0
    assert middleware().process_response(request, response) is response
    assert CountingResponse.decoded == 0


def test_a_page_with_the_tag_is_redirected_as_scrapy_does() -> None:
    request = Request("https://news.example/a.html")
    body = PAGE.replace("<title>", REFRESH + "<title>").encode()
    response = HtmlResponse(request.url, body=body, request=request,
                            headers={"Content-Type": "text/html"})
    redirected: Any = middleware().process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == "https://news.example/moved.html"


def test_settings_of_a_run_join_the_projects_middlewares() -> None:
    opts = RunOptions(extra_settings={"DOWNLOADER_MIDDLEWARES": {"crawler.app.demo.LocalProxy": 740}})
    mws = build_settings("t.db", 1, opts, []).getwithbase("DOWNLOADER_MIDDLEWARES")
    assert mws["crawler.app.demo.LocalProxy"] == 740
    assert mws["crawler.fetch_policy.SafeFetchMiddleware"] == 50
    assert mws["crawler.meta_refresh.MetaRefreshMiddleware"] == 580
    assert mws["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None


def test_a_component_setting_given_as_json_joins_too() -> None:
    """`-s EXTENSIONS={"...": 900}` arrives as a string."""
    opts = RunOptions(extra_settings={"EXTENSIONS": '{"tests.e2e.scheduler_probe.SchedulerProbe": 900}'},
                      warc_dir="w")
    exts = build_settings("t.db", 1, opts, []).getwithbase("EXTENSIONS")
    assert exts["tests.e2e.scheduler_probe.SchedulerProbe"] == 900
    assert exts["crawler.runs.warcwriter.WarcWriterExtension"] == 600
