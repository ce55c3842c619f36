"""sqlite-utils plugin: tarikh's folding SQL functions in the `sqlite-utils` command line.

The search index holds folded spellings, so `match 'مدرسة'` finds nothing while the folded
`'مدرسه'` does; with this plugin (installed with tarikh, an entry point in pyproject.toml)
`sqlite-utils data/tarikh.db "… match tarikh_query('مدرسة')"` folds the word as tarikh does.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from pipelines.store.sqlfunctions import register_sql_functions


@sqlite_utils.hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    register_sql_functions(conn)
