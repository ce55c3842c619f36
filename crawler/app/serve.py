"""`tarikh serve`: the database in Datasette, read-only, with metadata and canned queries.

Datasette opens the file in its default *mutable* mode, not immutable (`-i`): immutable mode
opens SQLite with `immutable=1`, which skips locking and ignores the WAL, so while a crawl is
writing it would miss every row not yet checkpointed into the main file and could even read a
page mid-write. In mutable mode Datasette reads through `mode=ro` connections: each request sees
the last committed state (new articles appear as the crawl commits them, never half an
article, and WAL means the crawl never blocks it). Nothing can write through it: arbitrary SQL
in Datasette is SELECT-only, the canned queries are not `write: true`, and no installed plugin
writes.

Metadata (titles, column descriptions, facets, the FTS table behind `?_search=`, canned queries
`search`, `by_site`, `by_hijri_month`, the datasette-dashboards chart of articles per day)
lives in data/datasette/metadata.json, written for a database named `tarikh`; for a file with
another name it is re-keyed to that name (Datasette names a database after its file stem).
Searches fold the query through crawler/app/datasette_plugin/, a Datasette plugin declared as
an entry point in pyproject.toml, whose templates make the articles pages readable.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType

from crawler.paths import DATA_DIR

METADATA = DATA_DIR / "datasette" / "metadata.json"
TEMPLATE_DB_NAME = "tarikh"
SQL_TIME_LIMIT_MS = 5000  # Datasette's default 1 s is short for a search over a large corpus


def prepare_metadata(db_path: str | Path, directory: str | Path, template: Path = METADATA) -> Path:
    """Write the metadata for `db_path` into `directory` (re-keyed to its database name)."""
    meta = json.loads(Path(template).read_text(encoding="utf-8"))
    name = Path(db_path).stem
    databases = meta.get("databases", {})
    if name != TEMPLATE_DB_NAME and TEMPLATE_DB_NAME in databases:
        databases[name] = databases.pop(TEMPLATE_DB_NAME)
    for dashboard in meta.get("plugins", {}).get("datasette-dashboards", {}).values():
        for chart in dashboard.get("charts", {}).values():  # the chart's data comes from `name`
            if chart.get("db") == TEMPLATE_DB_NAME:
                chart["db"] = name
    out = Path(directory) / "metadata.json"
    out.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def datasette_command(
    db_path: str | Path, *, host: str, port: int, metadata_path: str | Path
) -> list[str]:
    """The Datasette command line that serves `db_path` (mutable, read-only: see module doc)."""
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host,
        "--port", str(port),
        "--metadata", str(metadata_path),
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
    ]  # fmt: skip


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette on the database until interrupted; returns its exit code."""
    db_path = Path(db_path)
    if not db_path.is_file():
        print(f"tarikh serve: no database at {db_path}", file=sys.stderr)
        return 2
    if not METADATA.is_file():
        print(f"tarikh serve: metadata file missing: {METADATA}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tarikh-datasette-") as tmp:
        metadata = prepare_metadata(db_path, tmp)
        cmd = datasette_command(db_path, host=host, port=port, metadata_path=metadata)
        print(f"serving {db_path} read-only at http://{host}:{port}/{db_path.stem}", file=sys.stderr)
        return _run_child(cmd)


def _run_child(cmd: list[str]) -> int:
    """Run Datasette until it exits, forwarding SIGTERM/SIGINT to it.

    Without a handler SIGTERM kills this process at once: the child is orphaned and the
    temporary metadata folder stays behind. Here the signal is passed on, the child is
    waited for, and the caller's `with` removes the folder; a second signal kills the child.
    """
    proc = subprocess.Popen(cmd)
    asked: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        if asked:
            proc.kill()
        else:
            proc.send_signal(signum)
        asked.append(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return 0 if asked else code
