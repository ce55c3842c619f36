"""The arithmetic behind the before/after tables the benchmarks print (the README quotes them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# benchmarks/ is a folder of scripts, not a package. Appended, not put first: its scripts
# (dates.py, dupes.py, warc.py, …) must not shadow a module another test imports by that name.
sys.path.append(str(Path(__file__).resolve().parents[1] / "benchmarks"))
import throughput


def _result(worker: dict[str, float], main: dict[str, float]) -> throughput.Result:
    stages = {**worker, **main}
    return throughput.Result(rate=100.0, main_ms=sum(main.values()), worker_ms=sum(worker.values()),
                             peak=0, bare=throughput.Bare(300.0, 3.0, 0), stages=stages)


def test_a_stage_cut_shows_net_of_a_drift_that_slows_every_stage(capsys: pytest.CaptureFixture[str]) -> None:
    worker = {"compress": 0.4, "decode": 0.6, "parse": 1.3, "metadata": 0.3, "date_candidates": 0.7,
              "extract": 5.0}
    main = {"compress_html": 0.7, "furniture": 2.0, "date_pick": 0.3, "record": 0.2, "store": 2.5,
            "scrapy": 4.0}
    results = []
    for drift in (1.0, 1.25, 0.9):  # each round's pair shares the machine's speed of the moment
        before = _result({k: v * drift for k, v in worker.items()}, {k: v * drift for k, v in main.items()})
        after_worker = {k: v * drift * (0.9 if k == "extract" else 1.0) for k, v in worker.items()}
        after = _result(after_worker, {k: v * drift for k, v in main.items()})
        results += [("baseline", before), ("tarikh", after)]
    throughput.stage_table(results)
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in capsys.readouterr().out.splitlines() if line.startswith("| ")}
    assert rows["extract"][3] == "-10%"  # the cut, whatever the drift
    # untouched stages, in the same process as the cut too
    assert rows["parse"][3] == "+0%" and rows["furniture"][3] == "+0%"
    assert rows["all"][3] == "–"
    assert rows["extract"][0] == "5.00" and rows["extract"][1] == "4.50"  # medians, in ms
