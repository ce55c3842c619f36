"""Connecting to Redis with one clear error when it is down or the URL is wrong, and living
through an outage (Redis restarted, a network blip) without crashing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import redis

logger = logging.getLogger(__name__)

T = TypeVar("T")


class RedisDown(RuntimeError):
    """Redis cannot be reached (the CLI prints it on one line and exits 3)."""


class RedisGone(RedisDown):
    """An outage that has lasted past its limit: stop waiting for Redis."""


def connect(url: str) -> redis.Redis:
    """A client that has answered PING: failing here beats failing mid-crawl."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        client.ping()
    except ValueError as exc:  # a malformed URL
        raise RedisDown(f"bad Redis URL {url!r}: {exc}") from None
    except redis.RedisError as exc:
        raise RedisDown(f"Redis at {url}: {exc}") from None
    return client


#: What a Redis outage looks like to redis-py: refused or reset connections, timeouts, and
#: `LOADING` while a restarted server reads its append-only file (BusyLoadingError is a
#: ConnectionError).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError)

#: How long a long-lived process (writer, worker, a crawl's last records) waits for Redis to
#: come back before giving up with one line and exit 3 (then systemd restarts it).
DEFAULT_OUTAGE_LIMIT = 300.0


class Outage:
    """One Redis outage as a process lives it: a warning when it starts and one when it ends
    (never a line per failed call), a growing pause between attempts, and RedisDown once it
    has lasted `limit` seconds — bounded, so a Redis that is gone for good is reported."""

    def __init__(self, who: str, *, limit: float = DEFAULT_OUTAGE_LIMIT, first: float = 0.2,
                 longest: float = 5.0) -> None:
        self.who = who
        self.limit = limit
        self.first = first
        self.longest = longest
        self.since: float | None = None
        self.delay = first
        self.outages = 0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: Exception) -> float:
        """Note a failed call; returns how long to wait before the next attempt."""
        now = time.monotonic()
        if self.since is None:
            self.since, self.delay = now, self.first
            self.outages += 1
            logger.warning("%s: Redis unreachable (%s); retrying until it is back", self.who,
                           _one_line(exc))
        elif now - self.since >= self.limit:
            raise RedisGone(f"{self.who}: Redis unreachable for {now - self.since:.0f}s: "
                            f"{_one_line(exc)}")
        delay, self.delay = self.delay, min(self.delay * 2, self.longest)
        return delay

    def ok(self) -> bool:
        """Note a call that worked; True when it ends an outage."""
        if self.since is None:
            return False
        logger.warning("%s: Redis is back after %.1fs", self.who, time.monotonic() - self.since)
        self.since = None
        return True

    def call(self, fn: Callable[[], T], *, stop: Callable[[], bool] = lambda: False) -> T:
        """`fn()` retried through an outage (RedisDown past the limit or when `stop()`)."""
        while True:
            try:
                result = fn()
            except OUTAGE_ERRORS as exc:
                delay = self.failed(exc)
                if stop():
                    raise RedisDown(f"{self.who}: stopped while Redis was unreachable") from None
                time.sleep(delay)
                continue
            self.ok()
            return result


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
