"""crawler.frontier against Scrapy's own signal manager and an engine stand-in (the real
crawls are in tests/e2e/test_frontier.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from scrapy import Request, signals
from scrapy.signalmanager import SignalManager

from crawler.frontier import HELD_SITEMAP, Frontier, Planned


class Engine:
    """Schedules as Scrapy's engine does (request_scheduled, then enqueue or request_dropped);
    `seen` plays the duplicate filter."""

    def __init__(self, crawler: Any, seen: set[str]) -> None:
        self.crawler = crawler
        self.seen = seen
        self.queue: list[Request] = []

    def crawl(self, request: Request) -> None:
        send = self.crawler.signals.send_catch_log
        send(signals.request_scheduled, request=request, spider=None)
        if request.url in self.seen:
            send(signals.request_dropped, request=request, spider=None)
        else:
            self.seen.add(request.url)
            self.queue.append(request)

    def download_one(self) -> None:
        request = self.queue.pop(0)
        self.crawler.signals.send_catch_log(signals.request_reached_downloader,
                                            request=request, spider=None)


class Crawler:
    def __init__(self, seen: set[str] | None = None) -> None:
        self.signals = SignalManager(self)
        self.engine = Engine(self, seen or set())


def planned(i: int) -> Planned:
    return Planned(f"https://news.example/{i}", "article", 1, "sitemap", None)


def attached(target: int, seen: set[str] | None = None) -> tuple[Frontier, Crawler]:
    crawler = Crawler(seen)
    frontier = Frontier(target)
    frontier.attach(crawler, lambda p: Request(p.url))
    return frontier, crawler


def test_the_scheduler_holds_target_requests_and_the_rest_wait_in_order() -> None:
    frontier, crawler = attached(target=4)
    for i in range(10):
        frontier.push(planned(i))
    assert [r.url for r in crawler.engine.queue] == [planned(i).url for i in range(4)]
    assert len(frontier) == 6
    crawler.engine.download_one()  # one leaves for the downloader: one more comes in
    assert [r.url for r in crawler.engine.queue][-1] == planned(4).url and len(frontier) == 5


def test_a_url_waiting_twice_is_held_once() -> None:
    frontier, _ = attached(target=1)
    assert frontier.push(planned(1)) and frontier.push(planned(2))
    assert not frontier.push(planned(2))
    assert len(frontier) == 1


def test_a_long_run_of_duplicates_is_drained_without_recursion(caplog: pytest.LogCaptureFixture) -> None:
    """Every request the duplicate filter drops makes room for the next; 5,000 of them in a row
    (a re-found list of fetched URLs) must be a loop, not 5,000 nested calls."""
    frontier, crawler = attached(target=1, seen={planned(i).url for i in range(5000)})
    frontier.push(planned(6000))  # the scheduler has room: straight in
    for i in range(5001):  # 5,000 fetched URLs found again, then a new one: they wait
        frontier.push(planned(i))
    assert len(frontier) == 5001
    crawler.engine.download_one()  # room for one: the duplicates go by, the new one comes in
    assert len(frontier) == 0
    assert [r.url for r in crawler.engine.queue] == [planned(5000).url]
    # nested, it would hit the recursion limit: Scrapy logs each handler's error and goes on
    assert [r.getMessage()[:80] for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_an_idle_spider_is_kept_open_while_entries_wait() -> None:
    frontier, crawler = attached(target=1)
    frontier.push(planned(1))
    frontier.push(planned(2))
    crawler.engine.queue.clear()  # as if refused at scheduling: counted, never queued
    results = crawler.signals.send_catch_log(signals.spider_idle, spider=None)
    assert any("DontCloseSpider" in repr(r) for _, r in results)
    assert [r.url for r in crawler.engine.queue] == [planned(2).url]


def test_an_entry_scrapy_refuses_is_logged_and_the_next_one_goes_in(
        caplog: pytest.LogCaptureFixture) -> None:
    crawler = Crawler()
    frontier = Frontier(target=1)
    frontier.attach(crawler, lambda p: Request(p.url))
    frontier.push(Planned("no scheme at all", "article", 1, "listing", None))
    frontier.push(planned(1))
    assert [r.url for r in crawler.engine.queue] == [planned(1).url]
    assert "not fetched" in caplog.text and "no scheme at all" in caplog.text


def sitemap(i: int) -> Request:
    return Request(f"https://news.example/sitemap-{i}.xml")


def test_child_sitemaps_are_fetched_one_at_a_time_as_the_pages_run_low() -> None:
    """An index of many sitemaps must not put every sitemap's entries in memory at once."""
    frontier, crawler = attached(target=2)
    for i in range(3):
        frontier.hold_sitemap(sitemap(i))
    assert [r.url for r in crawler.engine.queue] == [sitemap(0).url]  # one, not three
    crawler.engine.download_one()
    for i in range(5):  # sitemap 0 is read: its entries arrive
        frontier.push(planned(i))
    frontier.sitemap_read({HELD_SITEMAP: True})
    assert sitemap(1).url not in [r.url for r in crawler.engine.queue]  # 3 still wait
    while crawler.engine.queue:
        crawler.engine.download_one()
    assert sitemap(1).url in crawler.engine.seen and sitemap(2).url not in crawler.engine.seen


def test_a_held_sitemap_whose_read_was_never_reported_is_released_when_idle() -> None:
    """A request a downloader middleware refuses is never answered: the idle spider sends the
    next sitemap anyway."""
    frontier, crawler = attached(target=2)
    frontier.hold_sitemap(sitemap(0))
    frontier.hold_sitemap(sitemap(1))
    crawler.engine.queue.clear()  # sitemap 0 vanished without a word
    results = crawler.signals.send_catch_log(signals.spider_idle, spider=None)
    assert any("DontCloseSpider" in repr(r) for _, r in results)
    assert [r.url for r in crawler.engine.queue] == [sitemap(1).url]
