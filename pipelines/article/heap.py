"""How a long run's processes keep their heaps: page-sized blocks handed back to the system,
and the objects loaded at start kept out of the cyclic garbage collector's way."""

from __future__ import annotations

import ctypes
import gc
import sys

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


#: The collector's thresholds in a long run: a young-generation pass every 10,000 net
#: allocations of container objects instead of 700, a middle-generation pass every 20 of
#: those, a full pass every 10 of these. A page allocates tens of thousands, so at 700 the collector
#: ran several times a page, each time walking what the page was still using: 0.96 s → 0.27 s
#: of collection in a 3,000-page crawl process, 0.15 → 0.03 s in a worker over 724 pages, the
#: same peak RSS. What it delays is only the freeing of garbage in reference cycles.
THRESHOLDS = (10_000, 20, 10)


def collect_less() -> None:
    """Set `THRESHOLDS` for this process."""
    gc.set_threshold(*THRESHOLDS)


def freeze_long_lived() -> None:
    """Collect, then move every object alive now out of the cyclic collector's reach
    (`gc.freeze`). A crawl allocates millions of short-lived objects, and each full
    collection rescans every tracked object, most of them what start-up loaded (Scrapy,
    Twisted, lxml, trafilatura, dateparser's languages): 1.6 s of a 3,000-page crawl's 33 s
    of CPU went to full collections in the crawl process (`benchmarks/throughput.py`, a
    `gc.callbacks` timer). Frozen objects are still freed when their last reference goes;
    only a reference cycle among them would stay, and these live as long as the run."""
    gc.collect()
    gc.freeze()
