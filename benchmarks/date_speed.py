"""Microseconds per candidate string for tarikh's date parser (target: median ≤ 50 µs).

    .venv/bin/python benchmarks/date_speed.py [--rounds N]

Three sets: the 309 shared vectors (tests/data/date_vectors.jsonl); realistic candidate
strings as collect_candidates hands them to pick_date (meta/JSON-LD timestamps, bylines,
header lines, counters, text without dates); and the same strings through dateparser for
comparison. Each string is timed on its own, the median of N rounds is kept per string, and
the median/p90 over strings is printed. dateparser's first call (import and language data)
is timed separately.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.dates.parse import find_dates, parse_date  # noqa: E402

CANDIDATES = [
    "2015-11-21T10:37:00+03:00", "2019-12-09T22:25:10.658Z", "2018-12-31T23:11:59+00:00",
    "2020-01-20T09:49:32+0000", "Mon Jan 20 09:49:32 UTC 2020", "2017-07-12", "2016/12/23",
    "21 November 2015 10:37", "Posted on May 10, 2020 at 5:30 pm", "By A. Writer, 3 March 2020",
    "15.2.2018, 19:51", "24. Juli 2017 - 18:55", "Stand: 19.10.2019 11:05 Uhr",
    "Freitag, 6. Oktober 2017 um 04:00", "Mai 06 2018", "Party, 30.10.23",
    "18 June 2018 - Monday - 4 Shawwal 1439 | 18/06/2018 (16) 17/06/2018 (22) 16/06/2018 (30)",
    "الاثنين ٤ شوال ١٤٣٩ هـ - ١٨ يونيو ٢٠١٨ م", "۲۵ فروردین ۱۴۰۳", "25 Mart 2026 Çarşamba 08:33",
    "Total: 138,993 content", "Scroll Up", "Copyright © 2015 Example Media", "(16)", "1439",
    "Updated: 3 March 2020", "Share on Facebook", "Read more",
]


def time_one(fn, text: str, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(text)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e6


def report(name: str, fn, texts: list[str], rounds: int) -> None:
    per = sorted(time_one(fn, t, rounds) for t in texts)
    p90 = per[int(0.9 * (len(per) - 1))]
    print(f"{name:52} n={len(per):4}  median {statistics.median(per):8.1f} µs   p90 {p90:8.1f} µs"
          f"   max {per[-1]:8.1f} µs")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    vectors = [
        json.loads(line)["text"]
        for line in (ROOT / "tests" / "data" / "date_vectors.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    # no per-string cache on the fast path; month-name lookups are cached, as in a crawl where
    # the same few names recur
    fast = lambda s: parse_date(s, fallback=False)  # noqa: E731
    report("parse_date fast path, 309 vectors", fast, vectors, args.rounds)
    report("parse_date fast path, candidate strings", fast, CANDIDATES, args.rounds)
    report("find_dates, candidate strings", find_dates, CANDIDATES, args.rounds)

    t0 = time.perf_counter()
    import dateparser

    dateparser.parse("21 November 2015 10:37")
    print(f"dateparser import + first call: {(time.perf_counter() - t0) * 1e3:.0f} ms")
    report("dateparser.parse, 309 vectors (for comparison)", dateparser.parse, vectors,
           max(3, args.rounds // 10))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
