"""Main-text extraction on real pages: tarikh, trafilatura and readability-lxml side by side.

    .venv/bin/python benchmarks/extraction.py [--set zyte|readability|newspaper4k|all]
        [--only tarikh] [--worst 10] [--dump out.jsonl] [--no-memory]

One table per page set (data: /work/shared/benchmarks, or $TARIKH_SHARED; the Zyte set falls
back to benchmarks/data/zyte):

- zyte: 181 article pages, ``articleBody`` as truth. Scored the benchmark's way (see
  benchmarks/scoring.py): 4-token shingles of ``\\w+`` tokens, per-page tp/fp/fn normalised,
  P and R averaged over pages, F1 from the two averages; acc = exact token match.
- readability: Mozilla Readability's 130 test pages; truth = the text of expected.html (tags
  stripped, whitespace collapsed). Scored with a bag of lower-cased ``\\w+`` tokens, P/R/F1
  per page averaged over pages (the README's method), and with the Zyte shingles.
- newspaper4k: 22 pages in nine languages, truth = newspaper4k's own text. The same two
  scores; for zh/ja/th/my the units are character 4-grams (bag) and characters (shingles of
  4, i.e. character 4-grams) instead of ``\\w+`` tokens. Also tarikh's title exact-match
  rate, published-day accuracy and the page kind of the 3 home pages.

Columns: words P/R/F1 = bag-of-units scores averaged over pages; <.5 = pages whose own F1 is
below 0.5 (bag F1 on readability and newspaper4k, shingle F1 on zyte: the set's main score,
marked *); shingle P/R/F1 = the Zyte method; CPU ms = process time per page, bytes -> text,
which other load on the machine does not inflate; wall ms; peak MB = tracemalloc peak in a
second pass; article = share of pages tarikh classifies as ``article``.

tarikh runs the path of ``tarikh extract FILE --url URL`` (crawler.cli.extract_file):
pipelines.process.analyse_html on the bytes and the page's URL, then process_analysis with a
fresh SiteContext; the text is the record's text. Pages without a URL get the one a real
fetch would have (Readability's test pages: its test URL http://fakehost/test/page.html; a
newspaper4k page with no URL: the file's URI, as the CLI does).

To add an extractor, add one line to EXTRACTORS: a factory returning ``f(bytes, url) -> str``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

from scoring import (
    TarikhOutput,
    Timed,
    article_share,
    bag_scores,
    char_ngrams,
    dataset_dir,
    html_text,
    page_f1,
    page_scores,
    run_timed,
    shingle_summary,
    tarikh_record,
    tokenize,
    units,
)

Extractor = Callable[[bytes, str], "str | TarikhOutput"]

# --- extractors: (bytes, url) -> text ----------------------------------------------------------


def tarikh_extract(data: bytes, url: str) -> TarikhOutput:
    return tarikh_record(data, url)


def _trafilatura(**options) -> Extractor:
    import trafilatura

    def run(data: bytes, url: str) -> str:
        return trafilatura.extract(data, **options) or ""

    return run


def readability_extract(data: bytes, url: str) -> str:
    from readability import Document

    return html_text(Document(data).summary(html_partial=True))


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "tarikh": lambda: tarikh_extract,
    "trafilatura": lambda: _trafilatura(),
    "readability-lxml": lambda: readability_extract,
    # not run by default; --only 'trafilatura(favor_precision)'
    "trafilatura(favor_precision)": lambda: _trafilatura(favor_precision=True),
}
DEFAULT = ["tarikh", "trafilatura", "readability-lxml"]
#: the competitors of the acceptance bar "tarikh < 0.5 where one of these > 0.8"
RIVALS = ["trafilatura", "readability-lxml"]


def text_of(result: str | TarikhOutput | None) -> str:
    return getattr(result, "text", result) or ""


# --- page sets ---------------------------------------------------------------------------------

CHAR_LANGS = {"zh", "ja", "th", "my"}
FAKEHOST = "http://fakehost/test/page.html"  # the URL Readability's own tests give every page


@dataclass(slots=True)
class Page:
    key: str
    data: bytes
    url: str
    truth: str
    lang: str | None = None
    info: dict = field(default_factory=dict)

    @property
    def chars(self) -> bool:
        return self.lang in CHAR_LANGS


@dataclass(slots=True)
class PageSet:
    name: str
    pages: list[Page]
    main: str  # "shingle" or "bag": the per-page F1 behind "<.5" and the acceptance bar
    others: list[Page] = field(default_factory=list)  # non-articles: page kind only


def load_zyte() -> PageSet | None:
    root = dataset_dir("zyte", "ground-truth.json")
    if root is None:
        return None
    truth = json.loads((root / "ground-truth.json").read_text())
    pages = [Page(k, gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()),
                  v.get("url") or "", v.get("articleBody", "")) for k, v in truth.items()]
    return PageSet("zyte", pages, "shingle")


def load_readability() -> PageSet | None:
    root = dataset_dir("readability", "pages")
    if root is None:
        return None
    pages = []
    for d in sorted(p for p in (root / "pages").iterdir() if (p / "source.html.gz").exists()):
        # Readability's tests read expected.html as UTF-8 (it declares no charset, and lxml
        # would guess Latin-1 from bytes: "Yahoo’s" would become "Yahooâ€™s" in the truth)
        expected = gzip.decompress((d / "expected.html.gz").read_bytes()).decode("utf-8")
        meta_path = d / "expected-metadata.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        pages.append(Page(d.name, gzip.decompress((d / "source.html.gz").read_bytes()), FAKEHOST,
                          html_text(expected), meta.get("lang"), meta))
    return PageSet("readability", pages, "bag")


def load_newspaper4k() -> PageSet | None:
    root = dataset_dir("newspaper4k", "truth.json")
    if root is None:
        return None
    truth = json.loads((root / "truth.json").read_text())

    def read(name: str) -> tuple[bytes, str]:
        path = root / "html" / name
        return gzip.decompress(path.read_bytes()), path.resolve().as_uri()

    pages = []
    for p in truth["pages"]:
        data, uri = read(p["file"])
        pages.append(Page(p["file"].removesuffix(".html.gz"), data, p.get("url") or uri,
                          p.get("text") or "", p.get("lang"), p))
    others = []
    for name in truth.get("non_articles", []):
        data, uri = read(name)
        others.append(Page(name.removesuffix(".html.gz"), data, uri, ""))
    return PageSet("newspaper4k", pages, "bag", others)


SETS: dict[str, Callable[[], PageSet | None]] = {
    "zyte": load_zyte,
    "readability": load_readability,
    "newspaper4k": load_newspaper4k,
}

# --- scoring -----------------------------------------------------------------------------------


@dataclass(slots=True)
class PageScore:
    tp: float
    fp: float
    fn: float
    bag: tuple[float, float, float]
    exact: bool

    @property
    def shingle_f1(self) -> float:
        return page_f1(self.tp, self.fp, self.fn)

    def main_f1(self, main: str) -> float:
        return self.bag[2] if main == "bag" else self.shingle_f1


def score_page(page: Page, pred: str) -> PageScore:
    if page.chars:  # characters, and character 4-grams, in scripts without word spaces
        true_u, pred_u = units(page.truth, chars=True), units(pred, chars=True)
        bag = bag_scores(char_ngrams(page.truth.lower()), char_ngrams(pred.lower()))
    else:
        true_u, pred_u = tokenize(page.truth), tokenize(pred)
        bag = bag_scores(units(page.truth, lower=True), units(pred, lower=True))
    tp, fp, fn = page_scores(true_u, pred_u)
    return PageScore(tp, fp, fn, bag, true_u == pred_u)


@dataclass(slots=True)
class Result:
    name: str
    timed: Timed
    scores: dict[str, PageScore]
    peak_mb: float = float("nan")

    def text(self, key: str) -> str:
        return text_of(self.timed.results.get(key))


def peak_memory(fn: Extractor, pages: list[Page]) -> float:
    tracemalloc.start()
    for page in pages:
        try:
            fn(page.data, page.url)
        except Exception:
            pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def run_extractor(name: str, ps: PageSet, memory: bool) -> Result:
    fn = EXTRACTORS[name]()
    timed = run_timed(name, fn, [(p.key, (p.data, p.url)) for p in ps.pages], on_error="")
    scores = {p.key: score_page(p, text_of(timed.results[p.key])) for p in ps.pages}
    return Result(name, timed, scores, peak_memory(fn, ps.pages) if memory else float("nan"))


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


HEADER = (f"{'extractor':28} {'words P':>7} {'R':>5} {'F1':>5} {'<.5':>3}  {'shingle P':>9} {'R':>5} "
          f"{'F1':>5} {'<.5':>3} {'acc':>5}  {'CPU ms':>6} {'mean':>6} {'wall ms':>7} {'peak MB':>7}"
          f" {'article':>7}")


def table_row(r: Result, ps: PageSet) -> str:
    sc = list(r.scores.values())
    bp, br = _mean([s.bag[0] for s in sc]), _mean([s.bag[1] for s in sc])
    bf = _mean([s.bag[2] for s in sc])
    sp, sr, sf = shingle_summary((s.tp, s.fp, s.fn) for s in sc)
    low_bag = sum(s.bag[2] < 0.5 for s in sc)
    low_sh = sum(s.shingle_f1 < 0.5 for s in sc)
    acc = sum(s.exact for s in sc) / len(sc)
    star_b, star_s = ("*", " ") if ps.main == "bag" else (" ", "*")
    kinds = [getattr(v, "kind", None) for v in r.timed.results.values()]
    article = (f"{sum(k == 'article' for k in kinds) / len(kinds):7.1%}"
               if any(kinds) else f"{'-':>7}")
    return (f"{r.name:28} {bp:7.3f} {br:5.3f} {bf:5.3f} {low_bag:3d}{star_b} {sp:9.3f} {sr:5.3f} "
            f"{sf:5.3f} {low_sh:3d}{star_s}{acc:5.3f}  {r.timed.ms():6.2f} "
            f"{r.timed.ms(how=statistics.fmean):6.2f} {r.timed.ms('wall'):7.2f} {r.peak_mb:7.1f}"
            f" {article}")


def report_set(ps: PageSet, results: dict[str, Result], args: argparse.Namespace) -> None:
    main = ps.main
    tarikh = results.get("tarikh")
    rivals = [results[n] for n in RIVALS if n in results]

    def beside(key: str) -> str:
        return " ".join(f"{r.name}={r.scores[key].main_f1(main):.3f}" for r in rivals)

    if tarikh is not None:
        kinds: dict[str, int] = {}
        for v in tarikh.timed.results.values():
            k = getattr(v, "kind", None) or "error"
            kinds[k] = kinds.get(k, 0) + 1
        print(f"tarikh page kinds: {', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}")
        not_article = [f"{k[:24]} ({getattr(v, 'kind', None) or 'error'})"
                       for k, v in tarikh.timed.results.items()
                       if getattr(v, "kind", None) != "article"]
        if not_article:
            print(f"    not article: {', '.join(not_article)}")
        for line in article_share(ps.name, {k: getattr(v, "kind", None)
                                            for k, v in tarikh.timed.results.items()}):
            print(line)
        low = sorted((s.main_f1(main), k) for k, s in tarikh.scores.items() if s.main_f1(main) < 0.5)
        bar = [k for f, k in low if any(r.scores[k].main_f1(main) > 0.8 for r in rivals)]
        label = "bag F1" if main == "bag" else "shingle F1"
        if len(rivals) == len(RIVALS):
            print(f"tarikh {label} < 0.5 while {' or '.join(RIVALS)} > 0.8: {len(bar)} page(s)"
                  f"{': ' + ', '.join(bar) if bar else ''}")
        print(f"tarikh pages with {label} < 0.5: {len(low)}")
        for f, k in low:
            kind = getattr(tarikh.timed.results[k], "kind", "?")
            print(f"    {k[:40]:40} tarikh={f:.3f} ({kind})  {beside(k)}")
        if args.worst:
            print(f"worst {args.worst} tarikh pages ({label}):")
            rows = sorted((s.main_f1(main), k) for k, s in tarikh.scores.items())
            for f, k in rows[: args.worst]:
                s = tarikh.scores[k]
                print(f"    {k[:40]:40} tarikh={f:.3f} tp={s.tp:.3f} fp={s.fp:.3f} fn={s.fn:.3f}"
                      f"  {beside(k)}")
    if ps.name == "newspaper4k" and tarikh is not None:
        report_newspaper4k(ps, tarikh)


def report_newspaper4k(ps: PageSet, tarikh: Result) -> None:
    def norm(s: str | None) -> str:
        return " ".join((s or "").split())

    titled = [p for p in ps.pages if p.info.get("title")]
    right = [p for p in titled if norm(getattr(tarikh.timed.results[p.key], "title", None))
             == norm(p.info["title"])]
    dated = [p for p in ps.pages if p.info.get("published")
             and "published" not in p.info.get("suspect", [])]
    days = [p for p in dated
            if (getattr(tarikh.timed.results[p.key], "published", None) or "")[:10]
            == p.info["published"][:10]]
    print(f"tarikh title exact match: {len(right)}/{len(titled)} "
          f"({len(right) / len(titled):.1%}); published day right: {len(days)}/{len(dated)} "
          f"({len(days) / len(dated):.1%})")
    for p in titled:
        if p not in right:
            got = getattr(tarikh.timed.results[p.key], "title", None)
            print(f"    title {p.key}: got {got!r} want {p.info['title']!r}")
    for p in dated:
        if p not in days:
            got = getattr(tarikh.timed.results[p.key], "published", None)
            print(f"    published {p.key}: got {got} want {p.info['published'][:10]}")
    for p in ps.others:
        first = tarikh_record(p.data, p.url)
        line = f"non-article {p.key}: kind {first.kind} (file URL, as `tarikh extract FILE`)"
        canon = first.canonical_url or ""
        if canon.startswith(("http://", "https://")):
            line += f"; {tarikh_record(p.data, canon).kind} with its canonical URL {canon}"
        print(line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="all", choices=[*SETS, "all"], help="page set (default all)")
    ap.add_argument("--only", action="append", choices=list(EXTRACTORS),
                    help=f"run only these extractors (default: {', '.join(DEFAULT)})")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst tarikh pages per set")
    ap.add_argument("--dump", help="write tarikh's predictions as JSON lines")
    ap.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = ap.parse_args()
    names = args.only or DEFAULT
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    missing = []
    for set_name in SETS if args.set == "all" else [args.set]:
        ps = SETS[set_name]()
        if ps is None:
            missing.append(set_name)
            continue
        main_label = "words F1 (bag)" if ps.main == "bag" else "shingle F1"
        print(f"\n== {set_name}: {len(ps.pages)} pages; main score {main_label} (*); "
              f"timings bytes -> text, one core")
        print(HEADER)
        results: dict[str, Result] = {}
        for name in names:
            results[name] = run_extractor(name, ps, not args.no_memory)
            print(table_row(results[name], ps), flush=True)
        report_set(ps, results, args)
        if dump and "tarikh" in results:
            for p in ps.pages:
                dump.write(json.dumps({"set": set_name, "id": p.key, "url": p.url,
                                       "pred": results["tarikh"].text(p.key), "true": p.truth},
                                      ensure_ascii=False) + "\n")
    if dump:
        dump.close()
    if missing:
        print(f"\nskipped (data not found): {', '.join(missing)}", file=sys.stderr)
    return 1 if missing and args.set != "all" else 0


if __name__ == "__main__":
    raise SystemExit(main())
