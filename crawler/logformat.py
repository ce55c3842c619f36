"""Scrapy log lines for tarikh: a dropped page is one short line, not the page's bytes."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class TarikhLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any = None) -> LogFormatterResult:
        # Drops are expected (listing pages in zero-config mode, out-of-range backfill pages)
        # and counted in the run log; the default logs the whole item at WARNING.
        return {"level": logging.INFO, "msg": "dropped: %(reason)s", "args": {"reason": str(exception)}}
