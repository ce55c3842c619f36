"""What every command module shares: the command table's entry, common options, output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines.store import DEFAULT_DB


@dataclass(frozen=True)
class Command:
    """One `tarikh` subcommand: its name, one-line help, its arguments and its handler."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


class CannotRun(RuntimeError):
    """The command cannot run at all (exit 3)."""


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=str(DEFAULT_DB), help=f"SQLite database (default {DEFAULT_DB})")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-file", help="write the crawl log (INFO) to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="log INFO even when not on a terminal")
    parser.add_argument("--wait", type=SECONDS, default=0.0, metavar="SECONDS",
                        help="wait this long for another run of the same site to finish (default: exit 3)")
    parser.add_argument("--workers", type=WORKERS, default=1,
                        help="extraction worker processes (0: extract in the crawl process)")
    parser.add_argument("--max-depth", type=count(0, 100), help="link depth for zero-config discovery (default 4)")
    parser.add_argument("--max-pages", type=count(1, 10**9), metavar="N",
                        help="stop after N pages (zero-config default 10000; profiles: no limit)")
    parser.add_argument("--max-minutes", type=amount(0, 10**6, above=True), metavar="M",
                        help="stop after M minutes (zero-config default 120; profiles: no limit)")
    private = parser.add_mutually_exclusive_group()
    private.add_argument("--allow-private", dest="block_private", action="store_false", default=None,
                         help="let links and redirects reach private/loopback addresses")
    private.add_argument("--block-private", dest="block_private", action="store_true",
                         help="refuse private/loopback/link-local addresses the profile does not "
                              "name itself (default for zero-config)")
    parser.add_argument("--no-throttle", action="store_true",
                        help="no AutoThrottle, high concurrency: only for servers you own")
    parser.add_argument("--warc", metavar="DIR",
                        help="also write every fetched response as WARC (request, response, metadata "
                             "records; rotated gzipped files) into DIR")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (like scrapy's -s), e.g. -s DOWNLOAD_TIMEOUT=10")


def open_existing_db(path: str) -> Any:
    """The database of a reading command, read-only; a missing one is CannotRun (exit 3),
    never a new empty file: a mistyped --db would otherwise look like an empty corpus."""
    from pipelines import store

    try:
        return store.connect_existing(path)
    except FileNotFoundError:
        raise CannotRun(f"no database at {path} (check --db; crawl, backfill or demo creates one)") from None


def count(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (a huge or negative one is a usage
    error, never an OverflowError traceback or a run that quietly does nothing)."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, not {value}")
        return number
    parse.__name__ = "count"  # argparse names the type in its messages
    return parse


def amount(low: float, high: float, *, above: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number from `low` (or above it) to `high` (`nan` and `inf`
    are refused: a budget of nan minutes never ran out)."""
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
        if not (low < number if above else low <= number) or not number <= high:
            first = f"above {low:g} and at most" if above else f"from {low:g} to"
            raise argparse.ArgumentTypeError(f"must be {first} {high:,.0f}, not {value}")
        return number
    parse.__name__ = "amount"
    return parse


#: Bounds of the numeric options (every command shares them).
WORKERS = count(0, 256)
SECONDS = amount(0, 7 * 86_400)
POSITIVE_SECONDS = amount(0, 7 * 86_400, above=True)
ROWS = count(1, 100_000)
HIJRI_OFFSET = count(-30, 30)


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def emit(obj: dict[str, Any]) -> None:
    """One JSON Lines record on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
