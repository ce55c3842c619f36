"""The tarikh database: schema, migrations and the few writes the pipeline makes.

One SQLite file holds everything: clean `articles` (what analysts query), raw `pages`
(compressed HTML, so records can be re-processed without refetching), learned site
`templates`, the `runs` log and a normalised full-text index. WAL mode lets analysts
read while a crawl writes; every article is written in one transaction with its page and
its search row, so a reader never sees half an article.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import sqlite_utils
import zstandard

from pipelines.store.normalise import NORMALIZATION_VERSION, normalize_for_search
from pipelines.store.sqlfunctions import register_sql_functions

DEFAULT_DB = Path("data/tarikh.db")
#: Seconds a write waits for another writer (another site's crawl, an analyst's tool) before
#: "database is locked"; $TARIKH_BUSY_TIMEOUT overrides it.
BUSY_TIMEOUT = float(os.environ.get("TARIKH_BUSY_TIMEOUT", "30"))
SCHEMA_VERSION = 6  # 3: `meta` table (search normalisation version); 4: runs.pages_skipped;
#                     5: article_versions (revisions), recently_edited view;
#                     6: near-duplicates (articles.duplicate_of/_similarity, minhash tables, stories)

ARTICLE_COLUMNS: dict[str, type] = {
    "url": str,
    "site": str,
    "title": str,
    "published": str,
    "published_raw": str,
    "published_utc": str,
    "published_source": str,
    "calendar": str,
    "hijri_year": int,
    "hijri_month": int,
    "hijri_day": int,
    "date_conflict": str,
    "text": str,
    "language": str,
    "author": str,
    "description": str,
    "word_count": int,
    "content_hash": str,
    "first_seen": str,
    "fetched_at": str,
    "updated_at": str,
    "run_id": int,
    "duplicate_of": str,
    "duplicate_similarity": float,
}

PAGE_COLUMNS: dict[str, type] = {
    "url": str,
    "site": str,
    "status": int,
    "fetched_at": str,
    "etag": str,
    "last_modified": str,
    "content_type": str,
    "encoding": str,
    "html": bytes,
    "extracted": bytes,
    "kind": str,
    "error": str,
    "run_id": int,
}

#: An earlier state of an article, kept when a write changes its content hash (never on an
#: unchanged re-fetch). `reason`: 'site' (a re-fetch found the page changed: an editorial
#: revision) or 'reprocess' (tarikh's own rules re-derived it differently).
VERSION_COLUMNS: dict[str, type] = {
    "id": int,
    "url": str,
    "title": str,
    "text": str,
    "published": str,
    "fetched_at": str,
    "run_id": int,
    "content_hash": str,
    "replaced_at": str,
    "reason": str,
}

RUN_COLUMNS: dict[str, type] = {
    "id": int,
    "site": str,
    "mode": str,
    "started": str,
    "ended": str,
    "status": str,
    "exit_code": int,
    "duration_s": float,
    "pages_downloaded": int,
    "not_modified": int,
    "articles_new": int,
    "articles_updated": int,
    "articles_unchanged": int,
    "pages_dropped": int,
    "dropped_reasons": str,
    "pages_skipped": int,
    "skipped_reasons": str,
    "errors": int,
    "error_samples": str,
    "args": str,
    "pid": int,
    "host": str,
}

VIEWS: dict[str, str] = {
    "articles_per_site_day": """
        select site, substr(published, 1, 10) as day, count(*) as articles
        from articles where published is not null
        group by site, day order by day desc, site""",
    "latest_articles": """
        select url, site, title, published, language, word_count
        from articles order by coalesce(published, first_seen) desc""",
    "articles_without_date": """
        select url, site, title, first_seen, language
        from articles where published is null order by first_seen desc""",
    "recently_edited": """
        select a.url, a.site, a.title, a.published, count(*) as revisions,
               max(v.replaced_at) as last_edited
        from article_versions v join articles a on a.url = v.url
        where v.reason = 'site'
        group by a.url order by last_edited desc, a.url""",
    "stories": """
        select a.url, a.site, a.title, a.published,
               1 + (select count(*) from articles d where d.duplicate_of = a.url) as copies
        from articles a where a.duplicate_of is null
        order by coalesce(a.published, a.first_seen) desc""",
}


def now_iso() -> str:
    """UTC now, second precision, the format of every *_at column."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: Zstandard frames start with these bytes; older databases hold zlib streams (0x78 …).
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_ZSTD_LEVEL = 3
_compressors = threading.local()


def pack(data: bytes | str | None) -> bytes | None:
    """Compress raw HTML or JSON for the pages table.

    Zstandard level 3: on the Zyte benchmark's real pages (167 KB average) it compresses 5.1x
    in 0.43 ms, where zlib level 3 gave 4.5x in 1.28 ms (`benchmarks/throughput.py` showed
    compression as a fifth of the extraction worker's CPU), and CPU is what limits a crawl.
    """
    if data is None:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8")
    compressor = getattr(_compressors, "zstd", None)
    if compressor is None:  # one per thread: a ZstdCompressor is not thread-safe
        compressor = _compressors.zstd = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return compressor.compress(data)


def unpack(blob: bytes | None) -> bytes | None:
    """What `pack` compressed: Zstandard, or zlib in databases written before it."""
    if blob is None:
        return None
    if blob[:4] == _ZSTD_MAGIC:
        return zstandard.ZstdDecompressor().decompress(blob)
    return zlib.decompress(blob)


def connect(path: str | Path = DEFAULT_DB, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and migrate) the database; WAL and a busy timeout so readers never see 'locked'.

    Every connection gets the SQL functions tarikh_norm/tarikh_query/tarikh_snippet, so SQL
    run through it can fold a word the way the search index was folded.
    """
    path = Path(path)
    if readonly:
        conn = _open_readonly(path)
        conn.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        register_sql_functions(conn)
        return sqlite_utils.Database(conn)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
    conn.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    register_sql_functions(conn)
    db = sqlite_utils.Database(conn)
    check_ours(db)  # before WAL: another application's file is not touched at all
    db.enable_wal()
    conn.execute("pragma synchronous = normal")
    migrate(db)
    return db


def _open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection. A WAL database is read with a `-shm` file beside it, which read-only
    media (a read-only mount, a folder nobody may write) cannot hold: there, with no `-wal` file
    left to read either, the file is opened as immutable — nobody can change it there."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.OperationalError:
        wal = Path(f"{path}-wal")
        if not path.is_file() or os.access(path.parent, os.W_OK) or (wal.exists() and wal.stat().st_size):
            raise
        conn.close()
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, timeout=BUSY_TIMEOUT)
    return conn


def connect_existing(path: str | Path) -> sqlite_utils.Database:
    """Open an existing database read-only, for the reading commands.

    A mistyped path must not silently create an empty database (and its folder): a missing
    file raises FileNotFoundError. An older schema is upgraded once first (additive, on the
    existing file only), so reads see the current columns and search index.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    db = connect(path, readonly=True)
    check_ours(db)
    if schema_version(db) < SCHEMA_VERSION or _search_index_stale(db):
        db.conn.close()
        connect(path).conn.close()
        db = connect(path, readonly=True)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("pragma user_version").fetchone()[0])


#: SQLite's header field for "which application's file is this": "trkh".
APPLICATION_ID = 0x7472_6B68


class NotTarikhDatabase(sqlite3.DatabaseError):
    """The file is another application's SQLite database: tarikh must not alter it."""


def check_ours(db: sqlite_utils.Database) -> None:
    """Refuse another application's database before any write: its application_id says so,
    or it has tables but was never a tarikh database (no schema version)."""
    app_id = db.execute("pragma application_id").fetchone()[0]
    if app_id not in (0, APPLICATION_ID):
        raise NotTarikhDatabase(f"not a tarikh database (application_id {app_id:#x})")
    if schema_version(db) == 0 and db.execute(
            "select count(*) from sqlite_master where name not like 'sqlite_%'").fetchone()[0]:
        raise NotTarikhDatabase("not a tarikh database: it holds another application's tables")


def migrate(db: sqlite_utils.Database) -> int:
    """Bring an older database up to SCHEMA_VERSION in place; never drops a row.

    Each step only adds tables, columns, indexes or views, so running it on a current
    database is a no-op and an interrupted upgrade simply re-runs.
    """
    check_ours(db)
    version = schema_version(db)
    if version >= SCHEMA_VERSION:
        refresh_search_index(db)
        return version
    with transaction(db):
        _create_or_extend(db, "meta", {"key": str, "value": str}, pk="key")
        _create_or_extend(db, "articles", ARTICLE_COLUMNS, pk="url")
        _create_or_extend(db, "pages", PAGE_COLUMNS, pk="url")
        _create_or_extend(db, "runs", RUN_COLUMNS, pk="id")
        _create_or_extend(db, "article_versions", VERSION_COLUMNS, pk="id")
        # MinHash signatures (so no process re-shingles a stored article) and the LSH band
        # keys as an on-disk index: every process, and concurrent crawls, query the same one.
        db.execute("create table if not exists article_minhashes ("
                   "article integer primary key, signature blob not null)")
        db.execute("create table if not exists minhash_bands (key integer not null, "
                   "article integer not null, primary key (key, article)) without rowid")
        _create_or_extend(
            db,
            "templates",
            {"site": str, "data": str, "pages_seen": int, "updated_at": str},
            pk="site",
        )
        _create_or_extend(
            db, "locks", {"name": str, "pid": int, "host": str, "started": str}, pk="name"
        )
        if "articles_search" not in db.table_names():
            db.execute(
                "create virtual table articles_search using fts5("
                "url unindexed, title, text, tokenize = 'unicode61 remove_diacritics 2')"
            )
            rebuild_search_index(db)
            _mark_search_index_current(db)
        for table, cols in (
            ("articles", ["site", "published"]),
            ("articles", ["published"]),
            ("articles", ["hijri_year", "hijri_month"]),
            ("articles", ["first_seen"]),
            ("pages", ["site"]),
            ("runs", ["site", "started"]),
            ("article_versions", ["url", "replaced_at"]),
            ("article_versions", ["replaced_at"]),
            ("articles", ["duplicate_of"]),
        ):
            db.table(table).create_index(cols, if_not_exists=True)
        for name, sql in VIEWS.items():
            db.execute(f"drop view if exists {name}")
            db.execute(f"create view {name} as {sql}")
        db.execute(f"pragma user_version = {SCHEMA_VERSION}")
        db.execute(f"pragma application_id = {APPLICATION_ID}")
    refresh_search_index(db)
    return SCHEMA_VERSION


def _search_index_stale(db: sqlite_utils.Database) -> bool:
    row = db.execute("select value from meta where key = 'search_normalization'").fetchone()
    return row is None or row[0] != str(NORMALIZATION_VERSION)


def refresh_search_index(db: sqlite_utils.Database) -> bool:
    """Re-index if the search rows were folded by another normalize_for_search version.

    Queries are folded by the current code; rows folded by an older one would silently stop
    matching, so a change of NORMALIZATION_VERSION rebuilds the index once, on connect.
    """
    if not _search_index_stale(db):
        return False
    with transaction(db):
        rebuild_search_index(db)
        _mark_search_index_current(db)
    return True


def _mark_search_index_current(db: sqlite_utils.Database) -> None:
    db.execute(
        "insert or replace into meta (key, value) values ('search_normalization', ?)",
        [str(NORMALIZATION_VERSION)],
    )


def _create_or_extend(
    db: sqlite_utils.Database, name: str, columns: dict[str, type], pk: str
) -> None:
    table = db.table(name)
    if not table.exists():
        table.create(columns, pk=pk)
        return
    existing = set(table.columns_dict)
    for col, col_type in columns.items():
        if col not in existing:
            table.add_column(col, col_type)


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT: one writer at a time, all or nothing.

    Inside an open transaction (a crawl's batch) it is a SAVEPOINT instead, so a failing
    write undoes itself and not the rest of the batch.
    """
    conn = db.conn
    if conn.in_transaction:
        queued = _queued_search.get(db)
        mark = len(queued) if queued is not None else 0
        conn.execute("savepoint tarikh_write")
        try:
            yield
        except BaseException:
            if queued is not None:  # the search rows of what is undone go with it
                del queued[mark:]
            # SQLite rolls the whole transaction back itself on some errors (a full disk, an
            # I/O error): then there is no savepoint left to undo, and the error is the news.
            if conn.in_transaction:
                conn.execute("rollback to tarikh_write")
                conn.execute("release tarikh_write")
            raise
        conn.execute("release tarikh_write")
        return
    conn.execute("begin immediate")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back itself (full disk, I/O error)
            conn.execute("rollback")
        raise
    try:
        conn.execute("commit")
    except sqlite3.Error:
        if conn.in_transaction:  # a failed COMMIT leaves the transaction open: end it
            conn.execute("rollback")
        raise


@functools.cache
def _upsert_sql(table: str, columns: tuple[str, ...], pk: str) -> str:
    """INSERT … ON CONFLICT DO UPDATE for one column set, built once.

    sqlite-utils' `upsert` introspects the table on every call (a dozen PRAGMA queries); on
    the crawl's hot path one prepared statement per column set is several times cheaper.
    """
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != pk)
    return f'insert into "{table}" ({names}) values ({marks}) on conflict("{pk}") do update set {updates}'


def _upsert(db: sqlite_utils.Database, table: str, row: dict[str, Any], pk: str) -> None:
    columns = tuple(row)
    db.execute(_upsert_sql(table, columns, pk), [row[c] for c in columns])


#: Search rows waiting for the commit of a batch (`queue_search_rows`), by database.
_queued_search: WeakKeyDictionary[sqlite_utils.Database, list[tuple[int, str, str, str]]] = \
    WeakKeyDictionary()


def queue_search_rows(db: sqlite_utils.Database) -> None:
    """From now on, `index_for_search` queues its rows until `write_queued_search_rows`.

    For a batch of writes in one transaction (a crawl's BatchWriter), each in a savepoint:
    FTS5 writes its pending terms out as a new index segment at every savepoint, so rows
    written inside each article's savepoint cost a segment (and later merges) per article;
    written together just before the commit they make one. It is the same transaction, so
    readers still see an article and its search row together; a savepoint rolled back
    drops the rows queued inside it (`transaction`).
    """
    _queued_search.setdefault(db, [])


def write_queued_search_rows(db: sqlite_utils.Database) -> None:
    """Write the queued search rows (an article's last one wins) and stop queueing."""
    queued = _queued_search.pop(db, None)
    if not queued:
        return
    rows = {row[0]: row for row in queued}
    db.conn.executemany("delete from articles_search where rowid = ?", [(rowid,) for rowid in rows])
    db.conn.executemany("insert into articles_search (rowid, url, title, text) values (?, ?, ?, ?)",
                        list(rows.values()))


def drop_queued_search_rows(db: sqlite_utils.Database) -> None:
    """The batch is rolled back: its queued rows go with it."""
    _queued_search.pop(db, None)


@contextmanager
def search_rows_at_commit(db: sqlite_utils.Database) -> Iterator[None]:
    """Inside an open transaction: the search rows written in this block are queued and
    written at its end (`queue_search_rows`), or dropped when it fails."""
    queue_search_rows(db)
    try:
        yield
    except BaseException:
        drop_queued_search_rows(db)
        raise
    write_queued_search_rows(db)


def index_for_search(db: sqlite_utils.Database, url: str, title: str | None, text: str | None) -> None:
    """(Re)write the normalised search row of one article (queued during a batch:
    `queue_search_rows`).

    The search row shares the article's rowid: deleting by rowid is a B-tree lookup, where a
    delete by the unindexed `url` column scans the whole FTS table (9 ms at 20k articles).
    """
    rowid = db.execute("select rowid from articles where url = ?", [url]).fetchone()
    if rowid is None:
        return
    row = (rowid[0], url, normalize_for_search(title or ""), normalize_for_search(text or ""))
    queued = _queued_search.get(db)
    if queued is not None:
        queued.append(row)
        return
    db.execute("delete from articles_search where rowid = ?", [rowid[0]])
    db.execute("insert into articles_search (rowid, url, title, text) values (?, ?, ?, ?)", list(row))


def rebuild_search_index(db: sqlite_utils.Database) -> int:
    """Re-normalise every article into the search table (after a change of normalisation)."""
    count = 0
    with transaction(db):
        db.execute("delete from articles_search")
        # A cursor, not fetchall(): the whole corpus never sits in memory.
        for url, title, text in db.conn.execute("select url, title, text from articles"):
            index_for_search(db, url, title, text)
            count += 1
    return count


def iter_rows(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
    """Stream query rows as dicts (a cursor, never a list), for flat-memory exports."""
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))

