"""Datasette plugin: tarikh's search folding in SQL and `?_search=`, and pages for reading.

Declared as a `datasette` entry point in pyproject.toml, so any Datasette in tarikh's
environment loads it (`tarikh serve` passes the metadata: facets, canned queries, the chart).

Search. The index (`articles_search`) holds folded text, so a query must be folded the same
way. Every connection gets tarikh_norm/tarikh_query/tarikh_snippet (pipelines.store.sqlfunctions)
for the canned queries. Datasette runs `?_search=` as `match escape_fts(:search)` against the
`fts_table` of the table's metadata; on a tarikh database this plugin replaces escape_fts by
tarikh_query (registered after Datasette's own, hence trylast), so the articles page's search
box folds like `tarikh search`. A malformed query is searched as plain words (Datasette's
escape_fts never fails either) and the page says what was wrong (`tarikh_search_problem`).

Reading. render_cell lays text cells out with dir="auto" (Arabic and Persian right to left),
cuts `text` to TEXT_CELL_CHARS in tables, puts the month name beside `hijri_month` and links
`run_id` to its run; the templates in templates/ put the search box first and turn an article's
row page into a reading view.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from pipelines.store.sqlfunctions import (
    has_folded_index,
    query_problem,
    register_sql_functions,
    tarikh_norm,
    tarikh_query,
    tarikh_snippet,
)

__all__ = ["tarikh_norm", "tarikh_query", "tarikh_snippet"]

TEXT_CELL_CHARS = 160  # a table row stays one or two lines high; the row page shows all
HIJRI_MONTHS = (
    "Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula", "Jumada al-Akhira",
    "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qada", "Dhu al-Hijja",
)  # fmt: skip
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "he", "ku", "sd", "ug", "yi", "dv"})
_ARTICLE_TABLES = frozenset({"articles", "latest_articles", "articles_without_date"})
_TEXT_COLUMNS = frozenset({"title", "text", "description", "author", "snippet", "published_raw"})


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    register_sql_functions(conn)
    if has_folded_index(conn):
        conn.create_function("escape_fts", 1, tarikh_query, deterministic=True)


def hijri_month_name(value: object) -> str | None:
    """English name of Hijri month 1-12 (9 → Ramadan), None for anything else."""
    if isinstance(value, int) and 1 <= value <= 12:
        return HIJRI_MONTHS[value - 1]
    if isinstance(value, str) and value.isdigit():
        return hijri_month_name(int(value))
    return None


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Markup | None:
    if table is not None and table not in _ARTICLE_TABLES:
        return None
    if column == "run_id" and isinstance(value, int) and table == "articles":
        href = datasette.urls.row(database, "runs", str(value))
        return Markup(f'<a href="{escape(href)}">{value}</a>')
    if column == "hijri_month" and (name := hijri_month_name(value)) is not None:
        return Markup(f'{value}&nbsp;<span class="hijri-month">{escape(name)}</span>')
    if column in _TEXT_COLUMNS and isinstance(value, str) and value:
        shown = value
        if column == "text" and len(value) > TEXT_CELL_CHARS:
            shown = value[:TEXT_CELL_CHARS].rstrip() + "…"
        return Markup(f'<span dir="auto" class="tarikh-{column}">{escape(shown)}</span>')
    return None


@hookimpl
def extra_template_vars(request: Any) -> dict[str, Any]:
    query = None
    if request is not None:
        query = request.args.get("_search") or request.args.get("q")
    return {
        "tarikh_search_problem": query_problem(query),
        "tarikh_hijri_month_name": hijri_month_name,
        "tarikh_rtl_languages": RTL_LANGUAGES,
    }
