"""A per-site lease in Redis: the cluster's replacement for the one-host `flock`.

SET NX PX takes it; a thread renews it while the process lives; a process that dies (kill
-9, a lost machine) stops renewing, and the lease expires after its TTL, so another worker
can crawl the site. Renewal and release check the owner token (a Lua script), so a process
never extends or frees a lease another one has taken since.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

import redis

from crawler.cluster import keys
from crawler.cluster.conn import OUTAGE_ERRORS, Outage

logger = logging.getLogger(__name__)

DEFAULT_TTL = 60.0  # seconds

#: Renew our lease; take it again if it expired meanwhile (a Redis outage longer than the TTL,
#: or a restart that found it expired) and nobody else has taken it since.
_RENEW = ("local v = redis.call('get', KEYS[1]) "
          "if v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
          "if not v then redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2]) return 2 end return 0")
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class LeaseBusy(RuntimeError):
    """Another process holds the site's lease."""


class SiteLease:
    def __init__(self, client: redis.Redis, site: str, *, ttl: float = DEFAULT_TTL) -> None:
        self.client = client
        self.key = keys.lease(site)
        self.ttl_ms = max(int(ttl * 1000), 1000)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self, *, wait: float = 0.0) -> SiteLease:
        """Take the lease, waiting up to `wait` seconds; LeaseBusy names the holder."""
        deadline = time.monotonic() + wait
        while not self.client.set(self.key, self.token, nx=True, px=self.ttl_ms):
            if time.monotonic() >= deadline:
                holder = self.client.get(self.key)
                left = self.client.pttl(self.key)
                who = holder.decode() if isinstance(holder, bytes) else "?"
                raise LeaseBusy(f"{who} holds the lease {self.key} (expires in {int(left) / 1000:.0f}s"
                                " unless renewed)")
            time.sleep(0.2)
        self._thread = threading.Thread(target=self._renew_loop, name="lease", daemon=True)
        self._thread.start()
        return self

    def _renew_loop(self) -> None:
        outage = Outage(f"lease {self.key}", limit=float("inf"))  # one line per outage
        while not self._stop.wait(self.ttl_ms / 3000 if not outage.down else 0.5):
            try:
                renewed = self.client.eval(_RENEW, 1, self.key, self.token, self.ttl_ms)
            except OUTAGE_ERRORS as exc:  # keep trying: the lease lives ttl after the last renewal
                outage.failed(exc)
                continue
            except redis.RedisError as exc:
                logger.warning("could not renew the lease %s: %s", self.key, exc)
                continue
            outage.ok()
            if not renewed:
                self.lost = True
                logger.error("lost the lease %s (another process took it while this run was paused)",
                             self.key)
                return

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        try:
            self.client.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError as exc:  # it expires on its own
            logger.warning("could not release the lease %s: %s", self.key, exc)
