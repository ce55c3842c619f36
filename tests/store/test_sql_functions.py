"""Issue 12 item 11: the search folding as SQL functions, in every connection tarikh opens and
in the `sqlite-utils` command line (its plugin), so SQL can match the folded index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import store
from tests.search_corpus import build_db

SCHOOL = {"https://ar.example/2018/06/school-opens.html",
          "https://ar.example/2018/05/minister-visit.html"}
MATCH = ("select a.url from articles a join articles_search s on s.rowid = a.rowid "
         "where articles_search match {} order by a.url")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlfn") / "tarikh.db"
    build_db(path).conn.close()
    return path


@pytest.mark.parametrize("readonly", [False, True])
def test_every_store_connection_folds_in_sql(db_path: Path, readonly: bool) -> None:
    db = store.connect(db_path, readonly=readonly)
    try:
        assert db.execute("select tarikh_norm('مدرسة')").fetchone()[0] == "مدرسه"
        # the bug: the index holds the folded spelling, so the word as written finds nothing
        assert db.execute(MATCH.format("'مدرسة'")).fetchall() == []
        found = {r[0] for r in db.execute(MATCH.format("tarikh_query(?)"), ["مدرسة"])}
        assert found == SCHOOL
        folded = {r[0] for r in db.execute(MATCH.format("tarikh_norm(?)"), ["الْمَدْرَسَةُ"])}
        assert folded == SCHOOL
    finally:
        db.conn.close()


def test_sqlite_utils_command_line_has_the_functions(db_path: Path) -> None:
    """The README's one-liner: `sqlite-utils DB "… match tarikh_query('مدرسة')"`."""
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    proc = subprocess.run(
        [str(sqlite_utils), str(db_path), MATCH.format("tarikh_query('مدرسة')")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert {r["url"] for r in json.loads(proc.stdout)} == SCHOOL
