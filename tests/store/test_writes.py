"""Writes: what `updated_at` and `run_id` mean (a sync by `updated_at` must see every change)."""

from __future__ import annotations

from pathlib import Path

from pipelines import store

OLD_FETCH = "2020-01-01T00:00:00Z"


def _article(**changes: object) -> dict[str, object]:
    return {"url": "https://news.example/a", "site": "news", "title": "T", "text": "one",
            "published": "2020-01-01", "fetched_at": OLD_FETCH, "run_id": 1, **changes}


def test_a_changed_record_gets_updated_at_now_and_keeps_its_first_run(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    assert store.upsert_article(db, _article()).status == "new"
    # reprocess re-derives from the page fetched long ago: same fetched_at, new text, new run
    before = store.now_iso()
    assert store.upsert_article(db, _article(text="two", run_id=7)).status == "updated"
    row = db.execute("select updated_at, first_seen, fetched_at, run_id from articles").fetchone()
    assert row[0] >= before > OLD_FETCH  # the time of the change, not of the fetch
    assert row[1] == OLD_FETCH and row[2] == OLD_FETCH
    assert row[3] == 1  # run_id: the run that first stored it


def test_an_unchanged_record_keeps_its_updated_at(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    store.upsert_article(db, _article())
    first = db.execute("select updated_at from articles").fetchone()[0]
    assert store.upsert_article(db, _article(fetched_at="2021-01-01T00:00:00Z")).status == "unchanged"
    assert db.execute("select updated_at, fetched_at from articles").fetchone() == (
        first, "2021-01-01T00:00:00Z")


def test_datasette_describes_run_id_as_the_run_that_first_stored_it() -> None:
    import json

    from crawler.app.serve import METADATA

    columns = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["tarikh"]["tables"]["articles"]["columns"]
    assert "first stored" in columns["run_id"] and "last wrote" not in columns["run_id"]
