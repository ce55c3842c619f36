"""Bad arguments are refused before anything runs (issue 12.7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import rows, tarikh, usage_error, write_profile

#: Nothing listens on the discard port: a run that started anyway would only fail.
NOWHERE = "http://127.0.0.1:9"


def _sites(tmp_path: Path) -> dict[str, str]:
    sites = tmp_path / "sites"
    sites.mkdir()
    write_profile(sites / "news.toml", name="news", base=NOWHERE)
    return {"TARIKH_SITES": str(sites)}


def test_backfill_with_since_after_until_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    proc = tarikh("backfill", "news", "--since", "2016-02-01", "--until", "2016-01-01",
                  "--db", str(db), env=_sites(tmp_path), check=False)
    assert proc.returncode == 2
    assert "after --until" in proc.stderr and "Traceback" not in proc.stderr
    assert not db.exists()  # nothing ran


def test_resume_with_nothing_to_resume_is_refused_and_records_no_run(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    env = _sites(tmp_path)
    proc = tarikh("backfill", "news", "--resume", "--db", str(db), "--no-throttle", env=env, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "no interrupted backfill of 'news' to resume" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert rows(db, "select * from runs") == []


def test_crawling_the_demo_template_is_refused_without_a_run(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    for command in (("crawl", "demo"), ("backfill", "demo", "--since", "2020-01-01")):
        proc = tarikh(*command, "--db", str(db), check=False, timeout=60)
        assert proc.returncode == 3, proc.stderr[-2000:]
        assert "use tarikh demo" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert not db.exists()  # no run recorded, not even a database


@pytest.mark.parametrize("option", [
    ("--max-minutes", "nan"),  # a budget of nan minutes never ran out: the run never ended
    ("--max-pages", "-1"),  # a spent budget: 'ok' with nothing done
    ("--workers", "100000"),  # would fork 100,000 extraction processes
], ids=["max-minutes-nan", "max-pages-negative", "workers-huge"])
def test_an_absurd_number_is_a_usage_error_before_anything_runs(tmp_path: Path, option: tuple[str, str],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "t.db"
    assert f"argument {option[0]}" in usage_error(capsys, "crawl", "--url", NOWHERE, *option, "--db", str(db))
    assert not db.exists()
