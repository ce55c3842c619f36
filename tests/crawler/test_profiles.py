"""Site profiles: loading, validation errors that name the problem, URL classification."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profiles import (
    ProfileError,
    list_profiles,
    load_profile,
    site_key,
    zero_config_profile,
)
from pipelines.article.process import SiteContext, analyse_html, date_of


def test_the_bundled_demo_profile_loads_and_classifies_urls() -> None:
    demo = load_profile("demo")
    assert demo.timezone == "Europe/Istanbul"
    assert demo.is_article_url("http://h/en/2015/11/some-story.html") is True
    assert demo.is_article_url("http://h/en/page/2.html") is False
    assert demo.is_listing_url("http://h/en/page/2.html")
    filled = demo.with_base("http://127.0.0.1:9999")
    assert filled.sitemaps == ["http://127.0.0.1:9999/sitemap.xml"]
    assert filled.domains == ["127.0.0.1"]
    assert [p.name for p in list_profiles()] == ["demo"]


def test_profile_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nstart_urls = ["http://e.com/"]\ncolour = "blue"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad.toml: unknown keys \['colour'\]"):
        load_profile(str(bad))
    bad.write_text('name = "x"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="start_urls, sitemaps, feeds"):
        load_profile(str(bad))
    bad.write_text('name = "x"\nstart_urls = ["http://e.com/"]\narticle_url_patterns = ["("]\n',
                   encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.toml"):
        load_profile(str(bad))
    bad.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.toml"):
        load_profile(str(bad))
    with pytest.raises(ProfileError, match="no site profile 'nope'"):
        load_profile("nope", tmp_path)


def test_zero_config_profile_and_site_keys() -> None:
    profile = zero_config_profile("https://www.Example.com/news/today.html")
    assert profile.zero_config and profile.name == "example.com"
    assert profile.sitemaps == ["https://www.Example.com/robots.txt", "https://www.Example.com/sitemap.xml"]
    assert profile.is_article_url("https://www.example.com/x") is None  # the classifier decides
    assert site_key("http://127.0.0.1:8765/x") == "127.0.0.1:8765"
    assert site_key("https://example.com:443/x") == "example.com"
    with pytest.raises(ProfileError):
        zero_config_profile("ftp://example.com/")


def test_a_profile_date_selector_outranks_every_guess() -> None:
    html = b"""<html><head><meta property="article:published_time" content="2020-01-01T10:00:00Z">
    </head><body><h1>Title of the story here</h1><div class="when">5 Mehr 1397</div>
    <p>""" + b"Body text of the article that is long enough to count as prose. " * 10 + b"</p></body></html>"
    analysis = analyse_html(html, "http://e.com/a", date_selector="div.when")
    picked = date_of(analysis, SiteContext(site="e.com"))
    assert picked is not None and picked.iso == "2018-09-27" and picked.source == "selector"


def test_a_profile_calendar_hint_reads_bare_numeric_dates_in_that_calendar() -> None:
    html = ("<html><body><h1>Headline of a Hijri-dated site</h1><div>12/03/1440</div><p>"
            + "Body text of the article that is long enough to count as prose. " * 10
            + "</p></body></html>").encode()
    analysis = analyse_html(html, "http://e.com/a", date_selector="div")
    assert date_of(analysis, SiteContext(site="e")) is None  # ambiguous without a hint
    hijri = date_of(analysis, SiteContext(site="e", calendar="hijri"))
    assert hijri is not None and hijri.iso == "2018-11-20" and hijri.hijri == (1440, 3, 12)
    jalali = date_of(analysis, SiteContext(site="e", calendar="jalali"))
    assert jalali is None  # 1440/03/12 is not a plausible Solar Hijri publication year


def test_a_profile_hijri_offset_shifts_the_sites_hijri_dates() -> None:
    """Some sites reckon the Hijri month a day off Umm al-Qura; the profile says by how much."""
    html = ("<html><body><h1>A story dated only in the Hijri calendar</h1>"
            "<div class='byline'>4 Shawwal 1439 AH</div><p>"
            + "Body text of the article that is long enough to count as prose. " * 10
            + "</p></body></html>").encode()
    analysis = analyse_html(html, "http://e.com/a", date_selector="div.byline")
    assert date_of(analysis, SiteContext(site="e")).iso == "2018-06-18"
    assert date_of(analysis, SiteContext(site="e", hijri_offset=1)).iso == "2018-06-19"


def test_a_date_selector_may_name_an_attribute() -> None:
    html = ("<html><body><h1>Headline of the story</h1><time datetime='2021-03-02T09:15'>yesterday</time>"
            "<p>" + "Body text of the article that is long enough to count as prose. " * 10
            + "</p></body></html>").encode()
    analysis = analyse_html(html, "http://e.com/a", date_selector="//time/@datetime")
    picked = date_of(analysis, SiteContext(site="e"))
    assert picked is not None and picked.iso == "2021-03-02T09:15" and picked.source == "selector"
