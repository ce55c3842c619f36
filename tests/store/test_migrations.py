"""Older databases are upgraded in place by store.connect: no row lost, search works on them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipelines import store
from pipelines.store.normalise import NORMALIZATION_VERSION
from pipelines.store.search import search
from tests.search_corpus import CORPUS, build_db

V1_COLUMNS = ("url", "site", "title", "published", "text", "language", "fetched_at", "content_hash")


def make_v1_db(path: Path) -> list[tuple]:
    """The schema of an early tarikh: fewer columns, no search index, user_version 1."""
    conn = sqlite3.connect(path)
    conn.execute(
        "create table articles (url text primary key, site text, title text, published text, "
        "text text, language text, fetched_at text, content_hash text)"
    )
    conn.execute("create table pages (url text primary key, html blob)")
    old = [tuple(a.get(c) for c in V1_COLUMNS) for a in CORPUS]
    conn.executemany(f"insert into articles values ({', '.join('?' * len(V1_COLUMNS))})", old)
    conn.execute("insert into pages values ('https://ar.example/x', x'00')")
    conn.execute("pragma user_version = 1")
    conn.commit()
    conn.close()
    return old


def test_v1_database_is_upgraded_in_place_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = make_v1_db(path)
    db = store.connect(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    columns = set(db["articles"].columns_dict)
    assert set(store.ARTICLE_COLUMNS) <= columns
    kept = db.execute(f"select {', '.join(V1_COLUMNS)} from articles order by rowid").fetchall()
    assert kept == old
    assert db.execute("select count(*) from pages").fetchone()[0] == 1
    for view in store.VIEWS:
        db.execute(f"select * from {view}").fetchall()
    assert db.execute("select count(*) from articles_without_date").fetchone()[0] == 1


def test_search_works_on_upgraded_old_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_db(path)
    db = store.connect(path)
    urls = {r["url"] for r in search(db, "المدرسة")}
    assert "https://ar.example/2018/06/school-opens.html" in urls  # stored vowelled
    assert search(db, "istanbul")[0]["url"] == "https://tr.example/2018/06/kopru.html"


def test_upgrade_is_idempotent_and_new_writes_work(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1_db(path)
    store.connect(path).conn.close()
    db = store.connect(path)  # second open: nothing to do
    assert db.execute("select count(*) from articles").fetchone()[0] == len(CORPUS)
    result = store.upsert_article(db, {"url": "https://new.example/a", "site": "n",
                                       "title": "Yeni İçerik", "text": "ilk satır"})
    assert result.status == "new"
    assert [r["url"] for r in search(db, "icerik")] == ["https://new.example/a"]
    assert db.execute("select count(*) from articles_search").fetchone()[0] == len(CORPUS) + 1


def test_index_folded_by_older_normalisation_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    db = build_db(path)
    # what an older tarikh left: search rows holding unfolded text, marked with an old version
    db.execute("delete from articles_search")
    db.execute("insert into articles_search (rowid, url, title, text) "
               "select rowid, url, title, text from articles")
    db.execute("update meta set value = '1' where key = 'search_normalization'")
    assert search(db, "المدرسة") == []  # the stale index no longer matches folded queries
    db.conn.close()
    db = store.connect(path)
    assert db.execute("select value from meta where key = 'search_normalization'").fetchone() == (
        str(NORMALIZATION_VERSION),
    )
    assert len(search(db, "المدرسة")) == 2
    assert db.execute("select count(*) from articles_search").fetchone()[0] == len(CORPUS)


def test_v2_database_without_meta_table_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    db = build_db(path)
    db.execute("drop table meta")
    db.execute("pragma user_version = 2")
    db.conn.close()
    db = store.connect(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert db.execute("select count(*) from articles").fetchone()[0] == len(CORPUS)
    assert search(db, "İSTANBUL")[0]["url"] == "https://tr.example/2018/06/kopru.html"
