"""One run per site and database at a time.

An advisory `flock` on a small file beside the database: the kernel releases it when the
process dies, however it dies (Ctrl-C, kill -9, reboot), so a killed run never leaves a
lock behind, and no stale-PID guessing is needed.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from pathlib import Path
from types import TracebackType


class LockBusy(RuntimeError):
    """Another run holds the lock for this site and database."""


class SiteLock:
    def __init__(self, db_path: str | os.PathLike[str], site: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", site) or "_"
        # keyed on the resolved file: a symlink or another spelling of the path is one database
        self.path = Path(f"{os.path.realpath(db_path)}.locks") / f"{safe}.lock"
        self._fd: int | None = None

    def acquire(self, *, wait: float = 0.0) -> SiteLock:
        """Take the lock, waiting up to `wait` seconds; LockBusy names the holder otherwise."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "?"
                    os.close(fd)
                    raise LockBusy(f"another run holds {self.path} ({holder})") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SiteLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
