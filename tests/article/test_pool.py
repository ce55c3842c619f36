"""Worker processes exit with the run that started them, even when it is killed -9; page-sized
blocks get their own mappings (bound_heap)."""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT

SCRIPT = """
import os, sys
from pipelines.article.pool import worker_pool
pool = worker_pool(2)
pids = {pool.submit(os.getpid).result() for _ in range(20)}
print(" ".join(map(str, sorted(pids))), flush=True)
sys.stdin.read()  # wait to be killed
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) is gone for our purpose
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def test_workers_exit_when_the_run_is_killed() -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids and all(_alive(p) for p in pids)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids), "workers outlived the killed run"


HEAP_PROBE = """
import ctypes, sys
from pipelines.article.heap import bound_heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2
big = bytearray(8 * 2**20)
del big  # glibc now raises its mmap threshold to 8 MiB, unless bounded
if sys.argv[1] == "bounded":
    bound_heap()
before = libc.mallinfo2().hblkhd
body = bytearray(300 * 1024)  # a page body
print(libc.mallinfo2().hblkhd - before >= 300 * 1024)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")
@pytest.mark.parametrize(("mode", "mapped"), [("bounded", "True"), ("default", "False")])
def test_a_page_body_gets_its_own_mapping_once_the_heap_is_bounded(mode: str, mapped: str) -> None:
    """bound_heap keeps glibc from moving page-sized blocks onto the heap after a larger one
    was freed (the default, shown too: what the bound prevents). A fresh process each, since
    the threshold is per process."""
    proc = subprocess.run([sys.executable, "-c", HEAP_PROBE, mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == mapped
