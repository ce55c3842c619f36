"""Search: what a reader of Arabic, Persian, Turkish or English expects to find, ranked."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pipelines import store
from pipelines.store.search import (
    SearchError,
    arabic_forms,
    build_match_query,
    format_results_text,
    restore_snippet,
    search,
)
from tests.helpers import rows, tarikh
from tests.search_corpus import CORPUS, build_db, crawl_demo, with_tashkeel

BY_KEY = {a["url"].rsplit("/", 1)[1].removesuffix(".html"): a["url"] for a in CORPUS}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    return build_db(tmp_path_factory.mktemp("search") / "tarikh.db")


def found(db, query: str, **kw) -> list[str]:
    """Keys (file names) of the matching articles, best first."""
    urls = [r["url"] for r in search(db, query, **kw)]
    return [k for u in urls for k, v in BY_KEY.items() if v == u]


# --- languages ----------------------------------------------------------------------------------


def test_arabic_typed_without_tashkeel_finds_vowelled_text(db) -> None:
    # الْمَدْرَسَة occurs only vowelled in school-opens, only bare in minister-visit
    assert set(found(db, "المدرسة")) == {"school-opens", "minister-visit"}
    assert found(db, "محافظ") == ["school-opens"]  # stored only as مُحَافِظِ


def test_arabic_typed_with_tashkeel_finds_bare_text(db) -> None:
    assert set(found(db, "الْمَدْرَسَةُ")) == {"school-opens", "minister-visit"}
    assert found(db, "مُسْتَشْفَى") == ["minister-visit"]


def test_arabic_letter_variants(db) -> None:
    assert set(found(db, "اسطنبول")) == {"ramadan-market"}  # stored as إسطنبول and اسطنبول
    assert found(db, "مستشفي") == ["minister-visit"]  # ى typed as ي
    assert found(db, "الاسكندريه") == ["minister-visit"]  # إ and ة typed bare
    assert found(db, "عـــامة") == ["school-opens"]  # tatweel in the query


def test_arabic_word_finds_its_forms_with_the_article_and_particles(db) -> None:
    # school-opens has the school only as الْمَدْرَسَةُ / الْمَدْرَسَةَ, minister-visit has مدرسة
    assert set(found(db, "مدرسة")) == {"school-opens", "minister-visit"}
    assert found(db, '"مدرسة"') == ["minister-visit"]  # quoted: only the form typed
    assert found(db, "بالقاهرة") == ["school-opens"]  # stored as القاهرة
    assert found(db, "تجار") == ["ramadan-market"]  # stored as التجار
    assert found(db, "مدرس*") == found(db, "المدرس*")
    assert arabic_forms("الله") == ["الله"]  # stripping would leave fewer than 3 letters
    assert "مدرسه" in arabic_forms("للمدرسه") and "المدرسه" in arabic_forms("مدرسه")


def test_persian_yeh_kaf_and_half_space(db) -> None:
    assert found(db, "كتابخانه") == ["library"]  # Arabic kaf typed, Persian keheh stored
    assert found(db, "کتابخانه\u200cی") == ["library"]  # half-space in the query: a phrase
    assert found(db, "کتابخانه ی") == ["library"]
    assert found(db, "۱۳۹۷") == ["library"] == found(db, "1397")


def test_turkish_dotted_and_dotless_i(db) -> None:
    for query in ("istanbul", "İstanbul", "ISTANBUL", "ıstanbul", "Istanbul"):
        assert "kopru" in found(db, query), query
    assert found(db, "sisli uskudar") == ["kopru"]


def test_latin_accents_and_digits(db) -> None:
    assert found(db, "cafe") == ["drought"]
    assert found(db, "CAFÉ") == ["drought"]
    assert found(db, "2018") == ["school-opens"]  # stored as ٢٠١٨


# --- syntax -------------------------------------------------------------------------------------


def test_phrases_keep_word_order(db) -> None:
    assert found(db, '"yeni köprü"') == ["kopru"]
    assert found(db, '"köprü yeni"') == []
    assert found(db, '"deir ezzur"') == ["drought"]


def test_prefix(db) -> None:
    assert found(db, "köpr*") == ["kopru"]
    assert found(db, "köpr") == []
    assert found(db, '"yeni köp"*') == ["kopru"]


def test_boolean_operators_and_grouping(db) -> None:
    assert set(found(db, "reservoir")) == {"reservoir", "drought", "notice"}
    assert set(found(db, "reservoir AND farmers")) == {"drought"}
    assert set(found(db, "reservoir NOT farmers")) == {"reservoir", "notice"}
    assert set(found(db, "istanbul OR کتابخانه")) == {"kopru", "library"}
    assert set(found(db, "(farmers OR corrections) AND reservoir")) == {"drought", "notice"}
    assert set(found(db, "reservoir farmers")) == {"drought"}  # implicit AND
    assert set(found(db, "title:reservoir")) == {"reservoir"}
    assert set(found(db, "title:(reservoir OR farmers)")) == {"reservoir", "drought"}
    assert set(found(db, "title:مدرسة")) == {"minister-visit"}  # Arabic forms inside a filter


def test_lowercase_operator_words_are_plain_words(db) -> None:
    assert build_match_query("rock and roll") == '"rock" AND "and" AND "roll"'


def test_punctuation_inside_words_does_not_break_the_query(db) -> None:
    assert build_match_query("al-Assad U.S.") == '"al-assad" AND "u.s."'
    assert found(db, "İSTANBUL'DA") == ["kopru"]


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"unclosed', "(reservoir", "reservoir)", "()", "reservoir AND", "OR reservoir",
     "NOT reservoir", "reservoir AND OR farmers", "؟ ،", "title:", "*",
     "(" * 500 + "reservoir" + ")" * 500],
)
def test_malformed_queries_give_a_clear_error(db, query: str) -> None:
    with pytest.raises(SearchError) as info:
        search(db, query)
    assert str(info.value)  # a sentence for the user, not a traceback


# --- ranking, snippets, filters -----------------------------------------------------------------


def test_title_hit_ranks_first(db) -> None:
    results = search(db, "reservoir")
    assert results[0]["url"] == BY_KEY["reservoir"]
    ranks = [r["rank"] for r in results]
    assert ranks == sorted(ranks)


def test_snippet_shows_the_original_spelling_with_marks(db) -> None:
    (hit,) = [r for r in search(db, "المدرسة") if r["url"] == BY_KEY["school-opens"]]
    assert "[الْمَدْرَسَةُ]" in hit["snippet"]
    assert "[الْمَدْرَسَةَ]" in hit["snippet"]
    (tr,) = search(db, "istanbul")[:1]
    assert tr["title_highlighted"] == "[İstanbul]'da yeni köprü açıldı"
    assert "[İSTANBUL]" in tr["snippet"]


def test_result_fields(db) -> None:
    (hit,) = search(db, "köprü")
    article = next(a for a in CORPUS if a["url"] == hit["url"])
    for key in ("url", "site", "title", "published", "language"):
        assert hit[key] == article[key]
    assert isinstance(hit["rank"], float)


def test_filters_site_since_until_limit(db) -> None:
    assert set(found(db, "reservoir", site="en-wire")) == {"reservoir", "drought", "notice"}
    assert found(db, "reservoir", site="ar-news") == []
    # both bounds inclusive, on the day of `published` (which may carry a time)
    assert set(found(db, "reservoir", since="2015-11-21", until="2015-11-21")) == {"reservoir"}
    assert set(found(db, "reservoir", since="2015-11-22")) == {"drought"}
    assert set(found(db, "reservoir", until="2015-11-24")) == {"reservoir"}
    assert len(search(db, "reservoir", limit=1)) == 1
    with pytest.raises(SearchError):
        search(db, "reservoir", since="21/11/2015")
    with pytest.raises(SearchError):
        search(db, "reservoir", limit=0)


def test_updated_article_is_reindexed(tmp_path: Path) -> None:
    db = build_db(tmp_path / "t.db", CORPUS[:2])
    changed = dict(CORPUS[0], text="نص جديد تماما عن الحديقة", url=CORPUS[0]["url"])
    assert store.upsert_article(db, changed).status == "updated"
    assert found(db, "الحديقة") == ["school-opens"]
    assert found(db, "محافظ") == []
    count = db.execute("select count(*) from articles").fetchone()[0]
    assert db.execute("select count(*) from articles_search").fetchone()[0] == count


def test_search_by_path_and_missing_index(tmp_path: Path) -> None:
    build_db(tmp_path / "t.db").conn.close()
    assert search(tmp_path / "t.db", "istanbul")[0]["url"] == BY_KEY["kopru"]
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).execute("create table x (a)").connection.close()
    with pytest.raises(SearchError, match="no search index"):
        search(bare, "istanbul")
    with pytest.raises(SearchError, match="no database"):
        search(tmp_path / "absent.db", "istanbul")


def test_restore_snippet_keeps_marks_and_expansions() -> None:
    original = "Die Straße und مَدْرَسَةٌ."
    folded_snip = "die \x02strasse\x03 und \x02مدرسه\x03."
    assert restore_snippet(original, folded_snip) == "Die [Straße] und [مَدْرَسَةٌ]."
    # text folded by other code: the folded excerpt is shown rather than nothing
    assert restore_snippet("unrelated", "\x04a \x02b\x03\x04") == "…a [b]…"


def test_format_results_text(db) -> None:
    out = format_results_text(search(db, "istanbul"))
    assert "[İstanbul]'da yeni köprü açıldı" in out and BY_KEY["kopru"] in out
    assert format_results_text([]) == "no matching articles"


# --- acceptance on a real crawl -----------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return crawl_demo(tmp_path_factory.mktemp("crawl"))


def _cli_search(db: Path, *args: str) -> list[dict]:
    proc = tarikh("search", *args, "--db", str(db), "--json")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_crawled_db_arabic_with_and_without_tashkeel(crawled: dict) -> None:
    db, word, vowelled = crawled["db"], crawled["word"], crawled["vowelled"]
    (stored,) = rows(db, "select url, text from articles where url like ?", ("%" + crawled["path"],))
    assert vowelled in stored["text"] and word not in stored["text"]
    assert stored["url"] in {r["url"] for r in _cli_search(db, word)}
    # the reverse: every Arabic article found by a vowelled word of its title
    for article in crawled["manifest"]["articles"]:
        if article["language"] != "ar":
            continue
        title_word = max(article["title"].split(), key=len)
        urls = {r["url"] for r in search(db, with_tashkeel(title_word))}
        assert any(u.endswith(article["path"]) for u in urls), (title_word, article["path"])


def test_crawled_db_turkish_dotted_capitals(crawled: dict) -> None:
    checked = 0
    for article in crawled["manifest"]["articles"]:
        words = [w.strip(".,;:!?'’\"") for p in article["paragraphs"] for w in p.split()]
        for word in {w for w in words if w.startswith("İ") and len(w) > 2}:
            urls = {r["url"] for r in search(crawled["db"], "i" + word[1:].lower())}
            assert any(u.endswith(article["path"]) for u in urls), word
            checked += 1
    assert checked > 0


def test_cli_search_text_output_and_error(crawled: dict) -> None:
    proc = tarikh("search", crawled["word"], "--db", str(crawled["db"]))
    assert crawled["path"] in proc.stdout and "[" in proc.stdout
    bad = tarikh("search", '"unclosed', "--db", str(crawled["db"]), check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "quote" in bad.stderr


def test_bounds_of_one_search(db) -> None:
    from pipelines.store.search import MAX_QUERY_TERMS

    with pytest.raises(SearchError):
        search(db, " ".join(["word"] * (MAX_QUERY_TERMS + 1)))
    with pytest.raises(SearchError):
        search(db, "istanbul", limit=99999999999999999999)
    assert search(db, "istanbul", until="9999-12-31")  # the last day bounds nothing


def test_terminal_escapes_in_titles_are_not_printed() -> None:
    out = format_results_text([{"title": "Evil \x1b]0;owned\x07\x1b[2J title", "url": "https://e.example/a",
                                "rank": -1.0, "published": "2020-01-01", "site": "e", "language": "en"}])
    assert "\x1b" not in out and "\x07" not in out and "Evil" in out
