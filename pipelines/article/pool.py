"""The worker processes that analyse pages off the crawl's (or reprocess's) main process.

Workers must never outlive the run that started them: under cron a killed run would leave
them (and the forkserver and resource tracker they keep alive) behind, ~100 MB each time.
A worker is not the run's child (the forkserver forks it), so the kernel's parent-death
signal cannot tell it; each worker watches the run's pid and exits when it is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from pipelines.article.heap import bound_heap, collect_less

#: Seconds between a worker's checks that the run that started it is alive.
WATCH_INTERVAL = 1.0


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
    collect_less()
    import pipelines.article.process  # noqa: F401


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes (forkserver on POSIX: forking a crawl process that runs a
    Twisted reactor and threads is unsafe) that exit with the run."""
    bound_heap()  # the process that sends them pages holds their bodies too
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_start_worker,
                               initargs=(os.getpid(),))
