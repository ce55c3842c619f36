"""Page kind: is a fetched page an article, a listing (home, section, tag, archive) or other?

Prose length alone misses briefs (two short paragraphs under a headline), so the page's
structure votes too: JSON-LD / Open Graph article types, one <h1> with a dateline under it or
inside the page's one <article>, an article-shaped URL, a canonical URL naming the home page,
and a run of teaser headlines for listings. Every rule was kept only when no benchmark set
(benchmarks/extraction.py) lost and no generated listing became an article.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from pipelines.page.metadata import LISTING_TYPES, PageMeta
from pipelines.page.vocab import MONTH_WORDS

_LISTING_PATH = re.compile(
    r"/(?:page|sayfa|صفحة|tag|tags|etiket|category|categories|kategori|topics?|author|"
    r"authors|yazar|archives?|arsiv|search|section|label)(?:/|$)", re.I)
#: ?p=2 is a page of a list; ?p=959 is a post (below).
_LISTING_QUERY = re.compile(r"(?:^|&)(?:(?:page|paged|s|q)=|p=\d{1,2}(?:&|$))", re.I)
#: A query naming one item by its number: WordPress's ?p=959, ?id=, TYPO3's tt_news=.
_ITEM_QUERY = re.compile(r"(?:^|&)(?:p|id|post|story|article|news|[\w%\[\]]*tt_news[\w%\[\]]*)=\d{3,}/?(?:&|$)",
                         re.I)
#: Class or id words of the site's chrome: its navigation, menus and footer.
_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|menu|footer)", re.I)
_CHROME_TAGS = frozenset({"nav", "footer", "menu"})
#: Class or id words of the page's main column.
_MAIN = re.compile(r"(?:^|[\s_-])main(?:$|[\s_-])", re.I)
#: Class or id words of the boxes beside or after an article that link onward: related and
#: most-read stories, a sidebar's widgets, the comments.
_BESIDE = re.compile(r"related|sidebar|side-bar|widget|more-?(?:stories|articles|news)|"
                     r"most-?(?:popular|read|viewed)|trending|recommend|outbrain|taboola|"
                     r"comment|respond", re.I)
_CHROME_ROLES = frozenset({"navigation", "menu", "menubar", "contentinfo"})
#: Class words of text kept for screen readers only ("aural" is the German federal CMS's).
_SCREEN_READER = re.compile(r"sr-only|screen-reader|visually-?hidden|(?:^|[\s_-])aural(?:$|[\s_-])|"
                            r"offscreen|(?:^|[\s_-])(?:hidden|invisible)(?:$|[\s_-])", re.I)
#: CJK scripts write a word in one or two characters: each counts as this many Latin ones.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_CJK_WEIGHT = 3
#: A date as a dateline writes it: 12.03.2024, 2024-03-12, 2024年3月, or a year by a month word.
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\d{4}\s*年\s*\d{1,2}\s*月")
_YEAR = re.compile(r"(?<!\d)(?:1[34]\d\d|19\d\d|20\d\d)(?!\d)")
_WORD = re.compile(r"[^\W\d_]+")
#: How much text after the headline still counts as "near" it.
_DATELINE_CHARS = 300
#: Text a brief needs at least (a one- or two-sentence item under its headline).
_BRIEF_CHARS = 150


def page_kind(url: str, meta: PageMeta, blocks: list[str], headline_links: int) -> str:
    """'article', 'listing' or 'other' from the URL, the structured data, the page's shape
    and the text."""
    sizes = [text_size(b) for b in blocks]
    prose = sum(n for n in sizes if n >= 80)
    text = sum(sizes)
    parts = urlsplit(url or "")
    path = parts.path
    is_root = (path in ("", "/") or bool(re.fullmatch(r"/(?:index\.\w+|[a-z]{2})/?", path or ""))) \
        and not _ITEM_QUERY.search(parts.query)  # /?p=959 is a post, not the home page
    strong = meta.is_article_typed
    if is_root or _canonical_is_home(meta):
        return "listing" if headline_links >= 3 or not strong or is_root else (
            "article" if prose >= 600 else "listing")
    if _LISTING_PATH.search(path) or _LISTING_QUERY.search(parts.query):
        # A query such as ?page=1 rides along on article links too: a page with no teaser
        # headlines and a full article's prose is an article whatever its URL says.
        if headline_links == 0 and prose >= 1000:
            return "article"
        return "listing" if headline_links >= 3 or not strong else (
            "article" if prose >= 600 else "listing")
    # A typed article is one even when its text comes in short blocks.
    if strong and text >= _BRIEF_CHARS:
        return "article"
    # Typed as an article, at an article's own URL, with a dateline under its one headline:
    # three signs agree, so a post of a line or two is one.
    if strong and text >= 80 and article_url(url) and has_dateline(meta):
        return "article"
    # An article's own URL (a long slug or an id) beside a full article's prose outweighs the
    # related-story headlines around it.
    if prose >= 1000 and article_url(url):
        return "article"
    # One headline with a dateline under it outweighs a few headline links elsewhere.
    dateline = text >= _BRIEF_CHARS and has_dateline(meta)
    if dateline and (headline_links < 5 or _own_headline_links(meta) < 5):
        return "article"
    # The headline inside the page's one <article> (or articleBody), which holds the text
    # and no teaser list, is an article's.
    if text >= _BRIEF_CHARS and headline_in_article(meta):
        return "article"
    # A run of headline links to other pages with little prose per headline is a set of
    # teasers (a section front, an archive), whatever its URL looks like.
    if headline_links >= 3 and prose < 400 * headline_links:
        return "listing"
    if prose >= 400:
        return "article"
    # A brief (a few sentences) under an article's own URL, with no teaser list, is an article.
    if text >= _BRIEF_CHARS and headline_links < 3 and article_url(url):
        return "article"
    if headline_links >= 3 or meta.ld_types & LISTING_TYPES:
        return "listing"
    return "other"


#: A story filed under its date: /2022/07/story-12.html, /en/2022/07/21/story/.
_DATED_STORY = re.compile(r"/(?:19|20)\d\d/[01]?\d/(?:[0-3]?\d/)?[^/]+/?$")
_INDEX_NAMES = frozenset({"index", "default", "home", "page", "archive", "archives"})


def text_size(text: str) -> int:
    """Characters, with a CJK character counted as the word it nearly is."""
    if text.isascii():  # most blocks: no CJK to look for
        return len(text)
    return len(text) + (_CJK_WEIGHT - 1) * len(_CJK.findall(text))


def article_url(url: str) -> bool:
    """The URL names one story: its last path segment is a slug of four or more words, holds
    a numeric id of five or more digits, or follows a date in the path (/2022/07/story-12:
    news sites file their stories by date; the month archive /2022/07/ itself has no such
    segment), or its query names one item by number (?p=959). A section, tag or archive path
    is none of these."""
    if not url.startswith(("http://", "https://")):
        return False
    if _ITEM_QUERY.search(urlsplit(url).query):
        return True
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return False
    last = re.sub(r"\.\w{2,5}$", "", segments[-1])
    if len([w for w in re.split(r"[-_+]+", last) if w]) >= 4 or re.search(r"\d{5,}", last):
        return True
    dated = bool(_DATED_STORY.search(urlsplit(url).path))
    return dated and bool(re.search(r"[^\W\d_]", last)) and last.lower() not in _INDEX_NAMES


def _only_h1(meta: PageMeta) -> lxml.html.HtmlElement | None:
    """The page's one visible headline: <h1>s that label the site's chrome for screen
    readers, sit in its navigation or footer, or are the site's name linking home are not
    headlines."""
    h1s = [h for h in meta.headings if h.tag == "h1" and h.text_content().strip()]
    if len(h1s) > 1:  # a lone hidden <h1> is still the page's headline, read aloud
        h1s = [h for h in h1s if not _SCREEN_READER.search(h.get("class") or "")
               and not in_chrome(h) and not _names_site(h)]
    return h1s[0] if len(h1s) == 1 else None


def _names_site(h1: lxml.html.HtmlElement) -> bool:
    """An <h1> whose one link goes to the home page is the site's name (a theme's logo)."""
    links = h1.findall(".//a")
    if len(links) != 1:
        return False
    href = links[0].get("href")
    return links[0].get("rel") == "home" or (bool(href) and urlsplit(href or "").path in ("", "/"))


def _own_headline_links(meta: PageMeta) -> int:
    """Headline links outside the boxes beside the article (related stories, sidebar
    widgets, comments): a listing's teasers are its main content, an article's are not."""
    h1 = _only_h1(meta)
    if h1 is None:
        return 0
    return count_headline_links(h1.getroottree().getroot(), _BESIDE)


def in_chrome(el: etree._Element) -> bool:
    """The element sits in the site's navigation, a menu or the footer (by tag or role)."""
    return any(box.tag in _CHROME_TAGS or box.get("role") in _CHROME_ROLES
               for box in el.iterancestors())


def _chrome_box(box: etree._Element, words: re.Pattern[str] | None) -> bool:
    """Navigation, a menu or the footer, by tag, role, or class or id (and, given `words`,
    asides and boxes so named)."""
    if box.tag in _CHROME_TAGS or box.get("role") in _CHROME_ROLES:
        return True
    if words is not None and (box.tag == "aside" or box.get("role") == "complementary"):
        return True
    key = f"{box.get('class') or ''} {box.get('id') or ''}"
    return bool(key.strip()) and bool(_CHROME.search(key) or (words is not None and words.search(key)))


def headline_in_article(meta: PageMeta) -> bool:
    """The page's only <h1> sits in its only <article> (or an itemprop=articleBody / schema.org
    Article item) that holds at least a brief's text and fewer than three headline links."""
    h1 = _only_h1(meta)
    if h1 is None:
        return False
    for box in h1.iterancestors():
        if not isinstance(box, lxml.html.HtmlElement):
            continue
        if box.tag == "article":
            if sum(1 for _ in h1.getroottree().iter("article")) != 1:
                return False
        elif "articlebody" not in (box.get("itemprop") or "").lower() and \
                "article" not in (box.get("itemtype") or "").lower():
            continue
        return len(" ".join(box.text_content().split())) >= _BRIEF_CHARS + len(h1.text_content()) \
            and count_headline_links(box) < 3
    return False


def _canonical_is_home(meta: PageMeta) -> bool:
    """A canonical URL that is a site's root says the page is its home page (a malformed
    one, such as https://.example.com, says nothing)."""
    parts = urlsplit(meta.canonical or "")
    host = parts.hostname or ""
    return bool(host) and not host.startswith(".") and "." in host and parts.path in ("", "/") \
        and not _ITEM_QUERY.search(parts.query)


def has_dateline(meta: PageMeta) -> bool:
    """The page has exactly one <h1> and a date (a <time>, or date-like text) within the
    first few hundred characters after it — the headline and dateline of one article."""
    h1 = _only_h1(meta)
    if h1 is None:
        return False
    seen = 0
    for el in h1.xpath("following::*[position() <= 40]"):
        if not isinstance(el, lxml.html.HtmlElement) or el.tag in ("script", "style"):
            continue
        if el.tag == "time":
            return True
        if el.tag in ("h1", "h2"):
            return False
        chunk = " ".join(t for t in (el.text, el.tail) if t and t.strip())
        if chunk and _is_date_text(chunk):
            return True
        seen += len(chunk)
        if seen > _DATELINE_CHARS:
            return False
    return False


def _is_date_text(text: str) -> bool:
    if _NUMERIC_DATE.search(text):
        return True
    return bool(_YEAR.search(text)) and any(w.lower() in MONTH_WORDS for w in _WORD.findall(text))


def count_headline_links(body: etree._Element, words: re.Pattern[str] | None = None) -> int:
    """Links that are headings (<h2><a>) — many of them make a listing page. Headings in the
    site's menus and footer (and, with `words`, in boxes so named) are its chrome, on every
    page alike, not teasers. A heading inside the page's main column is content even when
    a layout wrapper further out carries a chrome-like name ("main-row nav-col")."""
    return sum(1 for h in body.iter("h2", "h3", "h4")
               if h.find(".//a") is not None and not _in_chrome_box(h, words))


def _in_chrome_box(el: etree._Element, words: re.Pattern[str] | None) -> bool:
    """Climbing from `el`, a chrome box comes before the main column (or none does)."""
    for box in el.iterancestors():
        if _chrome_box(box, words):
            return True
        if box.tag in ("main", "article") or box.get("role") == "main" or \
                _MAIN.search(f"{box.get('class') or ''} {box.get('id') or ''}"):
            return False
    return False
