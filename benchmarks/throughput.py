"""End-to-end throughput: a site of N article pages served on loopback, crawled into SQLite
by tarikh, beside a bare Scrapy spider fetching the same pages in the same run.

    python benchmarks/throughput.py [--source real|generated] [--pages 5000] [--workers 1]
        [--rss-every N] [--baseline CHECKOUT [--rounds 2]] [--profile FILE]

`--source real` (the default) builds the site from the 181 real pages of the Zyte benchmark
(every page a real site's markup, cycled to N pages, linked from 100 listing pages and a
sitemap); `--source generated` uses the synthetic generator (`--page-kb`, `--style`).

Prints pages/s for both (and bare Scrapy's peak RSS), tarikh's peak RSS (crawler + extraction
workers), RSS of the crawl process and of its workers at checkpoints as the crawl grows
(`--rss-every`; memory must stay flat), and CPU milliseconds per page for each stage (from the
crawl's `tarikh/cpu_ms/*` stats), with Scrapy's own share as the rest.

`--baseline CHECKOUT` also crawls with the code of another checkout (`git worktree add
../base main`), in the same run, and ends with a before/after table and a table of each
stage's change, also net of drift (round by round, against the median change of the stages
of its process); `--rounds N` alternates the two N times, since other load on the machine
moves every figure. When there is more than one crawl, each is preceded by a bare crawl of
its own and its share is of that one: on a shared machine bare Scrapy's rate drifts by a
third within minutes. `--profile FILE` runs the crawl process under cProfile.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import psutil
from scoring import ROOT, dataset_dir  # benchmarks/scoring.py, beside this script

from crawler.app.sitegen import generate_site, write_sitemap

BARE_SPIDER = Path(__file__).with_name("bare_spider.py")


def tree_rss(proc: psutil.Process) -> tuple[int, int, int]:
    """RSS of the crawl process, and of everything under it (the forkserver, the extraction
    workers, multiprocessing's resource tracker); and the PSS of them all. Summed RSS counts
    the pages the forked processes share once per process; PSS divides each shared page among
    its sharers, so it is what the crawl really holds."""
    main = others = pss = 0
    try:
        main = proc.memory_info().rss
        pss = _pss(proc)
        for p in proc.children(recursive=True):
            try:
                others += p.memory_info().rss
                pss += _pss(p)
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return main, others, pss


def _pss(proc: psutil.Process) -> int:
    try:
        return int(getattr(proc.memory_full_info(), "pss", 0))
    except (psutil.AccessDenied, AttributeError):
        return 0


class Sample(NamedTuple):
    seconds: float
    stored: int
    main_rss: int
    worker_rss: int
    pss: int = 0

    @property
    def rss(self) -> int:
        return self.main_rss + self.worker_rss


def sample_memory(pid: int, db: Path | None, samples: list[Sample], stop: threading.Event,
                  cpu: dict[int, tuple[str, float]]) -> None:
    """RSS of the crawl process and of its workers and articles stored, every 0.5 s; CPU
    seconds per process."""
    proc = psutil.Process(pid)
    t0 = time.monotonic()
    while not stop.is_set():
        main, others, pss = tree_rss(proc)
        try:
            for p in [proc, *proc.children(recursive=True)]:
                t = p.cpu_times()
                cpu[p.pid] = ("main" if p.pid == pid else "worker", t.user + t.system)
        except psutil.Error:
            pass
        stored = samples[-1].stored if samples else 0
        if db is not None and db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                stored = conn.execute("select count(*) from articles").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                pass
        samples.append(Sample(time.monotonic() - t0, stored, main, others, pss))
        stop.wait(0.5)


def checkpoints(samples: list[Sample], every: int) -> list[Sample]:
    """The first sample at or past each multiple of `every` articles stored, and the last
    (samples taken after the crawl process ended are left out)."""
    samples = [s for s in samples if s.main_rss]
    marks: list[Sample] = []
    goal = every
    for s in samples:
        if s.stored >= goal:
            marks.append(s)
            goal = (s.stored // every + 1) * every
    if samples and (not marks or marks[-1] is not samples[-1]):
        marks.append(max(samples, key=lambda s: (s.stored, s.seconds)))
    return marks


def build_real_site(root: Path, pages: int, per_listing: int = 50) -> int:
    """N article pages cycled from the Zyte benchmark's real pages, 100 listing pages and a
    sitemap (with the server's {{BASE}} placeholder); returns the number of articles."""
    zyte = dataset_dir("zyte", "ground-truth.json")
    if zyte is None:
        raise SystemExit("the Zyte pages are needed for --source real")
    sources = [gzip.decompress(p.read_bytes()) for p in sorted((zyte / "html").glob("*.html.gz"))]
    (root / "a").mkdir(parents=True)
    (root / "list").mkdir()
    (root / "src").mkdir()
    for k, body in enumerate(sources):  # served too, but linked from nowhere
        (root / "src" / f"{k}.html").write_bytes(body)
    urls = []
    for i in range(pages):
        # a hard link, not a copy: 100,000 pages stay 30 MB on disk and in the server
        os.link(root / "src" / f"{i % len(sources)}.html", root / "a" / f"{i:06d}.html")
        urls.append(f"/a/{i:06d}.html")
    listings = max(1, min(100, (pages + per_listing - 1) // per_listing))
    for j in range(listings):
        links = "".join(f'<li><a href="{u}">story {u}</a></li>' for u in urls[j::listings])
        (root / "list" / f"{j}.html").write_text(
            f"<html><body><h1>Archive {j}</h1><ul>{links}</ul></body></html>", encoding="utf-8")
    # As large sites do: sitemaps of at most the protocol's 50,000 URLs, under an index.
    parts = [urls[k:k + 50_000] for k in range(0, len(urls), 50_000)]
    xmlns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    for k, part in enumerate(parts):
        (root / f"sitemap-{k}.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?><urlset {xmlns}>'
            + "".join(f"<url><loc>{{{{BASE}}}}{u}</loc></url>" for u in part) + "</urlset>",
            encoding="utf-8")
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {xmlns}>'
        + "".join(f"<sitemap><loc>{{{{BASE}}}}/sitemap-{k}.xml</loc></sitemap>" for k in range(len(parts)))
        + "</sitemapindex>", encoding="utf-8")
    return pages


def crawl_stats(log: Path) -> dict[str, float]:
    """The numeric stats Scrapy dumps at the end of a crawl (INFO log), by name."""
    text = log.read_text(encoding="utf-8", errors="replace")
    dump = text[text.rfind("Dumping Scrapy stats:"):]
    return {m.group(1): float(m.group(2))
            for m in re.finditer(r"'([^']+)': (-?[\d.]+(?:e-?\d+)?)[,}]", dump)}


#: In-process stages (the crawl's main process; compress_html in a thread of it, the GIL
#: released); the others run in the extraction workers (compress: the analysis JSON).
MAIN_STEPS = ("compress_html", "furniture", "date_pick", "record", "store")
WORKER_STEPS = ("compress", "decode", "parse", "metadata", "date_candidates", "extract")


class Bare(NamedTuple):
    rate: float  # pages/s
    cpu_ms: float  # CPU ms per page
    peak: int  # peak RSS


class Result(NamedTuple):
    rate: float
    main_ms: float
    worker_ms: float
    peak: int
    bare: Bare
    stages: dict[str, float]  # CPU ms a page by stage, "scrapy" the rest of the crawl process


def bare_once(base: str, label: str) -> Bare:
    """The bare spider (fetch, discard) over the site: pages/s, CPU per page, peak RSS."""
    bare = subprocess.Popen([sys.executable, str(BARE_SPIDER), f"{base}/sitemap.xml"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[Sample] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(bare.pid, None, samples, stop, {}),
                               daemon=True)
    sampler.start()
    out, err = bare.communicate()
    stop.set()
    sampler.join()
    if bare.returncode != 0:
        raise SystemExit(f"bare spider exited {bare.returncode}: {err[-2000:]}")
    pages, seconds, cpu_seconds = out.split()
    rate = int(pages) / float(seconds)
    cpu_ms = float(cpu_seconds) / max(int(pages), 1) * 1000
    peak = max((x.rss for x in samples), default=0)
    print(f"{label} : {pages} pages in {float(seconds):.1f}s = {rate:.0f} pages/s, "
          f"{cpu_ms:.2f} CPU ms a page (peak RSS {peak / 2**20:.0f} MiB)")
    return Bare(rate, cpu_ms, peak)


def crawl_once(name: str, checkout: Path, args: argparse.Namespace, work: Path, sites: Path,
               bare: Bare) -> Result:
    """One `tarikh crawl` of the site into a new database, with the code of `checkout` (this
    one, or --baseline's); prints its figures."""
    db = work / f"{name}.db"
    log = work / f"{name}.log"
    env = {**os.environ, "TARIKH_SITES": str(sites)}
    started = time.monotonic()
    crawl = subprocess.Popen(
        [sys.executable, *(["-m", "cProfile", "-o", str(args.profile.resolve())] if args.profile else []),
         "-m", "crawler.cli", "crawl", "bench", "--db", str(db), "--no-throttle",
         "--workers", str(args.workers), "-s", "ROBOTSTXT_OBEY=False", "--log-file", str(log),
         *[a for pair in args.set for a in ("-s", pair)]],
        cwd=checkout, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[Sample] = []
    cpu: dict[int, tuple[str, float]] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(crawl.pid, db, samples, stop, cpu),
                               daemon=True)
    sampler.start()
    out, err = crawl.communicate()
    wall = time.monotonic() - started
    stop.set()
    sampler.join()
    if crawl.returncode != 0:
        print(err[-3000:])
        raise SystemExit(f"tarikh crawl exited {crawl.returncode}")
    conn = sqlite3.connect(db)
    stored = conn.execute("select count(*) from articles").fetchone()[0]
    duration = conn.execute("select duration_s from runs order by id desc limit 1").fetchone()[0]
    conn.close()
    where = "" if checkout == ROOT else f" (code of {checkout})"
    print(f"\n{name}{where}: {stored} articles stored in {duration:.1f}s crawl "
          f"({wall:.1f}s with start-up) = {stored / duration:.0f} pages/s end to end "
          f"({args.workers} extraction worker(s)); {stored / duration / bare.rate:.0%} of bare Scrapy")
    main_cpu = sum(c for role, c in cpu.values() if role == "main")
    worker_cpu = sum(c for role, c in cpu.values() if role == "worker")
    print(f"CPU per page: {main_cpu / stored * 1000:.2f} ms in the crawl process, "
          f"{worker_cpu / stored * 1000:.2f} ms in extraction workers "
          f"(load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    stats = crawl_stats(log)
    per_page = {step: stats.get(f"tarikh/cpu_ms/{step}", 0.0) / max(stored, 1)
                for step in (*WORKER_STEPS, *MAIN_STEPS)}
    scrapy_ms = main_cpu / max(stored, 1) * 1000 - sum(per_page[s] for s in MAIN_STEPS)
    print("CPU ms per page by stage: "
          + ", ".join(f"{step} {ms:.2f}" for step, ms in per_page.items())
          + f", Scrapy and the reactor (the rest of the crawl process) {scrapy_ms:.2f}")
    peak = max(samples, key=lambda s: s.rss) if samples else None
    if peak is not None:
        print(f"peak RSS    : {peak.rss / 2**20:.0f} MiB (crawler {peak.main_rss / 2**20:.0f} "
              f"+ workers {peak.worker_rss / 2**20:.0f}, at {peak.stored} stored)")
    every = args.rss_every or max(1, args.pages // 10)
    print(f"RSS as the crawl grows (every {every:,} articles stored; workers: the forkserver, "
          "the extraction workers and the resource tracker):")
    print(f"  {'stored':>8} {'seconds':>8} {'crawler':>9} {'workers':>9} {'total':>9} {'PSS':>9}")
    for s in checkpoints(samples, every):
        print(f"  {s.stored:>8,} {s.seconds:>8.0f} {s.main_rss / 2**20:>5.0f} MiB "
              f"{s.worker_rss / 2**20:>5.0f} MiB {s.rss / 2**20:>5.0f} MiB {s.pss / 2**20:>5.0f} MiB")
    if samples:
        print(f"peak PSS    : {max(s.pss for s in samples) / 2**20:.0f} MiB (crawl process and workers, "
              "shared pages counted once)")
    return Result(stored / duration, main_cpu / stored * 1000, worker_cpu / stored * 1000,
                  peak.rss if peak is not None else 0, bare, {**per_page, "scrapy": scrapy_ms})


def stage_table(results: list[tuple[str, Result]]) -> None:
    """Each stage before and after (median over the rounds), and its change net of drift.

    On a shared machine the CPU a process gets drifts by more than a cut of a few tenths of a
    millisecond (one run here was 20% slower in every stage), and the crawl process and the
    workers, on different cores, drift apart. Within a round (its two crawls minutes apart)
    the drift of a process is the median change of its six stages, which a change to one or
    two of them does not move; a stage's change divided by it, median over the rounds, is the
    last column."""
    baseline = [r for name, r in results if name == "baseline"]
    tarikh = [r for name, r in results if name == "tarikh"]
    steps = list(tarikh[0].stages)

    def drift(b: Result, a: Result, step: str) -> float:
        group = WORKER_STEPS if step in WORKER_STEPS else [s for s in steps if s not in WORKER_STEPS]
        return statistics.median([a.stages.get(s, 0.0) / b.stages[s] for s in group
                                  if b.stages.get(s, 0.0) > 0] or [1.0])

    print(f"\n| CPU a page by stage (median of {len(tarikh)}) | baseline ms | tarikh ms | "
          "change | net of drift |")
    print("|---|---|---|---|---|")
    for step in [*steps, "all"]:
        def ms(r: Result, step: str = step) -> float:
            return r.main_ms + r.worker_ms if step == "all" else r.stages.get(step, 0.0)
        before = statistics.median(map(ms, baseline))
        after = statistics.median(map(ms, tarikh))
        net = [ms(a) / ms(b) / drift(b, a, step) - 1 for b, a in zip(baseline, tarikh, strict=False)
               if step != "all" and ms(b) > 0]
        shown = f"{statistics.median(net):+.0%}" if net else "–"
        change = f"{after / before - 1:+.0%}" if before else "–"
        print(f"| {step} | {before:.2f} | {after:.2f} | {change} | {shown} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", choices=("real", "generated"), default="real")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--page-kb", type=int, default=174)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--style", type=int, default=0)
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="run the tarikh crawl process under cProfile, its stats to FILE "
                             "(slows that process; the workers are not profiled)")
    parser.add_argument("--baseline", type=Path, metavar="CHECKOUT",
                        help="also crawl with the code of another checkout of tarikh (a worktree "
                             "of main: before/after in one run, beside the same bare Scrapy)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="crawl this many times (alternating with --baseline's)")
    parser.add_argument("--rss-every", type=int, default=0, metavar="N",
                        help="print RSS each N articles stored (default: a tenth of --pages)")
    parser.add_argument("--keep", action="store_true", help="keep the generated site and database")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for the tarikh crawl (to try a tuning)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tarikh-bench-"))
    site = work / "site"
    t0 = time.monotonic()
    if args.source == "real":
        n_articles = build_real_site(site, args.pages)
        article_pattern = "/a/\\d+\\.html$"
    else:
        manifest = generate_site(site, language="en", n_articles=args.pages, style=args.style,
                                 seed=1, page_kb=args.page_kb, per_page=50)
        write_sitemap(manifest, "{{BASE}}")  # the server writes its own address in
        n_articles = len(manifest.articles)
        article_pattern = "\\.html$"
    sizes = [p.stat().st_size for p in site.rglob("*.html")]
    print(f"{args.source} site: {n_articles} articles ({sum(sizes) / len(sizes) / 1024:.0f} KB/page "
          f"average) in {time.monotonic() - t0:.1f}s")
    server = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "fastserver.py"), str(site)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    base = server.stdout.readline().strip()
    try:
        first = bare_once(base, "bare Scrapy")
        comparing = args.rounds > 1 or args.baseline is not None
        sites = work / "sites"
        sites.mkdir()
        (sites / "bench.toml").write_text(
            f'name = "bench"\nsitemaps = ["{base}/sitemap.xml"]\n'
            f"article_url_patterns = ['{article_pattern}']\n", encoding="utf-8")
        runs = [("tarikh", ROOT)]
        if args.baseline:
            runs = [("baseline", args.baseline.resolve()), ("tarikh", ROOT)]
        results: list[tuple[str, Result]] = []
        for round_ in range(args.rounds):
            for label, checkout in runs:
                name = f"{label}-{round_ + 1}" if args.rounds > 1 else label
                # on a shared machine the CPU a process gets drifts within minutes: each
                # crawl is set beside a bare crawl made just before it
                bare = bare_once(base, "\nbare Scrapy") if comparing and results else first
                results.append((label, crawl_once(name, checkout, args, work, sites, bare)))
        if len(results) > 1:
            print(f"\n| {args.pages:,} {args.source} pages, {args.workers} worker(s) | pages/s | "
                  "bare Scrapy just before | share of bare | CPU ms/page (crawl + workers) | "
                  "peak RSS |")
            print("|---|---|---|---|---|---|")
            for label, r in results:
                print(f"| {label} | {r.rate:.0f} | {r.bare.rate:.0f} | {r.rate / r.bare.rate:.2f} | "
                      f"{r.main_ms:.1f} + {r.worker_ms:.1f} | {r.peak / 2**20:.0f} MiB |")
        if args.baseline:
            stage_table(results)
    finally:
        server.terminate()
        server.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    main()
