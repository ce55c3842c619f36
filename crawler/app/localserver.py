"""A static site server on 127.0.0.1 for the bundled demo site, the tests and the benchmarks.

Real HTTP, real sockets: it answers conditional requests (ETag, If-Modified-Since → 304),
writes the real base URL into sitemaps/robots/feeds that carry the `{{BASE}}` placeholder,
and counts requests per path so tests can prove what a run did or did not download.
"""

from __future__ import annotations

import collections
import email.utils
import hashlib
import os
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PLACEHOLDER = b"{{BASE}}"
TEMPLATED_SUFFIXES = (".xml", ".txt", ".rss", ".atom")


class SiteHandler(SimpleHTTPRequestHandler):
    server: LocalSiteServer

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the crawl's own log says what happened

    def do_GET(self) -> None:
        if self.path.startswith(("http://", "https://")):  # asked as a proxy: keep the path
            parts = urlsplit(self.path)
            self.path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[path] += 1
        hook = self.server.hooks.get(path)
        if hook is not None and hook(self):
            return
        self._serve_file(path)

    def _serve_file(self, path: str) -> None:
        fs_path = Path(self.translate_path(path))
        if fs_path.is_dir():
            fs_path = fs_path / "index.html"
        if not fs_path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        data = fs_path.read_bytes()
        if fs_path.suffix in TEMPLATED_SUFFIXES and PLACEHOLDER in data:
            data = data.replace(PLACEHOLDER, self.server.base_url.encode())
        stat = fs_path.stat()
        etag = '"' + hashlib.blake2b(data, digest_size=8).hexdigest() + '"'
        last_modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in self.headers
            and self._not_modified_since(stat.st_mtime)
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        ctype = self.guess_type(str(fs_path))
        if ctype.startswith("text/") or ctype.endswith("xml"):
            ctype += "; charset=utf-8" if "charset" not in ctype else ""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        self.wfile.write(data)

    def _not_modified_since(self, mtime: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            stamp = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(mtime) <= int(stamp)


class LocalSiteServer(ThreadingHTTPServer):
    """`with LocalSiteServer(root) as srv: srv.base_url` — serves `root` in a thread.

    It also answers proxy-style requests (`GET http://host/path`), so a crawl may reach it
    under a stable origin whatever port it got (see crawler/app/demo.py)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a crawl opens dozens of connections at once; the default is 5

    def __init__(self, root: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 0,
                 public_base: str | None = None) -> None:
        self.root = Path(root)
        self.hits: collections.Counter[str] = collections.Counter()
        self.hooks: dict[str, Callable[[SiteHandler], bool]] = {}
        self.lock = threading.Lock()
        super().__init__((host, port), partial(SiteHandler, directory=str(self.root)))
        #: Where the server listens; a client may also use it as an HTTP proxy for `base_url`.
        self.address_url = f"http://{host}:{self.server_address[1]}"
        #: The site's origin as its pages name it: the listening address, or a stable
        #: `public_base` (the demo's http://demo.tarikh.local) reached through the proxy.
        self.base_url = (public_base or self.address_url).rstrip("/")
        self._thread: threading.Thread | None = None

    def start(self) -> LocalSiteServer:
        self._thread = threading.Thread(target=self.serve_forever, name="tarikh-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> LocalSiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m crawler.app.localserver ROOT [--port N]`: serve a site until killed (benchmarks)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("root")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = LocalSiteServer(args.root, port=args.port)
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
