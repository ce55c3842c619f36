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


def _found(db, word: str) -> list[str]:
    return sorted(r[0] for r in db.execute(
        "select url from articles_search where articles_search match ?", [word]))


def test_a_batch_writes_its_search_rows_at_its_commit(tmp_path: Path) -> None:
    """The search rows of a batch wait for its commit (one FTS5 segment per batch): a write
    rolled back to its savepoint leaves none, an article written twice is found by its last
    text, and readers see articles and their rows together."""
    db = store.connect(tmp_path / "t.db")
    batch = store.BatchWriter(db, max_items=50, max_seconds=3600)
    for n in range(3):
        batch.begin()
        try:
            with store.transaction(db):
                store.upsert_article(db, _article(n) | {"text": f"alpha{n} words"})
                if n == 1:
                    raise RuntimeError("this write fails")
        except RuntimeError:
            continue
        batch.wrote(f"a{n}")
    batch.begin()
    with store.transaction(db):
        store.upsert_article(db, _article(2) | {"text": "beta words"})
    batch.wrote("a2 again")
    assert db.execute("select count(*) from articles_search").fetchone()[0] == 0  # not yet
    batch.flush()
    assert _found(db, "alpha0") == ["https://e.example/0"]
    assert _found(db, "alpha1") == [] and _found(db, "alpha2") == []
    assert _found(db, "beta") == ["https://e.example/2"]
    assert db.execute("select count(*) from articles_search").fetchone()[0] == 2
    store.upsert_article(db, _article(3) | {"text": "gamma words"})  # no batch: written at once
    assert _found(db, "gamma") == ["https://e.example/3"]


def test_a_batch_whose_search_rows_fail_is_lost_whole(tmp_path: Path, monkeypatch) -> None:
    import pipelines.store.writes as writes

    db = store.connect(tmp_path / "t.db")
    batch = store.BatchWriter(db, max_items=50, max_seconds=3600)

    def full(_db: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(writes, "write_queued_search_rows", full)
        for n in range(2):
            batch.begin()
            store.upsert_article(db, _article(n))
            batch.wrote(f"a{n}")
        try:
            batch.flush()
        except store.BatchLost as lost:
            assert lost.labels == ["a0", "a1"]
        else:
            raise AssertionError("the batch should be lost")
    assert not db.conn.in_transaction
    assert db.execute("select count(*) from articles").fetchone()[0] == 0
    batch.begin()  # the next batch queues and writes its rows again
    store.upsert_article(db, _article(5) | {"text": "delta words"})
    batch.wrote("a5")
    batch.flush()
    assert _found(db, "delta") == ["https://e.example/5"]
