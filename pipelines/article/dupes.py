"""Near-duplicates (syndicated wire stories, one story under several URLs): MinHash + LSH.

Each stored article's text is folded (the search normalisation), cut into word shingles and
summarised by a MinHash signature; LSH band keys of the signature go into an on-disk index
(`minhash_bands`), so a new article meets its candidate copies with one indexed query, in any
process and across concurrent crawls, and nothing is re-shingled after a restart. Candidates
are confirmed by the signatures' estimated Jaccard similarity. A duplicate is linked to the
earliest copy (`duplicate_of`), never deleted.

Scheme: datasketch 2.0's MinHash, `affine32` (see benchmarks/dupes.py for the figures; rensa
is faster, but signatures are *persisted* and must stay comparable for years: datasketch
names and pins its scheme, rensa versions its algorithm). The signature is computed here
with numpy in datasketch's exact arithmetic (a test compares the two) rather than by
importing datasketch: its package import pulls scipy for LSH tuning tarikh does not use,
66 MB of resident memory in every crawl and writer process.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

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


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2.0's affine32 permutations h -> a*h + b mod 2^32 (odd a), from the same
    seeded generator, so signatures are datasketch's own (tests/store/test_dupes.py checks)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


_A, _B = _permutations(NUM_PERM, SEED)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, which datasketch's affine schemes apply before permuting: a
    fixed avalanching bijection, so a structured base hash (CRC-32) permutes like a random one."""
    with np.errstate(over="ignore"):
        hv = hv ^ (hv >> np.uint32(16))
        hv = hv * np.uint32(0x85EBCA6B)
        hv = hv ^ (hv >> np.uint32(13))
        hv = hv * np.uint32(0xC2B2AE35)
        return hv ^ (hv >> np.uint32(16))


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
    # each word encoded once, not once in each of its k shingles (the UTF-8 of a join is the
    # join of the UTF-8s); zip of k shifted lists gives the same k-grams as slicing
    encoded = [w.encode("utf-8") for w in words]
    return set(map(b" ".join, zip(*(encoded[j:] for j in range(k)), strict=False)))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of `text` (uint32 × NUM_PERM), None when it is too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    # map over the C function itself: shingle_hash is zlib.crc32, one Python call per
    # shingle less (a page of text has a thousand)
    hv = _fmix32(np.fromiter(map(zlib.crc32, grams), dtype=np.uint32, count=len(grams)))
    sig = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(hv), 4096):  # bounded temporaries for a very long text
        # one row per permutation: each minimum runs along contiguous memory (half the time
        # of a column-wise minimum over shingles × permutations)
        permuted = _A[:, None] * hv[None, start:start + 4096]  # arithmetic mod 2^32 is the
        permuted += _B[:, None]  # permutation
        np.minimum(sig, permuted.min(axis=1), out=sig)
    return sig


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


def similarities(sig: np.ndarray, blobs: list[bytes]) -> list[float]:
    """`similarity(sig, unpack_signature(b))` for each of `blobs`, in one numpy pass (a story
    syndicated many times brings that many candidates to each new copy)."""
    if any(len(b) != sig.nbytes for b in blobs):
        return [similarity(sig, unpack_signature(b)) for b in blobs]
    if not blobs:
        return []
    stacked = np.frombuffer(b"".join(blobs), dtype=np.uint32).reshape(len(blobs), len(sig))
    return (np.count_nonzero(stacked == sig, axis=1) / len(sig)).tolist()


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
    candidates = sql.band_candidates(db, keys, rowid)
    for cand, sim in zip(candidates, similarities(sig, [c.signature for c in candidates]), strict=True):
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
