"""Publication-date accuracy on the htmldate evaluation set, tarikh beside htmldate.

    .venv/bin/python benchmarks/dates.py [--limit N] [--no-htmldate] [--errors FILE]

1,000 real pages (benchmarks/data/htmldate-eval/: truth.json maps URL → {file, date}) with
the day a person judged right. A page scores when the extracted day equals that day; no date
counts as wrong, except on the 5 pages with no judged date, where no date is the right answer
(htmldate's tests/comparison.py counts those as true negatives: accuracy = (right + true
negatives) / pages; "strict" counts them wrong). Precision = right dates / dates returned,
recall = dated pages given a date / dated pages. ms/page is the median wall time
from bytes to date (parse included) on this machine; cpu ms is the median CPU time of this
process per page (time.process_time), which other work on a loaded machine does not
inflate. Each system pays for its own parse: tarikh's figure is lxml on the bytes (element
classes chosen in C, as pipelines.page.parse does) + candidates + pick; htmldate's is
pipelines.page.parse.decode_html (bytes → str, ~0.03 ms) + find_date, which parses that
string with its own lxml parser. htmldate runs with its published evaluation setting (``original_date=True``; fast:
``extensive_search=False``) and is given the same URL tarikh gets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.etree  # noqa: E402
import lxml.html  # noqa: E402

from pipelines.dates.pick import collect_candidates, pick_date  # noqa: E402
from pipelines.page.parse import HtmlParseError, decode_html, parse_html  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "htmldate-eval"


_PARSERS: dict[str | None, lxml.html.HTMLParser] = {}


def _parser(encoding: str | None) -> lxml.html.HTMLParser:
    """The element classes chosen in C, as pipelines.page.parse does: lxml.html's default
    lookup calls a Python method for every element proxy (~0.2 ms a page here)."""
    parser = _PARSERS.get(encoding)
    if parser is None:
        parser = lxml.html.HTMLParser(encoding=encoding, collect_ids=False)
        parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
        _PARSERS[encoding] = parser
    return parser


def parse_bytes(body: bytes) -> lxml.html.HtmlElement | None:
    """lxml straight on the bytes: libxml2 honours a declared charset itself; undeclared pages
    are UTF-8 when they decode as such, else Windows-1252."""
    head = body[:4096].lower()
    if b"charset" in head or body[:3] == b"\xef\xbb\xbf":
        parser = _parser(None)
    else:
        try:
            body.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError:
            enc = "cp1252"
        parser = _parser(enc)
    try:
        return lxml.html.fromstring(body, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def tarikh_date(body: bytes, url: str, today: dt.date) -> str | None:
    tree = parse_bytes(body)
    if tree is None:
        return None
    picked = pick_date(collect_candidates(tree, url), today=today)
    return picked.iso[:10] if picked else None


def tarikh_date_pipeline(body: bytes, url: str, today: dt.date) -> str | None:
    """The same through the project's own decoder/parser (pipelines.page.parse)."""
    try:
        tree = parse_html(body)
    except HtmlParseError:
        return None
    picked = pick_date(collect_candidates(tree, url), today=today)
    return picked.iso[:10] if picked else None


def htmldate_runner(extensive: bool, with_url: bool):
    from htmldate import find_date

    def run(body: bytes, url: str, today: dt.date) -> str | None:
        text = decode_html(body)[1]
        try:
            return find_date(
                text, url=url if with_url else None, extensive_search=extensive,
                original_date=True,
            )
        except Exception:  # a crash in a competitor counts as "no date"
            return None

    return run


def _judged(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def score(
    name: str, results: dict[str, str | None], truth: dict[str, dict], times: list[float],
    cpu: list[float],
):
    right = sum(1 for u, d in results.items() if d is not None and d == truth[u]["date"])
    undated_none = sum(1 for u, d in results.items() if d is None and truth[u]["date"] is None)
    found = sum(1 for d in results.values() if d is not None)
    dated = [u for u in results if truth[u]["date"] is not None]
    n = len(results)
    return {
        "system": name,
        "pages": n,
        "accuracy": (right + undated_none) / n,
        "strict": right / n,
        "precision": right / found if found else 0.0,
        "recall": sum(1 for u in dated if results[u] is not None) / len(dated) if dated else 0.0,
        "ms_page": statistics.median(times) * 1000,
        "ms_mean": statistics.fmean(times) * 1000,
        "cpu_ms": statistics.median(cpu) * 1000,
        "cpu_mean": statistics.fmean(cpu) * 1000,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="first N pages only")
    ap.add_argument("--no-htmldate", action="store_true", help="tarikh only")
    ap.add_argument("--errors", help="write tarikh's misses as JSON lines to this file")
    args = ap.parse_args()

    truth = json.loads((DATA / "truth.json").read_text())
    items = list(truth.items())
    if args.limit:
        items = items[: args.limit]
    pages = []
    for url, info in items:
        path = DATA / "pages" / info["file"]
        if path.exists():
            pages.append((url, gzip.decompress(path.read_bytes())))
    # a few pages have no judged date (NaN in the data): the right answer there is no date
    truth = {u: {**truth[u], "date": _judged(truth[u]["date"])} for u, _ in pages}
    # "now" for the future-date rule: the pages were fetched long before today, so today is a
    # safe upper bound and the same one a live crawl would use.
    today = dt.date.today()

    systems = [("tarikh", tarikh_date), ("tarikh (via pipelines.page.parse)", tarikh_date_pipeline)]
    if not args.no_htmldate:
        systems += [
            ("htmldate fast (url)", htmldate_runner(False, True)),
            ("htmldate extensive (url)", htmldate_runner(True, True)),
            ("htmldate fast (no url, as published)", htmldate_runner(False, False)),
            ("htmldate extensive (no url, as published)", htmldate_runner(True, False)),
        ]
    rows = []
    misses = []
    for name, fn in systems:
        fn(pages[0][1], pages[0][0], today)  # warm-up: imports and caches
        results: dict[str, str | None] = {}
        times: list[float] = []
        cpu: list[float] = []
        for url, body in pages:
            c0 = time.process_time()
            t0 = time.perf_counter()
            results[url] = fn(body, url, today)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        rows.append(score(name, results, truth, times, cpu))
        if name == "tarikh":
            misses = [
                {"url": u, "file": truth[u]["file"], "truth": truth[u]["date"], "got": d}
                for u, d in results.items() if d != truth[u]["date"]
            ]
    print(f"htmldate-eval: {len(pages)} pages, {dt.date.today().isoformat()}")
    undated = sum(1 for u in truth if truth[u]["date"] is None)
    print(f"({undated} pages have no judged date; 'strict' counts them wrong whatever the answer)")
    print(f"{'system':44} {'accuracy':>8} {'strict':>6} {'precision':>9} {'recall':>7}"
          f" {'ms/page':>8} {'mean':>7} {'cpu ms':>7} {'cpu mean':>8}")
    for r in rows:
        print(f"{r['system']:44} {r['accuracy']:8.3f} {r['strict']:6.3f} {r['precision']:9.3f}"
              f" {r['recall']:7.3f} {r['ms_page']:8.2f} {r['ms_mean']:7.2f} {r['cpu_ms']:7.2f}"
              f" {r['cpu_mean']:8.2f}")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for m in misses:
                fh.write(json.dumps(m) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
