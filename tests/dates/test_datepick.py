"""Picking a page's publication date among the dates it shows."""

from __future__ import annotations

import pickle

import lxml.html

from pipelines.dates.candidates import candidates_from_lines, collect_candidates
from pipelines.dates.pick import pick_date
from pipelines.dates.signals import DateCandidate
from tests.helpers import TEST_DATA

HEADER = """
<header class="site-header"><div class="top-bar">
  18 June 2018 - Monday - 4 Shawwal 1439 | 18/06/2018 (16) 17/06/2018 (22) Total: 138,993 content
</div><nav><a href="/">Home</a></nav></header>
"""


def _pick(html: str, url: str = "https://example.org/news/isil-bases", **kw):
    tree = lxml.html.fromstring(html)
    return pick_date(collect_candidates(tree, url), **kw)


def test_jsonld_wins_over_header_today_date() -> None:
    html = f"""<html><head><title>ISIL Left with Only 34 Bases</title>
    <script type="application/ld+json">
    {{"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "ISIL Left with Only 34 Bases",
      "datePublished": "2015-11-21T10:37:00+03:00", "dateModified": "2018-06-18T09:00:00+03:00"}}
    </script></head><body>{HEADER}
    <article><h1>ISIL Left with Only 34 Bases</h1><p>Text of the article.</p></article>
    </body></html>"""
    picked = _pick(html)
    assert picked is not None
    assert (picked.iso, picked.source) == ("2015-11-21T10:37", "jsonld")
    assert picked.utc == "2015-11-21T07:37:00Z"  # the source carried an offset


def test_header_gregorian_hijri_line_loses_to_byline() -> None:
    html = f"""<html><head><title>ISIL Left with Only 34 Bases in Iraq, Syria</title></head>
    <body>{HEADER}
    <div id="content"><h1>ISIL Left with Only 34 Bases in Iraq, Syria</h1>
    <div class="post-date">21 November 2015 10:37</div>
    <p>The Syrian and Iraqi forces' advances have left just 34 bases for the ISIL.</p></div>
    </body></html>"""
    picked = _pick(html)
    assert picked is not None
    assert picked.iso == "2015-11-21T10:37"
    assert picked.calendar == "gregorian"
    assert picked.hijri == (1437, 2, 9)


def test_related_and_comment_dates_are_ignored() -> None:
    html = """<html><head><title>Budget vote passes</title></head><body>
    <article><h1>Budget vote passes</h1>
      <p class="byline">By A. Writer, 3 March 2020</p>
      <p>The vote passed on Tuesday.</p>
    </article>
    <aside class="related-articles"><ul>
      <li><a href="/a">Older story</a> <span class="date">9 April 2021</span></li>
      <li><a href="/b">Another story</a> <span class="date">10 April 2021</span></li>
    </ul></aside>
    <section id="comments"><div class="comment">
      <span class="comment-date">11 April 2021 at 10:00</span> Great article!</div>
      <div class="comment"><span class="comment-date">12 April 2021</span> Agreed.</div>
    </section></body></html>"""
    picked = _pick(html)
    assert picked is not None
    assert picked.iso == "2020-03-03"
    assert picked.source == "byline"


def test_only_related_dates_gives_no_date() -> None:
    html = """<html><head><title>About us</title></head><body><h1>About us</h1>
    <p>We are a small team.</p>
    <div class="related-posts"><span>9 April 2021</span></div></body></html>"""
    assert _pick(html) is None


def test_sidebar_date_is_a_last_resort_but_comment_dates_never() -> None:
    # a blog engine wraps the article's own date in a "widget": used when nothing else speaks
    html = """<html><head><title>Haltet die Seen sauber</title></head><body>
    <div class="widget blog"><h1>Haltet die Seen sauber</h1>
      <h2 class="date-header">Samstag, 23. Februar 2020</h2><p>Text.</p></div>
    <section class="comments"><span>24. Februar 2020</span></section></body></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso == "2020-02-23"
    only_comments = """<html><head><title>Haltet die Seen sauber</title></head><body>
    <h1>Haltet die Seen sauber</h1><p>Text.</p>
    <section class="comments"><span>24. Februar 2020</span></section></body></html>"""
    assert _pick(only_comments) is None


def test_utc_stamp_is_read_on_the_local_day() -> None:
    # the same instant as UTC (next day) and with the site's offset: the printed day wins
    html = """<html><head><title>Arrest made</title>
    <meta property="article:published_time" content="2023-11-09T06:35:29+00:00">
    <script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2023-11-08T22:35:29-08:00"}</script></head>
    <body><h1>Arrest made</h1></body></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso.startswith("2023-11-08")


def test_byline_beats_generic_meta_date() -> None:
    html = """<html><head><title>Faire Lieferketten</title>
    <meta name="date" content="2020-02-12"></head><body><article>
    <h1>Faire Lieferketten</h1><p class="news-date">05.02.2020</p><p>Text.</p>
    </article></body></html>"""
    picked = _pick(html)
    assert picked is not None and (picked.iso, picked.source) == ("2020-02-05", "byline")


def test_two_digit_year_byline_with_clock_time() -> None:
    html = """<html><head><title>Kein App Store</title></head><body><h1>Kein App Store</h1>
    <div class="postinfo"><span class="date">28.09.19 12:44</span></div><p>Text.</p>
    </body></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso == "2019-09-28T12:44"


def test_timestamp_outranks_a_date_in_prose() -> None:
    html = """<html><head><title>GNU General Public License</title></head><body>
    <h1>GNU General Public License</h1><p>Version 3, 29 June 2007</p>
    <p>Long text of the licence.</p><p>Updated by the webmasters. 2016/11/18 06:31:41</p>
    </body></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso == "2016-11-18T06:31"


def test_content_after_body_is_read() -> None:
    html = """<html><head><title>Kein Cyberterrorismus</title></head><body>
    <h1>Kein Cyberterrorismus</h1></body><div><p class="postmetadata">Dieser Beitrag wurde
    am Samstag, 3. Dezember 2011 veröffentlicht.</p></div></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso == "2011-12-03"


def test_dmy_slug_and_share_image_paths() -> None:
    page = "<html><head><title>Meldung</title>{}</head><body><h1>Meldung</h1></body></html>"
    picked = _pick(page.format(""), url="https://example.de/meldungen/29-10-2021")
    assert picked is not None and (picked.iso, picked.source) == ("2021-10-29", "url")
    assert _pick(page.format(""), url="https://example.de/meldungen/03-04-2021") is None
    image = '<meta property="og:image" content="https://example.org/files/2016/05/04/a.png">'
    picked = _pick(page.format(image))
    assert picked is not None and (picked.iso, picked.source) == ("2016-05-04", "image")


def test_url_date_used_when_nothing_else() -> None:
    html = "<html><body><h1>Parken in Paris</h1><p>Ein Text ohne Datum.</p></body></html>"
    picked = _pick(html, url="http://www.example.de/2012/05/11/parken-in-paris/")
    assert picked is not None
    assert (picked.iso, picked.source) == ("2012-05-11", "url")


def test_published_meta_beats_modified_meta() -> None:
    html = """<html><head>
    <meta property="article:modified_time" content="2019-01-02T08:00:00Z">
    <meta property="article:published_time" content="2018-12-30T08:00:00Z">
    </head><body><h1>Title here</h1></body></html>"""
    picked = _pick(html)
    assert picked.iso == "2018-12-30T08:00"
    assert picked.source == "meta"


def test_shown_modified_day_wins_when_published_day_is_not_shown() -> None:
    head = """<html><head><title>Rents rise again in the city</title>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2021-11-29T14:13:37+01:00",
      "dateModified": "2022-01-12T14:27:30+01:00"}</script></head><body>
    <article><h1>Rents rise again in the city</h1>"""
    # the byline shows only the modified day: the page presents itself as of that day
    shown_mod = head + '<div class="byline">12.01.2022</div><p>Text.</p></article></body></html>'
    picked = _pick(shown_mod)
    assert picked is not None and picked.iso == "2022-01-12T14:27"
    # the byline shows the published day (too): published stays the date
    shown_pub = head + '<div class="byline">29.11.2021</div><p>Text.</p></article></body></html>'
    picked = _pick(shown_pub)
    assert picked is not None and picked.iso == "2021-11-29T14:13"
    # nothing shown: published, as before
    picked = _pick(head + "<p>Text.</p></article></body></html>")
    assert picked is not None and picked.iso.startswith("2021-11-29")


def test_late_utc_stamp_read_on_the_shown_next_day() -> None:
    html = """<html><head><title>Local elections held</title>
    <meta property="article:published_time" content="2021-11-04T23:00Z"></head><body>
    <article><h1>Local elections held</h1><div class="date">5. November 2021</div>
    <p>Text.</p></article></body></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso == "2021-11-05"
    # at 15:00 UTC no zone of UTC+1 to +4 is on the next day yet: the stamp keeps its day
    early = html.replace("23:00Z", "15:00Z")
    picked = _pick(early)
    assert picked is not None and picked.iso == "2021-11-04T15:00"


def test_future_dates_and_copyright_lines_are_not_dates() -> None:
    html = """<html><body><h1>Event preview</h1>
    <p class="date">Posted 4 May 2020</p>
    <p>The festival runs on 12 August 2099.</p>
    <footer>© 2020 Example Media. Last update 01.01.2020</footer></body></html>"""
    picked = _pick(html)
    assert picked.iso == "2020-05-04"


def test_hijri_only_byline() -> None:
    html = """<html><head><title>خبر عاجل</title></head><body>
    <h1>خبر عاجل</h1><div class="date">الاثنين ٤ شوال ١٤٣٩ هـ</div><p>نص الخبر.</p>
    </body></html>"""
    picked = _pick(html)
    assert picked is not None
    assert picked.iso == "2018-06-18"
    assert picked.calendar == "hijri"
    assert picked.hijri == (1439, 10, 4)
    shifted = _pick(html, hijri_offset=-1)
    assert shifted.iso == "2018-06-17"


def test_timezone_gives_utc() -> None:
    cands = [DateCandidate("byline", "21 November 2015 10:37", 7.0, 3)]
    picked = pick_date(cands, tz="Europe/Istanbul")
    assert picked.iso == "2015-11-21T10:37"
    assert picked.utc == "2015-11-21T08:37:00Z"
    assert pick_date(cands).utc is None  # no zone: no UTC
    day_only = pick_date([DateCandidate("byline", "21 November 2015", 7.0, 3)], tz="Asia/Tehran")
    assert day_only.utc is None  # no clock time: no UTC


def test_candidates_are_picklable() -> None:
    cands = [DateCandidate("meta", "2015-11-21", 10.0, 0)]
    assert pickle.loads(pickle.dumps(cands)) == cands


def test_seed_page_lines() -> None:
    lines = (TEST_DATA / "seed_page.txt").read_text("utf-8").split("\n")
    title_index = next(i for i, line in enumerate(lines) if line.startswith("ISIL Left"))
    cands = candidates_from_lines(lines, title_index)
    header = [c for c in cands if c.position < title_index]
    assert header and all(c.weight < 0 for c in header)
    picked = pick_date(cands)
    assert picked is not None
    assert picked.iso == "2015-11-21T10:37"
    assert picked.raw == "21 November 2015 10:37"
    assert picked.source == "byline"


def test_seed_without_title_still_skips_counters() -> None:
    lines = ["18/06/2018 (16) 17/06/2018 (22) 16/06/2018 (30)", "Some text"]
    assert pick_date(candidates_from_lines(lines, None)) is None


def test_broken_input_never_crashes() -> None:
    assert pick_date([]) is None
    assert pick_date([DateCandidate("meta", "not a date", 10.0, 0)]) is None
    tree = lxml.html.fromstring("<div><p>3 March 2020<span></div>")
    assert collect_candidates(tree, "") is not None


ARTICLE_TAIL = """
  <div class="entry-content"><p>Body text of the article.</p>
    <p>On 12 May 2019 the council met again.</p></div>
  <section class="comments"><div class="comment">Posted 14 May 2019 by a reader</div></section>
"""


def test_dateline_by_the_headline_settles_published_vs_modified() -> None:
    """Published and modified stamps differ: the headline's dateline says which one the page
    presents, and the body past it (its prose and comment dates) is not read."""
    html = f"""<html><head><title>Council budget approved</title>
    <meta property="article:published_time" content="2019-03-01T09:00:00+01:00">
    <meta property="article:modified_time" content="2019-05-10T09:00:00+01:00">
    </head><body>{HEADER}<article>
    <header class="entry-header"><h1>Council budget approved</h1>
      <div class="entry-meta">Published 1 March 2019</div><p class="lead">Lead.</p></header>
    {ARTICLE_TAIL}</article></body></html>"""
    tree = lxml.html.fromstring(html)
    candidates = collect_candidates(tree, "https://example.org/news/budget")
    assert not any("May 2019" in c.raw for c in candidates if c.source in ("text", "byline"))
    picked = pick_date(candidates)
    assert picked is not None and picked.iso.startswith("2019-03-01")


def test_dateline_showing_the_modified_day_makes_it_the_date() -> None:
    html = f"""<html><head><title>Council budget approved</title>
    <meta property="article:published_time" content="2019-03-01T09:00:00+01:00">
    <meta property="article:modified_time" content="2019-05-10T09:00:00+01:00">
    </head><body><article>
    <header class="entry-header"><h1>Council budget approved</h1>
      <div class="entry-meta">10 May 2019</div><p class="lead">Lead.</p></header>
    {ARTICLE_TAIL}</article></body></html>"""
    picked = _pick(html, "https://example.org/news/budget")
    assert picked is not None and picked.iso.startswith("2019-05-10")


def test_byline_by_the_headline_without_structured_data() -> None:
    html = f"""<html><head><title>Harbour reopens</title></head><body>{HEADER}
    <div class="post"><h1>Harbour reopens</h1><div class="byline">By A. Writer, 3 April 2020</div>
    <p>Text.</p></div>{ARTICLE_TAIL}</body></html>"""
    picked = _pick(html, "https://example.org/harbour")
    assert picked is not None
    assert (picked.iso, picked.source) == ("2020-04-03", "byline")


def test_body_is_read_when_the_headline_block_shows_no_date() -> None:
    """Nothing by the headline: the whole page is read, and a dateline further down counts."""
    html = """<html><head><title>Council budget approved</title>
    <meta property="article:published_time" content="2019-03-01T09:00:00+01:00">
    <meta property="article:modified_time" content="2019-05-10T09:00:00+01:00">
    </head><body><article>
    <header class="entry-header"><h1>Council budget approved</h1><p>Lead.</p><p>More.</p></header>
    <div class="entry-content"><p>Body text.</p></div>
    <footer class="entry-footer">Published 1 March 2019</footer></article></body></html>"""
    tree = lxml.html.fromstring(html)
    candidates = collect_candidates(tree, "https://example.org/news/budget")
    assert any(c.source == "byline" and "1 March 2019" in c.raw for c in candidates)
    picked = pick_date(candidates)
    assert picked is not None and picked.iso.startswith("2019-03-01")


def test_a_meta_name_with_stray_spaces_is_read_like_the_trimmed_one() -> None:
    html = """<html><head><meta property="article:published_time " content="2021-03-02T09:15:00+01:00">
    </head><body><h1>Headline of the story</h1><p>Text.</p></body></html>"""
    picked = _pick(html)
    assert picked is not None and picked.iso == "2021-03-02T09:15" and picked.source == "meta"


def test_a_utc_stamp_is_read_on_the_sites_local_day_when_its_zone_is_known() -> None:
    """An evening article of a UTC-3 site: its UTC stamp is already the next day."""
    cands = [DateCandidate("meta", "2021-03-03T01:30:00Z", 10.0, 0)]
    picked = pick_date(cands, tz="America/Sao_Paulo")
    assert picked is not None and picked.iso == "2021-03-02T22:30"
    assert picked.utc == "2021-03-03T01:30:00Z"
    assert pick_date(cands).iso == "2021-03-03T01:30"  # no zone known: the stamp as printed


def test_an_embedded_videos_upload_day_is_not_the_articles() -> None:
    page = lxml.html.document_fromstring(
        '<html><head><script type="application/ld+json">{"@type": "WebPage", "name": "x"}</script>'
        '<meta property="article:published_time" content="2021-03-08T11:15:28Z"></head><body>'
        '<script type="application/ld+json">{"@type": "VideoObject", "uploadDate": "2021-03-14T19:14:36Z"}'
        "</script><h1>Headline</h1><p>Text.</p></body></html>")
    picked = pick_date(collect_candidates(page, "https://e.example/2021/03/08/story"))
    assert picked is not None and picked.iso.startswith("2021-03-08")


def test_a_video_pages_own_upload_day_counts() -> None:
    page = lxml.html.document_fromstring(
        '<html><head><script type="application/ld+json">{"@type": "VideoObject", '
        '"uploadDate": "2021-03-14T19:14:36Z"}</script></head><body><h1>Clip</h1></body></html>')
    picked = pick_date(collect_candidates(page, "https://e.example/video/clip"))
    assert picked is not None and picked.iso.startswith("2021-03-14")
