"""The page → article path, as plain functions shared by the Scrapy pipelines, the CLI's
`extract`, `reprocess` and the end-of-crawl re-finish.

It is split in two on purpose: `analyse_*` is the CPU-heavy, stateless part (parse, date
candidates, main-text extraction) that can run in a worker process; `clean_blocks`,
`date_of` and `make_record` are cheap and need per-site state (the learned template), so
they run where that state lives.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from pipelines.dates.candidates import candidates_from_lines, collect_candidates
from pipelines.dates.pick import pick_date
from pipelines.dates.signals import W_NEGATIVE, DateCandidate, PickedDate
from pipelines.page.extract import ExtractedPage, ExtractionRules, extract
from pipelines.page.furniture import SiteTemplate, is_generic_furniture, strip_furniture
from pipelines.page.language import detect_language
from pipelines.page.metadata import read_metadata
from pipelines.page.parse import flatten_deep, parse_prepared, prepare_html
from pipelines.page.select import select_texts
from pipelines.page.textpage import extract_text_page

TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ocid)$")


_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(ExtractedPage))
_CANDIDATE_FIELDS = tuple(f.name for f in dataclasses.fields(DateCandidate))


@dataclass(slots=True)
class Analysis:
    """What the heavy pass finds in one page; picklable and JSON-able (kept in `pages`)."""

    page: ExtractedPage
    candidates: list[DateCandidate]
    #: CPU seconds of each step of the heavy pass (parse, metadata, dates, extract), for the
    #: crawl's stats; not stored.
    cpu: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        # What dataclasses.asdict gives, without its deep copy of every list and string
        # (0.27 -> 0.10 ms a page): the fields are strings, numbers, booleans and lists of strings.
        return json.dumps(
            {
                "page": {name: getattr(self.page, name) for name in _PAGE_FIELDS},
                "candidates": [{name: getattr(c, name) for name in _CANDIDATE_FIELDS}
                               for c in self.candidates],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, data: str | bytes) -> Analysis:
        raw = json.loads(data)
        page_fields = {f.name for f in dataclasses.fields(ExtractedPage)}
        page = ExtractedPage(**{k: v for k, v in raw["page"].items() if k in page_fields})
        return cls(page=page, candidates=[DateCandidate(**c) for c in raw["candidates"]])


@dataclass(slots=True)
class SiteContext:
    """Per-site state and hints the cheap stages need."""

    site: str
    template: SiteTemplate = field(default_factory=SiteTemplate)
    rules: ExtractionRules | None = None
    hijri_offset: int = 0
    timezone: str | None = None
    language: str | None = None
    calendar: str = "gregorian"  # the profile's hint for numeric dates with no calendar marker


def analyse_html(
    body: bytes | str,
    url: str,
    *,
    encoding: str | None = None,
    rules: ExtractionRules | None = None,
    date_selector: str = "",
) -> Analysis:
    """Parse once; collect date candidates before extraction may prune the tree."""
    if looks_binary(body):
        raise ValueError("binary content, not an HTML page")
    clock = time.thread_time
    start = clock()
    raw = prepare_html(body, encoding=encoding)
    t0 = clock()
    tree = parse_prepared(raw)
    del raw
    t1 = clock()
    meta = read_metadata(tree, url)  # one pass, shared by dates and text
    t2 = clock()
    candidates = collect_candidates(tree, url, meta)
    if date_selector:
        candidates = _selector_candidates(tree, date_selector) + candidates
    t3 = clock()
    try:
        page = extract(tree, url, rules=rules, meta=meta)
    except RecursionError:  # nested past Python's recursion limit (the extraction recurses)
        flatten_deep(tree)
        page = extract(tree, url, rules=rules, meta=meta)
    t4 = clock()
    return Analysis(page=page, candidates=candidates,
                    cpu={"decode": t0 - start, "parse": t1 - t0, "metadata": t2 - t1,
                         "date_candidates": t3 - t2, "extract": t4 - t3})


_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])


_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_binary(body: bytes | str) -> bool:
    """Served as HTML but is not text (an image, an archive, garbage): control bytes, which
    no 8-bit or UTF-8 web page uses, make up more than 2% of the start. UTF-16 text (a BOM,
    or NULs on every other byte) is text."""
    if isinstance(body, str):
        return False
    head = body[:4096]
    if not head or head.startswith(_BOMS):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls / len(head) <= 0.02:
        return False
    even, odd = head[0::2], head[1::2]
    utf16 = (even.count(0) > 0.3 * len(even) and odd.count(0) == 0) or (
        odd.count(0) > 0.3 * len(odd) and even.count(0) == 0)
    return not utf16


def analyse_text(text: str, url: str | None = None) -> Analysis:
    """The same for a page rendered to plain text (like the seed page)."""
    page, lines = extract_text_page(text, url)
    return Analysis(page=page, candidates=candidates_from_lines(lines, page.title_index))


def _selector_candidates(tree: Any, selector: str) -> list[DateCandidate]:
    """A profile's date selector names the byline outright: its text outranks every guess."""
    return [DateCandidate(source="selector", raw=text, weight=10.0) for text in select_texts(tree, selector)]


def observe_page(template: SiteTemplate, page_key: str, page: ExtractedPage) -> None:
    """Let the site's template learn one page: every block, and the lines above the headline
    by their exact text as well (the header zone)."""
    blocks = page.page_blocks or page.blocks
    header_end = next((i for i, b in enumerate(blocks) if b == page.title), 0)
    template.observe(page_key, blocks, header_end)


def clean_blocks(analysis: Analysis, ctx: SiteContext, *, page_key: str, learn: bool = True) -> list[str]:
    """Strip furniture: generic rules, the profile's rules and the site's learned template."""
    page = analysis.page
    if learn:
        observe_page(ctx.template, page_key, page)
    kept, _dropped = strip_furniture(
        page.blocks, template=ctx.template, rules=ctx.rules, language=page.language or ctx.language
    )
    return kept


def date_of(analysis: Analysis, ctx: SiteContext) -> PickedDate | None:
    candidates = weigh_by_layout(analysis, ctx.template)
    candidates = apply_calendar_hint(candidates, ctx.calendar)
    return pick_date(candidates, hijri_offset=ctx.hijri_offset, tz=ctx.timezone)


# A numeric date whose year can only be a Hijri or Solar Hijri one (1300–1499), with no marker.
_UNMARKED_NUMERIC = re.compile(
    r"^\s*(?:[0-9٠-٩۰-۹]{1,2}[./-][0-9٠-٩۰-۹]{1,2}[./-][0-9٠-٩۰-۹]{4}|"
    r"[0-9٠-٩۰-۹]{4}[./-][0-9٠-٩۰-۹]{1,2}[./-][0-9٠-٩۰-۹]{1,2})\s*$"
)
_CALENDAR_MARKERS = {"hijri": " AH", "jalali": " ش"}


def apply_calendar_hint(candidates: list[DateCandidate], calendar: str) -> list[DateCandidate]:
    """On a site whose profile says it prints Hijri (or Solar Hijri) dates, read a bare
    numeric date such as 12/03/1440 in that calendar; without the hint it stays ambiguous."""
    marker = _CALENDAR_MARKERS.get(calendar)
    if marker is None:
        return candidates
    return [
        dataclasses.replace(c, raw=c.raw + marker) if _UNMARKED_NUMERIC.match(c.raw) else c
        for c in candidates
    ]


#: A short date line this close to the headline (under it, or above it when nothing under it
#: is one) is the article's dateline.
DATELINE_REACH = 2
#: A dateline holds the date and little else (a weekday, a clock time, a second calendar).
DATELINE_SLACK = 40


def weigh_by_layout(analysis: Analysis, template: SiteTemplate | None) -> list[DateCandidate]:
    """Use where a text date sits relative to the headline, which markup alone may not tell
    (pages without class names or semantic tags).

    The article's dateline is a short date line right by the headline: under it, else right
    above it (many sites print the date over the title); a date line farther up, past the
    menus, or one whose very text the site repeats on many pages is the header's "today".
    """
    page = analysis.page
    blocks = page.page_blocks or page.blocks
    if not page.title or not blocks:
        return analysis.candidates
    title_at = next((i for i, b in enumerate(blocks) if b == page.title), None)
    if title_at is None:
        return analysis.candidates

    def dateline(cand: DateCandidate, lo: int, hi: int) -> bool:
        """A short line holding the date among blocks lo..hi."""
        return any(cand.raw in blocks[i] and len(blocks[i]) <= len(cand.raw) + DATELINE_SLACK
                   for i in range(max(lo, 0), min(hi, len(blocks) - 1) + 1))

    texts = [c for c in analysis.candidates if c.source in ("text", "byline")]

    def reach(step: int) -> int:
        """The block DATELINE_REACH lines from the headline, up (-1) or down (+1); lines
        the furniture rules remove (print, share, a photo credit) do not count: they do
        not part a dateline from its headline."""
        i, seen = title_at, 0
        while seen < DATELINE_REACH and 0 <= i + step < len(blocks):
            i += step
            if any(c.raw in blocks[i] for c in texts) or not is_generic_furniture(blocks[i]):
                seen += 1
        return i

    below_end = reach(+1)
    below = {id(c) for c in texts if dateline(c, title_at + 1, below_end)}
    # above the headline only the nearest date line is its dateline: one farther up, past a
    # breadcrumb or the menus, is the header's "today" even when its text changes every day
    above_at = next((i for i in range(title_at - 1, max(reach(-1), 0) - 1, -1)
                     if any(dateline(c, i, i) for c in texts)), None)
    out = []
    for cand in analysis.candidates:
        if cand.source not in ("text", "byline"):
            out.append(cand)
            continue
        found = [i for i, b in enumerate(blocks) if cand.raw in b]
        # the header's "today" is the same text on many pages; each article's dateline has the
        # others' shape (which the masked template learns) but its own day
        repeated = template is not None and any(template.repeats_exactly(blocks[i]) for i in found)
        above = (not below and not repeated and above_at is not None
                 and dateline(cand, above_at, above_at))
        if id(cand) in below or above:
            out.append(dataclasses.replace(cand, weight=max(cand.weight, 3.0)))
            continue
        if found and all(
            i < title_at and (is_generic_furniture(blocks[i])
                              or (template is not None and template.is_furniture(blocks[i])))
            for i in found
        ):
            cand = dataclasses.replace(cand, weight=min(cand.weight, W_NEGATIVE))
        out.append(cand)
    return out


def canonical_url(url: str, declared: str | None = None) -> str:
    """The record's key: the page's declared canonical URL when it stays on the same host and
    is not the bare home page (sites often point every page's canonical there by mistake),
    minus tracking parameters and fragments."""
    chosen = url
    if declared:
        declared = urljoin(url, declared.strip())
        d, u = urlsplit(declared), urlsplit(url)
        if d.scheme in ("http", "https") and d.netloc == u.netloc and d.path not in ("", "/"):
            chosen = declared
    cleaned = url_query_cleaner(chosen, [p for p in _query_keys(chosen) if TRACKING_PARAMS.match(p)],
                                remove=True)
    return canonicalize_url(cleaned, keep_fragments=False)


def _query_keys(url: str) -> list[str]:
    return [kv.split("=", 1)[0] for kv in urlsplit(url).query.split("&") if kv]


#: Field bounds: a real headline, byline or summary is far shorter; a 2 MB <title> is an
#: attack or a broken page, and must not reach every search result and export whole.
MAX_TITLE = 1000
MAX_AUTHOR = 300
MAX_DESCRIPTION = 2000


#: C0/C1 control characters but newline and tab: never text a reader meant (an entity such as
#: &#27; in a title), and an escape sequence must not reach a terminal, a CSV or a JSON reader.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _bounded(value: str | None, limit: int) -> str | None:
    """A stored field: control characters removed, at most `limit` characters."""
    if value is None:
        return None
    value = _CONTROLS.sub("", value)
    if len(value) <= limit:
        return value
    return value[:limit - 1].rstrip() + "…"


def make_record(
    url: str,
    analysis: Analysis,
    blocks: list[str],
    picked: PickedDate | None,
    ctx: SiteContext,
    *,
    fetched_at: str | None = None,
) -> dict[str, Any]:
    """The `articles` row for one page."""
    page = analysis.page
    text = _CONTROLS.sub("", "\n\n".join(blocks))
    language = page.language or ctx.language or (detect_language(text) if text else None)
    hijri = picked.hijri if picked else None  # pick_date fills it whenever the day is in range
    return {
        "url": canonical_url(url, page.canonical_url),
        "site": ctx.site,
        "title": _bounded(page.title, MAX_TITLE),
        "published": picked.iso if picked else None,
        "published_raw": picked.raw if picked else None,
        "published_utc": picked.utc if picked else None,
        "published_source": picked.source if picked else None,
        "calendar": picked.calendar if picked else None,
        "hijri_year": hijri[0] if hijri else None,
        "hijri_month": hijri[1] if hijri else None,
        "hijri_day": hijri[2] if hijri else None,
        "date_conflict": picked.conflict if picked else None,
        "text": text,
        "language": language,
        "author": _bounded(page.author, MAX_AUTHOR),
        "description": _bounded(page.description, MAX_DESCRIPTION),
        "word_count": len(text.split()),
        "fetched_at": fetched_at,
    }


#: Drop reasons whose raw page is kept (so `reprocess` can retry it).
KEEP_RAW_REASONS = ("empty_text", "out_of_range", "no_date_in_range")


def drop_reason(
    page_kind: str, article_hint: bool | None, text: str, published: str | None,
    since: date | None, until: date | None,
) -> str | None:
    """Why a processed page is not stored as an article (None: store it)."""
    if article_hint is not True and page_kind != "article":
        return "not_article"
    if not text.strip():
        return "empty_text"
    if since is not None or until is not None:
        day = (published or "")[:10]
        if not day:
            return "no_date_in_range"
        if (since and day < since.isoformat()) or (until and day > until.isoformat()):
            return "out_of_range"
    return None


def process_analysis(
    url: str, analysis: Analysis, ctx: SiteContext, *, fetched_at: str | None = None, learn: bool = True
) -> dict[str, Any]:
    """Furniture, date and record in one call (CLI `extract`, `reprocess`, re-finish)."""
    blocks = clean_blocks(analysis, ctx, page_key=url, learn=learn)
    return make_record(url, analysis, blocks, date_of(analysis, ctx), ctx, fetched_at=fetched_at)
