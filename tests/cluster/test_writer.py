"""`tarikh writer`: commits in batches, acknowledges after the commit, survives kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import redis

from crawler.cluster import keys
from crawler.cluster.records import RecordSender
from crawler.cluster.writer import StreamWriter
from pipelines.store import RunCounters
from tests.cluster.conftest import RedisServer
from tests.helpers import ROOT, rows, tarikh


def _article(i: int, run_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    url = f"http://127.0.0.1/en/2026/01/story-{i}.html"
    article = {"url": url, "site": "news", "title": f"Story {i}", "text": f"Body of story {i}.\n\nMore.",
               "published": "2026-01-02", "language": "en", "run_id": run_id,
               "fetched_at": "2026-01-03T00:00:00+00:00"}
    page = {"url": url, "site": "news", "status": 200, "fetched_at": article["fetched_at"],
            "etag": f'"e{i}"', "html": b"\x78\x9c compressed bytes", "kind": "article", "run_id": run_id}
    return article, page


def _prepare(server: RedisServer, db: Path) -> RecordSender:
    """What `tarikh writer` does first (group, run-id floor), without consuming anything."""
    StreamWriter(server.client(), str(db)).prepare()
    return RecordSender(server.client())


def _send(sender: RecordSender, n: int) -> int:
    run_id = sender.start_run("news", "crawl", {})
    for i in range(n):
        sender.upsert_article(*_article(i, run_id))
    counters = RunCounters(pages_downloaded=n)
    sender.update_run(run_id, counters, status="ok", exit_code=0, duration=1.0)
    return run_id


def _pending(client: redis.Redis) -> int:
    return int(client.xpending(keys.STREAM, keys.GROUP)["pending"])


def test_writer_commits_then_acknowledges_and_deletes(redis_server: RedisServer, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    sender = _prepare(redis_server, db)
    run_id = _send(sender, 120)
    proc = tarikh("writer", "--redis", redis_server.url, "--db", str(db), "--batch", "50", "--idle-exit", "1")
    assert "122 records in 3 batches, 0 bad" in proc.stderr
    assert len(rows(db, "select url from articles")) == 120
    assert len(rows(db, "select url from pages where html is not null")) == 120  # bytes survive the trip
    # each article's search row, written with its batch (queued to the commit)
    assert len(rows(db, "select rowid from articles_search where articles_search match 'story'")) == 120
    run = rows(db, "select * from runs where id = ?", (run_id,))[0]
    assert (run["status"], run["articles_new"], run["pages_downloaded"], run["duration_s"]) == ("ok", 120, 120, 1.0)
    client = redis_server.client()
    assert client.xlen(keys.STREAM) == 0 and _pending(client) == 0
    # What the next crawl reads instead of the database: the known URLs of the site.
    assert client.hlen(keys.known("news")) == 120


def test_a_redelivered_record_changes_nothing(redis_server: RedisServer, tmp_path: Path) -> None:
    """Committed, then the writer dies before XACK: the same entries come back to it."""
    db = tmp_path / "t.db"
    sender = _prepare(redis_server, db)
    run_id = _send(sender, 30)
    first = StreamWriter(redis_server.client(), str(db), consumer="w")
    entries = first._next(backlog=False)
    assert len(entries) == 32
    real_pipeline = first.client.pipeline

    class Crash(Exception):
        pass

    def dying_pipeline(*args: Any, **kwargs: Any) -> Any:
        raise Crash("killed between commit and XACK")

    first.client.pipeline = dying_pipeline  # type: ignore[method-assign]
    with pytest.raises(Crash):
        first.apply(entries)
    first.client.pipeline = real_pipeline  # type: ignore[method-assign]
    before = rows(db, "select url, first_seen, updated_at, content_hash from articles order by url")
    assert len(before) == 30 and _pending(redis_server.client()) == 32  # committed, not acknowledged

    again = StreamWriter(redis_server.client(), str(db), consumer="w")  # the restarted writer
    stats = again.run(idle_exit=0.5)
    assert stats.records == 32 and stats.bad == 0
    assert rows(db, "select url, first_seen, updated_at, content_hash from articles order by url") == before
    run = rows(db, "select * from runs where id = ?", (run_id,))[0]
    assert (run["articles_new"], run["articles_unchanged"]) == (30, 0)  # not counted twice
    assert _pending(redis_server.client()) == 0


def test_writer_killed_mid_batch_loses_nothing(redis_server: RedisServer, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    sender = _prepare(redis_server, db)
    n = 3000
    _send(sender, n)
    client = redis_server.client()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "writer", "--redis", redis_server.url,
                             "--db", str(db), "--batch", "100", "--name", "first"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # kill it while a batch is read and not yet acknowledged
            if client.xlen(keys.STREAM) < n - 200 and _pending(client) > 0:
                break
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    in_flight = _pending(client)
    stored = len(rows(db, "select url from articles"))
    assert in_flight > 0 and 0 < stored < n  # killed mid-run, with a batch delivered and not acknowledged
    # A writer under another name takes the dead one's pending records over (XAUTOCLAIM).
    done = tarikh("writer", "--redis", redis_server.url, "--db", str(db), "--name", "second",
                  "--claim-after", "0.2", "--idle-exit", "1")
    assert "taken over" in done.stderr and " 0 taken over" not in done.stderr
    urls = [r["url"] for r in rows(db, "select url from articles")]
    assert len(urls) == len(set(urls)) == n
    assert client.xlen(keys.STREAM) == 0 and _pending(client) == 0
