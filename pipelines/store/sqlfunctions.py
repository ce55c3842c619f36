"""tarikh's search folding as SQL functions, registered on every connection tarikh opens.

The search index (`articles_search`) holds folded text (pipelines.store.normalise), so a word
typed as the article spells it (`مدرسة`) must be folded (`مدرسه`) before FTS5 sees it. SQL
cannot call Python unless the connection registers a function; store.connect, the Datasette
plugin and the sqlite-utils plugin all register these, so the same SQL works in each:

  tarikh_norm(text)             the folded text, as stored in articles_search
  tarikh_query(q)               the FTS5 MATCH expression for a user query (phrases, prefixes,
                                AND/OR/NOT, parentheses); a malformed query is searched as
                                plain words and an empty one matches nothing, because
                                SQLite would hide the error message behind "user-defined
                                function raised exception" (query_problem() says what was wrong)
  tarikh_snippet(text, snip)    an FTS5 snippet(…, char(2), char(3), char(4), n) of the folded
                                text, shown in the article's own spelling with [ ] marks
"""

from __future__ import annotations

import sqlite3

from pipelines.store.normalise import normalize_for_search
from pipelines.store.search import SearchError, build_match_query, restore_snippet

_NOTHING = '""'  # an empty FTS5 phrase: matches no row, raises no error


def tarikh_norm(text: str | None) -> str | None:
    return None if text is None else normalize_for_search(str(text))


def query_problem(query: str | None) -> str | None:
    """Why `query` cannot be searched as typed (None when it can), for a page to show."""
    if query is None or not str(query).strip():
        return None
    try:
        build_match_query(str(query))
    except SearchError as exc:
        return str(exc)
    return None


def tarikh_query(query: str | None) -> str:
    if query is None or not str(query).strip():
        return _NOTHING
    try:
        return build_match_query(str(query))
    except SearchError:
        words = [w for w in str(query).replace('"', " ").split() if w not in ("AND", "OR", "NOT")]
        phrases = []
        for word in words:
            folded = " ".join(normalize_for_search(word.strip("()*")).split())
            if any(ch.isalnum() for ch in folded):
                phrases.append('"' + folded + '"')
        return " ".join(phrases) or _NOTHING


def tarikh_snippet(text: str | None, snippet: str | None) -> str | None:
    if snippet is None:
        return None
    return restore_snippet(text or "", snippet)


def register_sql_functions(conn: sqlite3.Connection) -> None:
    """Make tarikh_norm/tarikh_query/tarikh_snippet callable from SQL on `conn`."""
    conn.create_function("tarikh_norm", 1, tarikh_norm, deterministic=True)
    conn.create_function("tarikh_query", 1, tarikh_query, deterministic=True)
    conn.create_function("tarikh_snippet", 2, tarikh_snippet, deterministic=True)


def has_folded_index(conn: sqlite3.Connection) -> bool:
    """True for a tarikh database (one with the folded `articles_search` index)."""
    row = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'articles_search'"
    ).fetchone()
    return row is not None
