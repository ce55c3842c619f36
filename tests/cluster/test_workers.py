"""Workers on Redis crawling real local sites through the `tarikh` CLI, into one writer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from crawler.app.localserver import LocalSiteServer
from crawler.app.sitegen import generate_site, write_sitemap
from crawler.cluster import keys
from tests.cluster.conftest import RedisServer, start_redis, stop_redis
from tests.helpers import DEMO_SITE, ROOT, rows, tarikh, write_profile

MANIFEST = json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))
ARTICLE_PATHS = {a["path"] for a in MANIFEST["articles"]}


def _cli(*args: str, env: dict[str, str], new_session: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, text=True,
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=new_session)


def _drained(client: redis.Redis) -> bool:
    if client.llen(keys.JOBS) or any(client.llen(k) for k in client.scan_iter(match=keys.processing("*"))):
        return False
    return client.xlen(keys.STREAM) == 0


@contextmanager
def _writer(server: RedisServer, db: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    proc = _cli("writer", "--redis", server.url, "--db", str(db), "--claim-after", "1", env=env)
    client = server.client()
    deadline = time.monotonic() + 20
    while not client.exists(keys.RUN_IDS) and time.monotonic() < deadline:
        time.sleep(0.05)  # the writer has numbered runs after the database's last one
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)  # systemd's stop: finishes its batch first
        proc.communicate(timeout=30)


def _wait_drained(client: redis.Redis, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not _drained(client):
        assert time.monotonic() < deadline, "the cluster did not drain"
        time.sleep(0.1)


def _by_site(db: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows(db, "select site, url from articles"):
        out.setdefault(row["site"], []).append("/" + row["url"].split("/", 3)[3])
    return out


def test_three_workers_one_writer_store_every_article_once(redis_server: RedisServer, tmp_path: Path,
                                                          demo_copy: Path, sites: Path) -> None:
    """Three workers and one writer on three local sites (two demo copies and a generated
    site of 200 articles): every article stored exactly once, every page fetched once."""
    db = tmp_path / "t.db"
    env = {"TARIKH_SITES": str(sites)}
    big = generate_site(tmp_path / "big", language="en", n_articles=200, style=0, seed=3)
    big_paths = {a.path for a in big.articles}
    with LocalSiteServer(demo_copy) as one, LocalSiteServer(demo_copy) as two, \
            LocalSiteServer(tmp_path / "big") as three, _writer(redis_server, db, env):
        write_profile(sites / "one.toml", name="one", base=one.base_url)
        write_profile(sites / "two.toml", name="two", base=two.base_url)
        write_sitemap(big, three.base_url)
        write_profile(sites / "three.toml", name="three", base=three.base_url, start=("/",),
                      article_pattern=r"/\d{4}/\d{2}/[^/]+\.html$", listing_pattern=r"^/$")
        workers = [_cli("worker", "--redis", redis_server.url, "--name", f"w{i}", "--no-throttle",
                        "--idle-exit", "4", "--heartbeat", "1", env=env) for i in (1, 2, 3)]
        tarikh("enqueue", "one", "two", "three", "--redis", redis_server.url, env=env)
        outputs = [w.communicate(timeout=180)[1] for w in workers]
        _wait_drained(redis_server.client())
        hits = [{p: n for p, n in server.hits.items() if p in paths}
                for server, paths in ((one, ARTICLE_PATHS), (two, ARTICLE_PATHS), (three, big_paths))]
    assert [w.returncode for w in workers] == [0, 0, 0]
    done = sum(int(out.split(": ")[-1].split(" jobs")[0]) for out in outputs if " jobs," in out)
    assert done == 3, outputs
    stored = _by_site(db)
    for site, paths in (("one", ARTICLE_PATHS), ("two", ARTICLE_PATHS), ("three", big_paths)):
        assert sorted(stored[site]) == sorted(paths)  # every article, exactly once
    assert [set(h) for h in hits] == [ARTICLE_PATHS, ARTICLE_PATHS, big_paths]
    assert all(set(h.values()) == {1} for h in hits)  # each fetched once
    runs = rows(db, "select site, status, articles_new from runs order by site")
    assert [(r["site"], r["status"], r["articles_new"]) for r in runs] == [
        ("one", "ok", len(ARTICLE_PATHS)), ("three", "ok", len(big_paths)),
        ("two", "ok", len(ARTICLE_PATHS))]
    status = json.loads(tarikh("cluster", "--redis", redis_server.url, "--json").stdout)
    assert status["leases"] == [] and status["queued"] == 0 and status["writer"]["pending"] == 0


def test_a_dead_workers_site_is_crawled_by_another_after_its_lease_expires(
        redis_server: RedisServer, tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    db = tmp_path / "t.db"
    env = {"TARIKH_SITES": str(sites)}
    client = redis_server.client()
    with LocalSiteServer(demo_copy) as server, _writer(redis_server, db, env):
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        slow = ["--no-throttle", "-s", "DOWNLOAD_DELAY=0.4", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        dying = _cli("worker", "--redis", redis_server.url, "--name", "dying", "--lease-ttl", "3",
                     "--heartbeat", "1", *slow, env=env, new_session=True)
        tarikh("enqueue", "news", "--redis", redis_server.url, env=env)
        deadline = time.monotonic() + 60
        while sum(server.hits[p] for p in ARTICLE_PATHS) < 5:  # mid-crawl
            assert time.monotonic() < deadline and dying.poll() is None
            time.sleep(0.05)
        os.killpg(dying.pid, signal.SIGKILL)  # the machine dies: worker and its crawl
        dying.communicate()
        assert client.exists(keys.lease("news")) and client.llen(keys.processing("dying")) == 1
        partial = len(rows(db, "select url from articles")) if db.exists() else 0
        assert partial < len(ARTICLE_PATHS)

        rescuer = _cli("worker", "--redis", redis_server.url, "--name", "rescuer", "--lease-ttl", "3",
                       "--heartbeat", "1", "--no-throttle", "--idle-exit", "4", env=env)
        _, err = rescuer.communicate(timeout=120)
        assert "1 jobs, worst exit 0" in err, err
        _wait_drained(client)
    assert sorted(_by_site(db)["news"]) == sorted(ARTICLE_PATHS)  # nothing lost, nothing twice
    assert not client.exists(keys.lease("news"))  # no lease stuck
    assert not client.exists(keys.processing("dying"))
    runs = rows(db, "select status from runs order by id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]


def test_a_distributed_backfill_fetches_each_page_once_over_two_workers(
        redis_server: RedisServer, tmp_path: Path, demo_copy: Path, sites: Path) -> None:
    """One run split over two workers through scrapy-redis's shared frontier and dupefilter:
    the same articles as a single-process backfill, each page fetched once by one of them."""
    env = {"TARIKH_SITES": str(sites)}
    since = ("backfill", "news", "--since", "2020-01-01", "--no-throttle")
    single, db = tmp_path / "single.db", tmp_path / "t.db"
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        tarikh(*since, "--db", str(single), env=env)
    expected = sorted(_by_site(single)["news"])
    assert expected
    with LocalSiteServer(demo_copy) as server, _writer(redis_server, db, env):
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        workers = [_cli("worker", "--redis", redis_server.url, "--name", f"w{i}", "--no-throttle",
                        "--idle-exit", "3", "--heartbeat", "1", env=env) for i in (1, 2)]
        proc = tarikh(*since, "--redis", redis_server.url, "--distributed", "--parts", "2", env=env)
        outputs = [w.communicate(timeout=120)[1] for w in workers]
        _wait_drained(redis_server.client())
        hits = {p: n for p, n in server.hits.items() if p.endswith(".html")}
    assert "over 2 workers" in proc.stderr
    assert all("1 jobs, worst exit 0" in out for out in outputs), outputs  # each did a part
    assert sorted(_by_site(db)["news"]) == expected
    assert set(hits.values()) == {1}, {p: n for p, n in hits.items() if n != 1}  # no page twice
    run = rows(db, "select * from runs")
    assert len(run) == 1 and run[0]["status"] == "ok" and run[0]["articles_new"] == len(expected)
    assert not list(redis_server.client().scan_iter(match=keys.PREFIX + "frontier:*"))


def test_a_redis_restart_mid_crawl_loses_nothing(redis_server: RedisServer, tmp_path: Path,
                                                 demo_copy: Path, sites: Path) -> None:
    """kill -9 redis-server while two workers crawl, start it again on its port and data dir:
    the writer and the workers wait it out (one line each), the pages a crawl could not send
    are its errors and the next run fetches them, and in the end every article is stored
    once, no lease, job or run is left behind and the stream is drained."""
    db = tmp_path / "t.db"
    env = {"TARIKH_SITES": str(sites)}
    client = redis_server.client()
    slow = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    restarted: RedisServer | None = None
    with LocalSiteServer(demo_copy) as one, LocalSiteServer(demo_copy) as two:
        write_profile(sites / "one.toml", name="one", base=one.base_url)
        write_profile(sites / "two.toml", name="two", base=two.base_url)
        writer = _cli("writer", "--redis", redis_server.url, "--db", str(db), "--claim-after", "1", env=env)
        try:
            deadline = time.monotonic() + 30
            while not client.exists(keys.RUN_IDS):
                assert time.monotonic() < deadline and writer.poll() is None, "the writer did not start"
                time.sleep(0.05)
            workers = [_cli("worker", "--redis", redis_server.url, "--name", f"w{i}", "--no-throttle",
                            *slow, "--idle-exit", "10", "--heartbeat", "1", env=env) for i in (1, 2)]
            tarikh("enqueue", "one", "two", "--redis", redis_server.url, env=env)
            deadline = time.monotonic() + 60
            while min(sum(s.hits[p] for p in ARTICLE_PATHS) for s in (one, two)) < 4:  # mid-crawl
                assert time.monotonic() < deadline, "the crawls did not start"
                time.sleep(0.05)
            redis_server.proc.kill()  # kill -9
            redis_server.proc.wait()
            time.sleep(2.0)
            restarted = start_redis(redis_server.dir, port=redis_server.port)
            _wait_drained(client, timeout=60)  # the first runs are over and written
            first = rows(db, "select site, status, errors from runs order by id")
            tarikh("enqueue", "one", "two", "--redis", redis_server.url, env=env)  # cron's next run
            outputs = [w.communicate(timeout=60)[1] for w in workers]
            _wait_drained(client, timeout=30)
        finally:
            writer.send_signal(signal.SIGTERM)
            writer_err = writer.communicate(timeout=30)[1]
        try:
            hits = [{p: n for p, n in s.hits.items() if p in ARTICLE_PATHS} for s in (one, two)]
            status = json.loads(tarikh("cluster", "--redis", redis_server.url, "--json").stdout)
            pending = int(client.xpending(keys.STREAM, keys.GROUP)["pending"])
            left = [*client.scan_iter(match=keys.processing("*")), *client.scan_iter(match=keys.lease("*"))]
            in_stream = int(client.xlen(keys.STREAM))
        finally:
            if restarted is not None:
                stop_redis(restarted)
    logs = "\n".join([writer_err, *outputs])
    assert "Traceback" not in logs, logs
    assert writer_err.count("Redis unreachable") == 1 and writer_err.count("Redis is back") == 1, writer_err
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert sum(int(out.split(": ")[-1].split(" jobs")[0]) for out in outputs) == 4, outputs
    unsent = sum(r["errors"] for r in first)
    assert len(first) == 2 and unsent > 0, first  # the outage hit the crawls mid-way
    stored = _by_site(db)
    for site in ("one", "two"):
        assert sorted(stored[site]) == sorted(ARTICLE_PATHS)  # every article, exactly once
    refetched = sum(1 for h in hits for n in h.values() if n == 2)
    assert all(set(h) == ARTICLE_PATHS and max(h.values()) <= 2 for h in hits)
    assert refetched <= unsent  # only pages that could not be sent were fetched again
    runs = rows(db, "select site, status from runs order by id")
    assert len(runs) == 4 and "running" not in {r["status"] for r in runs}, runs
    assert [r["status"] for r in runs[2:]] == ["ok", "ok"]  # the next runs fetched the rest
    assert status["leases"] == [] and status["queued"] == 0 and pending == 0  # nothing stuck
    assert left == [] and in_stream == 0
