"""Publication-date accuracy on the htmldate evaluation set, tarikh beside htmldate.

    .venv/bin/python benchmarks/dates.py [--limit N] [--no-htmldate] [--errors FILE]
        [--examples N]

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

Two tarikh figures: the date picker alone (collect_candidates + pick_date, the rows
"tarikh"), and the day the stored record gets ("tarikh pipeline"): the path of `tarikh
extract` (benchmarks/scoring.tarikh_record: pipelines.process.analyse_html, then
process_analysis with a fresh SiteContext, as on a site's first crawl), whose time includes
the whole extraction. The run counts the pages where the pipeline's day is wrong and the
picker's right (and the reverse), with examples.

Also the 309 shared date strings (shared/dates/vectors.jsonl, the file tests/test_dateparse.py
reads as tests/data/date_vectors.jsonl): right = parse_date gives the expected ISO value and
calendar, as the test asserts.

Data: shared/benchmarks/htmldate-eval (or $TARIKH_SHARED), else benchmarks/data/htmldate-eval.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
from collections import Counter

import lxml.etree
import lxml.html
from scoring import (
    ROOT,
    Timed,
    article_share,
    dataset_dir,
    run_timed,
    shared_file,
    tarikh_record,
)

from pipelines.dates.candidates import collect_candidates
from pipelines.dates.parse import parse_date
from pipelines.dates.pick import pick_date
from pipelines.page.parse import HtmlParseError, decode_html, parse_html

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


KINDS: dict[str, str | None] = {}  # the page kind the pipeline gave each page


def tarikh_date_record(body: bytes, url: str, today: dt.date) -> str | None:
    """The day the stored record gets (`published` of tarikh extract's record)."""
    record = tarikh_record(body, url)
    KINDS[url] = record.kind
    published = record.published
    return published[:10] if published else None


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


def score(name: str, results: dict[str, str | None], truth: dict[str, dict], timed: Timed):
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
        "ms_page": timed.ms("wall"),
        "ms_mean": timed.ms("wall", statistics.fmean),
        "cpu_ms": timed.ms(),
        "cpu_mean": timed.ms(how=statistics.fmean),
    }


def vectors() -> tuple[int, int, list[dict]] | None:
    """(right, total, misses) on the shared date strings."""
    path = shared_file("dates/vectors.jsonl") or ROOT / "tests" / "data" / "date_vectors.jsonl"
    if not path.exists():
        return None
    vecs = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    misses = []
    for vec in vecs:
        got = parse_date(vec["text"])
        iso, cal = (got.iso, got.calendar) if got else (None, "none")
        if iso != vec["expected"] or cal != vec["calendar"]:
            misses.append({**vec, "got": iso, "got_calendar": cal})
    return len(vecs) - len(misses), len(vecs), misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="first N pages only")
    ap.add_argument("--no-htmldate", action="store_true", help="tarikh only")
    ap.add_argument("--errors", help="write tarikh's misses as JSON lines to this file")
    ap.add_argument("--examples", type=int, default=10,
                    help="pages listed where pipeline and picker disagree (default 10)")
    args = ap.parse_args()

    data = dataset_dir("htmldate-eval", "truth.json")
    if data is None:
        return 1
    truth = json.loads((data / "truth.json").read_text())
    items = list(truth.items())
    if args.limit:
        items = items[: args.limit]
    pages = []
    for url, info in items:
        path = data / "pages" / info["file"]
        if path.exists():
            pages.append((url, gzip.decompress(path.read_bytes())))
    # a few pages have no judged date (NaN in the data): the right answer there is no date
    truth = {u: {**truth[u], "date": _judged(truth[u]["date"])} for u, _ in pages}
    # "now" for the future-date rule: the pages were fetched long before today, so today is a
    # safe upper bound and the same one a live crawl would use.
    today = dt.date.today()

    picker, pipeline = "tarikh", "tarikh pipeline (record: process_analysis)"
    systems = [(picker, tarikh_date), ("tarikh (via pipelines.page.parse)", tarikh_date_pipeline),
               (pipeline, tarikh_date_record)]
    if not args.no_htmldate:
        systems += [
            ("htmldate fast (url)", htmldate_runner(False, True)),
            ("htmldate extensive (url)", htmldate_runner(True, True)),
            ("htmldate fast (no url, as published)", htmldate_runner(False, False)),
            ("htmldate extensive (no url, as published)", htmldate_runner(True, False)),
        ]
    rows = []
    misses = []
    answers: dict[str, dict[str, str | None]] = {}
    for name, fn in systems:
        timed = run_timed(name, fn, [(url, (body, url, today)) for url, body in pages])
        results: dict[str, str | None] = timed.results
        answers[name] = results
        rows.append(score(name, results, truth, timed))
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

    def right(name: str, url: str) -> bool:
        return answers[name][url] == truth[url]["date"]

    worse = [u for u in answers[pipeline] if right(picker, u) and not right(pipeline, u)]
    better = [u for u in answers[pipeline] if right(pipeline, u) and not right(picker, u)]
    differ = sum(answers[pipeline][u] != answers[picker][u] for u in answers[pipeline])
    print(f"\npipeline vs picker: different day on {differ} pages; pipeline wrong where the "
          f"picker is right: {len(worse)}; pipeline right where the picker is wrong: {len(better)}")
    for label, urls in (("worse", worse), ("better", better)):
        for u in urls[: args.examples]:
            print(f"    {label}: {truth[u]['file']} judged {truth[u]['date']} picker "
                  f"{answers[picker][u]} pipeline {answers[pipeline][u]}  {u[:70]}")

    if KINDS:
        print("\npage kinds (pipeline): " + ", ".join(
            f"{k} {n}" for k, n in sorted(Counter(v or "error" for v in KINDS.values()).items())))
        for line in article_share("htmldate-eval", KINDS):
            print(line)

    vec = vectors()
    if vec is None:
        print("\ndate vectors: not found")
    else:
        ok, total, vmisses = vec
        print(f"\ndate vectors (parse_date, ISO value and calendar): {ok}/{total} right")
        for m in vmisses:
            print(f"    {m['text']!r}: got {m['got']} ({m['got_calendar']}), want {m['expected']}"
                  f" ({m['calendar']})")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for m in misses:
                fh.write(json.dumps(m) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
