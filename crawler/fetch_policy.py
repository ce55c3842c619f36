"""Which URLs a crawl may fetch: http(s) only, on the site's own origins, and (for sites on the
public web) never a private, loopback or link-local address.

Scrapy's offsite filter compares host names only, so a redirect to another port of the same
host (another service) was followed and stored under the site, and a sitemap's `ftp://` entry
was tried. The rule here is the browser's same-origin rule, loosened only where sites really
vary: subdomains of a declared domain, and http/https on their default ports.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import IgnoreRequest
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

#: http and https on their default ports are one origin class: sites move between them.
DEFAULT_PORTS = {"http": 80, "https": 443}


def _port(scheme: str, port: int | None) -> int | None:
    """None for a scheme's default port (80/443 count as one), else the port."""
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return None
    return port


def is_private_address(host: str) -> bool:
    """A literal IP that is not on the public internet (RFC 1918, loopback, link-local, …)."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower() in ("localhost", "localhost.localdomain")
    return not ip.is_global


@dataclass(frozen=True)
class FetchPolicy:
    """The origins of one site, and whether private addresses are refused."""

    domains: frozenset[str]  # hosts whose subdomains belong to the site too
    origins: frozenset[tuple[str, int | None]]  # (host, non-default port) the profile names
    named_hosts: frozenset[str] = field(default_factory=frozenset)
    block_private: bool = False

    @classmethod
    def for_profile(cls, profile: SiteProfile, *, block_private: bool | None = None) -> FetchPolicy:
        """Private addresses are refused by default for zero-config crawls (a page on the public
        web must not steer the crawler into the operator's network); a host the profile or the
        start URL names itself is always allowed, as the operator asked for it."""
        urls = [*profile.start_urls, *profile.sitemaps, *profile.feeds]
        origins = set()
        for url in urls:
            parts = urlsplit(url)
            if parts.hostname:
                origins.add((parts.hostname.lower(), _port(parts.scheme, parts.port)))
        named = {host for host, _ in origins}
        return cls(
            domains=frozenset(h.lower() for h in profile.domains),
            origins=frozenset(origins),
            named_hosts=frozenset(named),
            block_private=profile.zero_config if block_private is None else block_private,
        )

    def refusal(self, url: str) -> str | None:
        """Why `url` must not be fetched (a skip reason), or None when it may be."""
        try:  # "http://[::1" (an unclosed IPv6 literal) raises; port 99999 raises on .port
            parts = urlsplit(url)
            if parts.scheme not in DEFAULT_PORTS:
                return "not_http"
            host = (parts.hostname or "").lower()
            port = _port(parts.scheme, parts.port)
        except ValueError:
            return "bad_url"
        if not any(host == d or host.endswith("." + d) for d in self.domains):
            return "offsite"
        if port is not None and (host, port) not in self.origins:
            return "other_port"  # another service on the same host
        if self.block_private and host not in self.named_hosts and is_private_address(host):
            return "private_address"
        return None


class SafeFetchMiddleware:
    """Downloader middleware: every request (redirects included, as the redirect middleware
    sends them through again) must pass the spider's FetchPolicy before it leaves."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SafeFetchMiddleware:
        middleware = cls(crawler)
        # Scrapy's offsite filter refuses a request (a redirect elsewhere) when it is scheduled,
        # before any downloader middleware sees it: the policy answers there too, and counts.
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        return middleware

    def request_scheduled(self, request: Any, spider: Any = None) -> None:
        self.process_request(request, spider)

    def process_request(self, request: Any, spider: Any = None) -> None:
        spider = spider or getattr(self.crawler, "spider", None)
        policy: FetchPolicy | None = getattr(spider, "fetch_policy", None)
        if policy is None:
            return
        reason = policy.refusal(request.url)
        if reason is None:
            return
        state = getattr(spider, "_state", None)
        if state is not None:
            state.counters.skip(f"refused_{reason}")
        logger.info("refused (%s): %s", reason, request.url)
        raise IgnoreRequest(f"{reason}: {request.url}")


class PublicOnlyResolver(CachingThreadedResolver):
    """DNS that refuses a name resolving to a private address, unless the profile names that
    host itself (TARIKH_BLOCK_PRIVATE, TARIKH_NAMED_HOSTS): a public site's subdomain or
    rebinding trick must not reach the operator's network."""

    block_private = False
    named_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.block_private = crawler.settings.getbool("TARIKH_BLOCK_PRIVATE")
        resolver.named_hosts = frozenset(h.lower() for h in crawler.settings.getlist("TARIKH_NAMED_HOSTS"))
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        d = super().getHostByName(name, timeout)
        if self.block_private and name.lower() not in self.named_hosts:
            d.addCallback(self._refuse_private, name)
        return d

    @staticmethod
    def _refuse_private(address: str, name: str) -> str:
        if is_private_address(address):
            raise DNSLookupError(f"{name} resolves to a private address ({address}): refused")
        return address


class CountingDupeFilter(RFPDupeFilter):
    """Scrapy drops a request for a URL the run already fetched without a word. When that
    request is a redirect (HTTP or `<meta refresh>`: a page redirecting to itself, a loop,
    two URLs of one page) the page it came from gave nothing, so the run log says why."""

    def log(self, request: Any, spider: Any) -> None:
        super().log(request, spider)
        state = getattr(spider, "_state", None)
        if request.meta.get("redirect_urls") and state is not None:
            logger.info("redirect to a URL this run already fetched: %s (from %s)",
                        request.url, request.meta["redirect_urls"][0])
            state.counters.skip("redirect_to_a_fetched_url")
