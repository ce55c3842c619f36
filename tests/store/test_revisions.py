"""Revisions (#13): a changed article keeps its earlier version; furniture and counters do not
make one; re-derivation by tarikh's rules is marked apart from editorial edits."""

from __future__ import annotations

from pathlib import Path

from pipelines import store
from pipelines.article.history import render_history, word_diff
from pipelines.article.process import SiteContext, analyse_html, process_analysis
from tests.helpers import rows, tarikh

URL = "https://news.example/2024/05/harbour.html"
BODY = ("The harbour bridge reopened on Monday after two years of repairs, the city said. "
        "Traffic was light in the morning and heavier by noon.")


def _article(text: str = BODY, title: str = "Bridge reopens", **extra: object) -> dict:
    return {"url": URL, "site": "news", "title": title, "published": "2024-05-06",
            "text": text, "fetched_at": extra.pop("fetched_at", "2024-05-06T08:00:00Z"), **extra}


def test_a_changed_article_keeps_its_earlier_version(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    assert store.upsert_article(db, _article(run_id=1)).status == "new"
    assert store.upsert_article(db, _article(run_id=2, fetched_at="2024-05-06T09:00:00Z")).status == "unchanged"
    assert db.execute("select count(*) from article_versions").fetchone()[0] == 0
    edited = BODY.replace("light", "very light")
    result = store.upsert_article(db, _article(edited, run_id=3, fetched_at="2024-05-07T08:00:00Z"))
    assert result.status == "updated"
    versions = store.article_versions(db, URL)
    assert [v["reason"] for v in versions] == ["site", "current"]
    old, new = versions
    assert old["text"] == BODY and old["run_id"] == 1 and old["replaced_at"] == "2024-05-07T08:00:00Z"
    assert old["fetched_at"] == "2024-05-06T09:00:00Z"  # the last fetch that saw that text
    assert new["text"] == edited
    assert db.execute("select url, revisions from recently_edited").fetchall() == [(URL, 1)]


def test_reprocess_versions_are_marked_and_not_listed_as_edits(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    store.upsert_article(db, _article())
    store.upsert_article(db, _article(BODY + " Cleaner."), reason=store.REASON_REPROCESS)
    store.upsert_article(db, _article(BODY + " Cleanest."), reason=None)  # end-of-run re-clean
    assert [v["reason"] for v in store.article_versions(db, URL)] == ["reprocess", "current"]
    assert db.execute("select count(*) from recently_edited").fetchone()[0] == 0


def _page(extra_furniture: str) -> bytes:
    return ("<html><head><title>Bridge reopens | Courier</title></head><body>"
            "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
            f"<article><h1>Bridge reopens</h1><p>{BODY * 3}</p><p>{BODY}</p>"
            f"<p>{extra_furniture}</p></article></body></html>").encode()


def test_a_changed_counter_or_share_line_is_not_a_revision(tmp_path: Path) -> None:
    db = store.connect(tmp_path / "t.db")
    ctx = SiteContext(site="news")
    for furniture in ("Total: 1,204 views", "Total: 1,377 views", "Share on Facebook Twitter WhatsApp"):
        record = process_analysis(URL, analyse_html(_page(furniture), URL), ctx)
        assert "views" not in record["text"] and "Facebook" not in record["text"]
        store.upsert_article(db, record)
    assert db.execute("select count(*) from article_versions").fetchone()[0] == 0
    record = process_analysis(URL, analyse_html(_page("Total: 2 views").replace(b"Monday", b"Tuesday"), URL), ctx)
    assert store.upsert_article(db, record).status == "updated"
    assert db.execute("select count(*) from article_versions").fetchone()[0] == 1


def test_word_diff_shows_the_edit_in_context() -> None:
    changes = word_diff(BODY, BODY.replace("two years", "three years"))
    assert changes == ["The harbour bridge reopened on Monday after [-two-] {+three+} years of repairs,"
                       " the city said. Traffic was"]  # 8 words of context either side
    assert word_diff(BODY, BODY.replace("two years", "three years"), context=2) == [
        "Monday after [-two-] {+three+} years of"]
    assert word_diff(BODY, BODY.replace(" ", "  ")) == []
    out = render_history(URL, [
        {"title": "A", "text": BODY, "published": "2024-05-06", "fetched_at": "2024-05-06T08:00:00Z",
         "replaced_at": "2024-05-07T08:00:00Z", "reason": "site"},
        {"title": "B", "text": BODY + " More.", "published": "2024-05-06",
         "fetched_at": "2024-05-07T08:00:00Z", "replaced_at": None, "reason": "current"},
    ])
    assert "replaced 2024-05-07T08:00:00Z (edited on the site)" in out
    assert "title: 'A' → 'B'" in out and "{+More.+}" in out


def test_history_command(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    db = store.connect(path)
    store.upsert_article(db, _article())
    store.upsert_article(db, _article(BODY.replace("Monday", "Tuesday"), fetched_at="2024-05-08T00:00:00Z"))
    db.conn.close()
    out = tarikh("history", URL, "--db", str(path)).stdout
    assert "[-Monday-] {+Tuesday+}" in out and "2024-05-08T00:00:00Z" in out
    assert len(rows(path, "select * from article_versions")) == 1
    missing = tarikh("history", "https://nowhere.example/x", "--db", str(path), check=False)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr
