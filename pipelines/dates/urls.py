"""Dates in URLs (/2015/11/21/, 2015-11-21, /20151121/, a slug's 29-10-2021, /2015/11/).

One reading serves both the spider (a backfill skips a URL whose date is out of range
before fetching it) and the date picker (the URL is a candidate), so the two never disagree.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_URL_FULL = re.compile(
    r"(?<!\d)((?:19|20)\d{2})[/_\-.]([01]?\d)[/_\-.]([0-3]?\d)(?!\d)"
    r"|(?<![\d])((?:19|20)\d{2})([01]\d)([0-3]\d)(?!\d)"
)
_URL_DMY = re.compile(r"(?<!\d)([0-3]?\d)[_\-.]([01]?\d)[_\-.]((?:19|20)\d{2})(?!\d)")
_URL_PARTIAL = re.compile(r"/((?:19|20)\d{2})/([01]?\d)(?:/|$)")


def _path(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest[rest.find("/"):] if "/" in rest else ""


def day_in(text: str) -> str | None:
    """A YYYY-MM-DD day written as year-month-day in a URL or path, or None."""
    m = _URL_FULL.search(text)
    if m is None:
        return None
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else m.group(4, 5, 6)
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def url_date(url: str | None) -> tuple[str, bool] | None:
    """(YYYY-MM-DD, True) for a URL that names its day, (YYYY-MM, False) for one that names
    only its month, None otherwise. Day-first slugs count only when the order is unambiguous."""
    if not url:
        return None
    path = _path(url)
    day = day_in(path)
    if day is not None:
        return day, True
    m = _URL_DMY.search(path)
    if m is not None:
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if mo > 12 >= d:
            d, mo = mo, d
        if d > 12 >= mo >= 1 or d == mo:
            return f"{y}-{mo:02d}-{d:02d}", True
    m = _URL_PARTIAL.search(path)
    if m is not None:
        return f"{m.group(1)}-{int(m.group(2)):02d}", False
    return None


def url_date_span(url: str) -> tuple[date, date] | None:
    """The span of days a dated URL can fall in (one day, or a month); None if undated or
    the date is impossible."""
    found = url_date(url)
    if found is None:
        return None
    text, is_day = found
    try:
        if is_day:
            day = date.fromisoformat(text)
            return day, day
        first = date.fromisoformat(text + "-01")
    except ValueError:
        return None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last
