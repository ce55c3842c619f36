"""Pages/s of one backfill on 1, 2 and 3 cluster workers (Redis, one writer) beside the
single-process crawl, on a generated site served by benchmarks/fastserver.py; and the
writer's own rate (records/s it commits), which bounds what any number of workers can store.

    python benchmarks/cluster.py [--pages 2000] [--workers-max 3]
    python benchmarks/cluster.py --writer-only [--records 3000] [--batch 200]

Not a timed test: on a 2-core machine the workers, the writer, Redis and the server share the
cores, so more workers mostly shows the overhead; the figures mean more across machines.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.app.sitegen import generate_site, write_sitemap  # noqa: E402
from tests.cluster.conftest import start_redis, stop_redis  # noqa: E402

SINCE = "1990-01-01"


def cli(*args: str, env: dict[str, str], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, text=True,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


def load() -> str:
    """The 1-minute load average: the other processes on the machine skew every figure."""
    return f"{os.getloadavg()[0]:.2f}"


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def single(work: Path, env: dict[str, str]) -> tuple[int, float]:
    db = work / "single.db"
    started = time.monotonic()
    proc = cli("backfill", "bench", "--since", SINCE, "--db", str(db), "--no-throttle", env=env)
    proc.communicate()
    return count(db, "select count(*) from articles"), time.monotonic() - started


def clustered(work: Path, env: dict[str, str], n: int, fsync: str) -> tuple[int, float, float]:
    redis = start_redis(work / f"redis{n}", appendfsync=fsync)
    db = work / f"cluster{n}.db"
    try:
        writer = cli("writer", "--redis", redis.url, "--db", str(db), env=env)
        client = redis.client()
        while not client.exists("tarikh:run-ids"):
            time.sleep(0.05)
        workers = [cli("worker", "--redis", redis.url, "--name", f"w{i}", "--no-throttle",
                       "--idle-exit", "2", "--heartbeat", "1", env=env) for i in range(n)]
        started = time.monotonic()
        cli("backfill", "bench", "--since", SINCE, "--redis", redis.url, "--distributed",
            "--parts", str(n), "--no-throttle", env=env).communicate()
        crawled = time.monotonic() - started
        while client.xlen("tarikh:records"):
            time.sleep(0.05)
        stored = time.monotonic() - started
        for w in workers:
            w.communicate()
        writer.terminate()
        writer.communicate()
        return count(db, "select count(*) from articles"), crawled, stored
    finally:
        stop_redis(redis)


def realistic_records(n: int, run_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """`n` article records as a crawl sends them (article row + packed raw HTML + packed
    extraction), made by the real pipeline from the Zyte benchmark's pages; copies past the
    first get a new URL and their words shuffled, so they are new, distinct articles (not
    near-duplicates, which would overstate the duplicate detector's share)."""
    from pipelines import store
    from pipelines.article.process import SiteContext, analyse_html, process_analysis

    root = Path(os.environ.get("TARIKH_SHARED", "/work/shared/benchmarks")) / "zyte" / "html"
    if not root.is_dir():
        root = ROOT / "benchmarks" / "data" / "zyte" / "html"
    ctx = SiteContext(site="bench")
    base: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for i, path in enumerate(sorted(root.glob("*.html.gz"))):
        html = gzip.decompress(path.read_bytes())
        url = f"http://127.0.0.1/zyte/{i}.html"
        try:
            analysis = analyse_html(html, url)
        except ValueError:
            continue
        record = process_analysis(url, analysis, ctx, fetched_at=store.now_iso())
        if not record["text"]:
            continue
        page = {"url": url, "site": "bench", "status": 200, "kind": "article", "run_id": run_id,
                "fetched_at": record["fetched_at"], "html": store.pack(html),
                "extracted": store.pack(analysis.to_json())}
        base.append((record, page))
    rng = random.Random(1)
    out = []
    for k in range(n):
        record, page = base[k % len(base)]
        record, page = dict(record), dict(page)
        url = f"http://127.0.0.1/zyte/{k}.html"
        record["url"] = page["url"] = url
        record["run_id"] = run_id
        if k >= len(base):
            words = record["text"].split(" ")
            rng.shuffle(words)
            record["text"] = " ".join(words)
        out.append((record, page))
    return out


class Timed:
    """Wall time spent in one function, patched in place (the writer's cost split)."""

    def __init__(self, module: Any, name: str, *, empty_is_idle: bool = False) -> None:
        self.module, self.name, self.seconds = module, name, 0.0
        self.real = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            result = self.real(*args, **kwargs)
            if result or not empty_is_idle:  # a read that found nothing is waiting, not work
                self.seconds += time.perf_counter() - t0
            return result

        setattr(module, name, timed)

    def restore(self) -> None:
        setattr(self.module, self.name, self.real)


def writer_rate(work: Path, records: int, *, batch: int = 200, fsync: str = "everysec") -> dict[str, float]:
    """Records/s the writer commits from a full stream (no crawl competing for the cores),
    and where its time goes."""
    import redis as redis_lib

    from crawler.cluster import writer as writer_mod
    from crawler.cluster.records import RecordSender
    from crawler.cluster.writer import StreamWriter
    from pipelines import store
    from pipelines.article import dupes

    server = start_redis(work / "redis-w", appendfsync=fsync)
    db = work / "writer.db"
    try:
        StreamWriter(server.client(), str(db)).prepare()
        sender = RecordSender(server.client())
        run_id = sender.start_run("bench", "crawl", {})
        made = realistic_records(records, run_id)
        started = time.monotonic()
        for record, page in made:
            sender.upsert_article(record, page)
        send_s = time.monotonic() - started
        size = int(server.client().memory_usage(keys_stream()) or 0) / max(records, 1)
        timers = [Timed(writer_mod, "decode"), Timed(store, "upsert_article"), Timed(dupes, "detect"),
                  Timed(writer_mod, "store_article"), Timed(redis_lib.client.Pipeline, "execute"),
                  Timed(StreamWriter, "_next", empty_is_idle=True)]
        conn_timer: dict[str, float] = {"commit": 0.0}
        writer = StreamWriter(server.client(), str(db), batch=batch, block_ms=20)  # idle reads ~free
        done = [0.0]
        real_apply = writer.apply

        def apply(entries: Any) -> None:
            real_apply(entries)
            done[0] = time.monotonic()

        writer.apply = apply  # type: ignore[method-assign]
        real_execute = writer.db.conn.execute

        class Conn:  # sqlite3.Connection's methods cannot be patched: wrap it
            def __getattr__(self, name: str) -> Any:
                return getattr(real_conn, name)

            def execute(self, sql: str, *args: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return real_execute(sql, *args)
                finally:
                    if sql == "commit":
                        conn_timer["commit"] += time.perf_counter() - t0

        real_conn = writer.db.conn
        writer.db.conn = Conn()  # type: ignore[assignment]
        started = time.monotonic()
        writer.run(idle_exit=0.5)
        seconds = done[0] - started  # until the last batch was committed and acknowledged
        for t in timers:
            t.restore()
        decode, upsert, detect, article, redis_ack, redis_read = (t.seconds for t in timers)
        return {"records": records, "seconds": seconds, "rate": records / seconds,
                "send_rate": records / send_s, "kb_per_record": size / 1024,
                "decode_ms": 1000 * decode / records, "upsert_ms": 1000 * upsert / records,
                "dupes_ms": 1000 * detect / records,
                "other_store_ms": 1000 * (article - upsert - detect) / records,
                "commit_ms": 1000 * conn_timer["commit"] / records,
                "redis_read_ms": 1000 * redis_read / records, "redis_ack_ms": 1000 * redis_ack / records}
    finally:
        stop_redis(server)


def keys_stream() -> str:
    from crawler.cluster import keys

    return keys.STREAM


def print_writer(r: dict[str, float]) -> None:
    total = 1000 / r["rate"]
    print(f"the writer alone: {r['records']:.0f} records in {r['seconds']:.1f}s = {r['rate']:.0f} records/s "
          f"({total:.2f} ms each; {r['kb_per_record']:.0f} KB each in Redis; workers sent "
          f"{r['send_rate']:.0f}/s)  (load {load()})")
    named = ("decode", "upsert", "dupes", "other_store", "commit", "redis_read", "redis_ack")
    parts = "  ".join(f"{n} {r[n + '_ms']:.2f}" for n in named)
    rest = total - sum(r[n + "_ms"] for n in named)
    print(f"  ms/record: {parts}  rest {rest:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers-max", type=int, default=3)
    parser.add_argument("--writer-only", action="store_true",
                        help="only the writer's rate, on --records realistic records")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=200, help="the writer's --batch")
    parser.add_argument("--appendfsync", choices=["always", "everysec"], default="everysec",
                        help="Redis's AOF fsync policy (README: everysec)")
    parser.add_argument("--single", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the single-process crawl")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is needed: .ci/services installs it")
    work = Path(tempfile.mkdtemp(prefix="tarikh-cluster-bench-"))
    if args.writer_only:
        try:
            print_writer(writer_rate(work, args.records, batch=args.batch, fsync=args.appendfsync))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    site = work / "site"
    manifest = generate_site(site, language="en", n_articles=args.pages, seed=1, per_page=50)
    write_sitemap(manifest, "{{BASE}}")
    server = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "fastserver.py"), str(site)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    base = server.stdout.readline().strip()
    sites = work / "sites"
    sites.mkdir()
    (sites / "bench.toml").write_text(f'name = "bench"\nsitemaps = ["{base}/sitemap.xml"]\n'
                                      "article_url_patterns = ['\\\\.html$']\n", encoding="utf-8")
    env = {"TARIKH_SITES": str(sites)}
    try:
        if args.single:
            stored, seconds = single(work, env)
            print(f"single process : {stored} articles in {seconds:.1f}s = {stored / seconds:.0f} pages/s"
                  f"  (load {load()})", flush=True)
        for n in range(1, args.workers_max + 1):
            stored, crawled, done = clustered(work, env, n, args.appendfsync)
            print(f"{n} worker(s)    : {stored} articles, crawled in {crawled:.1f}s, committed after "
                  f"{done:.1f}s = {stored / done:.0f} pages/s  (load {load()})", flush=True)
        print_writer(writer_rate(work, args.records, batch=args.batch, fsync=args.appendfsync))
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
