"""A fast static server for benchmarks: every file preloaded in memory, asyncio, keep-alive.

The stdlib threading server (crawler/app/localserver.py) is right for tests but tops out near
the crawler's own speed on 2 cores; a benchmark must measure the crawler, not the server.

    python benchmarks/fastserver.py ROOT   # prints its base URL, serves until killed
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from pathlib import Path

PLACEHOLDER = b"{{BASE}}"


def load(root: Path) -> dict[str, tuple[bytes, str]]:
    """Every file by its path; hard links to one file share one bytes object (the throughput
    benchmark serves 100,000 pages linked to 181 real ones)."""
    files = {}
    bodies: dict[tuple[int, int], bytes] = {}
    for path in root.rglob("*"):
        if path.is_file():
            rel = "/" + path.relative_to(root).as_posix()
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype.endswith("xml"):
                ctype += "; charset=utf-8"
            st = path.stat()
            inode = (st.st_dev, st.st_ino)
            if inode not in bodies:
                bodies[inode] = path.read_bytes()
            files[rel] = (bodies[inode], ctype)
            if rel.endswith("/index.html"):
                files[rel[: -len("index.html")]] = files[rel]
    return files


async def serve(root: Path) -> None:
    files = load(root)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
                found = files.get(path)
                if found is None:
                    body, status, ctype = b"not found", b"404 Not Found", "text/plain"
                else:
                    body, ctype = found
                    status = b"200 OK"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype.encode()
                             + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    replaced: dict[int, bytes] = {}  # by the shared body: each one searched once
    for key, (body, ctype) in list(files.items()):
        if id(body) not in replaced:
            replaced[id(body)] = body.replace(PLACEHOLDER, base.encode()) if PLACEHOLDER in body else body
        files[key] = (replaced[id(body)], ctype)
    print(base, flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
