"""HTML parsing, main-text extraction, titles, metadata, page kind, language."""

from __future__ import annotations

import pickle

import pytest

from pipelines.page.extract import ExtractedPage, ExtractionRules, extract
from pipelines.page.language import detect_language
from pipelines.page.parse import HtmlParseError, decode_html, parse_html

PARAS = [
    "The city council approved the new budget on Tuesday, after a debate that lasted "
    "most of the night and ended with a narrow vote.",
    "Officials said the money would go to schools, roads and the river clean-up, which "
    "residents have demanded for years.",
    "The mayor, who proposed the plan in spring, called the vote a turning point for the "
    "valley and thanked the volunteers.",
]


def _page(title_tag: str = "Council passes budget | Valley Herald", *, extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
    <title>{title_tag}</title>
    <meta property="og:site_name" content="Valley Herald">
    <meta property="og:type" content="article">
    <meta name="description" content="The council approved the budget.">
    <meta name="author" content="Jane Roe">
    <link rel="canonical" href="/news/budget.html">
    <script>var x = "<p>not text</p>";</script><style>p {{color: red}}</style></head>
    <body><header><a href="/">Valley Herald</a><nav><ul><li><a href="/">Home</a></li>
    <li><a href="/news/">News</a></li></ul></nav></header>
    <main><article><h1>Council passes budget</h1><div class="byline">By Jane Roe</div>
    <div class="article-body">{body}{extra}
    <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
    </div></article>
    <section class="related-posts"><h3>Related</h3><ul>
    <li><a href="/a">Another story about the council and its long nights of debate</a></li>
    <li><a href="/b">The river clean-up explained in ten questions and answers</a></li>
    </ul></section></main>
    <div id="comments"><p>I think this budget is a disgrace, said a reader, and many agree.</p>
    </div><footer><p>© 2024 Valley Herald. All rights reserved.</p></footer></body></html>"""


def test_indentation_between_blocks_makes_no_block_and_spaces_between_words_stay() -> None:
    """The walk drops whitespace that opens a block's text (it can never show); whitespace
    between a block's inline pieces is what keeps their words apart."""
    html = ("<html><body>\n  <div class='story'>\n    <p>\n  Hello <b>bold</b>\n<i>world</i> </p>"
            "\n    <p>  Second\u00a0line </p>\n  <span> </span><br>\n  tail <a href='/x'>link</a>"
            "\n  </div>\n</body></html>")
    page = extract(parse_html(html.encode()), "https://example.com/a/b")
    assert page.page_blocks[:3] == ["Hello bold world", "Second line", "tail link"]
    assert "" not in page.page_blocks


def test_main_text_title_and_metadata() -> None:
    page = extract(parse_html(_page().encode()), "https://valleyherald.example/news/x?utm=1")
    assert page.title == "Council passes budget"
    assert page.blocks == PARAS
    assert page.site_name == "Valley Herald"
    assert page.canonical_url == "https://valleyherald.example/news/budget.html"
    assert page.description == "The council approved the budget."
    assert page.author == "Jane Roe"
    assert page.language == "en"
    assert page.kind == "article"
    assert "Valley Herald" in page.page_blocks  # the whole page is kept for template learning
    assert pickle.loads(pickle.dumps(page)) == page


def test_headings_and_list_items_are_own_blocks() -> None:
    extra = "<h2>What changes</h2><ul><li>Schools get new roofs.</li><li>Roads are paved.</li></ul>"
    page = extract(parse_html(_page(extra=extra)), "")
    assert page.blocks == [*PARAS, "What changes", "Schools get new roofs.", "Roads are paved."]


@pytest.mark.parametrize(("title_tag", "expected"), [
    ("Valley Herald - Council passes budget", "Council passes budget"),
    ("Council passes budget – Valley Herald", "Council passes budget"),
    ("Council passes budget :: News :: Valley Herald", "Council passes budget"),
])
def test_title_without_site_name(title_tag: str, expected: str) -> None:
    html = _page(title_tag).replace("<h1>Council passes budget</h1>", "")
    html = html.replace('<meta property="og:type" content="article">', "")
    assert extract(parse_html(html), "https://valleyherald.example/x").title == expected


def test_title_from_og_title_when_no_h1() -> None:
    html = ('<html><head><title>Home | Site</title><meta property="og:title" '
            'content="Dam opens after ten years | Site"></head><body><p>x</p></body></html>')
    assert extract(parse_html(html), "").title == "Dam opens after ten years"


def test_profile_rules_select_title_body_and_drop() -> None:
    rules = ExtractionRules(title_selector="//div[@class='byline']",
                            body_selector="div.article-body",
                            drop_selectors=["div.share-bar", "p:nth-of-type(2)"],
                            drop_patterns=["^never applied here$"])
    page = extract(parse_html(_page()), "", rules=rules)
    assert page.title == "By Jane Roe"
    assert page.blocks == [PARAS[0], PARAS[2]]


def test_bad_selectors_select_nothing() -> None:
    rules = ExtractionRules(title_selector="//[", body_selector="div[", drop_selectors=["::x"])
    page = extract(parse_html(_page()), "", rules=rules)
    assert page.blocks == PARAS  # falls back to the generic pass


def test_listing_page_kind() -> None:
    items = "".join(f'<div class="item"><h2><a href="/a/{i}">Headline number {i} about the '
                    f'valley</a></h2><p>Short teaser {i}…</p></div>' for i in range(10))
    html = f"<html><head><title>News</title></head><body><h1>News</h1>{items}</body></html>"
    assert extract(parse_html(html), "https://x.example/news/page/2/").kind == "listing"
    assert extract(parse_html(html), "https://x.example/").kind == "listing"


def test_tiny_page_is_other() -> None:
    page = extract(parse_html("<html><body><p>Contact us</p></body></html>"), "https://x/c")
    assert page.kind == "other"


def test_rtl_arabic_page() -> None:
    paras = ["قال رئيس البلدية إن الجسر الجديد افتتح يوم الاثنين بعد سنوات من الانتظار، وإن "
             "الحركة في المدينة ستتحسن كثيرا خلال الأشهر المقبلة.",
             "وأكد المسؤولون في المجلس أن المشروع بقي ضمن الميزانية المحددة له هذا العام، "
             "وشكروا السكان على صبرهم."]
    html = ('<html lang="ar" dir="rtl"><head><meta charset="windows-1256"><title>افتتاح الجسر'
            ' | صوت الوادي</title></head><body><div class="social">فيسبوك تويتر</div>'
            '<div class="post-content"><h1>افتتاح الجسر</h1>'
            + "".join(f"<p>{p}</p>" for p in paras) + "</div></body></html>")
    page = extract(parse_html(html.encode("cp1256")), "https://alwadi.example/a")
    assert page.title == "افتتاح الجسر"
    assert page.blocks == paras
    assert page.language == "ar"


@pytest.mark.parametrize("data", [
    b"<html><body><p>unclosed <b>bold <i>and <div>chaos</p></body>",
    b"<p>\xff\xfe\x00garbage \x80\x81 bytes</p>",
    "<p>already text</p>",
    b"<?xml version='1.0' encoding='utf-8'?><html><body><p>xhtml</p></body></html>",
    b"no markup at all, only words",
    b"<html><body></body></html>",
])
def test_broken_input_never_crashes(data: bytes | str) -> None:
    page = extract(parse_html(data), "not a url")
    assert isinstance(page, ExtractedPage)
    assert page.kind in {"article", "listing", "other"}


@pytest.mark.parametrize("data", [b"", b"   \n\t ", None])
def test_nothing_usable_raises_parse_error(data: bytes | None) -> None:
    with pytest.raises(HtmlParseError):
        parse_html(data)


@pytest.mark.parametrize("declaration", [
    '<meta charset="windows-1254">',
    '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-9">',
    '<?xml version="1.0" encoding="iso-8859-1"?>',
    "",
])
def test_utf8_bytes_parse_as_utf8_whatever_the_page_declares(declaration: str) -> None:
    html = f"{declaration}<html><body><p>Türkçe çalışma — مرحبا</p></body></html>"
    tree = parse_html(html.encode("utf-8"), encoding="windows-1252")
    assert " ".join(tree.text_content().split()) == "Türkçe çalışma — مرحبا"


def test_control_characters_become_spaces_and_text_parses_like_bytes() -> None:
    html = "<html><body><p>one\x00two\x07three ğüş</p></body></html>"
    from_text, from_bytes = parse_html(html), parse_html(html.encode("utf-8"))
    assert from_text.text_content() == from_bytes.text_content() == "one two three ğüş"


def test_charset_order_of_trust() -> None:
    text = "<p>Türkçe çalışma ğüşıöç</p>"
    assert decode_html(text.encode("cp1254"), "windows-1254")[1] == text  # header wins
    meta = '<meta charset="iso-8859-9">' + text
    assert decode_html(meta.encode("cp1254"))[1] == meta  # then the page's own declaration
    lying = '<meta charset="windows-1252">' + text
    assert decode_html(lying.encode("utf-8"))[1] == lying  # UTF-8 overrules a false claim
    assert decode_html("\ufeff<p>bom</p>".encode("utf-16-le"))[1] == "<p>bom</p>"


@pytest.mark.parametrize(("text", "lang"), [
    ("The minister said that the talks with the delegation would continue next week.", "en"),
    ("Bakan, heyetle görüşmelerin önümüzdeki hafta da devam edeceğini söyledi ve bu çok "
     "önemli bir adım.", "tr"),
    ("قال الوزير إن المحادثات مع الوفد ستستمر في الأسبوع المقبل", "ar"),
    ("وزیر گفت که مذاکرات با هیئت در هفته آینده ادامه خواهد داشت و این مهم است", "fa"),
])
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_language_hint_breaks_ties_and_empty_is_none() -> None:
    assert detect_language("", hint="tr-TR") == "tr"
    assert detect_language("12345 !!!") is None


_BRIEF = ("The council approved the new bridge budget on Monday after a short debate. "
          "Work on the river crossing starts in spring and should end before the winter.")


def test_brief_with_a_dateline_is_an_article() -> None:
    """One <h1>, a date line under it, two sentences: a brief, though its prose is short."""
    html = (f"<html><head><title>Bridge budget</title></head><body><div class='c'><h1>Bridge "
            f"budget approved</h1><div class='d'>3 March 2024 10:20</div><div>{_BRIEF}</div>"
            f"</div></body></html>")
    assert extract(parse_html(html), "https://x.example/local/bridge").kind == "article"


def test_brief_in_its_article_element_is_an_article() -> None:
    html = (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Bridge budget approved"
            f"</h1><p>{_BRIEF}</p></article></body></html>")
    assert extract(parse_html(html), "https://x.example/local/bridge").kind == "article"


def test_section_front_with_a_date_and_teasers_stays_a_listing() -> None:
    items = "".join(f'<article><h2><a href="/a/{i}">Headline number {i} about the valley</a>'
                    f'</h2><p>{_BRIEF[:120]}</p></article>' for i in range(8))
    html = (f"<html><body><main><h1>Local</h1><p>3 March 2024</p>{items}</main></body></html>")
    assert extract(parse_html(html), "https://x.example/local/").kind == "listing"


def _article(inner: str) -> bytes:
    return (f"<html><head><title>Council passes budget</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<main>{inner}</main><footer><p>© 2024 Valley Herald</p></footer></body></html>"
            ).encode()


def test_text_a_script_reveals_is_kept_but_a_hide_class_prunes() -> None:
    """Class words match whole: ``hideOnInit`` (the collapsed rest of the text, opened by a
    click) is article text, ``hide`` or ``hide-for-large`` (a hidden duplicate) is not."""
    later = ("Later that week the council met again, and the members argued about roads, "
             "schools and the river for another long night.")
    inner = (f"<article><p>{PARAS[0]}</p><p>{PARAS[1]}</p><div class='toggle hideOnInit'>"
             f"<p>{later}</p><p>{PARAS[2]}</p></div><div class='hide-for-large'>"
             f"<p>A duplicate teaser, printed for small screens only, about the budget.</p>"
             f"</div></article>")
    page = extract(parse_html(_article(inner)), "")
    assert page.blocks == [PARAS[0], PARAS[1], later, PARAS[2]]


STEPS = [
    "Choose a glass cloche with a wide base, so that the plants have room to spread, and "
    "wash it well with warm water and a little soap before you start.",
    "Spread a layer of small pebbles over the base, then a thin layer of charcoal, which "
    "keeps the soil fresh, and finally a few centimetres of potting soil.",
    "Plant the mosses and small ferns, water them lightly, put the cloche over them and set "
    "the terrarium in a bright place, out of direct sunlight, for a week.",
]


def test_article_in_several_sections_is_kept_whole_without_the_teasers_beside_it() -> None:
    """Steps or sections in sibling blocks under one wrapper are one article: widen from the
    best block to their common ancestor, but not over a run of linked teaser headings."""
    sections = "".join(f"<div class='step'><h2>Step {i + 1}</h2><div class='content'><p>{t}</p>"
                       f"</div></div>" for i, t in enumerate(STEPS))
    teasers = "".join(f"<div class='card'><h3><a href='/t{i}'>Another story number {i} about "
                      f"gardens</a></h3><p>{PARAS[i]}</p></div>" for i in range(3))
    inner = f"<div class='wrap'><div class='col'>{sections}</div><div>{teasers}</div></div>"
    page = extract(parse_html(_article(inner)), "")
    assert page.blocks == ["Step 1", STEPS[0], "Step 2", STEPS[1], "Step 3", STEPS[2]]


def test_widening_stops_at_the_article_element() -> None:
    """``<article>`` says where the text ends: the climb does not pass it."""
    from pipelines.page.extract import _units, _widen

    inner = (f"<div id='wrap'><article><div id='a'><p>{PARAS[0]}</p></div><div><p>{PARAS[1]}</p>"
             f"<p>{PARAS[2]}</p></div></article><div>{''.join(f'<p>{t}</p>' for t in STEPS)}"
             f"</div></div>")
    tree = parse_html(_article(inner))
    best = tree.get_element_by_id("a")
    units = _units(tree.find("body"), prune=True, total_chars=10_000).units
    assert _widen(best, units).tag == "article"


def test_see_also_link_list_does_not_stop_the_article_but_teaser_items_do() -> None:
    """A plain link list is judged by its link density; list items that open with a
    headline link and go on with a summary are teasers of other stories."""
    from pipelines.page.extract import _is_teaser, _Unit

    tree = parse_html(b"<ul><li id='s'><a href='/x'>Time loop</a></li><li id='t'><a href='/y'>"
                      b"Council meets again tonight</a> The members will argue about roads, "
                      b"schools and the river for another long night.</li></ul>")
    see_also, teaser = tree.get_element_by_id("s"), tree.get_element_by_id("t")
    assert not _is_teaser(_Unit(see_also, "Time loop", 9))
    text = " ".join(teaser.text_content().split())
    assert _is_teaser(_Unit(teaser, text, 27))


def test_section_ids_made_from_headings_do_not_prune() -> None:
    """``id="sharing-with-a-team"`` is a slug of the section's heading, not a share bar."""
    later = ("When the team shares a repository, every member pulls the changes before work "
             "starts, and the history stays the same for everyone.")
    inner = (f"<div class='body'><div class='section' id='setting-up'><p>{PARAS[0]}</p>"
             f"<p>{PARAS[1]}</p></div><div class='section' id='sharing-with-a-team'><h2>Sharing "
             f"with a team</h2><p>{later}</p><p>{PARAS[2]}</p></div>"
             f"<div id='share'><p>Share this story with your friends and family today.</p></div>"
             f"</div>")
    page = extract(parse_html(_article(inner)), "")
    assert page.blocks == [PARAS[0], PARAS[1], "Sharing with a team", later, PARAS[2]]


def test_read_more_part_of_the_text_is_kept_and_its_link_dropped() -> None:
    """"read-more" names both a link (link-dense, dropped as such) and the collapsed rest
    of the article a click opens (prose, kept): the name alone decides nothing."""
    inner = (f"<div class='story-body'><p>{PARAS[0]}</p><div id='read-more'><div "
             f"id='read-more-link'><a href='#'>Read more</a></div><div id='read-more-content'>"
             f"<p>{PARAS[1]}</p><p>{PARAS[2]}</p></div></div></div>")
    page = extract(parse_html(_article(inner)), "")
    assert page.blocks == PARAS


def test_formulas_are_text_and_menu_matches_at_a_word_start() -> None:
    """MathML is part of the sentence it sits in; ``CtxtMenu_Attached`` (a context-menu
    hook of a math renderer) is not a menu, ``menu-main`` is."""
    inner = ("<div><p>The quadratic formula gives the two solutions of the equation, and it "
             "holds whenever <span class='MathJax CtxtMenu_Attached_0'><math><mi>a</mi><mo>≠</mo>"
             "<mn>0</mn></math></span> in the equation, as every student learns at school.</p>"
             f"<p>{PARAS[0]}</p><div class='menu-main'><p>Sections, opinion, sport and weather, "
             "all in one place for you.</p></div></div>")
    page = extract(parse_html(_article(inner)), "")
    assert "whenever a≠0 in" in page.blocks[0]
    assert not any("weather" in b for b in page.blocks)


def test_the_second_opinion_falls_back_to_recall_when_precision_finds_nothing(monkeypatch) -> None:
    """Our pass found almost nothing, trafilatura's precise mode too: its default mode decides."""
    import trafilatura

    from pipelines.page import extract as extract_module

    calls: list[bool] = []

    def fake_extract(tree, include_comments=False, favor_precision=False):
        calls.append(favor_precision)
        return "May 19, 2020" if favor_precision else "A long paragraph of the post. " * 20

    monkeypatch.setattr(trafilatura, "extract", fake_extract)
    lines = extract_module._fallback(parse_html(b"<html><body><p>x</p></body></html>"))
    assert calls == [True, False]
    assert sum(map(len, lines)) >= extract_module.FALLBACK_BELOW


@pytest.mark.parametrize(("url", "story"), [
    ("http://e.com/2022/07/story-12.html", True), ("http://e.com/en/2022/07/21/kisa-haber/", True),
    ("http://e.com/2022/07/", False), ("http://e.com/2022/07/index.html", False),
    ("http://e.com/2022/07/2", False), ("http://e.com/tag/economy/", False),
])
def test_a_story_filed_under_its_date_has_an_article_url(url: str, story: bool) -> None:
    from pipelines.page.kind import article_url

    assert article_url(url) is story


def test_numbered_chunks_of_one_body_in_different_wrappers_are_kept_together() -> None:
    """A body cut into ``story-body-1`` and ``story-body-2``, each in its own wrapper around
    an ad slot, is one text: the chunks' class differs only by its number."""
    rest = [f"Part {n}: {t}" for n, t in enumerate(STEPS * 2)]
    inner = ("<div class='page'><div class='supplemental'><div class='story-body story-body-1'>"
             + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></div><div class='ad'>"
             "Advertisement</div><div class='supplemental'><div class='story-body story-body-2'>"
             + "".join(f"<p>{p}</p>" for p in rest) + "</div></div></div>")
    page = extract(parse_html(_article(inner)), "")
    assert page.blocks == PARAS + rest


def test_page_builder_widget_wrappers_and_underscored_body_names_hold_the_article() -> None:
    """Class words are matched as a page builder and a template write them: Elementor wraps
    all content in ``elementor-widget-container`` (not a sidebar widget), and
    ``article_content`` names the body as ``article-content`` does, even beside "teaser"."""
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    side = ("<div class='widget widget_recent'><p>Recent posts: five stories from the week.</p>"
            "</div><div class='comments'>" + "".join(f"<p>Reader {i} wrote: {s}</p>"
                                                     for i, s in enumerate(STEPS[:2])) + "</div>"
            "<div class='widget'><p>" + STEPS[2] + "</p></div>")
    built = (f"<div class='elementor-widget-wrap'><div class='elementor-widget-container'>{body}"
             f"</div></div>{side}")
    assert extract(parse_html(_article(built)), "").blocks == PARAS
    named = f"<div class='teaser_blog_text' id='article_content'>{body}</div>{side}"
    assert extract(parse_html(_article(named)), "").blocks == PARAS


def test_a_wordpress_post_tagged_with_furniture_words_is_still_the_post() -> None:
    """post_class() writes the post's taxonomy into its class ("tag-sidebar", "category-
    comment"): the element that holds the post is not furniture for it. Written-out
    addresses in the text stay (an author's links, not a menu); an "Advert" label goes."""
    body = ("".join(f"<p>{p}</p>" for p in PARAS) + "<p><a href='https://e.example/x'>"
            "https://e.example/x</a></p><p>Advert</p>")
    post = (f"<article class='post-788 post type-post status-publish tag-sidebar "
            f"category-comment'>{body}</article><div class='comments'>"
            + "".join(f"<p>Reader {i} wrote: {s}</p>" for i, s in enumerate(STEPS[:2]))
            + "</div><div class='widget'><p>" + STEPS[2] + "</p></div>")
    assert extract(parse_html(_article(post)), "").blocks == [*PARAS, "https://e.example/x"]


def test_a_shared_area_is_not_a_share_box() -> None:
    """"share" names share buttons; "shared" (a layout area several pages share) does not,
    while Jetpack's "sharedaddy" share box still does."""
    from pipelines.page.extract import _classify

    assert not _classify("endless-shared-area")[0]
    assert not _classify("shared content")[0]
    assert _classify("sharedaddy sd-sharing-enabled")[0]
    assert _classify("share-buttons")[0]


def test_a_layout_that_has_a_sidebar_is_not_the_sidebar() -> None:
    """Genesis's content-sidebar-wrap and a BEM page--wsidebar hold the article and its
    sidebar; only the sidebar itself is furniture."""
    from pipelines.page.extract import _classify, _key

    for cls in ("content-sidebar-wrap", "iz-pagebody iz-pagebody--wsidebar", "has-sidebar"):
        assert not _classify(_key(cls, None))[0], cls
    for cls in ("sidebar", "primary-sidebar widget-area", "sidebar-right"):
        assert _classify(_key(cls, None))[0], cls
