"""The shared page → record path: binary detection, canonical keys, layout-aware dates."""

from __future__ import annotations

import pytest

from pipelines.article.process import (
    SiteContext,
    analyse_html,
    analyse_text,
    canonical_url,
    date_of,
    looks_binary,
)
from tests.helpers import TEST_DATA

PAGE = ("<html><head><title>Köprü açıldı | Haber</title></head><body><h1>Köprü açıldı</h1>"
        "<p>" + "Yeni köprü bugün törenle açıldı ve trafiğe verildi. " * 8 + "</p></body></html>")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_in_any_unicode_encoding_is_not_binary_and_extracts_the_same(encoding: str) -> None:
    data = PAGE.encode(encoding)
    assert not looks_binary(data)
    page = analyse_html(data, "http://e.com/a").page
    assert page.title == "Köprü açıldı"
    assert page.blocks and page.blocks[0].startswith("Yeni köprü bugün")


def test_binary_content_is_refused_with_a_clear_error() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    assert looks_binary(png)
    with pytest.raises(ValueError, match="binary content"):
        analyse_html(png, "http://e.com/a.html")
    assert not looks_binary(b"") and not looks_binary(PAGE)


def test_canonical_url_uses_a_declared_canonical_on_the_same_host_only() -> None:
    url = "http://e.com/news/1.html?utm_source=x&id=3#top"
    assert canonical_url(url) == "http://e.com/news/1.html?id=3"
    assert canonical_url(url, "/news/one.html") == "http://e.com/news/one.html"
    assert canonical_url(url, "http://other.com/x") == "http://e.com/news/1.html?id=3"
    assert canonical_url(url, "http://e.com/") == "http://e.com/news/1.html?id=3"  # not the home page


def test_a_furniture_date_above_the_headline_is_not_the_articles_date() -> None:
    """No markup hints at all: the header's 'today' line sits above the headline, the
    dateline just under it."""
    html = ("<html><head><title>A headline of a story | Daily Courier</title></head>"
            "<body><div>Daily Courier</div><div>8 January 2024 - Monday</div>"
            "<div><b>A headline of a story</b></div><div>9 September 2023 15:09</div>"
            "<div>" + "A paragraph of the article body with enough words to be prose. " * 8
            + "</div></body></html>").encode()
    analysis = analyse_html(html, "http://e.com/story")
    picked = date_of(analysis, SiteContext(site="e"))
    assert picked is not None and picked.iso == "2023-09-09T15:09"


def test_a_huge_title_is_bounded() -> None:
    from pipelines.article.process import MAX_TITLE, SiteContext, analyse_html, process_analysis

    page = ("<html><head><title>" + "Breaking " * 250_000 + "</title></head><body><article><h1>x</h1>"
            + "<p>The council met on Monday and agreed the new budget after a long debate.</p>" * 5
            + "</article></body></html>")
    record = process_analysis("https://e.example/a", analyse_html(page.encode(), "https://e.example/a"),
                              SiteContext(site="e"))
    assert record["title"] is not None and len(record["title"]) <= MAX_TITLE


NAV = "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in ("News", "Politics", "Business", "Sport", "Culture"))
BODY = "<p>" + "A paragraph of the article body with enough words to be prose. " * 8 + "</p>"


def _dateline_above_page(dateline: str) -> bytes:
    return ("<html><head><title>Council approves the new budget | Daily Courier</title></head><body>"
            "<div>Monday 10 June 2019</div><div>Daily Courier</div><ul>" + NAV + "</ul>"
            f"<div>{dateline}</div><h1>Council approves the new budget</h1>" + BODY
            + "</body></html>").encode()


@pytest.mark.parametrize("dateline, iso", [
    ("19.11.2018", "2018-11-19"),
    ("Wednesday 8 May 2019 - 11:45 ۱۸ اردیبهشت ۱۳۹۸", "2019-05-08T11:45"),
])
def test_a_dateline_directly_above_the_headline_is_the_articles_date(dateline: str, iso: str) -> None:
    """The date over the title is the dateline; the header's today, above the site name and
    the menu, is still not the date."""
    analysis = analyse_html(_dateline_above_page(dateline), "http://e.com/story")
    picked = date_of(analysis, SiteContext(site="e"))
    assert picked is not None and picked.iso == iso


@pytest.mark.parametrize("today, dateline, iso", [
    ("2 January 2024 - Tuesday - 20 Jumada al-Akhirah 1445", "16 March 2023 18:21",
     "2023-03-16T18:21"),
    ("امروز: دوشنبه ۱۱ دی ۱۴۰۲ - ۱۹ جمادی‌الثانی ۱۴۴۵ - ۱ ژانویه ۲۰۲۴", "۱۳۹۸/۰۲/۱۸ - ۱۱:۴۵",
     "2019-05-08T11:45"),
])
def test_only_the_nearest_date_line_above_the_headline_is_its_dateline(
        today: str, dateline: str, iso: str) -> None:
    """An old portal's table: the header's today (a new day on every page, so no template
    learns its text), a counter, the menu and a breadcrumb, then the dateline right over the
    headline. Two date lines within reach above it: the nearer is the article's."""
    page = ("<html><head><title>Council approves the new budget | Northern Dispatch</title>"
            f"</head><body><table><tr><td>Northern Dispatch<br>{today}<br>02/01/2024 (24) 01/01/2024 (23) Total: 5 content"
            "</td></tr><tr><td>Home | News | Sports</td></tr><tr><td>Home » News » Economy<br>"
            f"<i>{dateline}</i><br><font size='4'><b>Council approves the new budget</b></font>"
            "<br><br>" + "A paragraph of the article body with enough words to be prose. " * 8
            + "</td></tr></table></body></html>").encode()
    picked = date_of(analyse_html(page, "http://e.com/story"), SiteContext(site="e"))
    assert picked is not None and picked.iso == iso


def _portal_head(between: str) -> bytes:
    return ("<html><head><title>Court lets the trial go on | Portal</title></head><body>"
            "<div>Donnerstag, 16. Februar 2012</div><ul>" + NAV + "</ul>"
            f"<div>Home ›› Politik ›› Politik</div><div>14. Februar 2012</div>{between}"
            "<div>Politik</div><h1>Court lets the trial go on</h1>" + BODY + "</body></html>").encode()


def test_print_links_and_photo_credits_do_not_part_a_dateline_from_its_headline() -> None:
    """A news portal's article head: breadcrumb, date, "Drucken" (print), a photo credit and
    the kicker, then the headline. The date is still the article's dateline; two lines of
    text between them would part it."""
    picked = date_of(analyse_html(_portal_head("<div>Drucken</div><div>© 2012 APA/AP</div>"),
                                  "http://e.com/story"), SiteContext(site="e"))
    assert picked is not None and picked.iso == "2012-02-14"
    picked = date_of(analyse_html(_portal_head("<div>Ausland</div><div>Italien</div>"),
                                  "http://e.com/story"), SiteContext(site="e"))
    assert picked is None or picked.iso != "2012-02-14"


def test_a_dateline_above_the_headline_that_the_template_repeats_is_furniture() -> None:
    """A line the site prints above the headline of many pages is its header's "today"."""
    ctx = SiteContext(site="e")
    for n in range(4):  # the same line over each page's headline (block 1)
        ctx.template.observe(f"http://e.com/{n}", ["19.11.2018", f"Headline number {n}"], header_end=1)
    analysis = analyse_html(_dateline_above_page("19.11.2018"), "http://e.com/story")
    assert date_of(analysis, ctx) is None


def test_the_seed_page_keeps_its_dateline_and_not_the_headers_today() -> None:
    seed = (TEST_DATA / "seed_page.txt").read_text("utf-8")
    picked = date_of(analyse_text(seed), SiteContext(site="islamicinvitationturkey.com"))
    assert picked is not None and picked.iso == "2015-11-21T10:37"


def test_each_articles_own_dateline_above_its_headline_is_its_date() -> None:
    """Many pages print *a* date above the headline (the template learns its shape), each its
    own day, which may recur below other articles in related lists: still the dateline."""
    ctx = SiteContext(site="e")
    for n in range(6):
        day = f"{n + 10}.11.2018"
        ctx.template.observe(f"http://e.com/{n}", [day, f"Headline number {n}", "19.11.2018"],
                             header_end=1)  # below: a related story's date on every page
    analysis = analyse_html(_dateline_above_page("19.11.2018"), "http://e.com/story")
    picked = date_of(analysis, ctx)
    assert picked is not None and picked.iso == "2018-11-19"
