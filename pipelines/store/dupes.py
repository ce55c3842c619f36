"""SQL of near-duplicate detection: MinHash signatures, LSH band keys, duplicate_of links.

Articles are referred to by their rowid in the two minhash tables (8 bytes instead of a URL
in each of the many band rows); rowids of `articles` are stable because articles are upserted,
never deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils


@dataclass(slots=True)
class Candidate:
    """A stored article that shares an LSH band with the one being checked."""

    url: str
    signature: bytes
    duplicate_of: str | None


def article_rowid(db: sqlite_utils.Database, url: str) -> int | None:
    row = db.execute("select rowid from articles where url = ?", [url]).fetchone()
    return None if row is None else int(row[0])


def save_minhash(db: sqlite_utils.Database, rowid: int, signature: bytes, keys: list[int],
                 old_keys: list[int]) -> None:
    """(Re)write one article's signature and band keys; `old_keys` are those of its previous
    signature, deleted through the primary key (no second index on the many band rows)."""
    _drop_bands(db, rowid, old_keys)
    db.execute("insert or replace into article_minhashes (article, signature) values (?, ?)",
               [rowid, signature])
    db.conn.executemany("insert or ignore into minhash_bands (key, article) values (?, ?)",
                        [(k, rowid) for k in keys])


def _drop_bands(db: sqlite_utils.Database, rowid: int, keys: list[int]) -> None:
    db.conn.executemany("delete from minhash_bands where key = ? and article = ?",
                        [(k, rowid) for k in keys])


def forget_minhash(db: sqlite_utils.Database, rowid: int, old_keys: list[int]) -> None:
    """An article too short to compare: no signature, in no band."""
    _drop_bands(db, rowid, old_keys)
    db.execute("delete from article_minhashes where article = ?", [rowid])


def band_candidates(db: sqlite_utils.Database, keys: list[int], rowid: int) -> list[Candidate]:
    """Articles sharing at least one band key with `keys` (other than `rowid` itself)."""
    if not keys:
        return []
    marks = ", ".join("?" for _ in keys)
    rows = db.execute(
        f"select a.url, m.signature, a.duplicate_of from articles a"
        f" join article_minhashes m on m.article = a.rowid"
        f" where a.rowid in (select distinct article from minhash_bands where key in ({marks}))"
        f" and a.rowid != ?", [*keys, rowid]).fetchall()
    return [Candidate(url, sig, dup) for url, sig, dup in rows]


def signature_of(db: sqlite_utils.Database, url: str) -> bytes | None:
    row = db.execute("select m.signature from article_minhashes m join articles a"
                     " on a.rowid = m.article where a.url = ?", [url]).fetchone()
    return None if row is None else bytes(row[0])


def order_key(db: sqlite_utils.Database, url: str) -> tuple[str, str, str]:
    """What 'earliest copy' means: publication date, else first stored; then the URL."""
    row = db.execute("select coalesce(published, first_seen, ''), coalesce(first_seen, '')"
                     " from articles where url = ?", [url]).fetchone()
    return (row[0], row[1], url) if row else ("", "", url)


def set_duplicate(db: sqlite_utils.Database, url: str, of: str | None, similarity: float | None) -> None:
    db.execute("update articles set duplicate_of = ?, duplicate_similarity = ? where url = ?",
               [of, None if similarity is None else round(similarity, 4), url])


def reroot(db: sqlite_utils.Database, old_root: str, new_root: str) -> None:
    """An earlier copy arrived (a backfill): the cluster of `old_root` now points at it."""
    db.execute("update articles set duplicate_of = ? where duplicate_of = ?", [new_root, old_root])


def has_copies(db: sqlite_utils.Database, url: str) -> bool:
    return db.execute("select 1 from articles where duplicate_of = ? limit 1", [url]).fetchone() is not None


def clear_duplicates(db: sqlite_utils.Database) -> None:
    """Before a rebuild: no links, no signatures (they are all computed again)."""
    db.execute("update articles set duplicate_of = null, duplicate_similarity = null"
               " where duplicate_of is not null or duplicate_similarity is not null")
    db.execute("delete from minhash_bands")
    db.execute("delete from article_minhashes")


def articles_oldest_first(db: sqlite_utils.Database) -> Iterator[tuple[str, str]]:
    """(url, text) of every article, earliest copy first, so a rebuild roots each cluster at it."""
    yield from db.conn.execute(
        "select url, coalesce(text, '') from articles"
        " order by coalesce(published, first_seen, ''), coalesce(first_seen, ''), url")


def clusters(db: sqlite_utils.Database, site: str | None = None) -> list[dict[str, Any]]:
    """Every story with copies: its earliest copy and the copies, biggest clusters first.

    With `site`, the clusters that have at least one copy (or the original) on that site.
    """
    where, params = "", []
    if site:
        where = (" where a.site = ? or exists (select 1 from articles d"
                 " where d.duplicate_of = a.url and d.site = ?)")
        params = [site, site]
    roots = db.execute(
        "select a.url, a.site, a.title, a.published from articles a"
        " join (select duplicate_of as root, count(*) as n from articles"
        " where duplicate_of is not null group by duplicate_of) c on c.root = a.url"
        f"{where} order by c.n desc, a.url", params).fetchall()
    out = []
    for url, site_, title, published in roots:
        copies = db.execute(
            "select url, site, title, published, duplicate_similarity from articles"
            " where duplicate_of = ? order by coalesce(published, first_seen, ''), url", [url]).fetchall()
        out.append({"url": url, "site": site_, "title": title, "published": published,
                    "copies": [{"url": c[0], "site": c[1], "title": c[2], "published": c[3],
                                "similarity": c[4]} for c in copies]})
    return out
