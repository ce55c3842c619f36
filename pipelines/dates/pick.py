"""Choose a page's publication date among its candidates.

The pick is the best-supported day; None when only weak evidence remains, because a missing
date is better than a wrong one. Time zones: a stamp is read on the day the site shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.dates.candidates import EARLIEST, SHOWN, parse_candidate, utc_edge
from pipelines.dates.parse import ParsedDate, to_hijri
from pipelines.dates.signals import (
    MIN_SCORE,
    W_CREATED,
    W_MODIFIED,
    W_PUBLISHED,
    W_SOFT,
    DateCandidate,
    PickedDate,
)

# --- the pick ----------------------------------------------------------------------------------
# JSON-LD and meta tags are usually one CMS field printed twice: one voice, not two
_FAMILY = {"jsonld": "structured", "meta": "structured", "script": "structured"}
# The Unix epoch (1 January 1970, 00:00 UTC, in any zone) is a CMS's empty timestamp, never
# a publication: structured dates start the day after.
_EARLIEST_STRUCTURED = dt.date(1970, 1, 2)


def _utc(parsed: ParsedDate, tz: str | None) -> str | None:
    if len(parsed.iso) <= 10:
        return None
    local = dt.datetime.fromisoformat(parsed.iso)
    if parsed.tz_offset is not None:
        aware = local.replace(tzinfo=dt.timezone(dt.timedelta(minutes=parsed.tz_offset)))
    elif tz:
        try:
            aware = local.replace(tzinfo=ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError):
            return None
    else:
        return None
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _in_site_zone(
    parsed: list[tuple[DateCandidate, ParsedDate]], tz: str,
) -> list[tuple[DateCandidate, ParsedDate]]:
    """With the site's time zone known (its profile), a UTC stamp is read as the site's local
    time: the day the site dated the article, which for an evening article in UTC-3 or a
    night one in UTC+3 is not the UTC day."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return parsed
    out = []
    for c, p in parsed:
        if p.tz_offset == 0 and len(p.iso) > 10:
            local = dt.datetime.fromisoformat(p.iso).replace(tzinfo=dt.UTC).astimezone(zone)
            offset = local.utcoffset()
            minutes = int(offset.total_seconds() // 60) if offset is not None else 0
            p = dataclasses.replace(p, iso=local.replace(tzinfo=None).isoformat(timespec="minutes"),
                                    tz_offset=minutes)
        out.append((c, p))
    return out


def _instant(p: ParsedDate) -> dt.datetime | None:
    if len(p.iso) <= 10:
        return None
    return dt.datetime.fromisoformat(p.iso)


def _local_days(
    parsed: list[tuple[DateCandidate, ParsedDate]],
) -> list[tuple[DateCandidate, ParsedDate]]:
    """A UTC timestamp that is the same instant as a local one on the page (another field with
    a non-zero offset, or a structured field without one, same minute) is read on the local
    day: the day the site printed, which a late-evening article's UTC stamp puts a day later."""
    instants = [(i, _instant(p)) for i, (c, p) in enumerate(parsed) if p.tz_offset == 0]
    utc = [(i, t) for i, t in instants if t is not None]
    if not utc:
        return parsed
    local: list[tuple[dt.datetime, int | None]] = []
    for c, p in parsed:
        t = _instant(p)
        if t is None or p.tz_offset == 0:
            continue
        if p.tz_offset is None and c.source not in ("jsonld", "meta", "script"):
            continue
        local.append((t, p.tz_offset))
    if not local:
        return parsed
    out = list(parsed)
    for i, t in utc:
        for lt, offset in local:
            if lt.date() == t.date():
                continue
            shift = lt - t
            if offset is not None:
                same = shift == dt.timedelta(minutes=offset)
            else:  # no offset printed: a whole quarter-hour shift within the world's zones
                same = abs(shift) <= dt.timedelta(hours=14) and shift.seconds % 900 == 0
            if same:
                c, p = out[i]
                out[i] = (c, dataclasses.replace(p, iso=lt.isoformat(timespec="minutes"),
                                                 tz_offset=offset))
                break
    return out


def _shown_days(parsed: list[tuple[DateCandidate, ParsedDate]]) -> set[str]:
    return {p.iso[:10] for c, p in parsed if c.source in SHOWN and c.weight > 0}


def _utc_on_shown_day(
    parsed: list[tuple[DateCandidate, ParsedDate]], shown: set[str],
) -> list[tuple[DateCandidate, ParsedDate]]:
    """A structured UTC stamp in the last hours of its day (from 20:00), whose day the page
    never shows while it shows the next one, is read on that next day: a site in UTC+1 to +4
    (Europe, Turkey, the Arab world, Iran) prints its local day, its feed the UTC one."""
    out = parsed
    for i, (c, p) in enumerate(parsed):
        edge = utc_edge(p)
        if not edge or c.source not in ("jsonld", "meta", "script"):
            continue
        t = dt.datetime.fromisoformat(p.iso)
        day = (t.date() + dt.timedelta(days=edge)).isoformat()
        if t.date().isoformat() in shown or day not in shown:
            continue
        if out is parsed:
            out = list(parsed)
        out[i] = (c, dataclasses.replace(p, iso=day, tz_offset=None))
    return out


def _shown_modified(
    parsed: list[tuple[DateCandidate, ParsedDate]], shown: set[str],
) -> list[tuple[DateCandidate, ParsedDate]]:
    """A page that shows readers its structured "modified" day and never its "published" one
    presents itself as of the modified day (a reworked article republished under its old
    record): the two structured stamps swap roles."""
    published = next((p.iso[:10] for c, p in parsed
                      if c.source in ("jsonld", "meta") and c.weight >= W_CREATED), None)
    if published is None or published in shown:
        return parsed
    modified = next((p.iso[:10] for c, p in parsed
                     if c.source in ("jsonld", "meta") and c.weight == W_MODIFIED
                     and p.iso[:10] != published and p.iso[:10] in shown), None)
    if modified is None:
        return parsed
    out = []
    for c, p in parsed:
        if c.source in ("jsonld", "meta", "script"):
            day = p.iso[:10]
            if day == modified and c.weight == W_MODIFIED:
                c = dataclasses.replace(c, weight=W_PUBLISHED)
            elif day == published and c.weight > W_MODIFIED:
                c = dataclasses.replace(c, weight=W_MODIFIED)
        out.append((c, p))
    return out


def _last_resort(
    parsed: list[tuple[DateCandidate, ParsedDate]], url_month: str | None,
) -> tuple[DateCandidate, ParsedDate] | None:
    """No candidate has positive support: the best date from plain text or from the page's
    furniture (sidebars, widgets, menus — not comments, related lists or the header's today),
    the first one when several are equal, and never one the URL's month contradicts."""
    best: tuple[float, int] | None = None
    winner = None
    for idx, (c, p) in enumerate(parsed):
        if c.weight < W_SOFT or (url_month is not None and not p.iso.startswith(url_month)):
            continue
        key = (c.weight, -idx)
        if best is None or key > best:
            best, winner = key, (c, p)
    return winner


def pick_date(
    candidates: list[DateCandidate], *, hijri_offset: int = 0, tz: str | None = None,
    today: dt.date | None = None,
) -> PickedDate | None:
    """Rank candidates; return None rather than a wrong date.

    Score = prior weight + support from *other* sources naming the same day (+ a URL month
    that agrees). Dates after ``today`` (+1 day for time zones) or before 1995 in free text
    cannot be a page's publication date.
    """
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    url_month: str | None = None
    parsed: list[tuple[DateCandidate, ParsedDate]] = []
    for c in candidates:
        if c.source == "url" and len(c.raw) == 7:
            url_month = c.raw
            continue
        p = parse_candidate(c, hijri_offset)
        if p is None:
            continue
        first_day = dt.date.fromisoformat(p.iso[:10])
        earliest = _EARLIEST_STRUCTURED if c.source in ("jsonld", "meta") else EARLIEST
        if not earliest <= first_day <= latest:
            continue
        parsed.append((c, p))
    if not parsed:
        return None
    parsed = _local_days(parsed)
    if tz:
        parsed = _in_site_zone(parsed, tz)
    shown = _shown_days(parsed)
    if shown:
        parsed = _shown_modified(_utc_on_shown_day(parsed, shown), shown)
    sources_by_day: dict[str, set[str]] = {}
    url_day: str | None = None
    for c, p in parsed:
        if c.weight > 0 and c.source != "image":  # an image path only speaks when alone
            sources_by_day.setdefault(p.iso[:10], set()).add(_FAMILY.get(c.source, c.source))
        if c.source == "url":
            url_day = p.iso[:10]
    best: tuple[float, int, int] | None = None
    winner: tuple[DateCandidate, ParsedDate] | None = None
    for idx, (c, p) in enumerate(parsed):
        day = p.iso[:10]
        support = len(sources_by_day.get(day, set()) - {_FAMILY.get(c.source, c.source)})
        score = c.weight + 1.5 * support if c.weight > 0 else c.weight
        if url_month is not None and c.weight > 0:
            score += 1.5 if day.startswith(url_month) else -1.5
        if url_day is not None and c.weight > 0 and c.source != "url" and day != url_day:
            score -= 1.5  # a dated URL is fixed when the article is published
        key = (score, -c.position, -idx)
        if best is None or key > best:
            best, winner = key, (c, p)
    if winner is None or best is None:
        return None
    if best[0] < MIN_SCORE:
        winner = _last_resort(parsed, url_month)
        if winner is None:
            return None
    c, p = winner
    if len(p.iso) == 10:  # the same day with a clock time elsewhere: keep the time
        for c2, p2 in parsed:
            if p2.iso[:10] == p.iso[:10] and len(p2.iso) > 10 and c2.weight > 0:
                c, p = c2, p2
                break
    return PickedDate(
        iso=p.iso, raw=c.raw, source=c.source, calendar=p.calendar, utc=_utc(p, tz),
        hijri=p.hijri if p.hijri is not None else to_hijri(p.iso), conflict=p.conflict,
    )

