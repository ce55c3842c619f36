"""The one generic spider: a site profile (or a bare URL) decides where articles are.

It walks sitemaps (indexes, lastmod), feeds, listing pages with their pagination and, in
zero-config mode, every in-site link; it asks for a stored article again only when told
to (`refresh_after`) or when the sitemap says it changed, and then conditionally
(ETag / Last-Modified), so a scheduled run downloads what is new and little else.

Why not `scrapy.spiders.SitemapSpider`: its `_parse_sitemap` turns each `<loc>` into a plain
`Request(loc, callback)`, while tarikh must decide per entry before fetching (known and fresh:
skip; changed since our copy: a conditional request with ETag/If-Modified-Since; outside a
backfill's range by URL date or lastmod: skip, counted) and give every request its kind and
errback. `sitemap_filter` can only drop entries, not shape their requests. So the walk is
ours, on Scrapy's own parts: `Sitemap`, `sitemap_urls_from_robots`, `gunzip` with a size cap.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import chain, islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.fetch_policy import FetchPolicy
from crawler.frontier import Frontier, Planned
from crawler.items import PageItem
from crawler.profiles import SiteProfile, load_profile, zero_config_profile
from crawler.state import CrawlState
from pipelines.article.process import canonical_url
from pipelines.dates.parse import parse_timestamp
from pipelines.dates.urls import url_date_span

logger = logging.getLogger(__name__)

PAGINATION_TEXT = re.compile(
    r"^\s*(next|older|more|previous|prev|newer|»|›|>>|→|←|‹|«|\d{1,4}|sonraki|önceki|"
    r"التالي|السابق|المزيد|بعدی|قبلی)\b",
    re.IGNORECASE,
)
PAGINATION_URL = re.compile(r"(/page/\d+|[?&](page|p|paged|pg)=\d+|/page\d+|/\d+\.html?$)", re.I)
FEED_TYPES = ("rss", "atom", "xml")
#: Request meta keys: what a request fetches, and its link hops from a start page (Scrapy's
#: own `depth` counts every hop, sitemap ones included, and DepthMiddleware overwrites it).
KIND = "tarikh_kind"
LINK_DEPTH = "tarikh_link_depth"
GUESSED = "tarikh_guessed"  # a sitemap URL guessed by zero-config, not declared anywhere
ENTRY = "tarikh_entry"  # a sitemap or feed the profile declares: it must answer
SITEMAP_DEPTH = "tarikh_sitemap_depth"  # sitemap-index hops from a declared sitemap
#: The sitemap protocol's limit per file (URLs in a sitemap, sitemaps in an index): entries
#: beyond it are not read, and counted.
MAX_SITEMAP_ENTRIES = 50_000
#: An index lists sitemaps; an index inside an index is tolerated this deep, no deeper (a
#: server can generate an endless chain of indexes, each naming the next).
MAX_SITEMAP_DEPTH = 3


class Fetch(StrEnum):
    """What a request fetches; it decides the callback and the priority."""

    ROBOTS = "robots"
    SITEMAP = "sitemap"
    FEED = "feed"
    LISTING = "listing"
    ARTICLE = "article"
    PAGE = "page"  # zero-config: not known yet whether it is an article


_PRIORITY = {Fetch.ROBOTS: 20, Fetch.SITEMAP: 20, Fetch.FEED: 15, Fetch.LISTING: 0,
             Fetch.ARTICLE: 0, Fetch.PAGE: 0}


class SiteSpider(Spider):
    """`scrapy crawl site -a name=SITE` or `-a url=URL`; the CLI passes a profile object."""

    name = "site"

    def __init__(
        self,
        name: str | None = None,
        url: str | None = None,
        profile: SiteProfile | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name="site", **kwargs)
        if profile is None:
            if url:
                profile = zero_config_profile(url)
            elif name:
                profile = load_profile(name)
            else:
                raise ValueError("give -a name=SITE (a profile in data/sites/) or -a url=URL")
        self.profile = profile
        self.site = profile.name
        self.allowed_domains = profile.domains  # Scrapy's offsite filter and ours agree
        self.fetch_policy = FetchPolicy.for_profile(profile)  # from_crawler applies the settings
        self.links = LinkExtractor(unique=True)  # skips images, archives, media by extension
        self._state: CrawlState | None = None
        self.frontier: Frontier | None = None  # from_crawler attaches one, unless told not to

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._state = CrawlState.from_settings(crawler.settings, spider.profile)
        block = crawler.settings.get("TARIKH_BLOCK_PRIVATE")
        spider.fetch_policy = FetchPolicy.for_profile(
            spider.profile, block_private=None if block in (None, "") else crawler.settings.getbool(
                "TARIKH_BLOCK_PRIVATE"))
        if crawler.settings.getbool("TARIKH_FRONTIER", True):
            spider.frontier = Frontier(target=2 * crawler.settings.getint("CONCURRENT_REQUESTS", 16))
            spider.frontier.attach(crawler, spider.planned_request)
        robots_filter = RobotsErrors(spider._state.counters, quiet=crawler.settings.getbool("TARIKH_QUIET"))
        logging.getLogger(ROBOTS_LOGGER).addFilter(robots_filter)
        if robots_filter.quiet:
            # Counted by our errback and summarised in one line by the CLI: the per-request
            # lines (and retry's "Gave up retrying") would only repeat them under cron.
            logging.getLogger(RETRY_LOGGER).addFilter(lambda record: record.levelno > logging.ERROR)
            logger.addFilter(lambda record: not record.getMessage().startswith("fetch failed"))
        return spider

    @property
    def state(self) -> CrawlState:
        """What this crawl shares with its pipelines (set when Scrapy builds the spider)."""
        if self._state is None:
            raise RuntimeError("the spider has no crawl state: build it with from_crawler")
        return self._state

    # ---- starting points ------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for url in self.profile.sitemaps:
            if url.endswith("robots.txt"):
                yield self.request(url, Fetch.ROBOTS)
            else:  # zero-config only guesses /sitemap.xml: its absence is no error
                guessed = self.profile.zero_config
                yield self.request(url, Fetch.SITEMAP, meta={GUESSED: guessed, ENTRY: not guessed})
        for url in self.profile.feeds:
            yield self.request(url, Fetch.FEED, meta={ENTRY: True})
        for url in self.archive_urls():
            yield self.request(url, Fetch.LISTING, priority=5)
        for url in self.profile.start_urls:
            yield self.request(url, Fetch.LISTING, priority=10, depth=0)

    def archive_urls(self) -> Iterator[str]:
        """Month archives (`/2015/11/`) for a backfill, from the profile's template."""
        state = self.state
        template = self.profile.archive_url_template
        if not template or state is None or state.since is None:
            return
        base = self.profile.start_urls[0] if self.profile.start_urls else ""
        root = f"{urlsplit(base).scheme}://{urlsplit(base).netloc}"
        month = state.since.replace(day=1)
        end = state.until or datetime.now(UTC).date()
        while month <= end:
            yield template.format(base=root, year=month.year, month=month.month)
            month = (month + timedelta(days=32)).replace(day=1)

    # ---- discovery ---------------------------------------------------------------------
    def parse_robots(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self.request(url, Fetch.SITEMAP)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap or sitemap index. One that yields nothing (garbage, a gzip that is not
        one, a DTD that stops the parser, an empty list) is an error of the run, not a
        silent success; only zero-config's guessed /sitemap.xml may be missing."""
        try:
            yield from self._read_sitemap(response)
        finally:  # its entries are in the frontier now: the next held sitemap may come
            if self.frontier is not None:
                self.frontier.sitemap_read(response.meta)

    def _read_sitemap(self, response: Response) -> Iterator[Request]:
        guessed = bool(response.meta.get(GUESSED))
        body = self._sitemap_body(response)
        if body is None:
            if guessed:
                logger.info("no sitemap at %s", response.url)
            else:
                self.state.counters.error(f"not a sitemap: {response.url}")
            return
        try:
            sitemap = Sitemap(body)
            kind = sitemap.type
        except Exception as exc:  # noqa: BLE001 - a broken sitemap is logged, the run goes on
            self.state.counters.error(f"bad sitemap {response.url}: {exc}")
            return
        # Scrapy's Sitemap parses as it is iterated: entries are read one at a time (a
        # 50,000-entry sitemap is never a list of dicts), and a sitemap broken half-way
        # gives its first half and an error.
        problems: list[str] = []
        listed = _sitemap_entries(sitemap, problems)
        first = next(listed, None)
        if first is None or kind not in ("sitemapindex", "urlset"):
            if problems:
                self.state.counters.error(f"bad sitemap {response.url}: {problems[0]}")
            elif not guessed:
                self.state.counters.error(f"sitemap lists no URLs: {response.url}")
            return
        entries = islice(chain([first], listed), MAX_SITEMAP_ENTRIES)
        if kind == "urlset":
            in_site = 0
            for entry in entries:
                loc = entry.get("loc")
                if not loc or not self.in_site(loc):
                    continue
                in_site += 1
                planned = self.plan_article(loc, lastmod=parse_timestamp(entry.get("lastmod")),
                                            via="sitemap")
                if planned is not None:
                    yield from self.schedule(planned)
            if not in_site and not guessed:  # every URL elsewhere (a moved site?) or not http
                self.state.counters.error(f"sitemap lists no URLs of this site: {response.url}")
        elif (depth := response.meta.get(SITEMAP_DEPTH, 0)) >= MAX_SITEMAP_DEPTH:
            skipped = sum(1 for _ in entries)
            logger.warning("sitemap index %s is nested %d deep: its %d sitemaps are not read",
                           response.url, depth, skipped)
            self.state.counters.skip("sitemap_nested_too_deep", skipped)
        else:
            for entry in entries:
                lastmod = parse_timestamp(entry.get("lastmod"))
                if self.state.since and lastmod and lastmod.date() < self.state.since:
                    continue  # a child sitemap untouched since before the range holds only older URLs
                child = self.request(entry["loc"], Fetch.SITEMAP, meta={SITEMAP_DEPTH: depth + 1})
                if self.frontier is None:
                    yield child
                else:
                    self.frontier.hold_sitemap(child)
        excess = sum(1 for _ in listed)
        if excess:
            logger.warning("%s lists %d entries more than the protocol's %d: not read",
                           response.url, excess, MAX_SITEMAP_ENTRIES)
            self.state.counters.skip(f"sitemap_over_{MAX_SITEMAP_ENTRIES}_entries", excess)
        if problems:
            self.state.counters.error(f"bad sitemap {response.url}: {problems[0]}")

    def _sitemap_body(self, response: Response) -> bytes | None:
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=50 * 1024 * 1024)
            except Exception:  # noqa: BLE001
                return None
        head = body[:512].lstrip().lower()
        if b"<urlset" in body[:2048] or b"<sitemapindex" in body[:2048] or head.startswith(b"<?xml"):
            return body
        return None

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS and Atom: every item link is an article candidate; the item date feeds lastmod.
        A feed with no items (or one its parser could not read) is an error of the run."""
        items = response.xpath("//*[local-name()='item' or local-name()='entry']") \
            if isinstance(response, TextResponse) else []
        if not items:
            self.state.counters.error(f"feed lists no items: {response.url}")
            return
        in_site = 0
        for item in items:
            link = item.xpath("./*[local-name()='link']/@href").get() or item.xpath(
                "./*[local-name()='link']/text()").get()
            if not link:
                continue
            link = urljoin(response.url, link.strip())
            if not self.in_site(link):  # elsewhere, or not http at all (javascript:, data:)
                continue
            in_site += 1
            when = item.xpath("./*[local-name()='updated' or local-name()='pubDate' "
                              "or local-name()='published']/text()").get()
            planned = self.plan_article(link, lastmod=_feed_date(when), via="feed")
            if planned is not None:
                yield from self.schedule(planned)
        if not in_site:
            self.state.counters.error(f"feed lists no items of this site: {response.url}")

    def parse_page(self, response: Response) -> Iterator[Any]:
        """A listing, home, archive or (zero-config) unknown page: follow links, maybe keep it."""
        if not isinstance(response, TextResponse) or not _is_html(response):
            return
        depth = response.meta.get(LINK_DEPTH, 0)
        is_article = self.profile.is_article_url(response.url)
        if is_article is not False:  # None: the pipeline's page classifier decides
            yield self.page_item(response, hint=is_article)
        yield from self.follow_links(response, depth)

    def parse_article(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            conditional = any(response.request.headers.get(h) for h in (
                b"If-None-Match", b"If-Modified-Since")) if response.request is not None else False
            if not conditional:  # "not modified" since a copy this run never had: no page at all
                message = f"HTTP 304 to a request that was not conditional: {response.url}"
                logger.warning("fetch failed: %s", message)
                self.state.counters.error(message)
                return
            self.state.counters.not_modified += 1
            self.state.mark_seen(response.url)
            return
        if not isinstance(response, TextResponse) or not _is_html(response):
            logger.info("dropped (not HTML: %s): %s",
                        _header(response.headers, b"Content-Type") or "no Content-Type", response.url)
            self.state.counters.drop("not_html")
            return
        hint = self.profile.is_article_url(response.url)
        yield self.page_item(response, hint=hint)
        if hint is None:  # zero-config: an article's links lead to more of the site
            yield from self.follow_links(response, response.meta.get(LINK_DEPTH, 1))

    def follow_links(self, response: TextResponse, depth: int) -> Iterator[Request]:
        """Article links become article requests; listing links are walked, but a listing
        page whose articles are all known (or all older than a backfill's range) does not
        lead down its pagination."""
        links = [lk for lk in self.links.extract_links(response) if self.in_site(lk.url)]
        articles: list[Planned] = []
        unknown: list[str] = []
        pagination: list[str] = []
        listings: list[str] = []
        any_article, all_done = False, True
        for link in links:
            url = link.url
            kind = self.profile.is_article_url(url)
            if kind:
                any_article = True
                planned = self.plan_article(url, via="listing", depth=depth + 1)
                if planned is not None:
                    all_done = False
                    articles.append(planned)
            elif self.profile.is_listing_url(url) or kind is None:
                is_pagination = bool(
                    PAGINATION_URL.search(url) or PAGINATION_TEXT.match(link.text or "")
                )
                (pagination if is_pagination else (listings if kind is False else unknown)).append(url)
        for planned in articles:
            yield from self.schedule(planned)
        stop_pagination = any_article and all_done
        if stop_pagination:
            self.state.counters.skip("pagination_not_followed")
        max_depth = self.state.max_depth
        for url in listings + ([] if stop_pagination else pagination):
            yield self.request(url, Fetch.LISTING, depth=depth + 1)
        if depth + 1 <= max_depth:
            for url in unknown:
                if self.state.should_fetch_unknown(url):
                    yield from self.schedule(Planned(url, Fetch.PAGE, depth + 1, "link", None))

    def plan_article(
        self, url: str, *, lastmod: datetime | None = None, via: str, depth: int = 1
    ) -> Planned | None:
        """Decide whether one article URL is worth a download in this run."""
        state = self.state
        if state.since is not None:
            span = url_date_span(url)
            if span and (span[1] < state.since or (state.until and span[0] > state.until)):
                state.counters.skip("out_of_range_by_url")
                return None
            if lastmod and lastmod.date() < state.since:
                state.counters.skip("out_of_range_by_lastmod")
                return None
        key = canonical_url(url)
        headers = state.revalidation_headers(key, lastmod)
        if headers is None:
            return None  # stored and fresh: the database is the record of what was seen
        return Planned(url, Fetch.ARTICLE, depth, via, headers or None)

    def planned_request(self, planned: Planned) -> Request:
        """The request of a frontier entry (built when the scheduler has room for it)."""
        if planned.kind == Fetch.PAGE:
            return self.request(planned.url, Fetch.PAGE, depth=planned.depth)
        return self.request(planned.url, Fetch.ARTICLE, depth=planned.depth, headers=planned.headers,
                            meta={"via": planned.via, "handle_httpstatus_list": [304]})

    def schedule(self, planned: Planned) -> Iterator[Request]:
        """Into the frontier, which hands it to the scheduler when there is room; without one
        (a shared redis scheduler), straight to Scrapy."""
        if self.frontier is None:
            yield self.planned_request(planned)
        else:
            self.frontier.push(planned)

    def request(self, url: str, kind: Fetch, *, priority: int | None = None, depth: int | None = None,
                headers: dict[str, str] | None = None, meta: dict[str, Any] | None = None) -> Request:
        """Every request of the spider: its kind's callback, the shared errback, the kind and
        link depth in meta."""
        callback = {Fetch.ROBOTS: self.parse_robots, Fetch.SITEMAP: self.parse_sitemap,
                    Fetch.FEED: self.parse_feed, Fetch.LISTING: self.parse_page,
                    Fetch.ARTICLE: self.parse_article, Fetch.PAGE: self.parse_article}[kind]
        full_meta = {KIND: kind, **(meta or {})}
        if depth is not None:
            full_meta[LINK_DEPTH] = depth
        return Request(url, callback=callback, errback=self.on_error, headers=headers,
                       priority=_PRIORITY[kind] if priority is None else priority, meta=full_meta)

    def in_site(self, url: str) -> bool:
        """http(s) on one of the site's origins (crawler.fetch_policy): links elsewhere are
        not followed, and SafeFetchMiddleware refuses redirects there."""
        return self.fetch_policy.refusal(url) is None

    def page_item(self, response: TextResponse, *, hint: bool | None) -> PageItem:
        self.state.counters.pages_downloaded += 1
        headers = response.headers
        return PageItem(
            url=response.url,
            key=canonical_url(response.url),  # the `pages` key, computed once
            site=self.site,
            status=response.status,
            body=response.body,
            encoding=response.encoding,
            content_type=_header(headers, b"Content-Type"),
            etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
            fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            article_hint=hint,
        )

    def on_error(self, failure: Failure) -> None:
        """Dead links, 500s, timeouts, DNS errors: logged and counted, the run goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if self.frontier is not None and request is not None:
            self.frontier.sitemap_read(request.meta)
        if failure.check(HttpError):
            status = failure.value.response.status
            meta = request.meta if request is not None else {}
            if meta.get(KIND) in (Fetch.ROBOTS, Fetch.SITEMAP) and status in (404, 410) \
                    and not meta.get(ENTRY):  # a declared sitemap that is gone is an error
                logger.info("no %s at %s", meta[KIND], url)
                return
            if status in (404, 410) and (meta.get(KIND) == Fetch.ARTICLE or meta.get(LINK_DEPTH, 0) > 0):
                # A dead link found on the site (or in its sitemap) is the site's problem,
                # not a failure of the run; a dead entry point (start URL, feed) is.
                logger.info("dead link (HTTP %s): %s", status, url)
                self.state.counters.drop("dead_link")
                return
            message = f"HTTP {status} {url}"
        else:
            message = f"{failure.type.__name__} {url}: {failure.getErrorMessage()}"
        logger.warning("fetch failed: %s", message)
        self.state.counters.error(message)


ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
RETRY_LOGGER = "scrapy.downloadermiddlewares.retry"


class RobotsErrors(logging.Filter):
    """robots.txt failures never reach the spider's errback: Scrapy's middleware logs them at
    ERROR with a traceback. Count them as errors of the run (one sample line each), log them as
    one line without the traceback, and when quiet (cron) not at all: the CLI's summary names
    them."""

    def __init__(self, counters: Any, *, quiet: bool) -> None:
        super().__init__()
        self.counters = counters
        self.quiet = quiet

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, dict) else {}
        exc = args.get("f_exception")
        request = args.get("request")
        if exc is None or request is None:
            return True
        parts = urlsplit(getattr(request, "url", ""))
        self.counters.error(f"{type(exc).__name__} {parts.scheme}://{parts.netloc}/robots.txt")
        record.exc_info = record.exc_text = None  # the message names the failure
        return not self.quiet


def _sitemap_entries(sitemap: Sitemap, problems: list[str]) -> Iterator[dict[str, Any]]:
    """The sitemap's entries until the end, or until its XML breaks (the reason goes into
    `problems`: what was read before stands)."""
    try:
        yield from sitemap
    except Exception as exc:  # noqa: BLE001 - lxml raises several types on broken XML
        problems.append(str(exc) or type(exc).__name__)


def _is_html(response: TextResponse) -> bool:
    ctype = (_header(response.headers, b"Content-Type") or "text/html").lower()
    return "html" in ctype or ("xml" in ctype and b"<html" in response.body[:2048].lower())


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _feed_date(text: str | None) -> datetime | None:
    if not text:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        return parse_timestamp(text)

