"""A database on a disk that fills up mid-crawl: the run counts only what was committed, stops,
exits non-zero, and the next run (with room again) stores the rest."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.app.localserver import LocalSiteServer
from tests.helpers import rows, tarikh, tmpfs, write_profile


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KB tmpfs (root only: skipped elsewhere, with the reason)."""
    with tmpfs(tmp_path / "disk", "400k") as mount:
        yield mount


def test_a_full_disk_stops_the_run_and_loses_nothing(tmp_path: Path, demo_copy: Path,
                                                    small_disk: Path, sites: Path) -> None:
    db = small_disk / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        env = {"TARIKH_SITES": str(sites)}
        first = tarikh("crawl", "news", "--db", str(db), "--no-throttle", env=env, check=False)
        assert first.returncode == 3, first.stderr[-2000:]
        assert "Traceback" not in first.stderr
        stored_first = len(rows(db, "select url from articles"))
        run = rows(db, "select * from runs order by id desc limit 1")[0]
        if run["status"] != "running":  # the run log could be written: it must tell the truth
            assert run["status"] == "failed" and run["exit_code"] == 3
            assert run["articles_new"] == stored_first
        assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
        # room again: the next run fetches what the first could not keep, and stores it once
        roomy = tmp_path / "roomy.db"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{db}{suffix}").exists():
                shutil.copy(f"{db}{suffix}", f"{roomy}{suffix}")
        second = tarikh("crawl", "news", "--db", str(roomy), "--no-throttle", env=env, check=False)
        assert second.returncode == 0, second.stderr[-2000:]
    articles = rows(roomy, "select url from articles")
    manifest = json.loads((demo_copy / "manifest.json").read_text(encoding="utf-8"))
    assert len(articles) == len({r["url"] for r in articles}) == len(manifest["articles"])
    assert stored_first < len(manifest["articles"])  # the disk really did fill up
