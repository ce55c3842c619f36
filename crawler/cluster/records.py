"""The workers' side of the stream: what a crawl would have written, sent to the writer.

The same row dicts the single-process store stage writes (`pipelines.store`), so the writer
commits them with the same functions. Also what a crawl reads instead of the database: the
known URLs of a site and its learned template, which the writer keeps in Redis.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
from typing import Any

import redis

from crawler.cluster import keys
from crawler.cluster.codec import encode
from crawler.cluster.conn import DEFAULT_OUTAGE_LIMIT, OUTAGE_ERRORS, Outage, RedisDown
from pipelines import store


class RecordSender:
    """XADD records for `tarikh writer`; never trims the stream (the writer deletes what it
    has committed), so nothing is dropped while the writer is down.

    Through a Redis outage a crawl's records fail fast (RedisDown, one log line per outage)
    instead of stalling the reactor: the crawl counts each as an error and does not remember
    the page, so the next run fetches it again. Redis is tried again after a growing pause;
    past `outage_limit` seconds the error is RedisGone and the crawl stops. The run's own
    records (`wait=True`) wait for Redis instead, within the same bound."""

    def __init__(self, client: redis.Redis, *, outage_limit: float = DEFAULT_OUTAGE_LIMIT) -> None:
        self.client = client
        self.sent = 0
        self.outage = Outage("records to the writer", limit=outage_limit)
        self._next_try = 0.0

    def send(self, record: dict[str, Any], *, wait: bool = False) -> None:
        data = encode(record)
        if wait:
            self.outage.call(lambda: self._xadd(data))
            return
        if self.outage.down and time.monotonic() < self._next_try:
            raise RedisDown("Redis unreachable (retried shortly)")
        try:
            self._xadd(data)
        except OUTAGE_ERRORS as exc:
            self._next_try = time.monotonic() + self.outage.failed(exc)  # RedisGone past the limit
            raise RedisDown(f"Redis unreachable: {exc}") from None
        self.outage.ok()

    def _xadd(self, data: bytes) -> None:
        try:
            self.client.xadd(keys.STREAM, {"r": data})
        except OUTAGE_ERRORS:
            raise
        except redis.RedisError as exc:  # e.g. OOM under maxmemory: refused, never dropped
            raise RedisDown(f"cannot send to the writer's stream: {exc}") from exc
        self.sent += 1

    def start_run(self, site: str, mode: str, args: dict[str, Any]) -> int:
        """A run id from Redis (the writer raised its floor above the database's ids)."""
        try:
            if not self.client.exists(keys.RUN_IDS):
                raise RedisDown("no writer has started on this Redis yet: start `tarikh writer` first "
                                "(it numbers runs after the database's last one)")
            run_id = int(self.client.incr(keys.RUN_IDS))
        except redis.RedisError as exc:
            raise RedisDown(f"cannot reach Redis: {exc}") from exc
        self.send({"type": "run_start", "run": {
            "id": run_id, "site": site, "mode": mode, "started": store.now_iso(),
            "args": json.dumps(args, default=str, ensure_ascii=False),
            "pid": os.getpid(), "host": socket.gethostname()}})
        return run_id

    def update_run(self, run_id: int, counters: store.RunCounters, *, part: str | None = None,
                   status: str | None = None, exit_code: int | None = None,
                   duration: float | None = None, wait: bool = False) -> None:
        """This process's counters of a run (`part` tells the processes of a distributed run
        apart; the writer sums them). The last one waits through an outage (`wait`): a run
        whose end never reaches the writer would stay `running` until the next one."""
        self.send({"type": "run", "id": run_id, "part": part or f"{socket.gethostname()}:{os.getpid()}",
                   "counters": dataclasses.asdict(counters), "status": status,
                   "exit_code": exit_code, "duration": duration}, wait=wait)

    def save_page(self, page: dict[str, Any]) -> None:
        self.send({"type": "page", "page": page})

    def upsert_article(self, article: dict[str, Any], page: dict[str, Any] | None) -> None:
        self.send({"type": "article", "article": article, "page": page})

    def save_template(self, site: str, data: dict[str, Any], pages_seen: int, *,
                      wait: bool = False) -> None:
        self.send({"type": "template", "site": site, "data": data, "pages_seen": pages_seen},
                  wait=wait)

    def refinish(self, site: str, urls: list[str], *, wait: bool = False) -> None:
        if urls:
            self.send({"type": "refinish", "site": site, "urls": urls}, wait=wait)


def known_pages(client: redis.Redis, site: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """url → (etag, last_modified, fetched_at) of the site's stored articles."""
    out = {}
    for url, value in client.hgetall(keys.known(site)).items():
        etag, last_modified, fetched_at = json.loads(value)
        out[url.decode() if isinstance(url, bytes) else url] = (etag, last_modified, fetched_at)
    return out


def learned_template(client: redis.Redis, site: str) -> dict[str, Any] | None:
    value = client.get(keys.template(site))
    return json.loads(value) if value else None
