"""String → date: Gregorian (en/tr/ar/fa and other European languages), Umm al-Qura Hijri,
Solar Hijri, numeric and ISO forms.

The fast path is a handful of regexes compiled at import: they find the *shape* of a date
(day, month word, year; numeric day/month/year; ISO) and the month word is resolved by the
normalising recogniser in :mod:`pipelines.dates.calendars`. dateparser is only a lazy fallback for
single strings the fast path does not understand, with strict settings so it never guesses.
An impossible day gives None, never a nearby day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipelines.dates.calendars import (
    GREGORIAN,
    HIJRI,
    JALALI,
    gregorian_date,
    gregorian_to_hijri,
    hijri_to_gregorian,
    jalali_to_gregorian,
    month_of,
    normalise_digits,
)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """One date mention. ``iso`` is the Gregorian local time as printed."""

    iso: str
    calendar: str  # "gregorian" | "hijri" | "jalali" | "gregorian+hijri"
    raw: str
    start: int
    end: int
    hijri: tuple[int, int, int] | None = None
    conflict: str | None = None
    tz_offset: int | None = None  # minutes east of UTC when the string carried an offset/zone


# --- the shapes ---------------------------------------------------------------------------------
_L = r"[^\W\d_]"  # a letter in any script
_MARK = r"['’ʿʾ‘`´ʼ]"
_WORD = rf"(?:{_MARK}?{_L}(?:{_L}|[\u064b-\u065f\u0670]|{_MARK}(?={_L}))*{_MARK}?)"
_PHRASE = rf"(?P<m>{_WORD}(?:[ \t]*[-\u2010][ \t]*{_WORD}|[ \t]+{_WORD}){{0,3}})"
_ORD = r"(?:st|nd|rd|th|er|ère|e|º|ª|°|\.)?"
# Persian sites write the era in two letters: ه.ش / هـ.ش / ه ش (hijri shamsi, Solar Hijri)
# and ه.ق / هـ.ق (hijri qamari, lunar); those are tried before the lone ه / هـ (lunar Hijri).
_ERA = (
    r"(?:[ \t]*(?P<era>[هھ]ـ?[ \t]*\.?[ \t]*[شق](?![^\W\d_])|A\.?\s?H\.?|H\.|H(?![^\W\d_])"
    r"|هـ\.?|ه(?![^\W\d_])|ھ|ق(?![^\W\d_])|ش(?![^\W\d_])|S\.?H\.?(?![^\W\d_])"
    r"|AP(?![^\W\d_])|م(?![^\W\d_])|AD(?![^\W\d_])|CE(?![^\W\d_])|M(?![^\W\d_])))?"
)

_DMY_TEXT = re.compile(
    rf"(?<![\d.,:/])(?P<d>\d{{1,2}}){_ORD}(?:[ \t]+(?:of|de|del|ta|den)(?![^\W\d_]))?"
    rf"[ \t\-/.,]*{_PHRASE}\.?,?[ \t\-/.,]*(?:(?:de|del|of)[ \t]+)?(?P<y>\d{{4}})(?![\d])"
    + _ERA
)
_MDY_TEXT = re.compile(
    rf"{_PHRASE}\.?[ \t\-/]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:[ \t]*,[ \t]*|[ \t]+|\.[ \t]*)"
    rf"(?P<y>\d{{4}})(?![\d])" + _ERA
)
# "May 10, 2020" is found from its "10, 2020" and the words just before it: a phrase-first
# search would try every letter of a paragraph as the start of a month name (~0.5 ms a page).
_MDY_DAY_YEAR = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:[ \t]*,[ \t]*|[ \t]+|\.[ \t]*)"
    r"(?P<y>\d{4})(?![\d])" + _ERA
)
_MDY_PHRASE = re.compile(rf"{_PHRASE}\.?[ \t\-/]*\Z")
_MDY_REACH = 72  # a month phrase of up to four words fits in this many characters
_YMD_TEXT = re.compile(
    rf"(?<![\d.,:/])(?P<y>\d{{4}})\.?[ \t\-/]*{_PHRASE}\.?[ \t\-/]*(?P<d>\d{{1,2}})\.?(?![\d])"
)
_ISO = re.compile(
    r"(?<![\d.:/])(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:T|[ \t]+|[ \t]*,[ \t]*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{1,2})(?:[.,]\d+)?)?"
    r"(?:[ \t]*(?P<tz>Z|[+-]\d{2}:?\d{2}(?!\d)|[+-]\d{2}(?![\d:])))?)?(?![\d])"
)
_YMD_NUM = re.compile(
    r"(?<![\d.:/-])(?P<y>\d{4})(?P<sep>[/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d]|\.\d)"
    + _ERA
)
_DMY_NUM = re.compile(
    r"(?<![\d.:/-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<mo>\d{1,2})(?P=sep)[ \t]*(?P<y>\d{4})"
    r"(?![\d]|\.\d)" + _ERA
)
_DMY_NUM2 = re.compile(
    r"(?<![\d.:/-])(?P<d>\d{1,2})(?P<sep>[/.])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{2})(?![\d]|[.,/]\d)"
)
_CJK = re.compile(
    r"(?P<y>\d{4})[ \t]*(?:年|년)[ \t]*(?P<mo>\d{1,2})[ \t]*(?:月|월)[ \t]*(?P<d>\d{1,2})[ \t]*(?:日|일)?"
)
_TIME_AFTER = re.compile(
    r"[ \t,\-|@/(]*(?:(?:[^\W\d_]{1,12}|a\s+las|ساعت|الساعة|في)\.?[ \t,\-|@/]*)?"
    r"(?P<H>\d{1,2})[ \t]*(?:[:h]|ساعت)[ \t]*(?P<M>\d{2})(?![\d])(?::(?P<S>\d{2}))?"
    r"(?:[ \t]*(?P<ap>[aApP])\.?[ \t]?[mM]\.?(?![^\W\d_])|[ \t]*(?P<apar>ص|م|ق\.ظ|ب\.ظ)(?![^\W\d_]))?"
    r"(?:[ \t]*\(?(?P<tz>Z(?![^\W\d_])|(?:UTC|GMT)(?:[ \t]*[+-][ \t]*\d{1,2}(?::?\d{2})?)?"
    r"|[+-]\d{2}:?\d{2}(?!\d)))?"
)
_TIME_BEFORE = re.compile(
    r"(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::\d{2})?(?:[ \t]*(?P<ap>[aApP])\.?[ \t]?[mM]\.?)?"
    r"[ \t]*[,\-|/]?[ \t]*(?:on[ \t]+)?$"
)
_HAS_DIGIT = re.compile(r"\d")
_ERA_KEY = str.maketrans("ھ", "ه", " \t.ـ")  # "هـ.ش", "ه ش", "A.H." → "هش", "AH"
_HIJRI_ERA = frozenset({"AH", "H", "ه", "ق", "هق"})
_JALALI_ERA = frozenset({"ش", "هش", "SH", "AP"})
_PERSIAN_DIGIT = re.compile(r"[\u06f0-\u06f9]")
_ARABIC_DIGIT = re.compile(r"[\u0660-\u0669]")

GREG_YEARS = (1000, 2999)  # written-out month names: any real year
NUM_YEARS = (1900, 2199)  # bare numeric forms: a narrower window keeps codes/versions out
_PAIR_GAP = 40  # max characters between a Gregorian and a Hijri date printed as one pair


@dataclass(slots=True)
class _Hit:
    day: dt.date
    calendar: str
    start: int
    end: int
    hijri: tuple[int, int, int] | None = None
    time: tuple[int, int] | None = None
    tz: int | None = None


def _tz_minutes(tz: str | None) -> int | None:
    if not tz:
        return None
    tz = tz.replace(" ", "").replace("\t", "")
    if tz in ("Z", "UTC", "GMT"):
        return 0
    if tz.startswith(("UTC", "GMT")):
        tz = tz[3:]
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", tz)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if m.group(1) == "-" else 1
    return sign * (hours * 60 + minutes)


def _clock(h: str, m: str, ap: str | None, apar: str | None) -> tuple[int, int] | None:
    hour, minute = int(h), int(m)
    marker = (ap or "").lower() or {"ص": "a", "ق.ظ": "a", "م": "p", "ب.ظ": "p"}.get(apar or "", "")
    if marker:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _era_calendar(era: str | None) -> str | None:
    if not era:
        return None
    key = era.translate(_ERA_KEY).upper()
    if key in _HIJRI_ERA:
        return HIJRI
    if key in _JALALI_ERA:
        return JALALI
    return GREGORIAN


def _make_day(calendar: str, y: int, mo: int, d: int, hijri_offset: int) -> _Hit | None:
    if calendar == HIJRI:
        g = hijri_to_gregorian(y, mo, d)
        if g is None:
            return None
        if hijri_offset:
            g += dt.timedelta(days=hijri_offset)
        return _Hit(g, HIJRI, 0, 0, hijri=(y, mo, d))
    if calendar == JALALI:
        g = jalali_to_gregorian(y, mo, d)
        return None if g is None else _Hit(g, JALALI, 0, 0)
    if not GREG_YEARS[0] <= y <= GREG_YEARS[1]:
        return None
    g = gregorian_date(y, mo, d)
    return None if g is None else _Hit(g, GREGORIAN, 0, 0)


def _month_phrase(phrase: str, anchor_end: bool) -> tuple[str, int, int] | None:
    """Resolve a run of words to (calendar, month, offset of the month words within phrase).

    The whole phrase is tried first; then shorter runs anchored at the day's side — a weekday
    or a word like "on"/"of" before the month ("Sun May 10", "posted on May 10") is dropped.
    """
    hit = month_of(phrase)
    if hit is not None:
        return hit[0], hit[1], 0
    words = [(w.start(), w.group()) for w in re.finditer(r"\S+", phrase)]
    if len(words) < 2:
        return None
    if anchor_end:  # month day, year: the month is the last words before the day
        for i in range(1, len(words)):
            hit = month_of(phrase[words[i][0]:])
            if hit is not None:
                return hit[0], hit[1], words[i][0]
    else:  # day month year: drop a leading "of"/"de" or a trailing weekday
        for j in range(len(words) - 1, 0, -1):
            hit = month_of(phrase[: words[j][0]].rstrip(" -\t"))
            if hit is not None:
                return hit[0], hit[1], 0
        for i in range(1, len(words)):
            hit = month_of(phrase[words[i][0]:])
            if hit is not None:
                return hit[0], hit[1], words[i][0]
    return None


def _numeric_calendar(t: str, original: str, y: int, era: str | None) -> str | None:
    """Numeric dates name no month, so the calendar comes from the era marker or the year."""
    cal = _era_calendar(era)
    if cal is not None and cal != GREGORIAN:
        return cal
    if NUM_YEARS[0] <= y <= NUM_YEARS[1]:
        return GREGORIAN
    if 1300 <= y <= 1500 and cal is None:
        # no marker: Persian digits are an Iranian (Solar Hijri) site, Arabic-Indic digits
        # an Arab one (Hijri); plain digits stay ambiguous → no date.
        if _PERSIAN_DIGIT.search(original):
            return JALALI
        if _ARABIC_DIGIT.search(original):
            return HIJRI
    return None


_YEAR4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
_WINDOW_BEFORE = 80  # a day and a month phrase fit in this many characters before the year
_WINDOW_AFTER = 48


def _windows(t: str) -> list[tuple[int, int]]:
    """Every supported form holds a 4-digit year: only the text around years is searched, so
    a long paragraph costs little more than its dates."""
    if len(t) <= 2 * (_WINDOW_BEFORE + _WINDOW_AFTER):
        return [(0, len(t))] if _YEAR4.search(t) else []
    spans: list[tuple[int, int]] = []
    for m in _YEAR4.finditer(t):
        lo, hi = max(0, m.start() - _WINDOW_BEFORE), min(len(t), m.end() + _WINDOW_AFTER)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _short_year(yy: int) -> int:
    """"21.11.15": the century that puts the date in the past (a dateline is not future)."""
    year = 2000 + yy
    return year if year <= dt.date.today().year + 1 else 1900 + yy


def _scan(t: str, original: str, hijri_offset: int, short_years: bool = False) -> list[_Hit]:
    hits: list[_Hit] = []

    def add(hit: _Hit | None, start: int, end: int) -> None:
        if hit is not None:
            hit.start, hit.end = start, end
            hits.append(hit)

    for lo, hi in _windows(t):
        for m in _MDY_DAY_YEAR.finditer(t, lo, hi):
            base = max(lo, m.start() - _MDY_REACH)
            ph = _MDY_PHRASE.search(t[base:m.start()])
            if ph is None:
                continue
            resolved = _month_phrase(ph.group("m"), anchor_end=True)
            if resolved is not None:
                cal, month, offset = resolved
                add(_make_day(cal, int(m.group("y")), month, int(m.group("d")), hijri_offset),
                    base + ph.start("m") + offset, m.end())
        for rx in (_DMY_TEXT, _YMD_TEXT):
            pos = lo
            while (found := rx.search(t, pos, hi)) is not None:
                resolved = _month_phrase(found.group("m"), anchor_end=False)
                if resolved is None:
                    pos = found.start() + 1
                    continue
                cal, month, offset = resolved
                add(_make_day(cal, int(found.group("y")), month, int(found.group("d")), hijri_offset),
                    found.start(), found.end())
                pos = found.end()
        for rx in (_ISO, _YMD_NUM, _DMY_NUM, _CJK):
            for m in rx.finditer(t, lo, hi):
                y, mo, d = int(m.group("y")), int(m.group("mo")), int(m.group("d"))
                era = m.groupdict().get("era")
                numeric_cal = _numeric_calendar(t, original, y, era)
                if numeric_cal is None:
                    continue
                if rx is _DMY_NUM and numeric_cal == GREGORIAN and mo > 12 and d <= 12:
                    d, mo = mo, d  # "11/21/2015": only US order makes it a date
                hit = _make_day(numeric_cal, y, mo, d, hijri_offset)
                if hit is not None and rx is _ISO and m.group("H") is not None:
                    hit.time = _clock(m.group("H"), m.group("M"), None, None)
                    hit.tz = _tz_minutes(m.group("tz")) if hit.time else None
                add(hit, m.start(), m.end())
    if short_years and not hits:
        for m in _DMY_NUM2.finditer(t):
            y = _short_year(int(m.group("y")))
            if y < NUM_YEARS[0]:
                continue
            add(_make_day(GREGORIAN, y, int(m.group("mo")), int(m.group("d")), 0),
                m.start(), m.end())
    if len(hits) > 1:
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[_Hit] = []
        for h in hits:
            if kept and h.start < kept[-1].end:
                continue  # overlaps a longer/earlier reading of the same characters
            kept.append(h)
        hits = kept
    for h in hits:
        if h.time is None:
            _attach_time(t, h)
    return hits


def _attach_time(t: str, h: _Hit) -> None:
    m = _TIME_AFTER.match(t, h.end)
    if m is not None:
        clock = _clock(m.group("H"), m.group("M"), m.group("ap"), m.group("apar"))
        if clock is not None:
            h.time, h.end = clock, m.end()
            h.tz = _tz_minutes(m.group("tz"))
            return
    if h.start:
        m = _TIME_BEFORE.search(t, max(0, h.start - 24), h.start)
        if m is not None:
            clock = _clock(m.group("H"), m.group("M"), m.group("ap"), None)
            if clock is not None:
                h.time, h.start = clock, m.start()


def _to_parsed(t_orig: str, h: _Hit) -> ParsedDate:
    iso = h.day.isoformat()
    if h.time is not None:
        iso += f"T{h.time[0]:02d}:{h.time[1]:02d}"
    return ParsedDate(iso, h.calendar, t_orig[h.start:h.end], h.start, h.end, h.hijri, None, h.tz)


def _pair(text: str, g: _Hit, hj: _Hit) -> ParsedDate:
    """A Gregorian and a Hijri date printed together: keep the Gregorian, note disagreement."""
    first, last = (g, hj) if g.start <= hj.start else (hj, g)
    conflict = None
    if g.day != hj.day:
        conflict = f"gregorian {g.day.isoformat()} != hijri {hj.day.isoformat()}"
    iso = g.day.isoformat()
    time = g.time or hj.time
    if time is not None:
        iso += f"T{time[0]:02d}:{time[1]:02d}"
    return ParsedDate(
        iso, "gregorian+hijri", text[first.start:last.end], first.start, last.end,
        hj.hijri, conflict, g.tz if g.tz is not None else hj.tz,
    )


def _merge(text: str, hits: list[_Hit]) -> list[ParsedDate]:
    """Turn hits into mentions, pairing a Gregorian and a Hijri date printed side by side."""
    out: list[ParsedDate] = []
    i = 0
    while i < len(hits):
        h = hits[i]
        if i + 1 < len(hits):
            nxt = hits[i + 1]
            cals = {h.calendar, nxt.calendar}
            if cals == {GREGORIAN, HIJRI} and nxt.start - h.end <= _PAIR_GAP:
                g, hj = (h, nxt) if h.calendar == GREGORIAN else (nxt, h)
                out.append(_pair(text, g, hj))
                i += 2
                continue
        out.append(_to_parsed(text, h))
        i += 1
    return out


def find_dates(text: str, *, hijri_offset: int = 0, short_years: bool = False) -> list[ParsedDate]:
    """Every date mention in free text (a line, a paragraph), in order; fast path only.

    ``short_years`` also reads "21.11.15" (day.month.2-digit year) — only for strings known to
    be datelines, where a version number or a score is not expected.
    """
    if not text or not _HAS_DIGIT.search(text):
        return []
    t = normalise_digits(text)
    return _merge(text, _scan(t, text, hijri_offset, short_years))


def parse_date(text: str, *, hijri_offset: int = 0, fallback: bool = True) -> ParsedDate | None:
    """The date one string means (what `tarikh date TEXT` prints). None when no valid date.

    With several mentions the first is taken; a Gregorian date with its Hijri twin counts as
    one ("gregorian+hijri", with ``conflict`` set when they name different days).
    """
    if not text or not _HAS_DIGIT.search(text):
        return None
    t = normalise_digits(text)
    hits = _scan(t, text, hijri_offset)
    if hits:
        return _merge(text, hits)[0]
    if fallback:
        return _fallback(text)
    return None


# --- the slow path ------------------------------------------------------------------------------
_FALLBACK_MAX = 80
_dateparser_settings = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_TIME_AS_PERIOD": True,
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "DMY",
}


@lru_cache(maxsize=4096)
def _fallback(text: str) -> ParsedDate | None:
    """dateparser for forms the fast path does not know; never for strings that cannot hold a
    full date (no 4-digit year), so it cannot turn "(16)" or "1439" into today's month."""
    stripped = text.strip()
    if len(stripped) > _FALLBACK_MAX or not re.search(r"(?<!\d)\d{4}(?!\d)", normalise_digits(text)):
        return None
    parsed = _dateparser_parse(stripped)
    if parsed is None:
        return None
    value, has_time = parsed
    if not NUM_YEARS[0] <= value.year <= NUM_YEARS[1]:
        return None
    iso = value.strftime("%Y-%m-%dT%H:%M") if has_time else value.date().isoformat()
    start = text.find(stripped)
    tz = None
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is not None:
        tz = int(offset.total_seconds() // 60)
    return ParsedDate(iso, GREGORIAN, stripped, start, start + len(stripped), None, None, tz)


@lru_cache(maxsize=1)
def _date_data_parser() -> Any:
    """Imported and built on first use only: its import and language data cost 0.1–1 s."""
    from dateparser.date import DateDataParser

    return DateDataParser(settings=_dateparser_settings)


def _dateparser_parse(text: str) -> tuple[dt.datetime, bool] | None:
    try:
        data = _date_data_parser().get_date_data(text)
    except (ValueError, TypeError, OverflowError, KeyError, AttributeError, re.error):
        return None  # dateparser raises assorted errors on odd input
    if data is None or data.date_obj is None:
        return None
    return data.date_obj, data.period == "time"


def to_hijri(iso: str) -> tuple[int, int, int] | None:
    """Umm al-Qura Hijri (y, m, d) of a Gregorian ISO date; None out of range or malformed."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except (ValueError, TypeError):
        return None
    return gregorian_to_hijri(day)


__all__ = ["ParsedDate", "find_dates", "parse_date", "to_hijri"]


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """A machine timestamp (sitemap `lastmod`, a stored `fetched_at`): ISO 8601 with or without
    a zone or a time; naive means UTC. None when it is not one."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
