"""Full-text search over the articles, in the reader's own spelling.

The index (`articles_search`, FTS5) holds every title and text folded by
normalize_for_search; a query's words are folded by the same function while its FTS5 syntax is
kept, so "المدرسة" finds "الْمَدْرَسَةُ" and "istanbul" finds "İSTANBUL".

Query syntax (FTS5's, checked here first so that a mistake gets a plain-language error):
  words          all must occur (implicit AND)            مدرسة istanbul
  "a phrase"     the words next to each other, in order   "Deir Ezzur"
  word*          prefix                                   استانبول*  "deir ez"*
  AND OR NOT     boolean operators, upper case only       iraq NOT syria
  ( … )          grouping                                 (iraq OR syria) AND isil
  title: text:   restrict a term or group to one column    title:istanbul
Precedence is FTS5's: NOT binds tighter than AND, AND tighter than OR. Lower-case and/or/not
are ordinary words. Every word is sent to FTS5 as a quoted string, so punctuation inside a word
("al-Assad", "U.S.") never breaks the query; it becomes a phrase of its parts. An unquoted
Arabic-script word also matches its forms with the joined article and particles (مدرسة finds
المدرسة, والمدرسة, للمدرسة; see arabic_forms); quote it to match only the form typed.

Ranking is bm25 with title matches weighted TITLE_WEIGHT times text matches. Snippets are cut
by FTS5's snippet() from the folded text and then mapped back onto the original text (the
folding is per character, so every position is known): the reader sees the article's own
spelling, tashkeel included, with each matched word between MARKS ("[" and "]": ASCII, and
unlike «» not a quotation mark of Arabic or French text).
"""

from __future__ import annotations

import re
import sqlite3
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from pipelines.store.normalise import char_offsets, normalize_for_search

TITLE_WEIGHT = 10.0
MARKS = ("[", "]")
ELLIPSIS = "…"
SNIPPET_TOKENS = 24

# Markers asked of FTS5: control characters, which never occur in stored article text.
_OPEN, _CLOSE, _ELLIPSIS = "\x02", "\x03", "\x04"
_COLUMNS = ("title", "text")
_OPERATORS = ("AND", "OR", "NOT")
#: Bounds of one search: a pasted article as a query (12,000 words ran over a minute) or a
#: limit past SQLite's integers is a mistake to report, not work to do.
MAX_QUERY_CHARS = 2000
MAX_QUERY_TERMS = 64
MAX_LIMIT = 100_000
_MAX_NESTING = 32  # deeper grouping is a pasted mistake, and Python recursion has a limit


class SearchError(ValueError):
    """A query that cannot be run: bad syntax, bad date, missing search index."""


@dataclass(slots=True, frozen=True)
class _Token:
    kind: str  # "term" | "op" | "(" | ")" | "col"
    value: str
    prefix: bool = False
    quoted: bool = False


_WORD_END = re.compile(r'[\s()"]')
_QUERY_CONTROLS = {c: " " for c in (*range(32), 127)}
_COLUMN_PREFIX = re.compile(r"^(title|text):", re.IGNORECASE)


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, ch))
            i += 1
        elif ch == '"':
            j, parts = i + 1, []
            while True:
                k = query.find('"', j)
                if k < 0:
                    raise SearchError(f"unclosed quote in {query!r}: a phrase needs a closing \"")
                parts.append(query[j:k])
                if query.startswith('"', k + 1):  # "" inside a phrase is a literal quote
                    parts.append('"')
                    j = k + 2
                    continue
                break
            i = k + 1
            prefix = query.startswith("*", i)
            i += prefix
            tokens.append(_Token("term", "".join(parts), prefix, quoted=True))
        else:
            m = _WORD_END.search(query, i)
            end = m.start() if m else n
            word = query[i:end]
            i = end
            col = _COLUMN_PREFIX.match(word)
            if col:
                tokens.append(_Token("col", col.group(1).lower()))
                word = word[col.end():]
                if not word:
                    continue
            if word in _OPERATORS and not col:
                tokens.append(_Token("op", word))
                continue
            stripped = word.rstrip("*")
            tokens.append(_Token("term", stripped, prefix=stripped != word))
    return tokens


class _Parser:
    """Recursive descent over FTS5's grammar: validates, folds terms, re-emits the query."""

    def __init__(self, tokens: list[_Token], query: str) -> None:
        self.tokens, self.pos, self.query, self.depth = tokens, 0, query, 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> str:
        if not self.tokens:
            raise SearchError("empty query: give at least one word to search for")
        out = self.or_expr()
        tok = self.peek()
        if tok is not None:
            if tok.kind == ")":
                raise SearchError(f"unmatched ')' in {self.query!r}")
            raise SearchError(f"unexpected {tok.value!r} in {self.query!r}")
        return out

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value == "OR":
            self.take()
            parts.append(self.and_expr("OR"))
        return " OR ".join(parts)

    def and_expr(self, after: str | None = None) -> str:
        parts = [self.not_expr(after)]
        while (tok := self.peek()) is not None and (
            tok.kind in ("term", "(", "col") or (tok.kind == "op" and tok.value == "AND")
        ):
            if tok.kind == "op":
                self.take()
                parts.append(self.not_expr("AND"))
            else:
                parts.append(self.not_expr())
        return " AND ".join(parts)

    def not_expr(self, after: str | None = None) -> str:
        out = self.unary(after)
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value == "NOT":
            self.take()
            out = f"{out} NOT {self.unary('NOT')}"
        return out

    def unary(self, after: str | None = None) -> str:
        tok = self.peek()
        if tok is None or tok.kind in ("op", ")"):
            where = f"after {after}" if after else "at the start"
            found = "the end of the query" if tok is None else repr(tok.value)
            raise SearchError(
                f"expected a word, phrase or '(' {where} but found {found} in {self.query!r}"
            )
        self.take()
        if tok.kind == "col":
            return f"{tok.value} : {self.unary(tok.value + ':')}"
        if tok.kind == "(":
            if (nxt := self.peek()) is not None and nxt.kind == ")":
                raise SearchError(f"empty parentheses in {self.query!r}")
            self.depth += 1
            if self.depth > _MAX_NESTING:
                raise SearchError(f"more than {_MAX_NESTING} nested parentheses in the query")
            inner = self.or_expr()
            self.depth -= 1
            close = self.peek()
            if close is None or close.kind != ")":
                raise SearchError(f"unclosed '(' in {self.query!r}")
            self.take()
            return f"({inner})"
        return _term(tok, self.query)


def _term(tok: _Token, query: str) -> str:
    folded = " ".join(normalize_for_search(tok.value).split())
    if not any(ch.isalnum() for ch in folded):
        shown = (tok.value + "*" if tok.prefix else tok.value) or '""'
        raise SearchError(f"{shown!r} in {query!r} holds no letter or digit to search for")
    star = "*" if tok.prefix else ""
    if not tok.quoted and _ARABIC_WORD.fullmatch(folded):
        forms = arabic_forms(folded)
        if len(forms) > 1:
            return "(" + " OR ".join(f'"{form}"{star}' for form in forms) + ")"
    return '"' + folded.replace('"', '""') + '"' + star


# Arabic writes the article and some particles joined to the noun: المدرسة "the school",
# والمدرسة "and the school", بالمدرسة "in the school", للمدرسة "for the school". A reader
# searching مدرسة expects all of them, so an unquoted Arabic-script word is searched in each
# of these forms (the proclitics Lucene's ArabicStemmer strips). A typed prefix is stripped
# first only when three letters remain, the shortest Arabic root (الله is searched as typed,
# never as له). A quoted word is searched exactly as typed.
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
_ARTICLE_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")  # longest first, folded spelling
_PROCLITIC_FORMS = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_SHORTEST_STEM = 3


def arabic_forms(word: str) -> list[str]:
    """The folded word with and without the definite article and its joined particles."""
    stem = word
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix):
            if len(word) - len(prefix) < _SHORTEST_STEM:
                return [word]  # too short to hold the article: الله, الى
            stem = word[len(prefix) :]
            break
    forms = [stem, *(p + stem for p in _PROCLITIC_FORMS)]
    if word not in forms:
        forms.append(word)
    return list(dict.fromkeys(forms))


def build_match_query(query: str) -> str:
    """The FTS5 MATCH expression for a user query (terms folded, syntax kept), or SearchError."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is {len(query)} characters long; at most {MAX_QUERY_CHARS}")
    # Control characters are no part of a word (a NUL ended SQLite's reading of the query:
    # "unterminated string"); pasted from a terminal or a URL's %00, they separate words.
    query = query.translate(_QUERY_CONTROLS)
    tokens = _lex(query)
    if len(tokens) > MAX_QUERY_TERMS:
        raise SearchError(f"the query has {len(tokens)} terms; at most {MAX_QUERY_TERMS}")
    return _Parser(tokens, query).parse()


def _day(value: str | date | None, name: str) -> date | None:
    """A --since/--until bound as a date; SearchError for anything but YYYY-MM-DD."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise SearchError(f"{name} must be a date YYYY-MM-DD, not {value!r}")


def _open(db: sqlite_utils.Database | str | Path) -> sqlite_utils.Database:
    if isinstance(db, sqlite_utils.Database):
        return db
    from pipelines import store

    if not Path(db).exists():
        raise SearchError(f"no database at {db}")
    return store.connect(db, readonly=True)


def search(
    db: sqlite_utils.Database | str | Path,
    query: str,
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    limit: int = 20,
    collapse: bool = False,
) -> list[dict[str, Any]]:
    """Best `limit` articles for `query`, best first (rank: bm25, lower is better).

    since/until bound `published` (YYYY-MM-DD, both inclusive); articles without a date are
    left out when either is given. Each result: url, site, title, title_highlighted,
    published, language, snippet, rank. With `collapse`, one result per story (near-duplicate
    copies, `duplicate_of`): its best-ranked matching copy, plus `story` (the earliest copy's
    URL) and `copies` (how many stored articles the story has).
    """
    match = build_match_query(query)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    start, end = _day(since, "since"), _day(until, "until")
    filters, params = [], {"match": match, "limit": limit, "tokens": SNIPPET_TOKENS}
    if site:
        filters.append("and a.site = :site")
        params["site"] = site
    if start:
        filters.append("and a.published >= :since")
        params["since"] = start.isoformat()
    if end and end < date.max:  # 9999-12-31 bounds nothing
        filters.append("and a.published < :before")
        params["before"] = (end + timedelta(days=1)).isoformat()
    if collapse:
        hits = f"""
        with matched as (
            select articles_search.rowid as rid,
                   bm25(articles_search, 0.0, {TITLE_WEIGHT}, 1.0) as rank, a.url as url,
                   coalesce(a.duplicate_of, a.url) as story
            from articles_search cross join articles a on a.url = articles_search.url
            where articles_search match :match {" ".join(filters)}),
        hits as (
            select rid, rank, story from (
                select rid, rank, story, row_number() over (
                    partition by story order by rank, url) as nth from matched)
            where nth = 1 order by rank, story limit :limit)"""
        extra = (", hits.story as story, 1 + (select count(*) from articles d"
                 " where d.duplicate_of = hits.story) as copies")
    else:
        hits = f"""
        with hits as (
            select articles_search.rowid as rid,
                   bm25(articles_search, 0.0, {TITLE_WEIGHT}, 1.0) as rank
            from articles_search cross join articles a on a.url = articles_search.url
            where articles_search match :match {" ".join(filters)}
            order by rank, a.url limit :limit)"""
        extra = ""
    sql = f"""{hits}
        select a.url, a.site, a.title, a.published, a.language, a.text,
               highlight(articles_search, 1, char(2), char(3)) as title_hl,
               snippet(articles_search, 2, char(2), char(3), char(4), :tokens) as text_snip,
               hits.rank as rank{extra}
        from hits
        cross join articles_search on articles_search.rowid = hits.rid
        cross join articles a on a.url = articles_search.url
        where articles_search match :match
        order by hits.rank, a.url"""
    conn = _open(db)
    try:
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "no such table" in message:
            raise SearchError(
                "the database has no search index yet: open it once with tarikh to upgrade it"
            ) from exc
        if "fts5" in message or "syntax error" in message:
            raise SearchError(f"malformed search query {query!r}: {message}") from exc
        raise
    results = []
    for url, site_, title, published, language, text, title_hl, text_snip, rank, *more in rows:
        results.append(
            {
                "url": url,
                "site": site_,
                "title": title,
                "title_highlighted": restore_snippet(title or "", title_hl or ""),
                "published": published,
                "language": language,
                "snippet": restore_snippet(text or "", text_snip or ""),
                "rank": rank,
                **({"story": more[0], "copies": more[1]} if collapse else {}),
            }
        )
    return results


def restore_snippet(
    original: str,
    fts_snippet: str,
    marks: tuple[str, str] = MARKS,
    ellipsis: str = ELLIPSIS,
) -> str:
    """Turn an FTS5 snippet/highlight of the folded text into the same excerpt of `original`.

    `fts_snippet` must have been made with markers char(2)/char(3) and ellipsis char(4). If
    the excerpt cannot be located (the row was folded by other code), the folded excerpt is
    shown instead, with the same marks.
    """
    lead = fts_snippet.startswith(_ELLIPSIS)
    trail = fts_snippet.endswith(_ELLIPSIS) and len(fts_snippet) > lead
    body = fts_snippet[lead : len(fts_snippet) - trail]
    plain_parts, marker_at, pos = [], [], 0
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", body):
        if piece in (_OPEN, _CLOSE):
            marker_at.append((pos, piece))
        else:
            plain_parts.append(piece)
            pos += len(piece)
    plain = "".join(plain_parts)
    folded = normalize_for_search(original)
    base = folded.find(plain) if plain else -1
    dots_before = ellipsis if lead else ""
    dots_after = ellipsis if trail else ""
    if base < 0:
        shown = body.replace(_OPEN, marks[0]).replace(_CLOSE, marks[1])
        return dots_before + shown + dots_after
    offsets = char_offsets(original)
    out, cursor = [], _start_of(offsets, base)
    for at, kind in marker_at:
        if kind == _OPEN:
            cut = _start_of(offsets, base + at)
            out += [original[cursor:cut], marks[0]]
        else:
            cut = _end_of(offsets, base + at)
            out += [original[cursor:cut], marks[1]]
        cursor = cut
    out.append(original[cursor : _end_of(offsets, base + len(plain))])
    return dots_before + "".join(out) + dots_after


def _start_of(offsets: list[int], n: int) -> int:
    """Index of the original character whose folded form holds folded position n."""
    return max(0, min(bisect_right(offsets, n) - 1, len(offsets) - 1))


def _end_of(offsets: list[int], n: int) -> int:
    """End (exclusive) in the original of folded text up to n, keeping trailing diacritics."""
    if n <= 0:
        return 0
    last = len(offsets) - 1
    i = min(bisect_right(offsets, n - 1), last)
    while i < last and offsets[i + 1] == offsets[i]:
        i += 1
    return i


def format_results_text(results: list[dict[str, Any]]) -> str:
    """Human-readable results for the terminal: rank order, title, date, site, url, snippet."""
    if not results:
        return "no matching articles"
    lines = []
    for n, r in enumerate(results, 1):
        head = r.get("title_highlighted") or r.get("title") or "(untitled)"
        meta = " · ".join(
            str(x) for x in (r.get("published") or "no date", r.get("site"), r.get("language")) if x
        )
        lines.append(f"{n:>2}. {head}")
        copies = f", {r['copies']} copies" if (r.get("copies") or 1) > 1 else ""
        lines.append(f"    {meta}  (bm25 {r['rank']:.2f}{copies})")
        lines.append(f"    {r['url']}")
        if r.get("snippet"):
            lines.append("    " + " ".join(r["snippet"].split()))
        lines.append("")
    # A stored title is a site's text: escape sequences in it must not drive the terminal.
    return _CONTROLS.sub("", "\n".join(lines).rstrip("\n"))


#: C0 and C1 control characters (ESC, CSI, BEL, …) but newline and tab.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
