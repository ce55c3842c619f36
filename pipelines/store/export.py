"""Export the articles table to CSV, JSON Lines or Parquet, streaming in flat memory.

Rows come from one SQLite cursor (store.iter_rows) and leave in small batches, so a database of
any size exports with the memory of one batch. Every column of `articles` is exported, in table
order, including columns a later migration adds. Rows are ordered by `published` (undated
articles first) through the `published` / `(site, published)` indexes, so no sort is
buffered.

Format notes:
  csv      UTF-8 without BOM, header row, RFC 4180 quoting (newlines in text are quoted);
           NULL is written as an empty field, so NULL and "" are the same in CSV.
  jsonl    one JSON object per line, UTF-8 (not \\u-escaped), NULL as null.
  parquet  typed columns (TEXT → string, INTEGER → int64, REAL → double), zstd-compressed,
           written in record batches of BATCH_ROWS rows. Dates are real timestamps, so pandas,
           DuckDB and Arrow read them without parsing: `published` (local time as the site
           shows it, so without a time zone; a date alone is midnight) beside
           `published_has_time` (false when the site gave only the day: the midnight is not
           a time); `published_utc`, `first_seen`, `fetched_at`, `updated_at` as UTC.
           CSV and JSON Lines keep the ISO strings of the database.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import sqlite_utils

from pipelines import store

FORMATS = ("csv", "jsonl", "parquet")
BATCH_ROWS = 500


class ExportError(ValueError):
    """An export that cannot be made: unknown format, bad date bound, no articles table."""


def article_columns(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(name, declared SQLite type) of every column of `articles`, in table order."""
    cols = [(row[1], (row[2] or "").upper()) for row in db.execute("pragma table_info(articles)")]
    if not cols:
        raise ExportError("the database has no articles table")
    return cols


def _bound(value: str | date | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ExportError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None
    if name == "since":
        return day.isoformat()
    return (day + timedelta(days=1)).isoformat() if day < date.max else None  # 9999-12-31: no bound


def export_query(
    columns: list[tuple[str, str]],
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    collapse: bool = False,
) -> tuple[str, list[Any]]:
    """SELECT of the export (all columns, filters on site and published day, both inclusive).

    `collapse`: one row per story — the earliest copy of each near-duplicate cluster and the
    articles that have none — with a last column `copies` (the story's stored copies).
    """
    where, params = [], []
    if collapse:
        where.append("duplicate_of is null")
    if site:
        where.append("site = ?")
        params.append(site)
    if (start := _bound(since, "since")) is not None:
        where.append("published >= ?")
        params.append(start)
    if (before := _bound(until, "until")) is not None:
        where.append("published < ?")
        params.append(before)
    names = ", ".join(f'articles."{name}"' for name, _ in columns if name != "copies")
    if collapse:
        names += (", 1 + (select count(*) from articles d where d.duplicate_of = articles.url)"
                  " as copies")
    sql = f"select {names} from articles"
    if where:
        sql += " where " + " and ".join(where)
    return sql + " order by published", params


def export(
    db: sqlite_utils.Database | str | Path,
    fmt: str,
    out: BinaryIO | str | Path,
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    collapse: bool = False,
    excel_safe: bool = False,
) -> int:
    """Write the selected articles to `out` (a binary stream, a path, or "-" for stdout).

    Returns the number of rows written. A path is written to a temporary file beside it and
    renamed at the end, so an interrupted export never leaves a truncated file behind.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not isinstance(db, sqlite_utils.Database):
        if not Path(db).exists():
            raise ExportError(f"no database at {db}")
        db = store.connect(db, readonly=True)
    columns = article_columns(db)
    sql, params = export_query(columns, site=site, since=since, until=until, collapse=collapse)
    if collapse:
        columns = [*columns, ("copies", "INTEGER")]
    rows = store.iter_rows(db, sql, params)
    if excel_safe and fmt != "csv":
        raise ExportError("--excel-safe applies to CSV only")
    writers: dict[str, Callable[[Iterator[dict[str, Any]], list[tuple[str, str]], BinaryIO], int]] = {
        "csv": partial(_write_csv, safe=excel_safe), "jsonl": _write_jsonl,
        "parquet": _write_parquet}
    writer = writers[fmt]
    if isinstance(out, str | Path) and str(out) != "-":
        with output_file(out) as file:
            return writer(rows, columns, file)
    stream: BinaryIO = sys.stdout.buffer if isinstance(out, str | Path) else out
    count = writer(rows, columns, stream)
    stream.flush()
    return count


@contextmanager
def output_file(path: str | Path) -> Iterator[BinaryIO]:
    """A regular file written whole or not at all: a temporary file beside it, renamed at the
    end, so an interrupted export never leaves a truncated file. Never a special file: a FIFO,
    a device or a directory named as the output is refused (ExportError), not replaced (as root
    it replaced /dev/full); a symlink is followed to the file it names. A full disk or a
    missing folder is an ExportError too, one line for the CLI."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        kind = "a directory" if target.is_dir() else "not a regular file"
        raise ExportError(f"{path} is {kind}: give a file name (or write to stdout)")
    if not target.parent.is_dir():
        raise ExportError(f"no folder {target.parent} for {path}")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as file:
            yield file
        os.replace(tmp, target)
    except OSError as exc:
        raise ExportError(f"could not write {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection
#: list): a site's title "=HYPERLINK(…)" must not run in an analyst's Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: object) -> object:
    """The cell as text a spreadsheet shows, not runs: a leading apostrophe before a formula
    start (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(rows: Iterator[dict[str, Any]], columns: list[tuple[str, str]], out: BinaryIO,
               *, safe: bool = False) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text)
        writer.writerow([name for name, _ in columns])
        count = 0
        for row in rows:
            cells = ["" if v is None else v for v in row.values()]
            writer.writerow([excel_safe(c) for c in cells] if safe else cells)
            count += 1
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
    return count


def _write_jsonl(rows: Iterator[dict[str, Any]], columns: list[tuple[str, str]], out: BinaryIO) -> int:
    count = 0
    buf: list[str] = []
    for row in rows:
        buf.append(json.dumps(row, ensure_ascii=False, default=_json_default))
        count += 1
        if len(buf) >= BATCH_ROWS:
            out.write(("\n".join(buf) + "\n").encode("utf-8"))
            buf.clear()
    if buf:
        out.write(("\n".join(buf) + "\n").encode("utf-8"))
    return count


def _json_default(value: object) -> object:
    if isinstance(value, bytes):  # BLOB columns (none today): base64 keeps JSON valid
        import base64

        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot export {type(value).__name__} to JSON")


#: Parquet timestamp columns: name → time zone (None: local time as printed, no zone).
TIMESTAMP_COLUMNS: dict[str, str | None] = {
    "published": None,
    "published_utc": "UTC",
    "first_seen": "UTC",
    "fetched_at": "UTC",
    "updated_at": "UTC",
}
HAS_TIME_COLUMN = "published_has_time"  # added after `published` in Parquet only


def parquet_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The Parquet file's columns: the table's, with published_has_time after published."""
    out: list[tuple[str, str]] = []
    for name, declared in columns:
        out.append((name, declared))
        if name == "published":
            out.append((HAS_TIME_COLUMN, "BOOLEAN"))
    return out


def parse_timestamp(value: object, zone: str | None) -> datetime | None:
    """An ISO date or date-time of the database as a datetime (UTC-aware when `zone`).

    `published` mixes days (2015-11-21) and local times (2015-11-21T10:37); the *_at columns
    are UTC with a trailing Z. A day becomes its midnight (published_has_time tells).
    """
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ExportError(f"not an ISO date or time: {value!r}") from None
    if zone is None:
        return parsed.replace(tzinfo=None)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def has_time(value: object) -> bool | None:
    """Whether an ISO `published` carries a time of day (None when there is no date)."""
    if value is None or value == "":
        return None
    return "T" in str(value) or " " in str(value).strip()


def arrow_schema(columns: list[tuple[str, str]]) -> Any:  # pyarrow.Schema (imported lazily)
    """Parquet column types: timestamps for the date columns, else SQLite's declared types."""
    import pyarrow as pa

    def arrow_type(declared: str) -> pa.DataType:
        if "INT" in declared:
            return pa.int64()
        if any(k in declared for k in ("REAL", "FLOA", "DOUB")):
            return pa.float64()
        if "BLOB" in declared:
            return pa.binary()
        if declared == "BOOLEAN":
            return pa.bool_()
        return pa.string()

    def field_type(name: str, declared: str) -> pa.DataType:
        if name in TIMESTAMP_COLUMNS:
            return pa.timestamp("ms", tz=TIMESTAMP_COLUMNS[name])  # Parquet has no seconds unit
        return arrow_type(declared)

    return pa.schema([(name, field_type(name, declared)) for name, declared in columns])


def _write_parquet(rows: Iterator[dict[str, Any]], columns: list[tuple[str, str]], out: BinaryIO) -> int:
    import pyarrow.parquet as pq

    columns = parquet_columns(columns)
    schema = arrow_schema(columns)
    names = [name for name, _ in columns]
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                writer.write_batch(_record_batch(batch, names, schema))
                count += len(batch)
                batch.clear()
        if batch:
            writer.write_batch(_record_batch(batch, names, schema))
            count += len(batch)
    return count


def _record_batch(batch: list[dict[str, Any]], names: list[str], schema: Any) -> Any:  # pyarrow
    import pyarrow as pa

    arrays = []
    for name in names:
        try:
            if name in TIMESTAMP_COLUMNS:
                values: list[Any] = [parse_timestamp(row[name], TIMESTAMP_COLUMNS[name]) for row in batch]
            elif name == HAS_TIME_COLUMN:
                values = [has_time(row.get("published")) for row in batch]
            else:
                values = [row[name] for row in batch]
            arrays.append(pa.array(values, type=schema.field(name).type))
        except ExportError as exc:
            raise ExportError(f"column {name!r}: {exc}") from None
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            # SQLite columns are loosely typed; one stray value must not give a traceback.
            raise ExportError(f"column {name!r} holds a value Parquet cannot type: {exc}") from exc
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
