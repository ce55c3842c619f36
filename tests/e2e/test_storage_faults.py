"""Storage faults (issue 15; tests/hostile_cases.md numbers them): what the user sees when the
database is damaged, misplaced or on media that takes no writes — one line and exit 3 where
nothing can be done, a warning and a good run where something can, never a traceback, never
a success that did not happen. (A full disk: test_disk_full.py; a locked database:
test_bad_input.py; another application's file, garbage and bit flips: store/test_foreign.py.)"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.app.localserver import LocalSiteServer
from pipelines import store
from tests.helpers import DEMO_SITE, rows, tarikh, tmpfs, write_profile

ARTICLES = len(json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))["articles"])


@pytest.fixture(scope="module")
def crawled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database one crawl of the demo site filled (copied by each test that changes it)."""
    tmp = tmp_path_factory.mktemp("storage")
    root = tmp / "site"
    shutil.copytree(DEMO_SITE, root)
    sites = tmp / "sites"
    sites.mkdir()
    db = tmp / "t.db"
    with LocalSiteServer(root) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        tarikh("crawl", "news", "--db", str(db), "--no-throttle", env={"TARIKH_SITES": str(sites)})
    conn = store.connect(db).conn
    conn.execute("pragma wal_checkpoint(truncate)")  # one self-contained file
    conn.close()
    return db


def _copy(db: Path, to: Path) -> Path:
    to.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, to / "t.db")
    return to / "t.db"


def _one_line(proc: subprocess.CompletedProcess[str], code: int = 3) -> str:
    assert proc.returncode == code, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_a_corrupt_stored_template_is_discarded_and_relearned(tmp_path: Path, crawled_db: Path,
                                                             demo_copy: Path, sites: Path) -> None:
    """Issue 15.2: a `templates` row of '{not json' made every later run 'ok' with 0 pages."""
    db = _copy(crawled_db, tmp_path / "db")
    conn = sqlite3.connect(db)
    conn.execute("update templates set data = '{not json'")
    conn.commit()
    conn.close()
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        proc = tarikh("crawl", "news", "--db", str(db), "--no-throttle", "--refresh-after", "0",
                      env={"TARIKH_SITES": str(sites)}, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "template of news is corrupt" in proc.stderr and "Traceback" not in proc.stderr
    run = rows(db, "select * from runs order by id desc limit 1")[0]
    assert run["status"] == "ok" and run["pages_downloaded"] >= ARTICLES
    [template] = rows(db, "select data, pages_seen from templates where site = 'news'")
    assert isinstance(json.loads(template["data"]), dict) and template["pages_seen"] > 0


def test_a_truncated_database_is_one_line_and_exit_3(tmp_path: Path, crawled_db: Path) -> None:
    db = tmp_path / "t.db"
    data = crawled_db.read_bytes()
    db.write_bytes(data[: len(data) // 3])  # a copy cut short (a full disk, an interrupted copy)
    for command in (("search", "harbour"), ("crawl", "--url", "http://127.0.0.1:9/")):
        line = _one_line(tarikh(*command, "--db", str(db), check=False, timeout=60))
        assert str(db) in line or "malformed" in line or "not a database" in line, (command, line)


@pytest.mark.parametrize("command", [("crawl", "--url", "http://127.0.0.1:9/"), ("search", "x")],
                         ids=["crawl", "search"])
def test_a_folder_named_as_the_database_is_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _one_line(tarikh(*command, "--db", str(folder), check=False, timeout=60))
    assert list(folder.iterdir()) == []


def test_a_device_named_as_the_database_is_one_line() -> None:
    line = _one_line(tarikh("crawl", "--url", "http://127.0.0.1:9/", "--db", "/dev/null",
                            check=False, timeout=60))
    assert "/dev/null" in line
    assert Path("/dev/null").is_char_device()


def test_a_garbage_wal_file_is_ignored_and_nothing_is_lost(tmp_path: Path, crawled_db: Path) -> None:
    """A `-wal` file of garbage (a crash of the disk, not of SQLite): its checksums fail, SQLite
    reads the database as last checkpointed, and tarikh's readers and writers carry on."""
    db = _copy(crawled_db, tmp_path / "db")
    Path(f"{db}-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(range(256)) * 40)
    proc = tarikh("runs", "--json", "--db", str(db), check=False)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert len(rows(db, "select url from articles")) == ARTICLES
    assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"


@pytest.fixture
def read_only_mount(tmp_path: Path, crawled_db: Path) -> Iterator[Path]:
    """The crawled database on a read-only tmpfs (root only: skipped elsewhere, with the reason)."""
    with tmpfs(tmp_path / "ro", "8m") as mount:
        shutil.copy(crawled_db, mount / "t.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "t.db"


def test_a_database_on_read_only_media_is_read_and_never_written(read_only_mount: Path,
                                                                  crawled_db: Path) -> None:
    """Issue 15.9: reading commands failed (exit 3) on a read-only database: a WAL database
    needs a -shm file beside it, which read-only media cannot hold."""
    db = read_only_mount
    listed = tarikh("runs", "--json", "--db", str(db), check=False)
    assert listed.returncode == 0, listed.stderr
    assert len([line for line in listed.stdout.splitlines() if line.strip()]) == 1
    word = rows(crawled_db, "select title from articles limit 1")[0]["title"].split()[0]
    assert tarikh("search", word, "--db", str(db)).stdout.strip()
    exported = tarikh("export", "--format", "jsonl", "--db", str(db))
    assert len(exported.stdout.splitlines()) == ARTICLES
    line = _one_line(tarikh("crawl", "--url", "http://127.0.0.1:9/", "--db", str(db), check=False))
    assert "Read-only file system" in line
