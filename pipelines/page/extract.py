"""HTML page -> headline, main-text blocks, metadata and page kind.

One fast lxml pass, in the spirit of readability and trafilatura but written for speed:

1. read metadata (OpenGraph, JSON-LD, ``<title>``, ``<h1>``) and the page's visible text
   blocks (``page_blocks``, what the per-site template learns from);
2. prune what is never article text: scripts, forms controls, hidden elements, navigation
   and asides, and elements whose class/id names them as share bars, comments, related
   lists, ads and such (unless they hold most of the page's text, i.e. are a wrapper);
3. cut the remaining body into text units (a paragraph-like element's own text, nested
   blocks become their own units) and score containers by the prose they hold (length,
   commas, few links), readability-style; pick the best container, widen it to the
   ancestor that holds clearly more prose when what that adds is prose too (an article cut
   into sections, steps or chunks), and add sibling containers that carry prose;
4. clean the chosen units: link lists, captions, date/byline lines, generic furniture.

When the pass finds too little prose it falls back to trafilatura on the pruned tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
from lxml import etree

from pipelines.page.furniture import is_date_only, is_generic_furniture
from pipelines.page.kind import count_headline_links, page_kind
from pipelines.page.language import detect_language
from pipelines.page.metadata import PageMeta, headline_text, read_metadata, same_text, text_of
from pipelines.page.select import select

__all__ = ["ExtractedPage", "ExtractionRules", "extract"]


@dataclass(slots=True)
class ExtractedPage:
    title: str | None
    blocks: list[str]
    language: str | None
    canonical_url: str | None
    site_name: str | None
    description: str | None
    author: str | None
    kind: str
    title_index: int | None = None
    # Every visible text block of the page (not only the main content), in order. The
    # per-site template learns from these: a block repeating across the site's pages is
    # furniture wherever the main-content pass happened to put it.
    page_blocks: list[str] = field(default_factory=list)
    #: The profile's body selector matched nothing here (the text was found automatically):
    #: on every page of a site, the selector is wrong and the operator should hear of it.
    body_selector_missed: bool = False


@dataclass(slots=True)
class ExtractionRules:
    title_selector: str | None = None
    body_selector: str | None = None
    drop_selectors: list[str] = field(default_factory=list)
    drop_patterns: list[str] = field(default_factory=list)


# --- element vocabularies ------------------------------------------------------------------

_DROP_TAGS = {
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
    "canvas", "button", "select", "input", "textarea", "option", "label", "link", "meta",
    "video", "audio", "map", "picture", "source", "dialog", "head", "title",
}
_STRUCTURAL_DROP = {"nav", "aside", "footer", "header", "menu", "figcaption", "form"}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tbody", "thead", "tfoot", "tr",
    "td", "th", "figure", "figcaption", "header", "footer", "aside", "nav", "form",
    "fieldset", "address", "center", "details", "summary", "hr", "body", "caption", "menu",
    "hgroup", "legend", "output", "noscript",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

_NEG = re.compile(
    r"comment|disqus|share(?!d(?:$|[\s_-]))|sharing|social|related|recommend|newsletter|subscri|signup|"
    r"sign-up|promo|sponsor|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|adslot|adunit|dfp|banner|"
    r"sidebar|side-bar|(?:^|\s)widget|footer|masthead|navbar|(?:^|[\s_-])nav(?:$|[\s_-])|navigation|"
    r"(?:^|[\s_-])menu|breadcrumb|cookie|popup|modal|outbrain|taboola|byline|author|(?:^|[\s_-])tags?"
    r"(?:$|[\s_-])|tag-?list|pagination|pager|toolbar|rating|more-?stories|most-?popular|"
    r"trending|caption|credit|(?:^|[\s_-])skip|carousel|slideshow|gallery|"
    r"sr-only|screen-reader|visually-?hidden|(?:^|[\s_-])follow|(?:^|[\s_-])topics|"
    r"keywords|(?:^|[\s_-])meta(?:$|[\s_-])|(?:^|[\s_-])date|timestamp|dateline|login|"
    r"signin|print|tooltip|(?:^|[\s_-])hide(?:$|[\s_-])|disclaimer|newsletter|teaser|overlay|"
    r"(?:^|[\s_-])(?:rail|aside|promo|cta|paid|partner)(?:$|[\s_-])",
    re.I)
_POS = re.compile(
    r"article|(?:^|[\s_-])body|content|entry|(?:^|[\s_-])main|(?:^|[\s_-])post|story|"
    r"(?:^|[\s_-])text|blog|hentry|prose|rich-?text|column", re.I)
_STRONG_POS = re.compile(
    # words joined by hyphens or underscores alike (article_content, article__body)
    r"article[-_]{0,2}(?:body|content|text)|story[-_]{0,2}(?:body|content)|"
    r"entry[-_]{0,2}content|post[-_]{0,2}(?:content|body|text)|body[-_]{0,2}text|"
    r"main[-_]{0,2}content|field[-_]body|single[-_]content|text[-_]{0,2}content", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SENTENCE_END = re.compile(r"[.!?؟۔…»”\"')\]]\s*$")


#: Class tokens of a layout wrapper around the content and its sidebar (Genesis's
#: content-sidebar-wrap, has-sidebar, a BEM page--with-sidebar modifier).
_HAS_SIDEBAR = re.compile(r"\S*(?:content[-_]+sidebar|sidebar[-_]+content|(?:has|with|--w)[-_]*"
                          r"sidebar)\S*")
_TAXONOMY = re.compile(r"(?:^|\s)(?:tag|category)-\S+")
#: The marks post_class() gives a post's element (themes may drop "hentry", not the others).
_WP_POST = re.compile(r"(?:^|\s)(?:hentry|type-post|status-publish)(?:\s|$)")


def _attr_key(el: etree._Element) -> str:
    return _key(el.get("class"), el.get("id"))


@lru_cache(maxsize=8192)
def _key(cls: str | None, id_: str | None) -> str:
    """Class and id words to match against the role vocabularies. An id that is a slug of a
    phrase (4+ words, as generated from a section's heading: "sharing-with-a-team") names
    its content, not its role, so it is left out. Cached across pages, as `_classify` is:
    a site's templates repeat the same class strings on every element they style."""
    if id_ and id_.count("-") + id_.count("_") >= 3:
        id_ = None
    if cls and "sidebar" in cls:  # a layout that has a sidebar is not the sidebar
        cls = _HAS_SIDEBAR.sub("", cls)
    if cls and _WP_POST.search(cls):  # WordPress's post_class() adds tag-<slug> and
        cls = _TAXONOMY.sub("", cls)  # category-<slug>: what the post is about, not the box
    return f"{cls or ''} {id_ or ''}".strip()




# --- blocks --------------------------------------------------------------------------------


class _Unit:
    """A run of text owned by one block element (its nested blocks are separate units)."""

    __slots__ = ("el", "text", "links", "tag")

    def __init__(self, el: etree._Element, text: str, links: int) -> None:
        self.el = el
        self.text = text
        self.links = links
        self.tag = el.tag


#: A link whose text is a written-out address: the author pasted it into the text (menus
#: and story lists link words, never addresses), so it is not link text.
_WRITTEN_URL = re.compile(r"\s*(?:https?://|www\.)\S+\s*$")


class _Buf:
    """Text pieces collected for the block element that currently owns inline text."""

    __slots__ = ("content", "el", "excluded", "links", "page")

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        self.page: list[str] = []
        self.content: list[str] = []
        self.links = 0
        self.excluded = False  # some piece is page text but not content text

    def add(self, text: str, excluded: bool, link: bool) -> None:
        """Callers skip empty text themselves: most tails are None, a call costs more.

        Whitespace that opens a buffer is dropped: a block's text is whitespace-collapsed and
        stripped, so it can never show, and most of a page's text nodes are the indentation
        between its block tags (which, kept, cost a buffer flush that emits nothing)."""
        if not self.page and text.isspace():
            return
        self.page.append(text)
        if excluded:
            self.excluded = True
            return
        self.content.append(text)
        if link and not _WRITTEN_URL.match(text):
            self.links += len(text.strip())

    def flush(self, walk: _Walk) -> None:
        """Emit the collected text; callers only call it when ``page`` holds something
        (an empty buffer has nothing to emit and nothing to reset)."""
        # " ".join(s.split()) collapses whitespace like re.sub(r"\s+", " ", s).strip()
        text = " ".join("".join(self.page).split())
        if text:
            walk.page_blocks.append(text)
            if self.content:
                if self.excluded:
                    text = " ".join("".join(self.content).split())
                if text:
                    walk.units.append(_Unit(self.el, text, min(self.links, len(text))))
        self.page = []
        self.content = []
        self.links = 0
        self.excluded = False


@lru_cache(maxsize=32768)
def _classify(key: str) -> tuple[bool, bool, bool]:
    """(negative, positive, strongly positive) for a class/id string; cached across pages."""
    return bool(_NEG.search(key)), bool(_POS.search(key)), bool(_STRONG_POS.search(key))


class _Walk:
    """One pass over the body: page blocks (everything visible) and content units (unpruned).

    Pruned = never article text: form controls, hidden elements, navigation/asides, and
    elements whose class/id names them as furniture, unless such an element holds most of
    the page's text (then it is a wrapper that merely carries an unlucky class name).
    """

    def __init__(self, total_chars: int, prune: bool) -> None:
        self.page_blocks: list[str] = []
        self.units: list[_Unit] = []
        self.protect = 0.5 * total_chars
        self.prune = prune

    def pruned(self, el: etree._Element, tag: str) -> bool:
        if not self.prune:
            return False
        attrib = el.attrib
        if not attrib:  # most elements carry no attributes: only the tag can tell
            return tag in _STRUCTURAL_DROP and len(el.text_content()) <= self.protect
        get = attrib.get
        if get("hidden") is not None or get("aria-hidden") == "true":
            return True
        style = get("style")
        if style and _HIDDEN_STYLE.search(style):
            return True
        if get("itemprop") == "articleBody":
            return False
        if tag in _STRUCTURAL_DROP:
            return len(el.text_content()) <= self.protect
        key = _key(get("class"), get("id"))
        if not key or tag in ("body", "html"):
            return False
        neg, pos, strong = _classify(key)
        if not neg or strong:
            return False
        return not ((pos or len(el)) and len(el.text_content()) > self.protect)

    def walk(self, el: etree._Element, owner: _Buf, pruned: bool, in_link: bool) -> None:
        tag = el.tag
        if tag.__class__ is not str or tag in _DROP_TAGS:  # comments/PIs have no str tag
            tail = el.tail
            if tail:
                owner.add(tail, pruned, in_link)
            return
        me_pruned = pruned or (self.prune and self.pruned(el, tag))
        if tag in _BLOCK_TAGS:
            if owner.page:
                owner.flush(self)
            me = _Buf(el)
            text = el.text
            if text:
                me.add(text, me_pruned, in_link)
            walk = self.walk
            for child in el:
                walk(child, me, me_pruned, in_link)
            if me.page:
                me.flush(self)
        elif tag == "br":  # a line break ends a block: old layouts separate paragraphs so
            if owner.page:
                owner.flush(self)
        else:
            link = in_link or tag == "a"
            text = el.text
            if text:
                owner.add(text, me_pruned, link)
            walk = self.walk
            for child in el:
                walk(child, owner, me_pruned, link)
        tail = el.tail
        if tail:
            owner.add(tail, pruned, in_link)


def _units(root: etree._Element, *, prune: bool, total_chars: int = 0) -> _Walk:
    w = _Walk(total_chars, prune)
    buf = _Buf(root)
    if root.text:
        buf.add(root.text, False, False)
    for child in root:
        w.walk(child, buf, False, False)
    if buf.page:
        buf.flush(w)
    return w


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# --- scoring -------------------------------------------------------------------------------


def _unit_score(u: _Unit) -> float:
    n = len(u.text)
    if n < 25:
        return 0.0
    ld = u.links / n
    if ld > 0.5:
        return 0.0
    commas = u.text.count(",") + u.text.count("،") + u.text.count("、")
    return (1 + commas + min(n / 100, 3)) * (1 - ld)


def _class_weight(el: etree._Element) -> float:
    key = _attr_key(el)
    if not key:
        return 0.0
    neg, pos, strong = _classify(key)
    w = 0.0
    if strong or el.get("itemprop") == "articleBody":
        w += 30
    elif pos:
        w += 10
    if neg:
        w -= 15
    return w


# Text nodes with a link above them, rather than `a//text()`: libxml2 merges the node-set of
# each link into the result, quadratic in the links (200,000 links cost minutes per page).
_LINK_TEXT = etree.XPath("descendant::text()[ancestor::a]", smart_strings=False)
_NESTED_LINK = etree.XPath("boolean(descendant-or-self::a//a)")
_IN_LINK = etree.XPath("boolean(ancestor::a)")


def _link_chars(el: etree._Element) -> int:
    """Characters of link text in ``el``, each link counted whole (a link nested in another
    counts twice); one XPath call instead of a proxy and text_content() per link."""
    if _NESTED_LINK(el) or _IN_LINK(el):  # (a link above `el` is not one of its links)
        return sum(len(a.text_content()) for a in el.iter("a"))
    return sum(map(len, _LINK_TEXT(el)))


_PARAGRAPHS = frozenset(("p", "pre", "blockquote", "li", "dd"))


def _choose(units: list[_Unit]) -> tuple[etree._Element | None, dict[etree._Element, float]]:
    scores: dict[etree._Element, float] = {}
    get = scores.get
    for u in units:
        s = _unit_score(u)
        if not s:
            continue
        # a paragraph scores for its container, other blocks for themselves; then the
        # score goes up two more levels at a half and a quarter
        anc = u.el.getparent() if u.tag in _PARAGRAPHS else u.el
        for share in (s, s / 2, s / 4):
            if anc is None:
                break
            scores[anc] = get(anc, 0.0) + share
            anc = anc.getparent()
    if not scores:
        return None, scores
    best, best_score = None, 0.0
    for el, s in sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:8]:
        total = len(el.text_content()) or 1
        links = _link_chars(el)
        adjusted = (s + _class_weight(el)) * (1 - min(links / total, 1))
        if adjusted > best_score:
            best, best_score = el, adjusted
    return best, scores


_DIGITS = re.compile(r"\d+")


def _siblings(best: etree._Element, scores: dict[etree._Element, float]) -> set[etree._Element]:
    chosen = {best}
    parent = best.getparent()
    if parent is None:
        return chosen
    top = scores.get(best, 0.0)
    threshold = max(10.0, top * 0.2)
    best_class = best.get("class")
    if best_class:
        # Articles cut into chunks (around ads, embeds) repeat the container's class name,
        # numbered or not (story-body-1, story-body-2): other elements with the same tag and
        # class that carry prose belong to the text too, a short chunk as well as a long one.
        chunk = _DIGITS.sub("", best_class)
        for el, s in scores.items():
            if (el is not best and el.tag == best.tag and s >= threshold
                    and _DIGITS.sub("", el.get("class") or "") == chunk
                    and not _within(el, chosen) and not _within(best, {el})):
                chosen.add(el)
    for sib in parent:
        if sib is best or not isinstance(sib.tag, str):
            continue
        s = scores.get(sib, 0.0)
        if best_class and sib.get("class") == best_class:
            s += top * 0.2
        if s >= threshold:
            chosen.add(sib)
        elif sib.tag == "p":
            txt = text_of(sib)
            links = _link_chars(sib)
            if len(txt) > 80 and links / len(txt) < 0.25:
                chosen.add(sib)
            elif 0 < len(txt) <= 80 and links == 0 and _SENTENCE_END.search(txt):
                chosen.add(sib)
    return chosen


#: How far above the best container the text may still continue (wrappers, sections).
_CLIMB_LEVELS = 5
_LINKED_HEADS = frozenset(("h2", "h3", "h4", "li"))


def _declares_article(el: etree._Element) -> bool:
    """The page itself says this element is the article (``<article>``, articleBody): the
    text does not continue outside it. (Class names do not count: pages cut one body into
    several ``article-body`` chunks.)"""
    return bool(el.tag == "article" or el.get("itemprop") == "articleBody")


def _is_teaser(u: _Unit) -> bool:
    """A heading that is mostly a link, or a list item of prose that opens with its link (a
    headline and a summary): what lists of other stories are made of. A plain link list
    ("See also") is neither: the link density judges it."""
    n = len(u.text)
    if u.tag != "li":
        return 2 * u.links >= n
    if n < 80:
        return False
    el = u.el
    while not (el.text or "").strip() and len(el) and isinstance(el[0].tag, str):
        el = el[0]
        if el.tag == "a":
            return True
    return False


def _widen(best: etree._Element, units: list[_Unit]) -> etree._Element:
    """The article may span several blocks (sections under headings, steps, a table beside
    the prose, the text around an embed): climb to the ancestor that holds clearly more
    prose than ``best`` while what it adds stays prose (few links, mostly long units, no
    run of linked headings or list items, which is a set of teasers)."""
    chain = [best]
    if not _declares_article(best):
        for anc in best.iterancestors():
            if len(chain) > _CLIMB_LEVELS or anc.tag in ("body", "html"):
                break
            chain.append(anc)
            if _declares_article(anc):
                break
    if len(chain) == 1:
        return best
    level = {el: i for i, el in enumerate(chain)}
    top = len(chain)
    prose = [0] * top  # per level: chars of prose units first reached at that level
    text = [0] * top
    links = [0] * top
    teasers = [0] * top  # linked headings and list items that start with their link
    for u in units:
        el = u.el
        while el is not None and el not in level:
            el = el.getparent()
        if el is None:
            continue
        i = level[el]
        n = len(u.text)
        text[i] += n
        links[i] += u.links
        if u.links and u.tag in _LINKED_HEADS and _is_teaser(u):
            teasers[i] += 1
        if _unit_score(u):
            prose[i] += n
    # the links of what the climb adds are judged on their own: a link-heavy best block (a
    # reference list) must not excuse link lists around it, nor hide the prose it sits in
    root, base = best, prose[0]
    p_add = t_add = l_add = n_teasers = 0
    for i in range(1, top):
        p_add += prose[i]
        t_add += text[i]
        l_add += links[i]
        n_teasers += teasers[i]
        if t_add and (l_add / t_add > 0.25 or n_teasers >= 2
                      or prose[0] + p_add < 0.6 * (text[0] + t_add)):
            break  # what lies around is link lists, teasers or short furniture
        if prose[0] + p_add >= 1.5 * base + 100:
            root, base = chain[i], prose[0] + p_add
    return root


def _within(el: etree._Element | None, roots: set[etree._Element]) -> bool:
    while el is not None:
        if el in roots:
            return True
        el = el.getparent()
    return False


# --- public --------------------------------------------------------------------------------


def _body(tree: lxml.html.HtmlElement) -> etree._Element:
    root = tree.getroottree().getroot()
    body = root.find("body")
    if body is None:
        body = root.find(".//body")
    return body if body is not None else root


def _dedupe_title(blocks: list[str], title: str | None) -> list[str]:
    if not title:
        return blocks
    return [b for b in blocks if not same_text(b, title)]


#: Under this many characters of main text, tarikh's own pass has failed: ask trafilatura.
FALLBACK_BELOW = 200


def _fallback(tree: lxml.html.HtmlElement) -> list[str]:
    """A second opinion when tarikh's own pass found almost nothing: trafilatura, precise
    first; when that finds almost nothing too, its default (recall) mode, since a page whose
    text both precise passes missed is better served by recall (Blogger and CMS pages whose
    text sits in widgets gave 12 characters precise, 3,851 default)."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover
        return []
    lines: list[str] = []
    for precise in (True, False):
        try:
            text = trafilatura.extract(tree, include_comments=False, favor_precision=precise) or ""
        except Exception:  # noqa: BLE001 - the fallback must never break the pass
            return lines
        lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
        if sum(map(len, lines)) >= FALLBACK_BELOW:
            break
    return lines


def _clean_units(units: list[_Unit], title: str | None) -> list[str]:
    blocks: list[str] = []
    for u in units:
        t = u.text
        n = len(t)
        if u.links and u.links / n > (0.3 if n < 80 else 0.5):
            continue
        if n < 120 and (is_date_only(t) or is_generic_furniture(t)):
            continue
        blocks.append(t)
    return _dedupe_title(blocks, title)


def extract(tree: lxml.html.HtmlElement, url: str, *, rules: ExtractionRules | None = None,
            meta: PageMeta | None = None) -> ExtractedPage:
    """Extract the article from a parsed page. May modify ``tree``, so `meta` (which the date
    candidates share) must be read before."""
    url = url or ""
    if meta is None:
        meta = read_metadata(tree, url)
    body = _body(tree)
    title = None
    if rules and rules.title_selector:
        found = select(tree, rules.title_selector)
        title = text_of(found[0]) if found else None
    title = title or headline_text(meta, url)

    if rules:
        for sel in rules.drop_selectors or []:
            for el in select(tree, sel):
                _drop(el)
    containers = select(tree, rules.body_selector) if rules and rules.body_selector else []
    if containers:
        page_blocks = _units(body, prune=False).page_blocks
        units: list[_Unit] = []
        for c in containers:
            units.extend(_units(c, prune=False).units)
        blocks = _clean_units(units, title)
    else:
        w = _units(body, prune=True, total_chars=len(body.text_content()))
        page_blocks = w.page_blocks
        best, scores = _choose(w.units)
        blocks = []
        if best is not None:
            roots = _siblings(_widen(best, w.units), scores)
            blocks = _clean_units([u for u in w.units if _within(u.el, roots)], title)
        if sum(len(b) for b in blocks) < FALLBACK_BELOW:
            alt = _dedupe_title(_fallback(tree), title)
            if sum(len(b) for b in alt) > sum(len(b) for b in blocks):
                blocks = alt
    headline_links = count_headline_links(body)
    known = set(page_blocks)  # content blocks whose inline furniture was cut differ from
    page_blocks.extend(b for b in blocks if b not in known)  # their page block: learn both
    language = detect_language(" ".join(blocks[:30]) or title or "", hint=meta.lang)
    kind = page_kind(url, meta, blocks, headline_links)
    return ExtractedPage(
        title=title, blocks=blocks, language=language,
        canonical_url=meta.canonical or (url or None), site_name=meta.site_name,
        description=meta.description, author=meta.author, kind=kind,
        page_blocks=page_blocks,
        body_selector_missed=bool(rules and rules.body_selector and not containers),
    )
