"""Exports: every row and column of `articles` round-trips through CSV, JSON Lines and Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipelines import store
from pipelines.store import export as export_mod
from pipelines.store.export import ExportError, article_columns, export, export_query
from tests.helpers import tarikh
from tests.search_corpus import CORPUS, build_db, crawl_demo


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    return build_db(tmp_path_factory.mktemp("export") / "tarikh.db")


def db_rows(db, where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
    sql = f"select * from articles {where} order by url"
    return list(store.iter_rows(db, sql, params))


def read_back(fmt: str, data: bytes, columns: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Rows of an export, typed like the database (CSV has only strings and empty fields)."""
    if fmt == "jsonl":
        out = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    elif fmt == "parquet":
        out = [iso_dates(row) for row in pq.read_table(io.BytesIO(data)).to_pylist()]
    else:
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        header = next(reader)
        assert header == [name for name, _ in columns]
        types = dict(columns)
        out = []
        for record in reader:
            row = {}
            for name, value in zip(header, record, strict=True):
                if value == "":
                    row[name] = None
                elif types[name] == "INTEGER":
                    row[name] = int(value)
                else:
                    row[name] = value
            out.append(row)
    return sorted(out, key=lambda r: r["url"])


def iso_dates(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row with its timestamps written back as the database's ISO strings."""
    has_time = row.pop("published_has_time")
    published = row["published"]
    assert (published is None) == (has_time is None)
    if published is not None:
        assert published.tzinfo is None  # local time as the site shows it
        if not has_time:
            assert published.time() == dt.time(0)
            row["published"] = published.date().isoformat()
        else:
            row["published"] = published.isoformat(timespec="minutes" if not published.second
                                                   else "seconds")
    for name in ("published_utc", "first_seen", "fetched_at", "updated_at"):
        if row[name] is not None:
            assert row[name].utcoffset() == dt.timedelta(0)
            row[name] = row[name].strftime("%Y-%m-%dT%H:%M:%SZ")
    return row


def csv_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What survives CSV: an empty string and NULL are the same empty field."""
    return [{k: (None if v == "" else v) for k, v in r.items()} for r in rows]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_round_trip_every_row_and_column(db, fmt: str) -> None:
    buf = io.BytesIO()
    count = export(db, fmt, buf)
    expected = db_rows(db)
    assert count == len(expected) == len(CORPUS)
    got = read_back(fmt, buf.getvalue(), article_columns(db))
    if fmt == "csv":
        expected = csv_view(expected)
    assert got == expected
    assert list(got[0]) == [name for name, _ in article_columns(db)]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_filters(db, fmt: str) -> None:
    buf = io.BytesIO()
    count = export(db, fmt, buf, site="en-wire", since="2015-11-21", until="2015-11-21")
    got = read_back(fmt, buf.getvalue(), article_columns(db))
    assert count == 1 and [r["url"] for r in got] == ["https://en.example/2015/11/reservoir.html"]
    buf = io.BytesIO()
    count = export(db, fmt, buf, since="2018-06-01")
    assert count == len(db_rows(db, "where published >= '2018-06-01'")) == 4


def test_parquet_is_typed_and_written_in_batches(db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_mod, "BATCH_ROWS", 3)
    buf = io.BytesIO()
    export(db, "parquet", buf)
    parquet = pq.ParquetFile(io.BytesIO(buf.getvalue()))
    assert parquet.metadata.num_row_groups == -(-len(CORPUS) // 3)  # one per batch
    schema = parquet.schema_arrow
    assert str(schema.field("hijri_year").type) == "int64"
    assert str(schema.field("text").type) == "string"


def test_parquet_dates_are_timestamps(tmp_path: Path) -> None:
    """Issue 12 item 12: published mixes days and local times; Parquet carries real timestamps
    (published without a zone, the *_at columns in UTC) and says whether the time is known."""
    path = tmp_path / "t.db"
    fetched = {"url": "https://en.example/2015/11/fetched.html", "site": "en-wire",
               "title": "Fetched", "text": "x", "published": "2015-11-22T08:05:09",
               "published_utc": "2015-11-22T06:05:09Z", "fetched_at": "2015-11-22T07:00:00Z"}
    db = build_db(path, [*CORPUS, fetched])
    try:
        buf = io.BytesIO()
        export(db, "parquet", buf)
    finally:
        db.conn.close()
    table = pq.read_table(io.BytesIO(buf.getvalue()))
    types = {f.name: str(f.type) for f in table.schema}
    assert types["published"] == "timestamp[ms]"
    assert types["published_has_time"] == "bool"
    assert table.schema.names.index("published_has_time") == table.schema.names.index("published") + 1
    for name in ("published_utc", "first_seen", "fetched_at", "updated_at"):
        assert types[name] == "timestamp[ms, tz=UTC]", name
    rows = {r["url"]: r for r in table.to_pylist()}
    kopru = rows["https://tr.example/2018/06/kopru.html"]
    assert kopru["published"] == dt.datetime(2018, 6, 19, 10, 30) and kopru["published_has_time"]
    school = rows["https://ar.example/2018/06/school-opens.html"]
    assert school["published"] == dt.datetime(2018, 6, 18) and school["published_has_time"] is False
    assert rows["https://en.example/2015/11/fetched.html"]["fetched_at"] == dt.datetime(
        2015, 11, 22, 7, 0, tzinfo=dt.UTC)
    undated = [r for r in rows.values() if r["published"] is None]
    assert undated and all(r["published_has_time"] is None for r in undated)
    assert all(r["first_seen"].tzinfo is not None for r in rows.values())


def test_parquet_reads_into_pandas_datetimes(db) -> None:
    """`pd.to_datetime` raised on the mixed `published` strings; the Parquet needs no parsing."""
    pd = pytest.importorskip("pandas", reason="pandas not installed (not a tarikh dependency)")
    buf = io.BytesIO()
    export(db, "parquet", buf)
    frame = pd.read_parquet(io.BytesIO(buf.getvalue()))
    assert str(frame["published"].dtype).startswith("datetime64")
    assert str(frame["first_seen"].dtype).startswith("datetime64") and "UTC" in str(frame["first_seen"].dtype)
    assert frame["published_has_time"].sum() == sum(1 for a in CORPUS if "T" in (a["published"] or ""))


def test_rows_stream_from_an_index_without_a_sort(db) -> None:
    columns = article_columns(db)
    for kw in ({}, {"site": "ar-news"}, {"since": "2018-01-01", "until": "2018-12-31"}):
        sql, params = export_query(columns, **kw)
        plan = " ".join(str(r[3]) for r in db.execute("explain query plan " + sql, params))
        assert "TEMP B-TREE" not in plan, plan


def test_export_to_a_path_is_atomic_and_errors_are_clear(db, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    assert export(db, "jsonl", target) == len(CORPUS)
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(CORPUS)
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temp file left
    with pytest.raises(ExportError, match="unknown export format"):
        export(db, "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(ExportError, match="YYYY-MM-DD"):
        export(db, "csv", io.BytesIO(), since="yesterday")
    assert not (tmp_path / "x.xlsx").exists()


def test_empty_selection_gives_a_valid_empty_file(db) -> None:
    for fmt in ("csv", "jsonl", "parquet"):
        buf = io.BytesIO()
        assert export(db, fmt, buf, site="no-such-site") == 0
        assert read_back(fmt, buf.getvalue(), article_columns(db)) == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_cli_export_of_a_crawled_db_round_trips(crawled: dict, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"articles.{fmt}"
    proc = tarikh("export", "--format", fmt, "--db", str(crawled["db"]), "-o", str(out))
    db = store.connect(crawled["db"], readonly=True)
    expected = db_rows(db)
    assert f"exported {len(expected)} articles" in proc.stderr
    got = read_back(fmt, out.read_bytes(), article_columns(db))
    assert got == (csv_view(expected) if fmt == "csv" else expected)
    assert len(got) == len(crawled["manifest"]["articles"])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return crawl_demo(tmp_path_factory.mktemp("crawl"))


def test_export_until_the_last_representable_day_is_no_bound(db) -> None:
    out = io.BytesIO()
    assert export(db, "jsonl", out, until="9999-12-31") == len(CORPUS)


def test_export_never_replaces_a_special_file_or_writes_into_a_folder(db, tmp_path: Path) -> None:
    import os

    from pipelines.store.export import ExportError

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="not a regular file"):
        export(db, "csv", fifo)
    assert fifo.is_fifo()
    with pytest.raises(ExportError, match="a directory"):
        export(db, "csv", tmp_path)
    with pytest.raises(ExportError, match="no folder"):
        export(db, "csv", tmp_path / "missing" / "out.csv")
    null_link = tmp_path / "null.csv"
    null_link.symlink_to("/dev/null")
    with pytest.raises(ExportError):
        export(db, "jsonl", null_link)
    assert null_link.is_symlink() and Path("/dev/null").is_char_device()
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert export(db, "csv", link) == len(CORPUS)  # a link to a file writes the file
    assert link.is_symlink() and real.read_text().startswith("url,")


def test_excel_safe_csv_cells(tmp_path: Path) -> None:
    from pipelines.store.export import excel_safe

    assert excel_safe("=HYPERLINK(\"http://evil\")") == "'=HYPERLINK(\"http://evil\")"
    assert excel_safe("+1 555") == "'+1 555" and excel_safe("@cmd") == "'@cmd"
    assert excel_safe("Plain title") == "Plain title" and excel_safe(42) == 42
