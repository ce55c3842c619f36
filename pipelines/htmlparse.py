"""Bytes -> lxml tree, robust to wrong charsets and broken markup.

News sites (especially older Arabic/Turkish/Persian ones) often declare one charset and send
another, or declare none. The order of trust: byte-order mark, the caller's encoding (HTTP
header), the document's own ``<meta>``/XML declaration, then detection. A declared encoding
that does not decode cleanly while UTF-8 does is overruled by UTF-8, because that is by far
the most common lie.
"""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

__all__ = ["HtmlParseError", "decode_html", "parse_html"]

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class HtmlParseError(ValueError):
    """Raised when the input holds nothing that can be parsed as an HTML document."""


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    """Statistical charset guess for undeclared non-UTF-8 pages (None if unsure)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset_normalizer ships with requests
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def decode_html(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return (encoding used, text). Never raises on undecodable bytes: they become U+FFFD."""
    enc, bom = read_bom(data)
    if enc and bom:
        return enc, data[len(bom):].decode(enc, errors="replace")
    # Legacy-encoded text with non-ASCII bytes is practically never valid UTF-8 by accident,
    # so bytes that decode as UTF-8 are UTF-8 whatever the header or <meta> claims.
    text = _strict(data, "utf-8")
    if text is not None:
        return "utf-8", text
    declared = resolve_encoding(encoding) if encoding else None
    if declared is None:
        declared = html_body_declared_encoding(data[:8192])
    if declared:
        declared = resolve_encoding(declared) or declared
        if declared in {"utf-16", "utf-32", "utf-8"}:  # no BOM / not UTF-8: the claim is wrong
            declared = None
    if declared and (text := _strict(data, declared)) is not None:
        return declared, text
    guess = _detect(data)  # no usable declaration: trust a guess that decodes cleanly
    if guess and (text := _strict(data, guess)) is not None:
        return guess, text
    enc = declared or guess or "cp1252"
    try:
        codecs.lookup(enc)
    except LookupError:
        enc = "cp1252"
    return enc, data.decode(enc, errors="replace")


def parse_html(data: bytes | str, *, encoding: str | None = None) -> lxml.html.HtmlElement:
    """Parse a page into an lxml HTML tree; raise HtmlParseError only when nothing is usable."""
    if data is None:
        raise HtmlParseError("no input")
    text = data if isinstance(data, str) else decode_html(bytes(data), encoding)[1]
    text = _CONTROL.sub(" ", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        raise HtmlParseError("empty document")
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        try:  # fragments and very broken markup: let the parser wrap whatever it can
            tree = lxml.html.fromstring(f"<html><body>{text}</body></html>")
        except (lxml.etree.ParserError, ValueError):
            raise HtmlParseError(f"unparseable HTML: {exc}") from exc
    if tree is None or not isinstance(tree, lxml.html.HtmlElement):
        raise HtmlParseError("parser returned no element tree")
    return tree
