"""tarikh opens only its own databases: another application's file is refused untouched, and
a file that is not a database is one clear line (exit 3), never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.runs.lock import LockBusy, SiteLock
from pipelines import store
from pipelines.store.db import NotTarikhDatabase
from tests.helpers import tarikh


def _foreign(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("create table articles (id integer primary key, body text)")
    conn.execute("insert into articles (body) values ('theirs')")
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_another_applications_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "their.db"
    before = _foreign(path)
    with pytest.raises(NotTarikhDatabase):
        store.connect(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_a_new_database_is_marked_as_tarikhs(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    assert db.execute("pragma application_id").fetchone()[0] == store.db.APPLICATION_ID


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_garbage_files_are_one_line_and_exit_3(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    for args in (("runs",), ("search", "x"), ("health",), ("reprocess",)):
        proc = tarikh(*args, "--db", str(path), check=False)
        assert proc.returncode == 3, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_the_foreign_database_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "their.db"
    before = _foreign(path)
    proc = tarikh("runs", "--db", str(path), check=False)
    assert proc.returncode == 3 and "not a tarikh database" in proc.stderr
    assert path.read_bytes() == before


def test_a_symlinked_path_is_the_same_database_for_the_lock(tmp_path: Path) -> None:
    real = tmp_path / "t.db"
    store.connect(real).conn.close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    with SiteLock(real, "news"), pytest.raises(LockBusy):
        SiteLock(link, "news").acquire()
