"""Datasette plugin: tarikh's search folding as SQL functions, for the canned queries.

SQL cannot call Python, and the search index holds folded text (pipelines.store.normalise), so a
query typed by an analyst must be folded the same way before FTS5 sees it. Registered on
every connection Datasette opens (declared as a `datasette` entry point in pyproject.toml):

  tarikh_norm(text)             the folded text, as stored in articles_search
  tarikh_query(q)               the FTS5 MATCH expression for a user query (phrases, prefixes,
                                AND/OR/NOT, parentheses); a malformed query is searched as
                                plain words and an empty one matches nothing, because
                                SQLite would hide the error message behind "user-defined
                                function raised exception"
  tarikh_snippet(text, snip)    an FTS5 snippet(…, char(2), char(3), char(4), n) of the folded
                                text, shown in the article's own spelling with [ ] marks
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from pipelines.store.normalise import normalize_for_search
from pipelines.store.search import SearchError, build_match_query, restore_snippet

_NOTHING = '""'  # an empty FTS5 phrase: matches no row, raises no error


def tarikh_norm(text: str | None) -> str | None:
    return None if text is None else normalize_for_search(str(text))


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


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("tarikh_norm", 1, tarikh_norm, deterministic=True)
    conn.create_function("tarikh_query", 1, tarikh_query, deterministic=True)
    conn.create_function("tarikh_snippet", 2, tarikh_snippet, deterministic=True)
