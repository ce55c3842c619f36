"""A real redis-server per test, on 127.0.0.1 and a free port, in the test's tmp dir."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis


@dataclass
class RedisServer:
    url: str
    port: int
    proc: subprocess.Popen[bytes]
    dir: Path

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis(workdir: Path, *, port: int | None = None, appendfsync: str = "everysec") -> RedisServer:
    """Start redis-server with AOF, as the README says (retried: a free port can be taken
    between closing our probe socket and redis binding it). Given `port` and the `workdir` of
    a killed one, this is that Redis restarted: it reads its append-only file back."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (make test installs it: .ci/services)")
    workdir.mkdir(parents=True, exist_ok=True)
    for _ in range(5):
        chosen = port or _free_port()
        proc = subprocess.Popen(
            [exe, "--bind", "127.0.0.1", "--port", str(chosen), "--dir", str(workdir),
             "--appendonly", "yes", "--appendfsync", appendfsync, "--save", "",
             "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=chosen)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                client.ping()
                return RedisServer(f"redis://127.0.0.1:{chosen}/0", chosen, proc, workdir)
            except redis.ConnectionError:
                time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise RuntimeError("could not start redis-server")


def stop_redis(server: RedisServer) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = start_redis(tmp_path / "redis")
    try:
        yield server
    finally:
        stop_redis(server)
