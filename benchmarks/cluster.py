"""Pages/s of one backfill on 1, 2 and 3 cluster workers (Redis, one writer) beside the
single-process crawl, on a generated site served by benchmarks/fastserver.py; and the
writer's own rate (records/s it commits), which bounds what any number of workers can store.

    python benchmarks/cluster.py [--pages 2000] [--workers-max 3]

Not a timed test: on a 2-core machine the workers, the writer, Redis and the server share the
cores, so more workers mostly shows the overhead; the figures mean more across machines.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sitegen import generate_site, write_sitemap  # noqa: E402

from tests.cluster.conftest import start_redis, stop_redis  # noqa: E402

SINCE = "1990-01-01"


def cli(*args: str, env: dict[str, str], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, text=True,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


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


def clustered(work: Path, env: dict[str, str], n: int) -> tuple[int, float, float]:
    redis = start_redis(work / f"redis{n}")
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


def writer_rate(work: Path, records: int) -> float:
    """Records/s the writer commits from a full stream (no crawl competing for the cores)."""
    from crawler.cluster.records import RecordSender
    from crawler.cluster.writer import StreamWriter

    redis = start_redis(work / "redis-w")
    db = work / "writer.db"
    try:
        StreamWriter(redis.client(), str(db)).prepare()
        sender = RecordSender(redis.client())
        run_id = sender.start_run("bench", "crawl", {})
        text = "A paragraph of an article, long enough to look like one. " * 40
        for i in range(records):
            url = f"http://127.0.0.1/a/{i}.html"
            sender.upsert_article({"url": url, "site": "bench", "title": f"Story {i}", "text": text,
                                   "published": "2024-01-01", "run_id": run_id},
                                  {"url": url, "site": "bench", "status": 200, "kind": "article",
                                   "html": os.urandom(20_000), "run_id": run_id})
        started = time.monotonic()
        StreamWriter(redis.client(), str(db)).run(idle_exit=0.5)
        return records / (time.monotonic() - started - 0.5)
    finally:
        stop_redis(redis)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers-max", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is needed: .ci/services installs it")
    work = Path(tempfile.mkdtemp(prefix="tarikh-cluster-bench-"))
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
        stored, seconds = single(work, env)
        print(f"single process : {stored} articles in {seconds:.1f}s = {stored / seconds:.0f} pages/s")
        for n in range(1, args.workers_max + 1):
            stored, crawled, done = clustered(work, env, n)
            print(f"{n} worker(s)    : {stored} articles, crawled in {crawled:.1f}s, committed after "
                  f"{done:.1f}s = {stored / done:.0f} pages/s")
        rate = writer_rate(work, 2000)
        print(f"the writer alone: {rate:.0f} records/s (article + 20 KB raw page + search row each)")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
