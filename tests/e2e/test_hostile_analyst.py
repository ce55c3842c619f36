"""Analyst tools against hostile input (issue 15; tests/hostile_cases.md numbers the cases):
queries that are empty, all operators, injections, control characters, other Unicode forms of
a word; absurd limits and dates; an export that fails half-way; hostile titles in Datasette.
What the user sees: a usage error (exit 2) in one line, or the right results — never a
traceback, never a changed database, never a truncated file."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.app.datasette_plugin import render_cell
from pipelines import store
from pipelines.store import export as export_mod
from pipelines.store.search import SearchError, search
from pipelines.store.sqlfunctions import register_sql_functions
from tests.helpers import tarikh, usage_error
from tests.search_corpus import CORPUS, build_db


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analyst") / "t.db"
    build_db(path).conn.close()
    return path


@pytest.fixture(scope="module")
def db(db_path: Path) -> Iterator[Any]:
    conn = store.connect(db_path, readonly=True)
    yield conn
    conn.conn.close()


def _found(db: Any, query: str) -> set[str]:
    return {r["url"].rsplit("/", 1)[1].removesuffix(".html") for r in search(db, query)}


@pytest.mark.parametrize(("query", "says"), [
    ("", "empty query"),
    ("AND OR NOT", "expected a word"),
], ids=["empty", "only-operators"])
def test_queries_with_nothing_to_search_are_one_line(db_path: Path, query: str, says: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert says in usage_error(capsys, "search", query, "--db", str(db_path))


def test_a_nul_in_a_query_separates_words(db: Any, db_path: Path) -> None:
    """A NUL ended SQLite's reading of the MATCH string ("unterminated string", a traceback in
    Datasette's canned search); control characters now separate words."""
    assert _found(db, "reservoir\x00") == _found(db, "reservoir") != set()
    with pytest.raises(SearchError, match="empty query"):
        search(db, "\x00\x01")
    conn = sqlite3.connect(db_path)
    register_sql_functions(conn)
    assert conn.execute("select tarikh_query(?)", ["reservoir\x00"]).fetchone()[0] == '"reservoir"'
    conn.close()


def test_sql_in_a_query_is_words_and_changes_nothing(db: Any, db_path: Path) -> None:
    proc = tarikh("search", "reservoir'); drop table articles; --", "--db", str(db_path), check=False)
    assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr
    assert db.execute("select count(*) from articles").fetchone()[0] == len(CORPUS)


@pytest.mark.parametrize("query", ["{title text}:reservoir", "rowid:1", "articles_search:reservoir",
                                   "NEAR(reservoir farmers, 999999999)"],
                         ids=["column-set", "rowid", "table-name", "near-huge"])
def test_fts5_syntax_injection_reaches_no_other_column(db: Any, query: str) -> None:
    """FTS5's own column filters and NEAR distances are words to tarikh (only title: and text:
    are filters): nothing outside the index's text is matched, no error escapes."""
    try:
        found = _found(db, query)
    except SearchError as exc:
        assert str(exc)
        return
    assert found <= _found(db, "reservoir")


def test_another_unicode_form_of_a_word_finds_it(db: Any) -> None:
    """Decomposed accents (NFD, as macOS and some keyboards type them) and fullwidth letters
    (NFKC) find the word stored composed."""
    assert _found(db, unicodedata.normalize("NFD", "köprü")) == _found(db, "köprü") == {"kopru"}
    assert _found(db, "ＲＥＳＥＲＶＯＩＲ") == _found(db, "reservoir") != set()


@pytest.mark.parametrize("args", [
    ("runs", "--limit", "99999999999999999999"),
    ("search", "reservoir", "--limit", "0"),
    ("export", "--since", "2020-02-30"),
    ("date", "--hijri-offset", "99999999999", "4 Shawwal 1439"),
], ids=["runs-limit-overflow", "search-limit-zero", "export-february-30", "date-offset-overflow"])
def test_absurd_numbers_and_days_are_usage_errors(db_path: Path, args: tuple[str, ...],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    extra = () if args[0] == "date" else ("--db", str(db_path))
    assert "argument" in usage_error(capsys, *args, *extra)


def test_an_export_that_fails_half_way_leaves_the_old_file_whole(db: Any, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "articles.jsonl"
    target.write_text("yesterday's export\n", encoding="utf-8")
    real = store.iter_rows

    def failing(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for n, row in enumerate(real(*args, **kwargs)):
            if n == 3:
                raise sqlite3.DatabaseError("database disk image is malformed")
            yield row

    monkeypatch.setattr(export_mod.store, "iter_rows", failing)
    with pytest.raises(sqlite3.DatabaseError):
        export_mod.export(db, "jsonl", target)
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["articles.jsonl"]  # no temporary file left


@pytest.mark.parametrize("title", ['<script>alert(1)</script>', '<img src=x onerror="alert(1)">',
                                   '"><svg onload=alert(1)>'], ids=["script", "img-onerror", "svg"])
def test_hostile_titles_are_escaped_in_datasette(title: str) -> None:
    class Urls:
        def row(self, database: str, table: str, pk: str) -> str:
            return f"/{database}/{table}/{pk}"

    class Datasette:
        urls = Urls()

    for column in ("title", "text"):
        cell = str(render_cell(title, column, "articles", "tarikh", Datasette()))
        assert "<script" not in cell and "<img" not in cell and "<svg" not in cell
        assert "&lt;" in cell
