"""A long run's collector settings: start-up objects frozen out of full collections, fewer
young-generation passes. Each check runs in a fresh process, since both are per process
and a freeze cannot be undone for the objects it froze."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def _run(script: str) -> str:
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


FREEZE = """
import gc
from pipelines.article.heap import freeze_long_lived

class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector frees it

garbage = Node()
del garbage  # garbage before the freeze: collected first, not frozen
kept = [Node() for _ in range(1000)]
freeze_long_lived()
frozen = gc.get_freeze_count()
late = Node()
del late  # garbage made after the freeze is still collected
print(frozen >= 1000, gc.collect() >= 1, sum(isinstance(o, Node) for o in gc.get_objects()))
"""


def test_freezing_keeps_the_live_objects_out_of_collections_and_still_collects_later_garbage(
) -> None:
    frozen, collected, still_tracked = _run(FREEZE).split()
    assert (frozen, collected) == ("True", "True")
    assert still_tracked == "0"  # the 1,000 kept nodes are frozen, no longer scanned


THRESHOLDS = """
import gc
from pipelines.article.heap import THRESHOLDS, collect_less
before = gc.get_threshold()
collect_less()
print(before != THRESHOLDS, gc.get_threshold() == THRESHOLDS)
"""


def test_collect_less_sets_the_runs_thresholds() -> None:
    assert _run(THRESHOLDS) == "True True"


EXTENSION = """
import gc
from scrapy import signals
from scrapy.utils.test import get_crawler
from crawler import settings as project
from crawler.runs.heap import FreezeLongLived

assert "crawler.runs.heap.FreezeLongLived" in project.EXTENSIONS
crawler = get_crawler()
ext = FreezeLongLived.from_crawler(crawler)
count = []
def counted(**kw):
    count.append(1)
crawler.signals.connect(counted, signal=signals.item_scraped)
before = gc.get_freeze_count()
crawler.signals.send_catch_log(signals.item_scraped, item={}, response=None, spider=None)
after_first = gc.get_freeze_count()
gc.unfreeze()
crawler.signals.send_catch_log(signals.item_scraped, item={}, response=None, spider=None)
print(before, after_first > 0, gc.get_freeze_count(), len(count))
"""


def test_a_crawl_freezes_once_after_its_first_item() -> None:
    """The first item has loaded what the stages load lazily: freeze then, and only then
    (later items find it done; every other receiver of the signal still hears each item)."""
    assert _run(EXTENSION) == "0 True 0 2"
