"""Test helpers: run the real `tarikh` command, serve real sites on 127.0.0.1."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.app.sitegen import SiteManifest

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "data" / "demo-site"
TEST_DATA = ROOT / "tests" / "data"  # the seed page, the date vectors


def tarikh(*args: str, check: bool = True, timeout: float = 180, stdin: str | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess, as a user would (a Twisted reactor runs once per process)."""
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, input=stdin,
        env={**os.environ, **(env or {})},
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"tarikh {' '.join(args)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-4000:]}"
        )
    return proc


def usage_error(capsys: Any, *args: str) -> str:
    """Run the CLI in this process for an argument it must refuse before doing anything (no
    reactor, no database: a subprocess would only add a second of start-up); the one line it
    prints, after asserting exit 2 and no traceback."""
    from crawler.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def rows(db_path: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def write_profile(path: Path, *, name: str, base: str,
                  start: tuple[str, ...] = ("/index.html",), sitemaps: tuple[str, ...] = ("/sitemap.xml",),
                  feeds: tuple[str, ...] = (),
                  article_pattern: str = r"/(en|ar|tr)/\d{4}/\d{2}/[^/]+\.html$",
                  listing_pattern: str = r"/(en|ar|tr)/(index|page/\d+)\.html$",
                  extra: str = "") -> Path:
    """A site profile pointing at a local server (paths are joined to `base`)."""

    def urls(paths: tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{base}{p}"' for p in paths) + "]"

    path.write_text(
        f'name = "{name}"\n'
        f"start_urls = {urls(start)}\n"
        f"sitemaps = {urls(sitemaps)}\n"
        f"feeds = {urls(feeds)}\n"
        f"article_url_patterns = ['{article_pattern}']\n"
        f"listing_url_patterns = ['{listing_pattern}']\n"
        f'timezone = "Europe/Istanbul"\n' + extra,
        encoding="utf-8",
    )
    return path


def crawl_home(tmp_path: Path, root: Path, manifest: SiteManifest) -> dict[str, dict]:
    """`tarikh crawl --url` from a generated site's home page, as a new user would (served on
    a free port, sitemap rewritten to it): the stored articles by path."""
    from crawler.app.localserver import LocalSiteServer
    from crawler.app.sitegen import write_sitemap

    db = tmp_path / "t.db"
    with LocalSiteServer(root) as server:
        write_sitemap(manifest, server.base_url)
        proc = tarikh("crawl", "--url", server.base_url + manifest.home_path, "--db", str(db),
                      "--no-throttle")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {"/" + r["url"].split("/", 3)[3]: r for r in rows(db, "select * from articles")}


def respond(status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None, length: int | None = None
            ) -> Callable[[Any], bool]:
    """A LocalSiteServer hook answering one path with this status, body and headers
    (`length`: a Content-Length that lies about the body)."""
    def hook(handler: Any) -> bool:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)
        return True
    return hook


@contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `mount` for the block (root only: the test is skipped
    elsewhere, saying why), lazily unmounted after it."""
    import pytest

    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
