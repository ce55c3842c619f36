"""HTML parsers on real pages: lxml as tarikh parses, beside selectolax (lexbor) and resiliparse.

    python benchmarks/parsers.py [--repeat 3]

The 181 real pages of the Zyte benchmark (../shared/benchmarks/zyte, or the vendored copy),
each parser given the page's bytes. For each parser, CPU milliseconds per page (the thread's
clock, so other load on the machine inflates it little; each page timed `--repeat` times,
the best kept), median and mean over the pages, for three jobs:

- parse: bytes to a tree. For lxml, `pipelines.page.parse.parse_html`, which is what tarikh
  runs (decode checks, control bytes, huge tags, then libxml2); "lxml, libxml2 only" is the
  same parser on the already prepared UTF-8 bytes.
- + text: parse, then the body's text in one C call (lxml `text_content()`, selectolax
  `text()`, resiliparse `.text`), the cheapest thing a pre-pass could read. (The body's: in
  resiliparse 2.0.1 the document node's `.text` crashes the interpreter on these pages.)
- + walk: parse, then visit every element from Python and read its tag name (what a
  pre-pass that looks at structure costs: one Python object per node).

Speed only: the trees differ (libxml2's HTML 4 parser against two HTML5 parsers), which a
change of parser would have to measure against the extraction and date benchmarks.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from collections.abc import Callable
from typing import Any

import lxml.html
from scoring import dataset_dir  # benchmarks/scoring.py, beside this script

from pipelines.page import parse as tarikh_parse

try:
    from selectolax import __version__ as selectolax_version
    from selectolax.lexbor import LexborHTMLParser
except ImportError:  # pragma: no cover - optional
    LexborHTMLParser = None
    selectolax_version = "-"
try:
    from importlib.metadata import version

    from resiliparse.parse.html import HTMLTree
    resiliparse_version = version("resiliparse")
except ImportError:  # pragma: no cover - optional
    HTMLTree = None
    resiliparse_version = "-"


def _prepared(body: bytes) -> bytes:
    """The bytes tarikh hands libxml2 (parse_html's preparation, without the parse)."""
    raw = tarikh_parse._utf8(body, None)
    if (decl := tarikh_parse._XML_DECL_BYTES.match(raw)) is not None:
        raw = raw[decl.end():]
    raw = raw.translate(tarikh_parse._CONTROL_TO_SPACE)
    return tarikh_parse._defuse_huge_tags(raw) if len(raw) > 16384 else raw


def _lxml_body(tree: Any) -> Any:
    body = tree.find("body")
    return tree if body is None else body


def lxml_jobs() -> dict[str, Callable[[bytes], Any]]:
    def walk(tree: Any) -> int:
        return sum(1 for el in tree.iter() if isinstance(el.tag, str))
    return {
        "parse": tarikh_parse.parse_html,
        "+ text": lambda b: _lxml_body(tarikh_parse.parse_html(b)).text_content(),
        "+ walk": lambda b: walk(tarikh_parse.parse_html(b)),
    }


def libxml2_only_jobs() -> dict[str, Callable[[bytes], Any]]:
    return {"parse": lambda raw: lxml.html.document_fromstring(raw, parser=tarikh_parse._PARSER)}


def selectolax_jobs() -> dict[str, Callable[[bytes], Any]]:
    def walk(tree: Any) -> int:
        return sum(1 for node in tree.root.traverse() if node.tag and node.tag[0] not in "-#")
    return {
        "parse": LexborHTMLParser,
        "+ text": lambda b: LexborHTMLParser(b).body.text(),
        "+ walk": lambda b: walk(LexborHTMLParser(b)),
    }


def resiliparse_jobs() -> dict[str, Callable[[bytes], Any]]:
    def walk(tree: Any) -> int:
        # first_element_child / next_element: iterating a query_selector_all('*') collection
        # or reading child_nodes is far slower in resiliparse 2.0.1 (2.9 s and 0.18 s a page)
        n, stack = 0, [tree.document]
        while stack:
            child = stack.pop().first_element_child
            while child is not None:
                n += 1
                stack.append(child)
                child = child.next_element
        return n
    return {
        "parse": HTMLTree.parse_from_bytes,
        "+ text": lambda b: HTMLTree.parse_from_bytes(b).body.text,
        "+ walk": lambda b: walk(HTMLTree.parse_from_bytes(b)),
    }


def cpu_ms(fn: Callable[[bytes], Any], data: bytes, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        fn(data)
        best = min(best, time.thread_time() - start)
    return best * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    zyte = dataset_dir("zyte", "ground-truth.json")
    if zyte is None:
        raise SystemExit("the Zyte pages are needed")
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((zyte / "html").glob("*.html.gz"))]
    prepared = [_prepared(b) for b in pages]
    kb = sum(map(len, pages)) / len(pages) / 1024
    print(f"{len(pages)} real pages (Zyte), {kb:.0f} KB average; CPU ms per page, best of "
          f"{args.repeat}, median / mean over pages")
    lx = lxml.html.etree
    rows: list[tuple[str, dict[str, Callable[[bytes], Any]], list[bytes]]] = [
        (f"lxml {lx.__version__} (libxml2 {'.'.join(map(str, lx.LIBXML_VERSION))}), as tarikh parses",
         lxml_jobs(), pages),
        ("lxml, libxml2 only (prepared UTF-8 bytes)", libxml2_only_jobs(), prepared),
    ]
    if LexborHTMLParser is not None:
        rows.append((f"selectolax {selectolax_version} (lexbor)", selectolax_jobs(), pages))
    if HTMLTree is not None:
        rows.append((f"resiliparse {resiliparse_version} (lexbor)", resiliparse_jobs(), pages))
    jobs = ("parse", "+ text", "+ walk")
    print(f"{'parser':<58}" + "".join(f"{j:>16}" for j in jobs))
    medians: dict[str, float] = {}
    for name, fns, inputs in rows:
        cells = []
        for job in jobs:
            fn = fns.get(job)
            if fn is None:
                cells.append(f"{'':>16}")
                continue
            for data in inputs[:5]:  # warm up: imports, caches, first-call costs
                fn(data)
            times = [cpu_ms(fn, data, args.repeat) for data in inputs]
            med, mean = statistics.median(times), statistics.fmean(times)
            medians[f"{name}/{job}"] = med
            cells.append(f"{med:>7.2f} / {mean:<6.2f}")
        print(f"{name:<58}" + "".join(cells))
    base = next(v for k, v in medians.items() if k.endswith("as tarikh parses/parse"))
    print("median parse time against lxml as tarikh parses: " + ", ".join(
        f"{k.split('/')[0].split(' (')[0]} {base / v:.1f}x faster" if v < base else
        f"{k.split('/')[0].split(' (')[0]} {v / base:.1f}x slower"
        for k, v in medians.items() if k.endswith("/parse") and v != base))


if __name__ == "__main__":
    main()
