"""The worker processes that analyse pages off the crawl's (or reprocess's) main process.

Workers must never outlive the run that started them: under cron a killed run would leave
them (and the forkserver and resource tracker they keep alive) behind, ~100 MB each time.
A worker is not the run's child (the forkserver forks it), so the kernel's parent-death
signal cannot tell it; each worker watches the run's pid and exits when it is gone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

#: Seconds between a worker's checks that the run that started it is alive.
WATCH_INTERVAL = 1.0


#: glibc's mallopt parameters, and the threshold: glibc's own starting value.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_LARGE = 128 * 1024


def bound_heap() -> None:
    """Large blocks (page bodies, their decoded and compressed copies: 100–500 KB each) go to
    their own mappings, returned to the system when freed. glibc starts so, but raises its
    mmap threshold to any freed block's size (up to 32 MiB): the bodies then come from the
    heap, whose holes stay resident. Fixed at its starting 128 KiB: −20 MiB in a crawl process
    and −9 MiB in a worker over 3,000 real pages (`benchmarks/throughput.py`). Linux with
    glibc only; elsewhere nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _LARGE)
        libc.mallopt(_M_TRIM_THRESHOLD, _LARGE)
    except (OSError, AttributeError):  # musl or no libc.so.6: its own allocator's policy
        return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _watch(run_pid: int) -> None:
    while _alive(run_pid):
        time.sleep(WATCH_INTERVAL)
    os._exit(0)  # the run is gone: nobody will read our results


def _start_worker(run_pid: int) -> None:
    """Initializer: watch the run's pid, and import the heavy modules once, not on page 1."""
    threading.Thread(target=_watch, args=(run_pid,), daemon=True, name="tarikh-watch-run").start()
    bound_heap()
    import pipelines.article.process  # noqa: F401


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes (forkserver on POSIX: forking a crawl process that runs a
    Twisted reactor and threads is unsafe) that exit with the run."""
    bound_heap()  # the process that sends them pages holds their bodies too
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_start_worker,
                               initargs=(os.getpid(),))
