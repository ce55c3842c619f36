"""Near-duplicate detection: datasketch vs rensa, precision/recall, and the cost at scale.

    .venv/bin/python benchmarks/dupes.py [--scale 5000]

Texts: the 181 real articles of the Zyte ground truth (``articleBody``; shared copy or
benchmarks/data/zyte).

1. Speed and memory, per document, on the same 4-word shingles tarikh uses: datasketch
   MinHash (update_batch, scheme affine32) vs rensa RMinHash; and the memory of each one's
   in-memory LSH index (RSS growth over N inserted signatures, N = 181 × 20 keys).
2. Precision/recall of tarikh's detection (pipelines.article.dupes.detect on a real SQLite
   store): every original plus edited copies of it — paragraphs reordered; a sentence added;
   different furniture lines added (share bar, counter, related links, copyright); and the
   three at once plus the last third cut (an editor's trim). A copy is right when it links to
   a copy of its own story (its original, or another copy when the original was too far to
   match); a link from an original (all distinct stories) is a false positive.
3. Cost at scale, from measured figures: time per insert and on-disk index bytes per article
   at `--scale` synthetic distinct articles (sentences of the real texts shuffled), and the
   expected number of spurious LSH candidates per insert at 1M from the measured Jaccard
   distribution of distinct real articles.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import psutil
from scoring import dataset_dir

from pipelines import store
from pipelines.article import dupes

FURNITURE = [
    "Share this article: Facebook Twitter WhatsApp Email",
    "Total: 12,345 views",
    "Related: Markets close higher as oil rises | Five things to know today",
    "© 2024 The Daily Courier. All rights reserved.",
    "Sign up for our newsletter",
]
ADDED = "The agency said further details would be released later in the week, officials added."


def load_texts() -> list[str]:
    root = dataset_dir("zyte", "ground-truth.json")
    if root is None:
        sys.exit(1)
    truth = json.loads((root / "ground-truth.json").read_text())
    return [v["articleBody"] for v in truth.values() if v.get("articleBody")]


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


# --- 1. libraries ------------------------------------------------------------------------------


def bench_libraries(texts: list[str]) -> None:
    import rensa
    from datasketch import MinHash, MinHashLSH

    grams = [dupes.shingles(t) for t in texts]
    t0 = time.process_time()
    for _ in range(3):
        for t in texts:
            dupes.shingles(t)
    shingle_ms = (time.process_time() - t0) / (3 * len(texts)) * 1000
    avg = statistics.mean(len(g) for g in grams)
    print(f"texts: {len(texts)}, {avg:.0f} shingles each on average; shingling {shingle_ms:.3f} ms/doc")

    template = MinHash(num_perm=dupes.NUM_PERM, seed=1, scheme=dupes.SCHEME, hashfunc=dupes.shingle_hash)
    lists = [list(g) for g in grams]
    strs = [[s.decode() for s in g] for g in grams]

    def ds(g: list[bytes]) -> MinHash:
        m = MinHash(num_perm=dupes.NUM_PERM, seed=1, permutations=template.permutations,
                    scheme=dupes.SCHEME, hashfunc=dupes.shingle_hash)  # as pipelines.article.dupes
        m.update_batch(g)
        return m

    def rs(g: list[str]) -> rensa.RMinHash:
        m = rensa.RMinHash(num_perm=dupes.NUM_PERM, seed=1)
        m.update(g)
        return m

    results = {}
    for name, fn, data in (("datasketch", ds, lists), ("rensa", rs, strs)):
        fn(data[0])
        t0 = time.process_time()
        for _ in range(5):
            for g in data:
                fn(g)
        results[name] = (time.process_time() - t0) / (5 * len(data)) * 1000
    copies = 20
    sigs_ds = [ds(g) for g in lists]
    sigs_rs = [rs(g) for g in strs]
    before = rss()
    lsh = MinHashLSH(threshold=dupes.THRESHOLD, num_perm=dupes.NUM_PERM, params=(dupes.BANDS, dupes.ROWS))
    t0 = time.perf_counter()
    for c in range(copies):
        for i, m in enumerate(sigs_ds):
            lsh.insert(f"https://site{c}.example/{i}", m)
    ds_insert = (time.perf_counter() - t0) / (copies * len(sigs_ds)) * 1e6
    ds_mem = (rss() - before) / (copies * len(sigs_ds))
    del lsh
    before = rss()
    rl = rensa.RMinHashLSH(threshold=dupes.THRESHOLD, num_perm=dupes.NUM_PERM, num_bands=dupes.BANDS)
    t0 = time.perf_counter()
    n = 0
    for _c in range(copies):
        for m in sigs_rs:
            rl.insert(n, m)
            n += 1
    rs_insert = (time.perf_counter() - t0) / n * 1e6
    rs_mem = (rss() - before) / n
    print(f"{'library':12} {'MinHash ms/doc':>15} {'LSH insert µs':>14} {'LSH bytes/doc':>14}")
    print(f"{'datasketch':12} {results['datasketch']:>15.3f} {ds_insert:>14.1f} {ds_mem:>14.0f}")
    print(f"{'rensa':12} {results['rensa']:>15.3f} {rs_insert:>14.1f} {rs_mem:>14.0f}")
    print("(MinHash cost excludes shingling, the same for both; LSH memory = RSS growth, "
          f"{dupes.BANDS} bands x {dupes.ROWS} rows, string keys for datasketch, int for rensa)")


# --- 2. precision / recall ---------------------------------------------------------------------


def variants(text: str, rng: random.Random) -> dict[str, str]:
    paras = [p for p in text.split("\n") if p.strip()]
    shuffled = paras[:]
    rng.shuffle(shuffled)
    sentence_at = rng.randrange(len(paras) + 1)
    added = paras[:sentence_at] + [ADDED] + paras[sentence_at:]
    furniture = rng.sample(FURNITURE, 3)
    furnished = [furniture[0], *paras, *furniture[1:]]
    cut = shuffled[: max(1, (2 * len(shuffled)) // 3)]
    return {
        "reordered": "\n\n".join(shuffled),
        "sentence": "\n\n".join(added),
        "furniture": "\n\n".join(furnished),
        "all+trim": "\n\n".join([furniture[0], *cut[:1], ADDED, *cut[1:], *furniture[1:]]),
    }


def bench_precision_recall(texts: list[str]) -> None:
    rng = random.Random(13)
    with tempfile.TemporaryDirectory() as tmp:
        db = store.connect(Path(tmp) / "pr.db")
        originals, copies = {}, {}
        for i, text in enumerate(texts):
            url = f"https://wire.example/{i}"
            originals[url] = text
            for kind, copy in variants(text, rng).items():
                copies[f"https://copy-{kind}.example/{i}"] = (url, kind, copy)
        # originals first (published earlier), then the copies in random order
        items = [(u, t, "2024-01-01") for u, t in originals.items()]
        rest = [(u, c[2], "2024-01-02") for u, c in copies.items()]
        rng.shuffle(rest)
        for url, text, day in items + rest:
            dupes.store_article(db, {"url": url, "site": url.split("/")[2], "title": "t",
                                     "published": day, "text": text})
        links = dict(db.execute("select url, duplicate_of from articles where duplicate_of is not null").fetchall())
        too_short = sum(1 for t in originals.values() if dupes.signature(t) is None)
    story = {u: u for u in originals} | {u: c[0] for u, c in copies.items()}
    fp_orig = sum(1 for u in originals if u in links)
    print(f"\noriginals: {len(originals)} ({too_short} too short to compare, <{dupes.MIN_SHINGLES} shingles); "
          f"copies: {len(copies)}; originals wrongly linked: {fp_orig}")
    print(f"{'edit':12} {'copies':>7} {'linked right':>13} {'linked wrong':>13} {'recall':>7} {'precision':>10}")
    tp_all = wrong_all = n_all = 0
    for kind in ("reordered", "sentence", "furniture", "all+trim"):
        mine = {u: c for u, c in copies.items() if c[1] == kind}
        tp = sum(1 for u, c in mine.items() if u in links and story[links[u]] == c[0])
        wrong = sum(1 for u, c in mine.items() if u in links and story[links[u]] != c[0])
        tp_all, wrong_all, n_all = tp_all + tp, wrong_all + wrong, n_all + len(mine)
        print(f"{kind:12} {len(mine):>7} {tp:>13} {wrong:>13} {tp / len(mine):>7.3f} "
              f"{tp / max(1, tp + wrong):>10.3f}")
    predicted = tp_all + wrong_all + fp_orig
    print(f"{'all':12} {n_all:>7} {tp_all:>13} {wrong_all:>13} {tp_all / n_all:>7.3f} "
          f"{tp_all / max(1, predicted):>10.3f}   (precision counts originals' links as errors)")


# --- 3. scale ----------------------------------------------------------------------------------


def bench_scale(texts: list[str], n: int) -> None:
    rng = random.Random(7)
    sentences = [s.strip() + "." for t in texts for s in t.replace("\n", " ").split(". ") if len(s.split()) > 5]
    sigs = [s for s in (dupes.signature(t) for t in texts) if s is not None]
    sims = [dupes.similarity(a, b) for a, b in combinations(sigs, 2)]
    p_cand = statistics.mean(1 - (1 - j ** dupes.ROWS) ** dupes.BANDS for j in sims)
    print(f"\ndistinct real articles: {len(sims)} pairs, estimated Jaccard mean {statistics.mean(sims):.4f}, "
          f"max {max(sims):.3f}; P(spurious LSH candidate) per pair {p_cand:.2e}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        db = store.connect(path)
        times = []
        t_total = time.perf_counter()
        for i in range(n):
            text = " ".join(rng.sample(sentences, 25))
            rec = {"url": f"https://s.example/{i}", "site": "s", "title": "t", "text": text}
            t0 = time.perf_counter()
            dupes.store_article(db, rec)
            times.append(time.perf_counter() - t0)
        total = time.perf_counter() - t_total
        try:
            sizes = dict(db.execute("select name, sum(pgsize) from dbstat group by name").fetchall())
            index_bytes = sum(v for k, v in sizes.items() if "minhash" in k)
        except Exception:
            index_bytes = 0
        t0 = time.perf_counter()
        with store.transaction(db):
            for i in range(200):
                dupes.detect(db, f"https://s.example/{i}", " ".join(rng.sample(sentences, 25)))
        detect_ms = (time.perf_counter() - t0) / 200 * 1000
        db.conn.close()
    last = times[-1000:]
    print(f"{n} synthetic articles stored with detection: {total / n * 1000:.2f} ms each "
          f"(last 1000: median {statistics.median(last) * 1000:.2f} ms); detect alone {detect_ms:.2f} ms;"
          f" minhash tables {index_bytes / n:.0f} bytes/article on disk")
    per_m = 1_000_000
    print(f"at 1M articles: minhash tables ≈ {index_bytes / n * per_m / 1e9:.2f} GB on disk, "
          f"≈ {p_cand * per_m:.1f} spurious candidates per insert (each a signature read + compare)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=5000)
    parser.add_argument("--skip", choices=["libs", "pr", "scale"], action="append", default=[])
    args = parser.parse_args()
    os.environ.setdefault("TARIKH_BUSY_TIMEOUT", "30")
    texts = load_texts()
    if "libs" not in args.skip:
        bench_libraries(texts)
    if "pr" not in args.skip:
        bench_precision_recall(texts)
    if "scale" not in args.skip:
        bench_scale(texts, args.scale)


if __name__ == "__main__":
    main()
