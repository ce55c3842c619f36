"""Main text on pages nobody annotated: each extractor against what the other two agree on.

    .venv/bin/python benchmarks/consensus.py [--limit N]

The 1,000 real pages of htmldate-eval carry a judged date but no reference text, and no
extraction rule of tarikh was tuned on their text: the closest thing here to "sites tarikh
has never seen". For each page judged to hold an article (benchmarks/judged_not_articles.json
leaves out the rest), each extractor's bag of lower-cased ``\\w+`` words is scored against the
words both *other* extractors kept (the multiset intersection): recall = how much of that
consensus it keeps, precision against the union of the other two. No extractor is judged by
its own output. "short" counts pages where an extractor keeps under 60% of the consensus,
the way missed body text shows (one block of several, a teaser instead of the article).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from collections import Counter

from extraction import EXTRACTORS, text_of
from scoring import dataset_dir, judged_not_articles, run_timed, units

NAMES = ["tarikh", "trafilatura", "readability-lxml"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="first N pages only (a quick look)")
    ap.add_argument("--short", default="", metavar="NAME",
                    help="list the pages where NAME keeps under 60%% of the consensus")
    args = ap.parse_args()
    root = dataset_dir("htmldate-eval", "truth.json")
    if root is None:
        return 1
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    skip = judged_not_articles("htmldate-eval")
    pages = [(u, gzip.decompress((root / "pages" / t["file"]).read_bytes()))
             for u, t in truth.items() if u not in skip]
    if args.limit:
        pages = pages[: args.limit]
    bags: dict[str, dict[str, Counter]] = {}
    timing = {}
    for name in NAMES:
        fn = EXTRACTORS[name]()
        timed = run_timed(name, fn, [(u, (body, u)) for u, body in pages], on_error="")
        timing[name] = timed
        bags[name] = {u: Counter(units(text_of(v), lower=True)) for u, v in timed.results.items()}
    print(f"htmldate-eval consensus: {len(pages)} article pages ({len(skip)} judged to hold no "
          f"article left out), no reference text; each extractor against the other two")
    print(f"{'extractor':18} {'recall':>7} {'precision':>9} {'F1':>6} {'short':>6} {'empty':>6}"
          f" {'CPU ms':>7}")
    for name in NAMES:
        others = [n for n in NAMES if n != name]
        rec, prec, f1s, short, empty, counted = [], [], [], 0, 0, 0
        listed: list[tuple[float, str, int, int]] = []
        for u, _ in pages:
            mine = bags[name][u]
            agree = bags[others[0]][u] & bags[others[1]][u]
            either = bags[others[0]][u] | bags[others[1]][u]
            n_agree = sum(agree.values())
            if n_agree < 50:  # the others agree on nothing much: no consensus to score
                continue
            counted += 1
            r = sum((mine & agree).values()) / n_agree
            p = sum((mine & either).values()) / sum(mine.values()) if mine else 0.0
            rec.append(r)
            prec.append(p)
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
            short += r < 0.6
            empty += not mine
            if r < 0.6 and name == args.short:
                listed.append((r, u, sum(mine.values()), n_agree))
        print(f"{name:18} {statistics.fmean(rec):7.3f} {statistics.fmean(prec):9.3f}"
              f" {statistics.fmean(f1s):6.3f} {short:6d} {empty:6d} {timing[name].ms():7.2f}"
              f"   ({counted} pages with a consensus)")
        for r, u, n_mine, n_agree in sorted(listed):
            print(f"    recall {r:.2f}: {n_mine} words, consensus {n_agree}  {u[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
