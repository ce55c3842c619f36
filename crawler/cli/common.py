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
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for another run of the same site to finish (default: exit 3)")
    parser.add_argument("--workers", type=int, default=1,
                        help="extraction worker processes (0: extract in the crawl process)")
    parser.add_argument("--max-depth", type=int, help="link depth for zero-config discovery (default 4)")
    parser.add_argument("--max-pages", type=int, metavar="N",
                        help="stop after N pages (zero-config default 10000; profiles: no limit)")
    parser.add_argument("--max-minutes", type=float, metavar="M",
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


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def emit(obj: dict[str, Any]) -> None:
    """One JSON Lines record on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
