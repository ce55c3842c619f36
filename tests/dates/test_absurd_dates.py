"""Absurd dates give no date, never a wrong one and never an error (issue 15; tests/hostile_cases.md
numbers them). Each page goes the stored record's way (analyse_html, then process_analysis
with the site's zone), so `published` is what the user would find in the database; the
crawl catalogue (tests/e2e/test_hostile_catalogue.py) serves more of them over HTTP."""

from __future__ import annotations

import pytest

from pipelines.article.process import SiteContext, analyse_html, process_analysis

PROSE = "".join(f"<p>The council approved the {w} budget for the new library after a long debate.</p>"
                for w in ("first", "second", "third", "fourth", "fifth", "sixth"))


def _page(head: str = "", byline: str = "") -> bytes:
    return (f"<html><head><title>A story</title>{head}</head><body><article><h1>A story</h1>"
            f"{byline}{PROSE}</article></body></html>").encode()


def _meta(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


def _line(text: str) -> str:
    return f'<div class="date">{text}</div>'


ABSURD = {
    "year-1-east-of-utc": _page(_meta("0001-01-01T00:00:00+05:00")),  # UTC would be year 0
    "year-9999-west-of-utc": _page(_meta("9999-12-31T23:59:59-05:00")),  # UTC would be year 10000
    "year-9999-byline": _page(byline=_line("31 December 9999 23:59")),
    "year-1-byline": _page(byline=_line("1 January 0001 00:30")),
    "jsonld-year-1": _page('<script type="application/ld+json">{"@type": "NewsArticle", '
                           '"datePublished": "0001-01-01T00:00:00-12:00"}</script>'),
    "time-9999-14h-west": _page(byline='<time datetime="9999-12-31T23:59:59-14:00">later</time>'),
    "epoch-in-new-york": _page(_meta("1969-12-31T19:00:00-05:00")),  # the epoch, in local time
    "epoch-as-zero": _page(_meta("0")),
    "hijri-year-1": _page(byline=_line("1 محرم 1 هـ")),
    "jalali-month-13": _page(byline=_line("1399/13/45 ه.ش")),
    "negative-year": _page(_meta("-0044-03-15")),
    "time-element-99": _page(byline='<time datetime="9999-99-99T99:99">yesterday</time>'),
    "twenty-digit-number": _page('<meta name="date" content="99999999999999999999">'),
}


@pytest.mark.parametrize("name", list(ABSURD))
def test_an_absurd_date_is_no_date(name: str) -> None:
    """At the edges of the calendar, in no zone and in the zones furthest east and west (a UTC
    conversion of year 1 or 9999 overflows Python's datetime)."""
    url = "https://news.example/h/story.html"
    for tz in (None, "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        record = process_analysis(url, analyse_html(ABSURD[name], url),
                                  SiteContext(site="news.example", timezone=tz))
        assert record["published"] is None and record.get("published_utc") is None, (name, tz)
        assert "council approved" in record["text"]


def test_an_impossible_time_keeps_the_day_without_a_time() -> None:
    url = "https://news.example/h/story.html"
    record = process_analysis(url, analyse_html(_page(byline=_line("3 March 2020 25:61")), url),
                              SiteContext(site="news.example", timezone="Europe/Istanbul"))
    assert record["published"] == "2020-03-03" and record.get("published_utc") is None
