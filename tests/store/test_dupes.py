"""Near-duplicates (#13) on real article texts: copies linked to the earliest copy, never
deleted; the index persists across processes; search/export collapse a story to one row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipelines import store
from pipelines.article import dupes
from pipelines.store.export import export
from pipelines.store.search import search
from tests.helpers import ROOT, json_lines, rows, tarikh

ZYTE = json.loads((ROOT / "benchmarks" / "data" / "zyte" / "ground-truth.json").read_text("utf-8"))
TEXTS = [v["articleBody"] for v in ZYTE.values() if len(v.get("articleBody", "").split("\n\n")) >= 6][:4]
ADDED = "Officials said more details would follow later in the week."


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _copy(text: str, how: str) -> str:
    paras = _paras(text)
    if how == "reordered":
        return "\n\n".join(paras[1:] + paras[:1])
    if how == "sentence":
        return "\n\n".join([*paras[:2], ADDED, *paras[2:]])
    return "\n\n".join(["Share on Facebook Twitter", *paras, "© 2024 Courier. All rights reserved."])


def _put(db, url: str, text: str, day: str, title: str = "Story") -> None:
    dupes.store_article(db, {"url": url, "site": url.split("/")[2].split(".")[0], "title": title,
                             "published": day, "text": text})


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    db = store.connect(path)
    for i, text in enumerate(TEXTS):
        _put(db, f"https://wire.example/{i}", text, "2024-01-01", title=f"Wire story {i}")
        for how in ("reordered", "sentence", "furniture"):
            _put(db, f"https://{how}.example/{i}", _copy(text, how), "2024-01-02", title=f"Copy {i}")
    db.conn.close()
    return path


def test_copies_link_to_the_original_and_distinct_stories_do_not(filled: Path) -> None:
    assert len(TEXTS) == 4
    links = {r["url"]: r for r in rows(filled, "select url, duplicate_of, duplicate_similarity from articles")}
    assert len(links) == 4 * len(TEXTS)  # nothing deleted
    for i in range(len(TEXTS)):
        assert links[f"https://wire.example/{i}"]["duplicate_of"] is None
        for how in ("reordered", "sentence", "furniture"):
            row = links[f"https://{how}.example/{i}"]
            assert row["duplicate_of"] == f"https://wire.example/{i}", how
            assert 0.5 <= row["duplicate_similarity"] <= 1.0
    view = rows(filled, "select url, copies from stories order by url")
    assert view == [{"url": f"https://wire.example/{i}", "copies": 4} for i in range(len(TEXTS))]


def test_an_earlier_copy_stored_later_becomes_the_original(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    _put(db, "https://late.example/a", TEXTS[0], "2024-03-02")
    _put(db, "https://later.example/a", _copy(TEXTS[0], "sentence"), "2024-03-05")
    _put(db, "https://early.example/a", _copy(TEXTS[0], "furniture"), "2024-03-01")  # a backfill
    got = dict(db.execute("select url, duplicate_of from articles").fetchall())
    assert got == {"https://early.example/a": None, "https://late.example/a": "https://early.example/a",
                   "https://later.example/a": "https://early.example/a"}


def test_a_new_process_finds_copies_from_the_stored_index(filled: Path) -> None:
    db = store.connect(filled)  # a fresh connection, nothing in memory
    assert db.execute("select count(*) from article_minhashes").fetchone()[0] == 4 * len(TEXTS)
    _put(db, "https://another.example/0", _copy(TEXTS[0], "reordered") + "\n\nA closing line.", "2024-02-01")
    assert db.execute("select duplicate_of from articles where url = 'https://another.example/0'"
                      ).fetchone()[0] == "https://wire.example/0"


def test_too_short_texts_are_never_called_copies(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    _put(db, "https://a.example/1", "Markets closed higher today.", "2024-01-01")
    _put(db, "https://b.example/1", "Markets closed higher today.", "2024-01-02")
    assert db.execute("select count(*) from articles where duplicate_of is not null").fetchone()[0] == 0
    assert dupes.signature("Markets closed higher today.") is None


def test_search_and_export_collapse_a_story_to_one_row(filled: Path) -> None:
    word = next(w for w in TEXTS[0].split() if len(w) > 7 and w.isalpha() and w not in TEXTS[1])
    plain = search(filled, word)
    collapsed = search(filled, word, collapse=True)
    assert len(plain) >= 4 and len(collapsed) == len({r.get("story") for r in collapsed})
    story = next(r for r in collapsed if r["story"] == "https://wire.example/0")
    assert story["copies"] == 4
    out = io.BytesIO()
    assert export(filled, "csv", out, collapse=True) == len(TEXTS)
    table = list(csv.DictReader(io.StringIO(out.getvalue().decode())))
    assert {r["url"] for r in table} == {f"https://wire.example/{i}" for i in range(len(TEXTS))}
    assert {r["copies"] for r in table} == {"4"}


def test_dupes_command_lists_clusters_and_rebuild_gives_the_same_links(filled: Path) -> None:
    before = rows(filled, "select url, duplicate_of from articles order by url")
    out = json_lines(tarikh("dupes", "--db", str(filled), "--json").stdout)
    assert len(out) == len(TEXTS) and all(len(c["copies"]) == 3 for c in out)
    only = json_lines(tarikh("dupes", "--db", str(filled), "--json", "--site", "reordered").stdout)
    assert len(only) == len(TEXTS)
    assert json_lines(tarikh("dupes", "--db", str(filled), "--json", "--site", "nosuch").stdout) == []
    text = tarikh("dupes", "--db", str(filled), "--rebuild").stdout
    assert "4 copies · Wire story 0" in text and "https://furniture.example/0" in text
    assert rows(filled, "select url, duplicate_of from articles order by url") == before
    collapsed = tarikh("search", TEXTS[0].split()[3], "--db", str(filled), "--collapse").stdout
    assert "4 copies" in collapsed
    missing = tarikh("dupes", "--db", str(filled.parent / "none.db"), check=False)
    assert missing.returncode == 3 and "no database" in missing.stderr and "Traceback" not in missing.stderr


def test_signatures_are_datasketchs_own() -> None:
    """The numpy signature is datasketch 2.0's affine32 MinHash with the same base hash."""
    from datasketch import MinHash

    from pipelines.article import dupes

    for text in TEXTS[:20]:
        grams = dupes.shingles(text)
        if len(grams) < dupes.MIN_SHINGLES:
            continue
        m = MinHash(num_perm=dupes.NUM_PERM, seed=dupes.SEED, scheme=dupes.SCHEME,
                    hashfunc=dupes.shingle_hash)
        m.update_batch(list(grams))
        assert (dupes.signature(text) == m.hashvalues.astype("uint32")).all()
