"""The `tarikh` command line: a table of commands, one module per group of them.

Exit codes (for cron and systemd): 0 ok; 1 ran but unhealthy (error spike, interrupted,
`health` found a bad site); 2 bad usage; 3 could not run (another run holds the site's
lock, unusable database or profile).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

import redis

from crawler.cli import analysts, cluster, crawling, operators, pages
from crawler.cli.common import CannotRun, Command
from crawler.cluster.conn import RedisDown
from crawler.runs.verdict import EXIT_CANNOT_RUN, EXIT_OK

#: Every subcommand, in the order `tarikh --help` lists them.
COMMANDS: list[Command] = [*crawling.COMMANDS, *pages.COMMANDS, *operators.COMMANDS, *analysts.COMMANDS,
                         *cluster.COMMANDS]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tarikh")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tarikh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"tarikh {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.arguments(p)
        p.set_defaults(handler=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        return EXIT_OK
    except CannotRun as exc:
        print(f"tarikh: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except RedisDown as exc:
        print(f"tarikh: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except redis.RedisError as exc:  # Redis went away mid-command
        print(f"tarikh: Redis {getattr(args, 'redis', '?')}: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except sqlite3.DatabaseError as exc:  # locked past the busy timeout, not a database, …
        print(f"tarikh: database {getattr(args, 'db', '?')}: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
