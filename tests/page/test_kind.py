"""Page kind rules that real article pages needed (htmldate-eval's misclassed pages, in
miniature): each test pairs the article that must pass with the listing that must not."""

from __future__ import annotations

from pipelines.page.extract import extract
from pipelines.page.kind import article_url, count_headline_links, text_size
from pipelines.page.parse import parse_html

_PROSE = ("The council approved the new bridge budget on Monday after a short debate in the "
          "town hall. Work on the river crossing starts in spring and should end before the "
          "winter, the mayor said. ")


def _kind(html: str, url: str) -> str:
    return extract(parse_html(html), url).kind


def _teasers(n: int, tag: str = "h2") -> str:
    return "".join(f'<div class="item"><{tag}><a href="/news/story-{i}">Headline number {i} '
                   f'about the valley</a></{tag}><p>Short teaser {i}.</p></div>' for i in range(n))


def test_wordpress_post_id_is_an_article_url_and_a_small_page_number_is_not() -> None:
    assert article_url("https://blog.example/?p=959")
    assert article_url("https://blog.example/?p=959/")
    assert article_url("https://www.example.de/lesen/?tx_ttnews%5Btt_news%5D=5793&cHash=36f")
    assert not article_url("https://blog.example/?p=2")
    assert not article_url("https://blog.example/?cat=123")


def test_a_post_under_the_root_path_is_not_the_home_page() -> None:
    """/?p=959 has the home page's path but names one post; its canonical says the same."""
    html = (f"<html><head><link rel='canonical' href='https://blog.example/?p=959'></head>"
            f"<body><h1>Our trip</h1><p>{_PROSE * 6}</p></body></html>")
    assert _kind(html, "https://blog.example/?p=959") == "article"
    home = f"<html><body><h1>Our blog</h1>{_teasers(8)}</body></html>"
    assert _kind(home, "https://blog.example/") == "listing"
    assert _kind(home, "https://blog.example/?p=2") == "listing"


def test_listing_words_in_the_fragment_or_in_a_path_are_not_a_query() -> None:
    """A tracking fragment (#ed=rss/category/latest) and an `&page=2` inside the path are
    not the page's own listing path or query."""
    html = (f"<html><head><meta property='og:type' content='article'></head><body>"
            f"<h1>Permits hearing set</h1><p>{_PROSE * 2}</p></body></html>")
    assert _kind(html, "https://news.example/howard/permits-20200817-story.html"
                       "#ed=rss/arcio/rss/category/latest/") == "article"
    assert _kind(html, "https://news.example/view/woman-sees-a-car/&page=2") == "article"
    tag = f"<html><body><h1>Tag: bridges</h1>{_teasers(6)}</body></html>"
    assert _kind(tag, "https://news.example/tag/bridges/") == "listing"
    assert _kind(tag, "https://news.example/news/?page=3") == "listing"


def test_a_malformed_canonical_does_not_make_an_article_the_home_page() -> None:
    html = (f"<html><head><link rel='canonical' href='https://.tramino.de'></head><body>"
            f"<h1>Our herb garden</h1><p>12.06.2019</p><p>{_PROSE * 6}</p></body></html>")
    assert _kind(html, "https://resort.example/blog/unser-kraeutergarten.html") == "article"
    home = html.replace("https://.tramino.de", "https://resort.example/")
    assert _kind(home, "https://resort.example/blog/unser-kraeutergarten.html") == "listing"


def test_screen_reader_headings_and_menu_headings_are_not_the_page_s_headlines() -> None:
    """A federal-CMS press release: hidden <h1 class="aural"> labels around the one real
    headline, and linked <h3>s in the menu and footer. It is one article with a dateline."""
    menu = "".join(f"<h3><a href='/DE/t{i}'>Topic {i}</a></h3>" for i in range(6))
    foot = "".join(f"<h3><a href='/DE/f{i}'>Footer {i}</a></h3>" for i in range(3))
    html = (f"<html><body><h1 class='aural'>Navigation und Service</h1>"
            f"<div id='header'><div id='navPrimary'>{menu}</div></div>"
            f"<div id='content'><h1>Radon map published</h1><p>Date 12.01.2022</p>"
            f"<p>{_PROSE * 4}</p></div><h1 class='aural'>Seiteninformationen</h1>"
            f"<footer>{foot}</footer></body></html>")
    assert count_headline_links(parse_html(html)) == 0
    assert _kind(html, "https://www.amt.example/DE/2022/001.html") == "article"


def test_a_wrapper_named_like_chrome_around_the_main_column_still_holds_teasers() -> None:
    """'main-row nav-col' wraps the whole page; the teasers inside its main column count."""
    html = (f"<html><body><div class='main-row nav-col'><div class='hero main'>"
            f"<h1>Yahoo</h1>{_teasers(8, 'h3')}</div></div></body></html>")
    assert count_headline_links(parse_html(html)) == 8
    assert _kind(html, "file:///home.html") == "listing"


def test_related_stories_beside_a_dated_article_do_not_make_it_a_listing() -> None:
    related = "".join(f"<h3><a href='/{i}/other-story-{i}.html'>Other story {i}</a></h3>"
                      for i in range(8))
    html = (f"<html><body><article><h1>Three dead in a head-on crash</h1><p>21/01/2020</p>"
            f"<p>{_PROSE * 2}</p><div class='td-related-row'>{related}</div></article>"
            f"</body></html>")
    assert _kind(html, "https://junin.example/194420/tres-muertos.html") == "article"
    # the same teasers as the page's main content, under a section name: a listing
    front = (f"<html><body><main><h1>Policiales</h1><p>21/01/2020</p>{_teasers(8, 'h3')}"
             f"</main></body></html>")
    assert _kind(front, "https://junin.example/policiales/") == "listing"


def test_cjk_text_is_weighed_by_its_words() -> None:
    """357 Japanese characters are a story of some 200 words, not a 357-letter stub."""
    story = "むかしむかし、ある山のふもとに、おじいさんとおばあさんがすんでいました。" * 10
    assert text_size(story) > 2.5 * len(story) > text_size("x" * len(story))  # 、。 are not words
    html = f"<html><body><div><p>{story}</p></div></body></html>"
    assert _kind(html, "https://hukumusume.example/douwa/pc/jap/01/01.htm") == "article"


def test_a_brief_under_its_own_dated_url_is_an_article_without_any_markup_hint() -> None:
    """A table-less, class-less old portal (no h1, no <article>, no Open Graph): three
    one-sentence paragraphs of some 200 characters under /2016/06/story-1.html are a brief;
    the same text at a section path is not an article."""
    brief = ("<html><body><div class='c1'>Valley News</div><div class='c10'>Bridge budget "
             "approved</div><div class='c5'>12 June 2016 10:15</div>"
             "<div class='c9'>The council approved the bridge budget on Monday.</div>"
             "<div class='c9'>Work starts in spring, the mayor said after the vote.</div>"
             "<div class='c9'>Farmers on the east bank have asked for the crossing for years."
             "</div></body></html>")
    assert _kind(brief, "https://valley.example/2016/06/story-1.html") == "article"
    assert _kind(brief, "https://valley.example/politics/") != "article"
