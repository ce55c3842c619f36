"""Connecting to Redis with one clear error when it is down or the URL is wrong."""

from __future__ import annotations

import redis


class RedisDown(RuntimeError):
    """Redis cannot be reached (the CLI prints it on one line and exits 3)."""


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
