"""`tarikh health` judges an error spike on the runs since the last success (issue 12.1)."""

from __future__ import annotations

from pathlib import Path

from crawler.runs.health import site_health
from pipelines import store


def _run(db: object, *, status: str, downloaded: int = 0, errors: int = 0) -> None:
    counters = store.RunCounters(pages_downloaded=downloaded)
    for n in range(errors):
        counters.error(f"HTTP 503 http://site.example/{n}")
    run_id = store.start_run(db, "site", "crawl", {})
    store.update_run(db, run_id, counters, status=status, exit_code=0 if status == "ok" else 1)


def _db_with_articles(tmp_path: Path) -> object:
    db = store.connect(tmp_path / "t.db")
    for n in range(3):
        store.upsert_article(db, {"url": f"http://site.example/{n}", "site": "site", "title": f"T{n}",
                                  "text": "some text " * 50, "published": "2026-01-01"})
    return db


def test_a_recovered_site_is_ok_again(tmp_path: Path) -> None:
    db = _db_with_articles(tmp_path)
    _run(db, status="ok", downloaded=3)
    _run(db, status="unhealthy", errors=2)  # the site was down
    for _ in range(4):
        _run(db, status="ok")  # back up; incremental runs with nothing new to download
    [report] = site_health(db, "site")
    assert report["healthy"], report["problems"]


def test_a_still_failing_site_stays_bad(tmp_path: Path) -> None:
    db = _db_with_articles(tmp_path)
    _run(db, status="ok", downloaded=3)
    _run(db, status="unhealthy", errors=2)
    _run(db, status="unhealthy", downloaded=1, errors=3)
    [report] = site_health(db, "site")
    assert not report["healthy"]
    assert any(p.startswith("error spike: 5 errors in 6 requests over 2 runs") for p in report["problems"])
