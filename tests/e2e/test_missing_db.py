"""A mistyped --db: reading commands refuse it (exit 3, one line) and create nothing (issue 12.2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines import store
from tests.helpers import json_lines, tarikh

READERS = [
    ("runs",),
    ("search", "harbour"),
    ("export", "--format", "csv"),
    ("serve", "--port", "0"),
    ("health",),
]


@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_a_reading_command_refuses_a_missing_database(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = tmp_path / "typo" / "tarik.db"
    proc = tarikh(*command, "--db", str(db), check=False, timeout=60)
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"no database at {db}" in lines[0]
    assert not db.exists() and not db.parent.exists()


def test_reading_commands_open_the_database_read_only(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store.connect(db).conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.chmod(db, 0o444)
    os.chmod(tmp_path, 0o555)  # not even a -shm file can be created beside it
    try:
        assert json_lines(tarikh("runs", "--json", "--db", str(db)).stdout) == []
        assert tarikh("search", "x", "--db", str(db)).returncode == 0
    finally:
        os.chmod(tmp_path, 0o755)
        os.chmod(db, 0o644)
