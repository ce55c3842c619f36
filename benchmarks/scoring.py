"""What benchmarks/extraction.py and benchmarks/dates.py share: where the data lives, the
record tarikh would store for a page (the CLI's `tarikh extract` path), CPU/wall timing, and
text scoring (tokens, shingles, per-page scores).

Text scoring, two methods:

- Zyte's (``page_scores`` + ``shingle_summary``): 4-token shingles of ``\\w+`` tokens with
  counts; per page tp/fp/fn normalised to sum 1; precision and recall averaged over pages
  (a page with no predicted, or no true, shingles is left out of that average); F1 from the
  two averages. This is the benchmark's own evaluate.py.
- Bag of units (``bag_scores``): units with counts, per page P = overlap / predicted units,
  R = overlap / true units, F1 of the two; averaged over pages by the caller. An empty
  prediction scores 0/0/0 against a non-empty truth.

Units are lower-cased or not as the caller asks; for scripts written without spaces between
words (zh, ja, th, my) ``units(text, chars=True)`` gives the letters and marks one by one, so
shingles of them are character 4-grams.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# --- data ------------------------------------------------------------------------------------


def shared_dir() -> Path:
    """/work/shared/benchmarks beside the checkout, or $TARIKH_SHARED (the `shared` folder or
    its `benchmarks` subfolder)."""
    env = os.environ.get("TARIKH_SHARED")
    if env:
        base = Path(env).expanduser()
        return base / "benchmarks" if (base / "benchmarks").is_dir() else base
    return Path(__file__).resolve().parents[2] / "shared" / "benchmarks"


def dataset_dir(name: str, marker: str) -> Path | None:
    """The shared copy of a data set, else the one vendored in benchmarks/data; None (with a
    message on stderr) when neither holds ``marker``."""
    tried = [shared_dir() / name, BENCH / "data" / name]
    for path in tried:
        if (path / marker).exists():
            return path
    print(f"[{name}] data set not found (looked for {marker} in "
          f"{', '.join(str(p) for p in tried)}); set TARIKH_SHARED to the shared folder",
          file=sys.stderr)
    return None


def shared_file(relative: str) -> Path | None:
    """A file under the shared folder (e.g. dates/vectors.jsonl), None when absent."""
    path = shared_dir().parent / relative
    return path if path.exists() else None


# --- tarikh: the record `tarikh extract FILE --url URL` prints ----------------------------------


@dataclass(slots=True)
class TarikhOutput:
    text: str
    kind: str
    title: str | None
    published: str | None  # the record's `published` (ISO, maybe with a time)
    canonical_url: str | None


def tarikh_record(data: bytes, url: str) -> TarikhOutput:
    """What crawler.cli.extract_file does with a saved HTML page: analyse_html on the bytes
    and the page URL, then process_analysis with a fresh SiteContext (no learned template,
    as on a site's first crawl)."""
    from crawler.profiles import site_key
    from pipelines.article.process import SiteContext, analyse_html, process_analysis

    analysis = analyse_html(data, url)
    site = site_key(url) if url.startswith(("http://", "https://")) else (
        analysis.page.site_name or "")
    record = process_analysis(url, analysis, SiteContext(site=site or ""))
    return TarikhOutput(text=record["text"], kind=analysis.page.kind, title=record["title"],
                        published=record["published"], canonical_url=analysis.page.canonical_url)


# --- timing ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Timed:
    results: dict[str, Any]
    wall: list[float]
    cpu: list[float]  # process time: other load on the machine does not inflate it

    def ms(self, which: str = "cpu", how: Callable[[list[float]], float] = statistics.median) -> float:
        values = self.cpu if which == "cpu" else self.wall
        return how(values) * 1e3 if values else float("nan")


def run_timed(name: str, fn: Callable[..., Any], items: Iterable[tuple[str, tuple]],
              *, on_error: Any = None) -> Timed:
    """``fn(*args)`` for each (key, args), timed one call at a time. The first call runs once
    untimed first so imports and caches are not counted. A crash is reported on stderr and
    yields ``on_error``."""
    items = list(items)
    out = Timed({}, [], [])
    if items:
        try:
            fn(*items[0][1])
        except Exception:
            pass
    for key, args in items:
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            out.results[key] = fn(*args)
        except Exception as exc:
            print(f"  {name} failed on {key[:40]}: {exc!r}", file=sys.stderr)
            out.results[key] = on_error
        out.wall.append(time.perf_counter() - t0)
        out.cpu.append(time.process_time() - c0)
    return out


# --- text ------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def units(text: str, *, lower: bool = False, chars: bool = False) -> list[str]:
    """``\\w+`` tokens, or with ``chars`` every letter, digit and combining mark one by one
    (Thai and Burmese vowel signs are marks, which ``\\w`` does not match)."""
    text = (text or "").lower() if lower else (text or "")
    if chars:
        return [c for c in text if c.isalnum() or c == "_" or unicodedata.category(c)[0] == "M"]
    return tokenize(text)


def shingles(text: str | list[str], n: int = 4) -> Counter:
    """n-token shingles with counts, of a text's ``\\w+`` tokens or of a given unit list."""
    tokens = tokenize(text) if isinstance(text, str) else text
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def page_scores(true: str | list[str], pred: str | list[str]) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page, as the Zyte benchmark's evaluate.py computes them."""
    ts, ps = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in ts.keys() | ps.keys():
        t, p = ts.get(key, 0), ps.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def page_f1(tp: float, fp: float, fn: float) -> float:
    """One page's F1 from its shingle tp/fp/fn."""
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def f1_of(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def shingle_summary(scores: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The Zyte benchmark's P, R, F1 over pages' (tp, fp, fn)."""
    precisions, recalls = [], []
    for tp, fp, fn in scores:
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    return p, r, f1_of(p, r)


def bag_scores(true: list, pred: list) -> tuple[float, float, float]:
    """Bag-of-units P, R, F1 of one page (units with counts)."""
    t, p = Counter(true), Counter(pred)
    if not t and not p:
        return 1.0, 1.0, 1.0
    overlap = sum((t & p).values())
    prec = overlap / sum(p.values()) if p else 0.0
    rec = overlap / sum(t.values()) if t else 0.0
    return prec, rec, f1_of(prec, rec)


def char_ngrams(text: str, n: int = 4) -> list[tuple[str, ...]]:
    chars = units(text, chars=True)
    return [tuple(chars[i : i + n]) for i in range(max(1, len(chars) - n + 1)) if chars]


_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
))


def html_text(html: str | bytes) -> str:
    """The text of an HTML fragment, tags stripped and whitespace collapsed; block elements
    and <br> end a word (``text_content()`` alone runs ``<p>a</p><p>b</p>`` into "ab")."""
    import lxml.html

    if not (html.strip() if isinstance(html, str) else html.strip()):
        return ""
    root = lxml.html.fromstring(html)
    for el in root.iter("script", "style", "template"):
        el.text = ""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n" + (el.text or "")
    return " ".join(root.text_content().split())


# --- page kinds ------------------------------------------------------------------------------

JUDGED = Path(__file__).with_name("judged_not_articles.json")


def judged_not_articles(set_name: str) -> dict[str, str]:
    """Pages of a set judged by reading them to hold no article (key -> why)."""
    return json.loads(JUDGED.read_text(encoding="utf-8")).get(set_name, {})


def article_share(set_name: str, kinds: dict[str, str | None]) -> list[str]:
    """Lines: the share of the set's article pages classed `article` (pages judged to hold no
    article left out, and listed by kind), then the article pages tarikh missed."""
    judged = judged_not_articles(set_name)
    articles = {k: v for k, v in kinds.items() if k not in judged}
    hit = sum(v == "article" for v in articles.values())
    lines = [f"article pages classed article: {hit}/{len(articles)} ({hit / max(len(articles), 1):.1%}); "
             f"{len(kinds) - len(articles)} pages judged to hold no article left out "
             f"({JUDGED.name}), of which tarikh calls "
             f"{sum(kinds[k] == 'article' for k in judged if k in kinds)} an article"]
    lines += [f"    missed: {k[:90]} ({v})" for k, v in articles.items() if v != "article"]
    return lines
