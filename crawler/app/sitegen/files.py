"""Writing a generated site's files: pages, sitemap.xml and robots.txt, the same for every layout."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def write_page(root: Path, path: str, text: str) -> Path:
    """Write ``path`` (a URL path) under ``root``; a path ending in "/" becomes its index.html."""
    rel = path.lstrip("/")
    target = root / rel / "index.html" if not rel or rel.endswith("/") else root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    return target


def sitemap_xml(entries: Iterable[tuple[str, str]]) -> str:
    """A sitemap of (loc, lastmod) pairs."""
    urls = "".join(f"  <url>\n    <loc>{esc(loc)}</loc>\n    <lastmod>{lastmod}</lastmod>\n"
                   "  </url>\n" for loc, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


def robots_txt(sitemap: str, disallow: Iterable[str] = ()) -> str:
    rules = "".join(f"Disallow: {p}\n" for p in disallow)
    return f"User-agent: *\n{rules}Allow: /\n\nSitemap: {sitemap}\n"
