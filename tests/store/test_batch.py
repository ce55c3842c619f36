"""Batched writes count only what is committed: a batch the disk cannot take is lost whole,
named, and leaves the database as the last committed batch left it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipelines import store


def _article(n: int) -> dict:
    return {"url": f"https://e.example/{n}", "site": "e", "title": f"Story {n}",
            "text": "x" * 20_000 + str(n), "fetched_at": "2024-01-01T00:00:00Z"}


def test_commit_hooks_run_only_after_the_commit(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    batch = store.BatchWriter(db, max_items=3, max_seconds=3600)
    committed: list[str] = []
    for n in range(2):
        batch.begin()
        store.upsert_article(db, _article(n))
        batch.wrote(f"a{n}", lambda n=n: committed.append(f"a{n}"))
    assert committed == []  # still in the open batch
    batch.flush()
    assert committed == ["a0", "a1"]


def test_a_batch_the_disk_cannot_take_is_lost_whole_and_named(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    store.upsert_article(db, _article(0))  # committed before the disk fills
    pages = db.execute("pragma page_count").fetchone()[0]
    db.execute(f"pragma max_page_count = {pages + 2}")  # the disk is (nearly) full
    batch = store.BatchWriter(db, max_items=50, max_seconds=3600)
    committed: list[str] = []
    lost = None
    for n in range(1, 20):
        batch.begin()
        try:
            with store.transaction(db):
                store.upsert_article(db, _article(n))
        except sqlite3.Error as exc:  # the write itself hit the full disk
            assert "full" in str(exc)
            assert not db.conn.in_transaction  # SQLite dropped the batch: all of it is lost
            lost = batch.abandon(exc)
            break
        batch.wrote(f"a{n}", lambda n=n: committed.append(f"a{n}"))
    assert lost is not None and lost.labels == [f"a{n}" for n in range(1, len(lost.labels) + 1)]
    assert committed == []
    assert [r[0] for r in db.execute("select url from articles")] == ["https://e.example/0"]
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_corrupt_stored_template_is_discarded_not_fatal(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    db.execute("insert into templates (site, data, pages_seen) values ('s', '{not json', 3)")
    assert store.load_template(db, "s") is None
    db.execute("update templates set data = '[1, 2]' where site = 's'")
    assert store.load_template(db, "s") is None
    from pipelines.page.furniture import SiteTemplate
    assert SiteTemplate.from_json({"counts": "oops", "pages_seen": "x"}).pages_seen == 0
