"""`tarikh demo`: a real Scrapy crawl of the bundled site over HTTP into a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import DEMO_SITE, rows, tarikh

MANIFEST = json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))

# Furniture of the demo site that must never reach a stored text (each checked as a whole line).
FURNITURE_LINES = {
    "Scroll Up", "Facebook Twitter Youtube", "أعلى الصفحة", "Yukarı Çık",
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("demo") / "tarikh.db"
    proc = tarikh("demo", "--db", str(db))
    return db, proc.stdout


def _by_path(db: Path) -> dict[str, dict]:
    out = {}
    for row in rows(db, "select * from articles"):
        out["/" + row["url"].split("/", 3)[3]] = row
    return out


def test_demo_stores_every_article_and_prints_a_summary(demo_db: tuple[Path, str]) -> None:
    db, stdout = demo_db
    stored = _by_path(db)
    expected = {a["path"] for a in MANIFEST["articles"]}
    assert len(expected) >= 30
    assert set(stored) == expected  # no listing, tag or home page, no article missing
    assert f"articles stored: {len(expected)}" in stdout
    assert "per language:" in stdout and "date range:" in stdout and "sample record:" in stdout
    assert "next steps:" in stdout and "tarikh search" in stdout and "tarikh serve" in stdout


def test_demo_records_are_clean(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    stored = _by_path(db)
    for article in MANIFEST["articles"]:
        row = stored[article["path"]]
        assert row["title"] == article["title"], article["path"]
        assert row["published"] == article["published"], (article["path"], row["published_raw"])
        assert row["language"] == article["language"], article["path"]
        paragraphs = row["text"].split("\n\n")
        assert paragraphs == article["paragraphs"], article["path"]
        for line in paragraphs:
            assert line.strip() not in FURNITURE_LINES


def test_hijri_only_articles_get_gregorian_dates_and_hijri_columns(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    stored = _by_path(db)
    hijri_only = [a for a in MANIFEST["articles"] if a["calendar"] == "hijri"]
    assert len(hijri_only) >= 6
    for article in hijri_only:
        row = stored[article["path"]]
        y, m, d = (int(x) for x in article["hijri"].split("-"))
        assert (row["hijri_year"], row["hijri_month"], row["hijri_day"]) == (y, m, d)
        assert row["published"] == article["published"]


def test_demo_run_is_logged_and_a_second_run_stores_nothing_new(demo_db: tuple[Path, str]) -> None:
    db, _ = demo_db
    runs = rows(db, "select * from runs")
    assert runs[-1]["status"] == "ok" and runs[-1]["articles_new"] == len(MANIFEST["articles"])
    tarikh("demo", "--db", str(db))
    second = rows(db, "select * from runs order by id desc limit 1")[0]
    assert second["articles_new"] == 0
    assert second["pages_downloaded"] == 0  # stored articles are not downloaded again
    assert len(rows(db, "select url from articles")) == len(MANIFEST["articles"])


def test_demo_keys_do_not_depend_on_the_local_port(tmp_path: Path) -> None:
    """Two demo runs on different ports: the records' keys use the stable demo origin, so the
    second run stores nothing new (issue 12.8)."""
    import re
    import socket

    db = tmp_path / "t.db"
    first = tarikh("demo", "--db", str(db)).stdout
    port = int(re.search(r"served from http://127\.0\.0\.1:(\d+)", first).group(1))
    with socket.socket() as busy:  # the first run's port is taken now
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past its TIME_WAIT
        busy.bind(("127.0.0.1", port))
        busy.listen()
        second = tarikh("demo", "--db", str(db)).stdout
    assert f"127.0.0.1:{port})" not in second
    runs = rows(db, "select * from runs order by id")
    assert [r["articles_new"] for r in runs] == [len(MANIFEST["articles"]), 0]
    urls = [r["url"] for r in rows(db, "select url from articles")]
    assert len(urls) == len(MANIFEST["articles"])
    assert all(u.startswith("http://demo.tarikh.local/") for u in urls)
