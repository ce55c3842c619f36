"""kill -9 at random points of crawls and backfills: nothing lost, nothing duplicated.

    python benchmarks/kill9.py [--kills 20] [--pages 300] [--seed 1]

A generated site of N articles is served on 127.0.0.1; `tarikh crawl` (and every fourth time
`tarikh backfill`) is started and killed with SIGKILL after a random 0.3–4 s, again and
again; then one run is let finish. The script then checks what the user relies on and prints
one line per check:

- every article of the site is stored exactly once (no loss, no duplicate);
- `pragma integrity_check` is ok and the search index has one row per article;
- no run is left 'running' after the final run (the dead ones are 'interrupted');
- no worker process of a killed run outlived it (they watch the run's pid);
- the per-site lock never stayed behind (each next run could start: exit code 3 never seen).

Not a timed test: it takes a minute or two and its figures go in the README.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from crawler.app.localserver import LocalSiteServer
from crawler.app.sitegen import generate_site, write_sitemap

ROOT = Path(__file__).resolve().parent.parent


def tarikh(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="tarikh-kill9-"))
    site = work / "site"
    manifest = generate_site(site, language="en", n_articles=args.pages, style=0, seed=args.seed)
    write_sitemap(manifest, "{{BASE}}")
    db = work / "t.db"
    sites = work / "sites"
    sites.mkdir()
    env = {**os.environ, "TARIKH_SITES": str(sites)}
    descendants: set[int] = set()
    lock_busy = 0
    with LocalSiteServer(site) as server:
        (sites / "kill.toml").write_text(
            f'name = "kill"\nsitemaps = ["{server.base_url}/sitemap.xml"]\n'
            "article_url_patterns = ['/\\\\d{4}/']\n", encoding="utf-8")
        for n in range(args.kills):
            mode = ["backfill", "kill", "--since", "1990-01-01"] if n % 4 == 3 else ["crawl", "kill"]
            proc = tarikh([*mode, "--db", str(db), "--no-throttle", "-s", "CONCURRENT_REQUESTS=4"], env)
            time.sleep(rng.uniform(0.3, 4.0))
            if proc.poll() is None:
                try:  # what the run started (forkserver, workers, resource tracker)
                    descendants |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
                except psutil.Error:
                    pass
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            if proc.returncode == 3:
                lock_busy += 1
        final = tarikh(["crawl", "kill", "--db", str(db), "--no-throttle"], env)
        final.wait()
    time.sleep(3)  # the watchdogs poll once a second
    leftovers = {pid for pid in descendants if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE}
    conn = sqlite3.connect(db)
    urls = [r[0] for r in conn.execute("select url from articles")]
    fts = conn.execute("select count(*) from articles_search").fetchone()[0]
    integrity = conn.execute("pragma integrity_check").fetchone()[0]
    running = conn.execute("select count(*) from runs where status = 'running'").fetchone()[0]
    statuses = dict(conn.execute("select status, count(*) from runs group by status").fetchall())
    conn.close()
    expected = len(manifest.articles)
    print(f"kill -9 at random points: {args.kills} runs killed, then one run to the end "
          f"({args.pages} articles, seed {args.seed})")
    print(f"final run exit code     : {final.returncode}")
    print(f"articles stored         : {len(urls)} of {expected}, {len(urls) - len(set(urls))} duplicates")
    print(f"integrity_check         : {integrity}; search rows {fts} for {len(urls)} articles")
    print(f"runs by status          : {statuses}; left 'running': {running}")
    print(f"lock left behind        : {'yes' if lock_busy else 'no'} ({lock_busy} runs refused)")
    print(f"processes left behind   : {len(leftovers)} of the {len(descendants)} the killed runs started")
    ok = (final.returncode == 0 and len(urls) == len(set(urls)) == expected and integrity == "ok"
          and fts == len(urls) and running == 0 and not lock_busy and not leftovers)
    print("RESULT                  :", "nothing lost, nothing duplicated" if ok else "FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
