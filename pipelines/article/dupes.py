"""Near-duplicates (syndicated wire stories, one story under several URLs): MinHash + LSH.

Each stored article's text is folded (the search normalisation), cut into word shingles and
summarised by a MinHash signature; LSH band keys of the signature go into an on-disk index
(`minhash_bands`), so a new article meets its candidate copies with one indexed query, in any
process and across concurrent crawls, and nothing is re-shingled after a restart. Candidates
are confirmed by the signatures' estimated Jaccard similarity. A duplicate is linked to the
earliest copy (`duplicate_of`), never deleted.

Library: datasketch's MinHash (see benchmarks/dupes.py for the figures). rensa computes a
signature several times faster, but signatures are *persisted*: they must stay comparable
for years. datasketch 2.0 names its hashing scheme and we pin it (`SCHEME`, with a fixed
seed), so a future release keeps producing comparable signatures or refuses to mix them;
rensa versions its algorithm (`ALGORITHM_VERSION`) and a change there would silently split
every old article from every new one. At ~1 ms per article the signature is a small part of a page's processing (parse and
extraction take tens of ms), so the speed-up does not pay for that risk.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash

from pipelines import store
from pipelines.store import dupes as sql
from pipelines.store.normalise import normalize_for_search

NUM_PERM = 128
#: 32 bands of 4 rows: a pair with Jaccard 0.5 shares a band with probability 0.87, 0.6 with
#: 0.99, 0.2 with 0.05 — candidates are then confirmed by the estimate, so bands favour recall.
BANDS, ROWS = 32, 4
#: Estimated Jaccard of word shingles from which two articles are the same story.
THRESHOLD = 0.5
SHINGLE_WORDS = 4
LONG_WORD, CHAR_SHINGLE = 15, 5
#: Fewer shingles than this and the text is too short to call anything a copy of it.
MIN_SHINGLES = 20
SEED = 1
SCHEME = "affine32"  # datasketch 2.0's default, pinned: stored signatures must stay comparable

_WORD = re.compile(r"\w+")


def shingle_hash(gram: bytes) -> int:
    """A shingle's 32-bit value before the permutations: CRC-32 (zlib, in C). MinHash's
    randomness comes from its seeded permutations; the base hash only has to keep distinct
    shingles apart, which CRC-32 does as well as datasketch's default SHA-1 prefix at a tenth
    of the cost (measured: 1.3 ms of a page's 2.8 ms store step went to SHA-1). Pinned with
    SCHEME and SEED: stored signatures stay comparable."""
    return zlib.crc32(gram)


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=shingle_hash)


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """Word k-grams of the folded text (case, diacritics, Arabic letter forms erased).

    Scripts written without spaces (Chinese, Japanese, Thai) give "words" that are whole
    clauses, so a text whose words average over LONG_WORD characters is cut into character
    k-grams (CHAR_SHINGLE) instead.
    """
    words = _WORD.findall(normalize_for_search(text))
    if words and sum(map(len, words)) / len(words) > LONG_WORD:
        chars = "".join(words)
        n = CHAR_SHINGLE
        return {chars[i:i + n].encode("utf-8") for i in range(max(0, len(chars) - n + 1))}
    return {" ".join(words[i:i + k]).encode("utf-8") for i in range(max(0, len(words) - k + 1))}


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of `text` (uint32 × NUM_PERM), None when it is too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_TEMPLATE.permutations, scheme=SCHEME,
                hashfunc=shingle_hash)
    m.update_batch(list(grams))
    return np.asarray(m.hashvalues, dtype=np.uint32)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (band number included, so bands never collide)."""
    keys = []
    for b in range(BANDS):
        digest = hashlib.blake2b(sig[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8,
                                 person=b.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def unpack_signature(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.uint32)


@dataclass(slots=True)
class DupeResult:
    duplicate_of: str | None
    similarity: float | None


def detect(db: Any, url: str, text: str, sig: np.ndarray | None = None) -> DupeResult:
    """Index one stored article and link it to the earliest copy of its story, if any.

    It joins the cluster of its most similar stored copy; when it is earlier than that
    cluster's original (a backfill stores an older copy later), it becomes the original.
    """
    rowid = sql.article_rowid(db, url)
    if rowid is None:
        return DupeResult(None, None)
    sig = signature(text) if sig is None else sig
    if sig is None:
        old = sql.signature_of(db, url)
        sql.forget_minhash(db, rowid, band_keys(unpack_signature(old)) if old is not None else [])
        sql.set_duplicate(db, url, None, None)
        return DupeResult(None, None)
    keys = band_keys(sig)
    old = sql.signature_of(db, url)
    old_keys = band_keys(unpack_signature(old)) if old is not None else []
    sql.save_minhash(db, rowid, sig.tobytes(), keys, old_keys)
    best: tuple[float, str] | None = None
    for cand in sql.band_candidates(db, keys, rowid):
        sim = similarity(sig, unpack_signature(cand.signature))
        root = cand.duplicate_of or cand.url
        if sim >= THRESHOLD and root != url and (best is None or sim > best[0]):
            best = (sim, root)
    if best is None:
        if not sql.has_copies(db, url):
            sql.set_duplicate(db, url, None, None)
        return DupeResult(None, None)
    root = best[1]
    if sql.order_key(db, url) < sql.order_key(db, root):
        sql.reroot(db, root, url)
        root_sig = sql.signature_of(db, root)
        sim = similarity(sig, unpack_signature(root_sig)) if root_sig is not None else best[0]
        sql.set_duplicate(db, root, url, sim)
        sql.set_duplicate(db, url, None, None)
        return DupeResult(None, None)
    root_sig = sql.signature_of(db, root)
    sim = similarity(sig, unpack_signature(root_sig)) if root_sig is not None else best[0]
    sql.set_duplicate(db, url, root, sim)
    return DupeResult(root, sim)


def store_article(db: Any, record: dict[str, Any], *, page: dict[str, Any] | None = None,
                  reason: str | None = store.REASON_SITE) -> store.WriteResult:
    """upsert_article, then duplicate detection for a new or changed text — one transaction."""
    with store.transaction(db):
        result = store.upsert_article(db, record, page=page, reason=reason)
        if result.status != "unchanged":
            detect(db, record["url"], record.get("text") or "")
    return result


def rebuild(db: Any) -> int:
    """Forget every link and signature and detect again, earliest copies first."""
    count = 0
    with store.transaction(db):
        sql.clear_duplicates(db)
        for url, text in list(sql.articles_oldest_first(db)):
            detect(db, url, text)
            count += 1
    return count
