"""Nothing outlives a run (issue 15.5 and 15.11; tests/hostile_cases.md numbers the cases): no
worker, forkserver or resource tracker after a run that ended or was killed -9, no Scrapy job
files, no remote-control or telnet endpoint — and the run after a kill stores everything once.

Every process a run starts inherits its environment, so a marker variable finds them all, even
those re-parented to init after their parent died."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil

from crawler.app.localserver import LocalSiteServer, SiteHandler
from tests.helpers import ROOT, rows, tarikh, write_profile

MANIFEST = json.loads((ROOT / "data" / "demo-site" / "manifest.json").read_text(encoding="utf-8"))


def _marked(mark: str) -> list[psutil.Process]:
    """Live processes (zombies excluded) whose environment carries `mark`."""
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.environ().get("TARIKH_TEST_MARK") == mark and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _gone(mark: str, seconds: float = 15) -> list[psutil.Process]:
    deadline = time.monotonic() + seconds
    while (left := _marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _slowly(handler: SiteHandler) -> bool:
    time.sleep(0.15)  # long enough for a kill to land mid-crawl
    handler._serve_file(handler.path.split("?", 1)[0])
    return True


def test_a_killed_run_and_an_ended_run_leave_nothing_running(
        tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    mark = uuid.uuid4().hex
    db = tmp_path / "t.db"
    env = {**os.environ, "TARIKH_SITES": str(sites), "TARIKH_TEST_MARK": mark}
    with LocalSiteServer(demo_copy) as server:
        for article in MANIFEST["articles"]:
            server.hooks[article["path"]] = _slowly
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        args = [sys.executable, "-m", "crawler.cli", "crawl", "news", "--db", str(db), "--no-throttle",
                "--workers", "2", "-s", "CONCURRENT_REQUESTS=2"]
        run = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and run.poll() is None:
            try:
                if len(rows(db, "select url from articles")) >= 3:
                    break
            except sqlite3.OperationalError:  # no tables yet
                pass
            time.sleep(0.05)
        assert run.poll() is None, "the crawl ended before it could be killed"
        assert len(_marked(mark)) >= 2  # the run and its workers
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        assert _gone(mark) == [], "processes of the killed run are still alive"
        stored_before = len(rows(db, "select url from articles"))
        # the next run ends normally: it too leaves nothing behind, no job file, no endpoint
        mark = uuid.uuid4().hex
        home = tmp_path / "home"
        home.mkdir()
        log = tmp_path / "crawl.log"
        after = tarikh("crawl", "news", "--db", str(db), "--no-throttle", "--workers", "2",
                       "--log-file", str(log),
                       env={"TARIKH_SITES": str(sites), "TARIKH_TEST_MARK": mark, "HOME": str(home)})
    assert after.returncode == 0
    assert _gone(mark, 10) == [], "workers, forkserver or resource tracker outlived the run"
    assert not (home / ".local" / "state" / "scrapy").exists()  # Scrapy's job files
    text = log.read_text(encoding="utf-8")
    assert "Telnet console listening" not in text and "remote control" not in text.lower()
    urls = [r["url"] for r in rows(db, "select url from articles")]
    assert stored_before < len(MANIFEST["articles"]) == len(urls) == len(set(urls))
    runs = rows(db, "select status from runs order by id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
    assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
    assert rows(db, "select count(*) as n from articles_search")[0]["n"] == len(urls)
