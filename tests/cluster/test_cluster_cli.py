"""Bad input and a Redis that is down: one clear line and exit 3, never a traceback."""

from __future__ import annotations

import socket

from tests.cluster.conftest import RedisServer
from tests.helpers import tarikh


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there any more


def test_redis_down_is_one_line_and_exit_3(tmp_path) -> None:
    url = _dead_url()
    for args in (["writer", "--db", str(tmp_path / "t.db")], ["worker"], ["enqueue", "demo"],
                 ["cluster"], ["crawl", "--url", "http://127.0.0.1:9/", "--db", str(tmp_path / "t.db")]):
        proc = tarikh(*args, "--redis", url, check=False, timeout=60)
        assert proc.returncode == 3, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
        assert url in proc.stderr


def test_bad_input_is_one_line(redis_server: RedisServer) -> None:
    bad = tarikh("enqueue", "no-such-site", "--redis", redis_server.url, check=False)
    assert bad.returncode == 3 and "Traceback" not in bad.stderr and "no-such-site" in bad.stderr
    usage = tarikh("enqueue", "--redis", redis_server.url, check=False)
    assert usage.returncode == 2 and "SITE" in usage.stderr
    url = tarikh("cluster", "--redis", "http://nope", check=False)
    assert url.returncode == 3 and "bad Redis URL" in url.stderr


def test_enqueue_and_status_show_the_queue(redis_server: RedisServer) -> None:
    tarikh("enqueue", "demo", "--since", "2026-01-01", "--redis", redis_server.url)
    out = tarikh("cluster", "--redis", redis_server.url).stdout
    assert "jobs: 1 queued, 0 running" in out and "workers: 0" in out
