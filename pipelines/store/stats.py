"""Per-site figures for `tarikh health` and the demo's summary."""

from __future__ import annotations

from typing import Any

import sqlite_utils


def monitored_sites(db: sqlite_utils.Database) -> list[str]:
    """Every site with articles or with crawl runs."""
    return [r[0] for r in db.execute(
        "select site from articles union select site from runs where mode != 'reprocess' order by 1"
    )]


def article_stats(db: sqlite_utils.Database, site: str) -> tuple[int, int, int]:
    """(articles, without a date, with under 200 characters of text)."""
    articles, no_date, no_text = db.execute(
        "select count(*), sum(published is null), sum(coalesce(length(text), 0) < 200)"
        " from articles where site = ?", [site]
    ).fetchone()
    return articles, no_date or 0, no_text or 0


def template_pages(db: sqlite_utils.Database, site: str) -> int:
    row = db.execute("select pages_seen from templates where site = ?", [site]).fetchone()
    return row[0] if row else 0


def site_summary(db: sqlite_utils.Database, site: str) -> dict[str, Any]:
    """Counts, languages, date range and one sample record (a Hijri-only one if there is one)."""
    total, dated, first, last = db.execute(
        "select count(*), count(published), min(published), max(published) from articles where site = ?",
        [site],
    ).fetchone()
    langs = db.execute(
        "select coalesce(language, '?'), count(*) from articles where site = ? group by 1 order by 2 desc",
        [site],
    ).fetchall()
    sample = next(iter(db.query(
        "select url, title, published, published_raw, calendar, hijri_year, hijri_month, hijri_day,"
        " language, text from articles where site = ?"
        " order by calendar = 'hijri' desc, published desc limit 1",
        [site],
    )), None)
    return {"total": total, "dated": dated, "first": first, "last": last,
            "languages": langs, "sample": sample}
