"""Scrapy's meta-refresh redirects, without decoding every page in the crawl process.

Scrapy's `MetaRefreshMiddleware` reads `response.text[:4096]`, and `response.text` decodes the
whole body (167 KB on an average real page: ~0.3 ms of the crawl process, which tarikh's
workers then decode again their own way). The tag it looks for is ASCII in every
ASCII-compatible encoding, and 4,096 characters are at most 16 KB in any of them, so a body
whose first 16 KB hold no "refresh" in any case (and no NUL byte: UTF-16 and UTF-32 write
ASCII letters apart) cannot hold one where Scrapy looks; only the others go through Scrapy's
own check, unchanged.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.http import HtmlResponse

#: Scrapy looks at the first 4,096 characters; no ASCII-compatible encoding spends more than
#: 4 bytes on a character.
HEAD_BYTES = 4 * 4096


def may_refresh(body: bytes) -> bool:
    """False only when the first 4,096 characters of `body` cannot hold a meta refresh."""
    head = body[:HEAD_BYTES]
    return b"\x00" in head or b"refresh" in head.lower()


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """Scrapy's middleware (same settings, same redirects), asked only about pages that may
    hold the tag."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if isinstance(response, HtmlResponse) and not may_refresh(response.body):
            return response
        if spider is None:
            return super().process_response(request, response)
        return super().process_response(request, response, spider)
