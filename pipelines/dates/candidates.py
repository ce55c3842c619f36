"""Date candidates of a page: from its metadata pass (JSON-LD, meta tags, scripts), the URL,
and one walk of the document (``<time>``, bylines, text), each with a prior from its context:
site headers print *today's* date, related lists and comments print *their* dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import lxml.etree
import lxml.html

from pipelines.dates.parse import ParsedDate, find_dates, parse_date
from pipelines.dates.signals import (
    BLOCK_CUE_MAX,
    COPYRIGHT,
    COUNTER_AFTER,
    META_LOOSE,
    META_MODIFIED,
    META_PUBLISHED,
    MOD_CLASS,
    MOD_TEXT,
    NEG_CLASS,
    NEG_TAGS,
    POS_CLASS,
    PUB_TEXT,
    SOFT_CLASS,
    TEXT_MAX_CANDIDATES,
    W_BYLINE,
    W_CREATED,
    W_FIRST_TEXT,
    W_IMAGE,
    W_META_LOOSE,
    W_MODIFIED,
    W_NEGATIVE,
    W_PUBLISHED,
    W_SCRIPT,
    W_SOFT,
    W_TEXT,
    W_TIME,
    W_TIME_PUB,
    W_TIMESTAMP,
    W_URL,
    DateCandidate,
)
from pipelines.dates.urls import day_in, url_date
from pipelines.page.metadata import PageMeta, headline_element, read_metadata, walk_jsonld

# --- reading a candidate -----------------------------------------------------------------
EARLIEST = dt.date(1995, 1, 1)


@lru_cache(maxsize=4096)
def parse_cached(raw: str, hijri_offset: int, fallback: bool) -> ParsedDate | None:
    """The same stamps recur (JSON-LD and meta print one field twice; the early-exit check and
    the pick both read them): each string is parsed once. ParsedDate is immutable."""
    return parse_date(raw, hijri_offset=hijri_offset, fallback=fallback)


def parse_candidate(c: DateCandidate, hijri_offset: int) -> ParsedDate | None:
    structured = c.source in ("jsonld", "meta", "time", "url", "image", "selector", "script")
    # the fast path first, under the key the early-exit checks already cached it with
    parsed = parse_cached(c.raw, hijri_offset, False)
    if parsed is None and structured:
        parsed = parse_cached(c.raw, hijri_offset, True)
    if parsed is None and c.source in ("byline", "text", "selector") and len(c.raw) <= 40:
        # a dateline's "28.01.22 12:44": two-digit years are only read where a date is expected
        # (the scan kept such a string only from a byline or the line under the headline)
        found = find_dates(c.raw, hijri_offset=hijri_offset, short_years=True)
        parsed = found[0] if found else None
    return parsed


SHOWN = ("byline", "text", "time")  # what the page shows its readers
LATE_UTC_HOUR = 20  # from here a UTC+1 to +4 site's local day is the next one


def utc_edge(p: ParsedDate) -> int:
    """1 for a UTC stamp late in its day (the site's local day may be the next one), else 0.
    The mirror for UTC-3 to -8 (early UTC hours, the previous day) cost a page of the eval set
    without a time zone; with the site's zone known, `_in_site_zone` reads the local day."""
    if p.tz_offset != 0 or len(p.iso) <= 10:
        return 0
    return 1 if int(p.iso[11:13]) >= LATE_UTC_HOUR else 0


_JSONLD_FIELD = re.compile(
    r'"(datePublished|dateCreated|uploadDate|dateModified)"\s*:\s*"([^"]{6,40})"'
)


def _attrs_cue(el: lxml.html.HtmlElement) -> str:
    cls = el.get("class") or ""
    ident = el.get("id") or ""
    prop = el.get("itemprop") or ""
    if not (cls or ident or prop):
        return ""
    return f"{cls} {ident} {prop}".lower()


# --- structured data ---------------------------------------------------------------------------
def _jsonld_candidates(meta: PageMeta, out: list[DateCandidate]) -> None:
    for text in meta.ld_broken:
        # broken JSON is common (trailing commas, unescaped quotes): take the fields by regex
        if "date" in text:
            for field, value in _JSONLD_FIELD.findall(text):
                out.append(DateCandidate("jsonld", value, _jsonld_weight(field, "Article"), 0))
    main = _main_entity(meta)
    for doc in meta.ld_docs:
        for obj in walk_jsonld(doc):
            kind = obj.get("@type")
            kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
            for field in ("datePublished", "dateCreated", "uploadDate", "dateModified"):
                value = obj.get(field)
                if isinstance(value, str) and value.strip():
                    weight = _jsonld_weight(field, kind)
                    if field == "uploadDate" and obj is not main:
                        weight = min(weight, W_IMAGE)  # an embedded video's day, not the page's
                    out.append(DateCandidate("jsonld", value.strip()[:60], weight, 0))


def _main_entity(meta: PageMeta) -> object:
    """The page's own JSON-LD object: the first typed object of its first document. Media
    objects elsewhere (a video or image embedded in an article) carry their own upload days."""
    for doc in meta.ld_docs:
        for obj in walk_jsonld(doc):
            if obj.get("@type"):
                return obj
    return None


def _jsonld_weight(field: str, kind: str) -> float:
    if field == "dateModified":
        return W_MODIFIED
    article = re.search(r"Article|Posting|Report|NewsArticle|Blog|Review|Recipe|Video", kind)
    base = {"datePublished": W_PUBLISHED, "dateCreated": W_CREATED, "uploadDate": W_CREATED}[field]
    if not article:  # WebPage/Organization/ImageObject dates are weaker evidence
        base -= 2.0
    if kind in ("Comment", "Answer", "Question", "Person", "Event", "Offer"):
        base = W_NEGATIVE
    return base


def _meta_candidates(metas: list[lxml.html.HtmlElement], out: list[DateCandidate]) -> None:
    """<meta> tags, in the head or as microdata/RDFa in the body (itemprop, property)."""
    for meta in metas:
        content = meta.get("content")
        if not content or len(content) > 80:
            continue
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop")
               or meta.get("http-equiv") or "").strip().lower()
        if not key:
            continue
        if key.startswith(("schema:", "dc:", "dcterms:")) and key not in META_PUBLISHED:
            key = key.split(":", 1)[1]
        if key in META_PUBLISHED:
            weight = W_PUBLISHED if "creat" not in key else W_CREATED
        elif key in META_LOOSE:
            weight = W_META_LOOSE
        elif key in META_MODIFIED:
            weight = W_MODIFIED
        else:
            continue
        out.append(DateCandidate("meta", content.strip(), weight, 0))


def url_candidates(url: str | None) -> list[DateCandidate]:
    """A dated URL names the day (a strong candidate) or only the month (a tie-breaker)."""
    found = url_date(url)
    if found is None:
        return []
    text, is_day = found
    return [DateCandidate("url", text, W_URL if is_day else 0.0, 0)]


def _image_candidates(metas: list[lxml.html.HtmlElement], out: list[DateCandidate]) -> None:
    """The share image's path (/files/2016/05/04/x.png) names the day it was uploaded, which
    is the article's day as a rule: weak evidence, it wins only when nothing else speaks."""
    for meta in metas:
        if (meta.get("property") or meta.get("name")) not in ("og:image", "twitter:image"):
            continue
        day = day_in((meta.get("content") or "").split("://", 1)[-1])
        if day is not None:
            out.append(DateCandidate("image", day, W_IMAGE, 0))
            return


# --- the document walk -------------------------------------------------------------------------
# One XPath pass, in document order, over the nodes that can carry the page's date: headings
# (to know where the title is), <time>/<abbr>, elements with a class/id/itemprop (bylines) and
# text nodes; the node-set is built in C, the cheap filters below run in Python. Everything
# under the root but <head> is read: broken pages leave content after </body>, outside it.
# (descendant:: rather than //, which libxml2 walks as descendant-or-self::node()/child::)
# The title heading comes in as $title (found beforehand): the scan needs to know where it is
# but not the other headings, and every step costs a walk of the page.
_SCAN_STEPS = ("text()", "time", "abbr[@title]", "*[@itemprop][@content][not(self::meta)]")
_UNION = lxml.etree.XPath(
    " | ".join(f"/*/*[not(self::head)]/descendant::{step}" for step in _SCAN_STEPS) + " | $title")
_UNION_UNDER = lxml.etree.XPath(
    " | ".join(f"descendant::{step}" for step in _SCAN_STEPS) + " | $title")
# The union makes libxml2 merge node-sets, quadratic in their size: a page of 40,000 <span>s
# cost 1.6 s, one of a million would cost hours. A single walk with one predicate is linear
# (`count(. | $title) = 1` unites two single nodes, and only for headings: the title is an
# h1–h3, metadata.headline_element) but twice as slow on ordinary pages, which all have fewer
# than 30,000 nodes (benchmarks/data: median 1,500): the walk is for pages past that.
_SCAN_TEST = ("self::text() or self::time or self::abbr[@title]"
              " or self::*[@itemprop][@content][not(self::meta)]"
              " or ((self::h1 or self::h2 or self::h3) and boolean($title) and count(. | $title) = 1)")
_WALK = lxml.etree.XPath(f"/*/*[not(self::head)]/descendant::node()[{_SCAN_TEST}]")
_WALK_UNDER = lxml.etree.XPath(f"descendant::node()[{_SCAN_TEST}]")
_NODES = lxml.etree.XPath("count(descendant::node())")
UNION_MAX_NODES = 30_000


def _scan_page(tree: lxml.html.HtmlElement, title: list[lxml.html.HtmlElement]) -> Any:
    """The page's scan nodes in document order, $title among them."""
    return (_UNION if _NODES(tree) <= UNION_MAX_NODES else _WALK)(tree, title=title)


def _scan_under(region: lxml.html.HtmlElement, title: list[lxml.html.HtmlElement]) -> Any:
    """The same under one element."""
    return (_UNION_UNDER if _NODES(region) <= UNION_MAX_NODES else _WALK_UNDER)(region, title=title)


_BYLINE_DEPTH = 4  # how far above a date's text node a byline class may sit
# a 4-digit year (any script's digits: \d is Unicode) or a dd.mm.yy dateline; one leading \d
# lets the regex engine skip to digits in C, ~3x faster than an alternation per text node
_YEARISH = re.compile(r"\d(?:\d{3}|[./]\d\d(?!\d))")
_SKIP_PARENTS = {"script", "style", "noscript", "template", "textarea", "option", "select",
                 "title", "head"}


class _Context:
    """Prior of an element from its ancestors, memoised: (weight cap, inside the article,
    inside an element already taken whole as a byline)."""

    def __init__(self, title: lxml.html.HtmlElement | None) -> None:
        self.title_path = set(title.iterancestors()) | {title} if title is not None else set()
        self.memo: dict[lxml.html.HtmlElement, tuple[float, bool, bool, bool]] = {}
        self.taken: set[lxml.html.HtmlElement] = set()
        self.box = _title_box(title)

    def of(self, el: lxml.html.HtmlElement) -> tuple[float, bool, bool, bool]:
        hit = self.memo.get(el)
        if hit is not None:
            return hit
        chain = []
        node = el
        base = (0.0, False, False, False)
        while node is not None:
            hit = self.memo.get(node)
            if hit is not None:
                base = hit
                break
            chain.append(node)
            node = node.getparent()
        cap, in_article, taken, near = base
        for node in reversed(chain):
            tag = node.tag
            if not isinstance(tag, str) or tag in _SKIP_PARENTS:
                cap = -100.0
            elif tag not in ("html", "body"):
                cue = _attrs_cue(node)
                if tag in ("article", "main") or "articlebody" in cue:
                    in_article = True
                if node not in self.title_path:
                    if tag in NEG_TAGS and not in_article:
                        cap = min(cap, W_SOFT)
                    elif tag in ("header", "footer") and not in_article:
                        cap = min(cap, W_NEGATIVE / 2)
                    if cue and NEG_CLASS.search(cue):
                        cap = min(cap, W_NEGATIVE)
                    elif cue and SOFT_CLASS.search(cue):
                        cap = min(cap, W_SOFT)
            if node in self.taken:
                taken = True
            if node is self.box:
                near = True
            self.memo[node] = (cap, in_article, taken, near)
        return self.memo[el]


def _headline_block(
    title: lxml.html.HtmlElement | None, *, climbs: int, max_children: int | None = None
) -> lxml.html.HtmlElement | None:
    """The block around the headline: its parent, or higher (up to `climbs` steps) while that
    only wraps the title and one more element. None when that reaches <body>, or when it has
    more than `max_children` children (too big to be the headline's own block)."""
    if title is None:
        return None
    block = title.getparent()
    for _ in range(climbs):
        if block is None or block.tag in ("body", "html"):
            return None
        if len(block) > 2:
            break
        block = block.getparent()
    if block is None or block.tag in ("body", "html"):
        return None
    if max_children is not None and len(block) > max_children:
        return None
    return block


def _title_box(title: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement | None:
    """A date inside the small block around the title is the article's dateline."""
    return _headline_block(title, climbs=2, max_children=12)


@dataclass(slots=True)
class _Scan:
    out: list[DateCandidate]
    ctx: _Context
    title: lxml.html.HtmlElement | None = None
    first_near_done: bool = False
    seen_title: bool = False
    first_text_done: bool = False
    text_count: int = 0


def _byline_ancestor(node: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement, str] | None:
    """The nearest ancestor (a few levels up) whose class/id/itemprop says date/byline."""
    el = node
    for _ in range(_BYLINE_DEPTH):
        if el is None or el.tag in ("body", "article", "main", "html"):
            return None
        cue = _attrs_cue(el)
        if cue and POS_CLASS.search(cue):
            return el, cue
        el = el.getparent()
    return None


_SCRIPT_FIELD = re.compile(
    r'"(datePublished|publishedDate|published_at|publishDate|publicationDate|pubDate'
    r'|firstPublished|createdAt|created_at|dateCreated)"\s*:\s*"(\d{4}-\d\d-\d\d[^"]{0,30})"'
)


def _script_candidates(scripts: list[lxml.html.HtmlElement], out: list[DateCandidate]) -> None:
    """Publication fields in a page's inline JavaScript state (apps that render in the browser
    keep the article's metadata there); the first of each page counts, weaker than meta tags."""
    for script in scripts:
        text = script.text
        if not text or '"' not in text or script.get("type") == "application/ld+json":
            continue
        m = _SCRIPT_FIELD.search(text)
        if m is not None:
            weight = W_SCRIPT if "creat" not in m.group(1).lower() else W_SCRIPT - 1.0
            out.append(DateCandidate("script", m.group(2), weight, 0))
            return


def _nodeset(el: lxml.html.HtmlElement | None) -> list[lxml.html.HtmlElement]:
    return [] if el is None else [el]


def _dateline_region(title: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement | None:
    """The block that holds the headline and its dateline (read first, before the page)."""
    return _headline_block(title, climbs=3)


def _scan_nodes(
    nodes: Iterable[Any], out: list[DateCandidate], title: lxml.html.HtmlElement | None,
    settles: Callable[[list[DateCandidate]], bool] | None = None,
) -> bool:
    """Read the scan's nodes in document order into candidates; with ``settles``, stop as soon
    as the candidates found so far settle the page's date (True)."""
    state = _Scan(out, _Context(title), title)
    tried: set[lxml.html.HtmlElement] = set()
    seen = len(out)
    for pos, node in enumerate(nodes, start=1):
        if settles is not None and len(out) > seen:
            if settles(out):
                return True
            seen = len(out)
        if isinstance(node, str):  # a text node ("smart string" knows its parent)
            if state.text_count >= TEXT_MAX_CANDIDATES or not _YEARISH.search(node):
                continue
            parent = node.getparent()  # type: ignore[attr-defined]
            if parent is not None and node.is_tail:  # type: ignore[attr-defined]  # a tail belongs to the element's parent
                parent = parent.getparent()
            if parent is None:
                continue
            cap, in_article, taken, near = state.ctx.of(parent)
            if taken or cap <= -100.0:
                continue
            byline = _byline_ancestor(parent) if cap > W_NEGATIVE / 2 else None
            if byline is not None and byline[0] not in tried:
                tried.add(byline[0])
                if _byline_candidate(byline[0], state, cap, byline[1], pos):
                    state.ctx.taken.add(byline[0])
                    for el in byline[0].iter():  # its text must not count again as text
                        state.ctx.memo.pop(el, None)
                    continue
            if len(node) >= 6:
                _text_candidates(str(node), state, cap, in_article, pos, near)
            continue
        if node is title:
            state.seen_title = True
            continue
        tag = node.tag
        if node.get("itemprop") and node.get("content"):  # microdata on a body element
            _meta_candidates([node], out)
            if tag != "time":
                continue
        if tag == "time" or tag == "abbr":
            cap, _, taken, _ = state.ctx.of(node)
            if not taken and cap > -100.0:
                _time_candidate(node, state, cap, _attrs_cue(node), pos)
    return settles is not None and len(out) > seen and settles(out)


def _time_candidate(el: lxml.html.HtmlElement, state: _Scan, ctx: float, cue: str, pos: int) -> None:
    value = el.get("datetime") or el.get("title") or el.text_content()
    if not value or not value.strip():
        return
    if el.tag == "abbr" and "published" not in cue and "date" not in cue:
        return
    if "datemodified" in cue or MOD_CLASS.search(cue):
        weight = W_MODIFIED
    elif el.get("pubdate") is not None or "datepublished" in cue or "publish" in cue:
        weight = W_TIME_PUB
    else:
        weight = W_TIME
    if ctx < 0:
        weight = min(weight, ctx)
    state.out.append(DateCandidate("time", " ".join(value.split())[:80], weight, pos))


def _byline_candidate(el: lxml.html.HtmlElement, state: _Scan, ctx: float, cue: str, pos: int) -> bool:
    if len(el) > 12:
        return False
    text = " ".join(" ".join(el.itertext()).split())
    if not text or len(text) > BLOCK_CUE_MAX:
        return False
    dates = find_dates(text, short_years=True)
    if not dates:
        return False
    modified = bool(MOD_CLASS.search(cue))
    for d in dates[:2]:
        before = text[max(0, d.start - 40):d.start]
        if COPYRIGHT.search(text):
            break
        weight = W_BYLINE
        if "datepublished" in cue or "publish" in cue or PUB_TEXT.search(before):
            weight += 2.0
        if modified or MOD_TEXT.search(before):
            weight = W_MODIFIED
        if ctx < 0:
            weight = min(weight, ctx)
        state.out.append(DateCandidate("byline", d.raw, weight, pos))
    return True


def _text_candidates(
    text: str, state: _Scan, ctx: float, in_article: bool, pos: int, near: bool
) -> None:
    short = near and not state.first_near_done and len(text) < 80
    for d in find_dates(text[:2000], short_years=short):
        if state.text_count >= TEXT_MAX_CANDIDATES:
            return
        state.text_count += 1
        before = text[max(0, d.start - 40):d.start]
        if COPYRIGHT.search(before) or COUNTER_AFTER.match(text, d.end):
            continue
        weight = W_TEXT
        if MOD_TEXT.search(before):
            weight = W_MODIFIED - 1.0
        elif PUB_TEXT.search(before):
            weight = W_BYLINE
        elif near and not state.first_near_done:
            weight = W_FIRST_TEXT + 1.0  # next to the headline: the dateline
            state.first_near_done = True
        elif state.ctx.box is None and state.title is None and not state.first_text_done:
            weight = W_FIRST_TEXT - 1.0  # no title to orient by: the first date, weakly
        elif not state.seen_title and not in_article:
            weight = W_NEGATIVE / 2  # above the title, outside the article: a site header
        elif state.seen_title and not state.first_text_done:
            weight = W_FIRST_TEXT  # the first date under the title is usually the byline
        if weight >= W_TEXT and state.seen_title and len(d.iso) > 10:
            weight = max(weight, W_TIMESTAMP)  # a date with its clock time is a stamp, not prose
        if ctx < 0:
            weight = min(weight, ctx)
        if (state.seen_title or state.title is None) and ctx >= 0:
            state.first_text_done = True
        state.out.append(DateCandidate("text", d.raw, weight, pos))


def _structured_is_decisive(cands: list[DateCandidate]) -> bool:
    """An article's own structured "published" date that the URL does not contradict cannot be
    outranked by anything in the body, so the body need not be read (htmldate's early exit)."""
    url_day = next((c.raw for c in cands if c.source == "url" and len(c.raw) == 10), None)
    latest = dt.date.today() + dt.timedelta(days=1)
    published: set[str] = set()
    modified: set[str] = set()
    for c in cands:
        if c.source in ("jsonld", "meta") and (c.weight >= W_CREATED or c.weight == W_MODIFIED):
            p = parse_cached(c.raw, 0, False)
            if p is not None:
                (published if c.weight >= W_CREATED else modified).add(p.iso[:10])
    if published and any(day > max(published) for day in modified):
        return False  # which of the two the page shows decides (see _shown_modified)
    for c in cands:
        if c.source in ("jsonld", "meta") and c.weight >= W_PUBLISHED:
            p = parse_cached(c.raw, 0, False)
            if p is None or not EARLIEST <= dt.date.fromisoformat(p.iso[:10]) <= latest:
                continue
            if utc_edge(p):
                return False  # a late UTC stamp: the site's local day may be the next one
            return url_day is None or url_day == p.iso[:10]
    return False


def _structured_days(cands: list[DateCandidate]) -> set[str]:
    """The days the page's structured data and URL name (a late UTC stamp also its next day,
    the site's local one) when they leave the choice open: published vs modified, a URL that
    disagrees, no "published" field at all. The headline's dateline shows which one the page
    presents; when it shows one of them, the rest of the body cannot change the pick's day."""
    days: set[str] = set()
    for c in cands:
        if c.source not in ("jsonld", "meta", "script", "url") or c.weight < W_MODIFIED:
            continue
        if c.source == "url" and len(c.raw) != 10:
            continue
        p = parse_cached(c.raw, 0, c.source != "url")
        if p is None:
            continue
        day = p.iso[:10]
        days.add(day)
        edge = utc_edge(p)
        if edge:
            days.add((dt.date.fromisoformat(day) + dt.timedelta(days=edge)).isoformat())
    return days


def _has_dateline(cands: list[DateCandidate]) -> bool:
    """A date in a byline element or a <time> with full weight, in the headline's own block:
    with no structured date to check it against, the page's dateline, which nothing further
    down (body text, sidebars, related lists, comments) outranks."""
    return any(c.source in ("byline", "time") and c.weight >= W_BYLINE for c in cands)


def _shown_days_of(cands: list[DateCandidate]) -> set[str]:
    """Days the candidates show readers with positive support (see _shown_days)."""
    days: set[str] = set()
    for c in cands:
        if c.source in SHOWN and c.weight > 0:
            p = parse_candidate(c, 0)
            if p is not None:
                days.add(p.iso[:10])
    return days


def collect_candidates(
    tree: lxml.html.HtmlElement, url: str, meta: PageMeta | None = None
) -> list[DateCandidate]:
    """Candidates from JSON-LD, meta tags, <time>, the URL, bylines and page text, each with a
    prior from its context (header 'today' dates, counters, related and comment dates get a
    strongly negative weight). `meta` is the page's metadata pass, read here if not given."""
    out: list[DateCandidate] = []
    if tree is None:
        return out
    try:
        if meta is None:
            meta = read_metadata(tree, url)
        metas = meta.metas
        _jsonld_candidates(meta, out)
        _meta_candidates(metas, out)
        canonical = url
        if not canonical or not day_in(canonical):
            for href in (meta.canonical, meta.og_url):
                if href and day_in(href):
                    canonical = href
                    break
        out.extend(url_candidates(canonical or url))
        _image_candidates(metas, out)
        if not _structured_is_decisive(out):
            _script_candidates(meta.scripts, out)
            days = _structured_days(out)
            title = headline_element(meta)
            region = _dateline_region(title)
            if region is not None:
                near: list[DateCandidate] = []
                if days:  # the first dateline that shows one of them settles it
                    def settles(cands: list[DateCandidate]) -> bool:
                        return bool(days & _shown_days_of(cands))

                    settled = _scan_nodes(_scan_under(region, title=[title]), near, title, settles)
                else:  # the block's datelines compete: all of them are read
                    _scan_nodes(_scan_under(region, title=[title]), near, title)
                    settled = _has_dateline(near)
                if settled:
                    out.extend(near)
                    return out
            _scan_nodes(_scan_page(tree, title=_nodeset(title)), out, title)
    except (ValueError, TypeError, RecursionError, lxml.etree.XPathError):
        pass  # broken markup: keep what was collected
    return out


def candidates_from_lines(lines: list[str], title_index: int | None) -> list[DateCandidate]:
    """Candidates from a page rendered to plain text. Lines above the title are the site header
    (today's date, visit counters); the first dated line right under the title is the byline."""
    out: list[DateCandidate] = []
    start = title_index + 1 if title_index is not None else 0
    byline_found = False
    for i, line in enumerate(lines):
        if not line or not any(c.isdigit() for c in line):
            continue
        for d in find_dates(line):
            before = line[max(0, d.start - 40):d.start]
            if COPYRIGHT.search(before):
                continue
            above_title = title_index is not None and i < start
            if above_title or COUNTER_AFTER.match(line, d.end):
                weight = W_NEGATIVE
            elif not byline_found and i - start <= 3 and len(line.strip()) <= 120:
                weight = W_BYLINE + 2.0
            elif title_index is None and len(line.strip()) <= 60:
                weight = W_BYLINE - 2.0
            else:
                weight = W_TEXT
            if MOD_TEXT.search(before):
                weight = min(weight, W_MODIFIED)
            if weight >= W_BYLINE and not above_title:
                byline_found = True
            out.append(DateCandidate("byline" if weight >= W_BYLINE - 2.0 else "text",
                                     d.raw, weight, i))
    return out


