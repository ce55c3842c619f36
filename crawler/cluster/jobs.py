"""Site jobs: `tarikh enqueue` puts them on a Redis list, `tarikh worker`s take them.

A worker moves a job to its own `processing` list (BLMOVE) before running it and removes it
only when the run is over, so a job of a worker that dies is not lost: any worker that finds
a `processing` list whose owner's heartbeat has expired puts its jobs back on the queue.
Each job runs in a subprocess (`tarikh crawl|backfill SITE --redis URL`), as `crawl --all`
does: Twisted's reactor runs once per process, and the child takes the site's lease. A Redis
outage does not end a worker: it waits with backoff (one line per outage) and carries on.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis

from crawler.cluster import keys
from crawler.cluster.conn import DEFAULT_OUTAGE_LIMIT, OUTAGE_ERRORS, Outage
from pipelines.store import now_iso

logger = logging.getLogger(__name__)

T = TypeVar("T")

HEARTBEAT = 5.0  # seconds between heartbeats; a worker is dead after 3 missed ones


def job(site: str, mode: str = "crawl", **extra: Any) -> dict[str, Any]:
    return {"site": site, "mode": mode, "enqueued": now_iso(), **{k: v for k, v in extra.items() if v}}


def enqueue(client: redis.Redis, jobs: list[dict[str, Any]]) -> int:
    """Append jobs to the queue; returns its length."""
    if not jobs:
        return int(client.llen(keys.JOBS))
    return int(client.lpush(keys.JOBS, *[json.dumps(j, default=str) for j in jobs]))


def enqueue_next(client: redis.Redis, jobs: list[dict[str, Any]]) -> None:
    """Jobs that go before everything queued (the parts of a distributed backfill)."""
    if jobs:
        client.rpush(keys.JOBS, *[json.dumps(j, default=str) for j in jobs])


def recover_orphans(client: redis.Redis, *, except_worker: str = "") -> int:
    """Put the jobs of dead workers (no heartbeat) back at the head of the queue."""
    moved = 0
    for key in client.scan_iter(match=keys.processing("*")):
        name = key.decode().removeprefix(keys.processing(""))
        if name == except_worker or client.exists(keys.worker(name)):
            continue
        while client.lmove(key, keys.JOBS, "RIGHT", "RIGHT") is not None:
            moved += 1
    if moved:
        logger.warning("put back %d job(s) of dead workers", moved)
    return moved


@dataclass(slots=True)
class WorkerReport:
    jobs: int = 0
    worst: int = 0


class Worker:
    def __init__(self, client: redis.Redis, url: str, *, name: str | None = None,
                 lease_ttl: float = 60.0, passthrough: list[str] | None = None,
                 heartbeat: float = HEARTBEAT, outage_limit: float = DEFAULT_OUTAGE_LIMIT) -> None:
        self.client = client
        self.url = url
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.lease_ttl = lease_ttl
        self.passthrough = passthrough or []
        self.heartbeat = heartbeat
        self.current: dict[str, Any] | None = None
        self.started = now_iso()
        self.report = WorkerReport()
        self.stopping = False
        self._child: subprocess.Popen[bytes] | None = None
        self._stop_beat = threading.Event()
        self.outage = Outage(f"worker {self.name}", limit=outage_limit)
        #: No one could beat while Redis was down: judge no worker dead before this moment.
        self._grace_until = 0.0

    def _beat(self) -> None:
        value = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "since": self.started,
                            "job": self.current, "jobs_done": self.report.jobs, "at": now_iso()})
        self.client.set(keys.worker(self.name), value, px=int(self.heartbeat * 3000))

    def _beat_loop(self) -> None:
        """Beat until stopped; an outage is the main loop's to report, so nothing is logged
        here (a line per missed beat would flood the log of a long outage)."""
        missed = False
        while not self._stop_beat.wait(self.heartbeat):
            try:
                self._beat()
            except redis.RedisError:
                missed = True
                continue
            if missed:  # back after an outage: the others could not beat either
                missed = False
                self._grace_until = time.monotonic() + 3 * self.heartbeat

    def _redis(self, fn: Callable[[], T]) -> T:
        """A Redis call that waits through an outage (RedisDown once it lasts too long)."""
        was_down = self.outage.down
        try:
            return self.outage.call(fn)
        finally:
            if was_down and not self.outage.down:
                self._back()

    def _back(self) -> None:
        """Redis is back: beat at once, and give the other workers time to beat before
        taking their jobs for a dead worker's."""
        self._grace_until = time.monotonic() + 3 * self.heartbeat
        try:
            self._beat()
        except redis.RedisError:
            pass

    def _stop(self, signum: int, frame: Any) -> None:
        """systemd's stop: end the running crawl cleanly, then put its job back."""
        self.stopping = True
        if self._child is not None and self._child.poll() is None:
            self._child.send_signal(signal.SIGTERM)

    def run(self, *, idle_exit: float | None = None) -> WorkerReport:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self._beat()
        beat = threading.Thread(target=self._beat_loop, name="heartbeat", daemon=True)
        beat.start()
        mine = keys.processing(self.name)
        idle_since = time.monotonic()
        try:
            while not self.stopping:
                try:
                    if time.monotonic() >= self._grace_until:
                        recover_orphans(self.client, except_worker=self.name)
                    raw = self.client.blmove(keys.JOBS, mine, 1, "RIGHT", "LEFT")
                except OUTAGE_ERRORS as exc:  # a Redis outage: wait, then carry on
                    time.sleep(self.outage.failed(exc))
                    continue
                if self.outage.ok():
                    self._back()
                if raw is None:
                    if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                        break
                    continue
                assert isinstance(raw, bytes)
                self._handle(raw.decode(), mine)
                idle_since = time.monotonic()
        finally:
            self._stop_beat.set()
            try:
                self.client.delete(keys.worker(self.name))
            except redis.RedisError:  # it expires on its own
                pass
        return self.report

    def _handle(self, raw: str, mine: str) -> None:
        try:
            spec = json.loads(raw)
            site, mode = str(spec["site"]), str(spec.get("mode", "crawl"))
        except (ValueError, KeyError, TypeError):
            logger.error("dropped a malformed job: %r", raw[:200])
            self._redis(lambda: self.client.lrem(mine, 1, raw))
            return
        part_of = spec.get("part_of")
        if not part_of and self._redis(lambda: self.client.exists(keys.lease(site))):
            pipe = self.client.pipeline()  # crawled elsewhere: back of the line (atomically)
            pipe.lrem(mine, 1, raw)
            pipe.lpush(keys.JOBS, raw)
            self._redis(pipe.execute)
            time.sleep(min(1.0, self.lease_ttl / 4))
            return
        self.current = spec
        try:
            self._beat()
        except redis.RedisError:
            pass  # the heartbeat thread tries again
        cmd = [sys.executable, "-m", "crawler.cli", mode, site, "--redis", self.url,
               "--lease-ttl", str(self.lease_ttl), *self.passthrough]
        for flag in ("since", "until", "part_of", "parts"):
            if spec.get(flag):
                cmd += [f"--{flag.replace('_', '-')}", str(spec[flag])]
        logger.info("%s: %s %s", self.name, mode, site)
        self._child = subprocess.Popen(cmd)
        code = self._child.wait()
        self._child = None
        self.current = None
        # A crawl that ends during an outage must not lose its job: its bookkeeping waits
        # for Redis to come back.
        if self.stopping and code != 0:
            self._redis(lambda: self.client.rpush(keys.JOBS, raw))  # interrupted by our stop: next
        else:
            self.report.jobs += 1
            self.report.worst = max(self.report.worst, code)
            if code != 0:
                logger.warning("%s %s exited %d", mode, site, code)
        self._redis(lambda: self.client.lrem(mine, 1, raw))
