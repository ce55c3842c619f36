"""The analysts' database at scale: indexing, search latency, export speed and memory.

Builds a database of N generated articles (Arabic with tashkeel, Persian, Turkish, English;
~3,500 characters each) through store.upsert_article, the pipeline's own write path, then
prints:

  * normalize_for_search throughput (characters/s) on Arabic and on English text;
  * upsert rate over the first and the last 10% of articles (flat if the search-row rewrite is
    O(log n): it deletes by rowid, not by scanning the FTS table);
  * median search latency of a few queries (ranked, with snippets, limit 20);
  * export time and peak RSS of a child process per format (csv, jsonl, parquet), beside the
    peak RSS of a child that only opens the database: flat memory means the export's peak
    does not grow with N.

    .venv/bin/python benchmarks/search_db.py [--articles 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines import store  # noqa: E402
from pipelines.store.normalise import normalize_for_search  # noqa: E402
from pipelines.store.search import search  # noqa: E402

AR = ("افتُتِحَت الْمَدْرَسَةُ الْجَدِيدَةُ في القاهرة بحضور مُحَافِظِ المدينة وقال المدير إن "
      "المدرسة ستستقبل ٥٠٠ طالب في عامها الأول وأكد الوزير أن إصلاح التعليم أولوية ")
FA = "کتابخانه\u200cی ملی ایران روز یکشنبه با حضور وزیر فرهنگ افتتاح شد ما می\u200cخواهیم "
TR = "İSTANBUL Boğaz üzerindeki yeni köprü pazar günü düzenlenen törenle trafiğe açıldı Şişli "
EN = "The municipality opened a water facility on Saturday officials said the reservoir "
LANGS = {"ar": AR, "fa": FA, "tr": TR, "en": EN}
QUERIES = ["المدرسة", "مُحَافِظ", "istanbul", "reservoir AND saturday", '"yeni köprü"', "کتابخانه*"]


def article(i: int, rng: random.Random) -> dict:
    lang = ("ar", "fa", "tr", "en")[i % 4]
    words = LANGS[lang].split()
    text = "\n\n".join(
        " ".join(rng.choice(words) for _ in range(60)) + f" {i}" for _ in range(6)
    )
    day = f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
    return {"url": f"https://bench.example/{lang}/{i}.html", "site": f"site-{i % 5}",
            "title": " ".join(rng.choice(words) for _ in range(8)), "text": text,
            "published": day, "language": lang, "word_count": len(text.split()),
            "hijri_year": 1430 + i % 15, "hijri_month": 1 + i % 12, "hijri_day": 1 + i % 29}


def norm_speed() -> None:
    for name, sample in (("arabic", AR * 40), ("english", EN * 40)):
        reps = 2000
        t = time.perf_counter()
        for _ in range(reps):
            normalize_for_search(sample)
        dt = time.perf_counter() - t
        print(f"normalize_for_search {name:8s}: {len(sample) * reps / dt / 1e6:7.1f} M chars/s "
              f"({dt / reps * 1e6:.0f} µs per {len(sample)}-char text)")


PEAK_CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from pipelines import store
from pipelines.store.export import export
db = store.connect({db!r}, readonly=True)
t = time.perf_counter()
n = export(db, {fmt!r}, {out!r}) if {fmt!r} != "none" else db.execute(
    "select count(*) from articles").fetchone()[0]
dt = time.perf_counter() - t
print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def export_child(db: Path, fmt: str, out: Path) -> tuple[int, float, int]:
    code = PEAK_CHILD.format(root=str(ROOT), db=str(db), fmt=fmt, out=str(out))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, dt, rss = proc.stdout.split()
    return int(n), float(dt), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--keep", type=Path, help="build the database in this directory and keep it")
    args = ap.parse_args()
    norm_speed()
    tmp = tempfile.TemporaryDirectory() if args.keep is None else None
    workdir = Path(tmp.name) if tmp else args.keep
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "bench.db"
    path.unlink(missing_ok=True)
    db = store.connect(path)
    rng = random.Random(7)
    n = args.articles
    tenth = max(1, n // 10)
    times = []
    t0 = time.perf_counter()
    for i in range(n):
        a = article(i, rng)
        t = time.perf_counter()
        store.upsert_article(db, a)
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    print(f"stored {n} articles in {total:.1f} s; upsert rate first 10%: "
          f"{tenth / sum(times[:tenth]):.0f}/s, last 10%: {tenth / sum(times[-tenth:]):.0f}/s")
    size = path.stat().st_size / 1e6
    print(f"database size {size:.0f} MB")
    for q in QUERIES:
        lat = []
        for _ in range(5):
            t = time.perf_counter()
            hits = search(db, q, limit=20)
            lat.append(time.perf_counter() - t)
        print(f"search {q!r:28s}: {statistics.median(lat) * 1e3:7.1f} ms median, "
              f"{len(hits)} hits shown")
    db.conn.close()
    _, _, base_rss = export_child(path, "none", workdir / "none")
    print(f"peak RSS of a process that only opens the database: {base_rss / 1024:.0f} MB")
    for fmt in ("csv", "jsonl", "parquet"):
        out = workdir / f"bench.{fmt}"
        rows, dt, rss = export_child(path, fmt, out)
        print(f"export {fmt:7s}: {rows} rows in {dt:5.1f} s ({rows / dt:6.0f} rows/s), "
              f"{out.stat().st_size / 1e6:5.0f} MB, peak RSS {rss / 1024:.0f} MB")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
