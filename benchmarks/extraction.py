"""Main-text extraction benchmark on the Zyte article-extraction pages.

Runs tarikh's extraction, trafilatura and readability-lxml over the 181 vendored pages and
prints precision, recall and F1 with the benchmark's own method (4-token shingles of ``\\w+``
tokens with counts, per-page tp/fp/fn normalised to sum 1, precision and recall averaged over
pages, F1 from the two averages), exact-page accuracy, median and mean wall ms/page, median
and mean CPU ms/page (process time, which other load on the machine does not inflate) and
peak traced memory.

    .venv/bin/python benchmarks/extraction.py [--only tarikh] [--worst 10] [--dump out.jsonl]

Timing covers bytes -> text (decoding and parsing included) for every extractor, one core.
Memory is measured in a second pass under tracemalloc so it does not distort the timings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data" / "zyte"
sys.path.insert(0, str(ROOT.parent))

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = tokenize(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def page_scores(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page, as the benchmark's evaluate.py computes them."""
    ts, ps = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in ts.keys() | ps.keys():
        t, p = ts.get(key, 0), ps.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def summarise(truth: dict[str, str], preds: dict[str, str]) -> dict[str, float]:
    precisions, recalls, exact = [], [], 0
    for key, true in truth.items():
        pred = preds.get(key, "")
        tp, fp, fn = page_scores(true, pred)
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
        exact += tokenize(true) == tokenize(pred)
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "accuracy": exact / len(truth)}


# --- extractors: bytes -> text -------------------------------------------------------------


def tarikh_extract(data: bytes) -> str:
    from pipelines.page.extract import extract
    from pipelines.page.parse import parse_html

    page = extract(parse_html(data), "")
    return "\n\n".join(page.blocks)


def _trafilatura(**options) -> Callable[[bytes], str]:
    import trafilatura

    def run(data: bytes) -> str:
        return trafilatura.extract(data, **options) or ""

    return run


def readability_extract(data: bytes) -> str:
    import lxml.html
    from readability import Document

    html = Document(data).summary(html_partial=True)
    return lxml.html.fromstring(html).text_content() if html.strip() else ""


EXTRACTORS: dict[str, Callable[[], Callable[[bytes], str]]] = {
    "tarikh": lambda: tarikh_extract,
    "trafilatura": lambda: _trafilatura(),
    "trafilatura(favor_precision)": lambda: _trafilatura(favor_precision=True),
    "readability-lxml": lambda: readability_extract,
}


def load() -> tuple[dict[str, str], dict[str, bytes]]:
    truth = {k: v.get("articleBody", "") for k, v in
             json.loads((DATA / "ground-truth.json").read_text()).items()}
    pages = {k: gzip.decompress((DATA / "html" / f"{k}.html.gz").read_bytes()) for k in truth}
    return truth, pages


def run(name: str, fn: Callable[[bytes], str],
        pages: dict[str, bytes]) -> tuple[dict, list[float], list[float]]:
    """Predictions, wall seconds and CPU seconds per page."""
    preds, times, cpu = {}, [], []
    fn(next(iter(pages.values())))  # warm-up on one page so imports are not timed
    for key, data in pages.items():
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            preds[key] = fn(data)
        except Exception as exc:  # an extractor crash counts as an empty prediction
            print(f"  {name} failed on {key[:12]}: {exc!r}", file=sys.stderr)
            preds[key] = ""
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return preds, times, cpu


def peak_memory(fn: Callable[[bytes], str], pages: dict[str, bytes]) -> float:
    tracemalloc.start()
    for data in pages.values():
        try:
            fn(data)
        except Exception:
            pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", help="run only these extractors")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst tarikh pages")
    ap.add_argument("--dump", help="write tarikh's predictions as JSON lines")
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args()
    truth, pages = load()
    names = args.only or list(EXTRACTORS)
    print(f"{len(pages)} pages; timings on one core, bytes -> text")
    header = f"{'extractor':30} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6} {'med ms':>7} " \
             f"{'mean ms':>7} {'med cpu':>7} {'mean cpu':>8} {'peak MB':>7}"
    print(header)
    for name in names:
        fn = EXTRACTORS[name]()
        preds, times, cpu = run(name, fn, pages)
        s = summarise(truth, preds)
        mem = float("nan") if args.no_memory else peak_memory(fn, pages)
        print(f"{name:30} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
              f"{s['accuracy']:6.3f} {statistics.median(times) * 1e3:7.2f} "
              f"{statistics.fmean(times) * 1e3:7.2f} {statistics.median(cpu) * 1e3:7.2f} "
              f"{statistics.fmean(cpu) * 1e3:8.2f} {mem:7.1f}", flush=True)
        if name == "tarikh" and args.worst:
            rows = []
            for key in truth:
                tp, fp, fn_ = page_scores(truth[key], preds[key])
                rows.append((tp, fp, fn_, key))
            rows.sort()
            for tp, fp, fn_, key in rows[: args.worst]:
                print(f"    {key[:16]} tp={tp:.3f} fp={fp:.3f} fn={fn_:.3f}")
        if name == "tarikh" and args.dump:
            with open(args.dump, "w") as out:
                for key in truth:
                    out.write(json.dumps({"id": key, "pred": preds[key], "true": truth[key]},
                                         ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
