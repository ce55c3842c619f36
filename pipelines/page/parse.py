"""Bytes -> lxml tree, robust to wrong charsets and broken markup.

News sites (especially older Arabic/Turkish/Persian ones) often declare one charset and send
another, or declare none. The order of trust: byte-order mark, the caller's encoding (HTTP
header), the document's own ``<meta>``/XML declaration, then detection. A declared encoding
that does not decode cleanly while UTF-8 does is overruled by UTF-8, because that is by far
the most common lie.
"""

from __future__ import annotations

import codecs
import logging
import re

import lxml.etree
import lxml.html
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

__all__ = ["HtmlParseError", "decode_html", "flatten_deep", "parse_html"]

logger = logging.getLogger(__name__)



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


#: A page counts as UTF-8 with damaged bytes (a stray byte, a truncated sequence) rather than
#: a legacy charset when its valid multi-byte characters outnumber its invalid bytes this much.
VALID_PER_INVALID = 8


def _mostly_utf8(data: bytes) -> str | None:
    """The page decoded as UTF-8 with its few invalid bytes replaced, when almost all of its
    non-ASCII bytes form valid UTF-8 sequences: legacy 8-bit text (cp1252, cp1256, latin-5)
    practically never does, so one bad byte must not turn a whole page into mojibake."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid = sum(1 for ch in text if ch > "\x7f") - bad
    if bad == 0 or valid < VALID_PER_INVALID * bad:
        return None
    logger.info("decoded as UTF-8 with %d invalid byte(s) replaced", bad)
    return data.decode("utf-8", errors="replace")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no byte-order mark: markup is ASCII, so every other byte is NUL, and the
    side the NULs fall on tells the byte order."""
    head = data[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


#: The charset a web server sends by default (w3lib reads ISO-8859-1 and Latin-1 as cp1252).
SERVER_DEFAULTS = frozenset({"cp1252"})


def _claim(encoding: str | None) -> str | None:
    """A declared charset, resolved; None for none, or for a claim of UTF-8/16/32 (which the
    checks before have already found false: no BOM, not UTF-8)."""
    if not encoding:
        return None
    resolved = resolve_encoding(encoding) or encoding
    return None if resolved in {"utf-16", "utf-32", "utf-8"} else resolved


def decode_html(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return (encoding used, text). Never raises on undecodable bytes: they become U+FFFD."""
    enc, bom = read_bom(data)
    if enc and bom:
        return enc, data[len(bom):].decode(enc, errors="replace")
    if (utf16 := _utf16_without_bom(data)) is not None:
        return utf16, data.decode(utf16, errors="replace")
    # Legacy-encoded text with non-ASCII bytes is practically never valid UTF-8 by accident,
    # so bytes that decode as UTF-8 are UTF-8 whatever the header or <meta> claims.
    text = _strict(data, "utf-8")
    if text is not None:
        return "utf-8", text
    if (text := _mostly_utf8(data)) is not None:
        return "utf-8", text
    header = _claim(encoding)
    in_page = _claim(html_body_declared_encoding(data[:8192]))
    # A server that was never told a charset sends its default (Apache's ISO-8859-1): a page's
    # own <meta> naming another one is its author's word, and is tried first.
    claims = [in_page, header] if header in SERVER_DEFAULTS else [header or in_page]
    declared = next((c for c in claims if c), None)
    for claim in claims:
        if claim and (text := _strict(data, claim)) is not None:
            return claim, text
    guess = _detect(data)  # no usable declaration: trust a guess that decodes cleanly
    if guess and (text := _strict(data, guess)) is not None:
        return guess, text
    enc = declared or guess or "cp1252"
    try:
        codecs.lookup(enc)
    except LookupError:
        enc = "cp1252"
    return enc, data.decode(enc, errors="replace")


# Parsing UTF-8 bytes directly is the fast path (no str round trip through the parser), so
# every input is brought to UTF-8 bytes first. Elements get their class from a C-level lookup
# (plain HtmlElement for every tag) instead of lxml.html's per-element Python callback, which
# costs a call per element proxy; the form-control subclasses it adds serve no extraction.
# huge_tree: text nested deeper than libxml2's default limit (256 levels) is kept.
_PARSER = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
_XML_DECL_BYTES = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)
# libxml2's HTML parser checks each attribute against the element's others, so one start tag
# with 100,000 attributes costs 30+ s of CPU. No page a person or a CMS wrote has a start tag
# of 16 KB with hundreds of attributes: such a tag keeps its name and loses its attributes.
_HUGE_TAG = re.compile(rb"<([a-zA-Z][\w:-]{0,40})([^>]{16384,})>")
# What _HUGE_TAG needs to match at all, without its backtracking over the tag name at every
# tag (0.24 ms a page, where this costs 0.12): 8 of the Zyte benchmark's 181 pages pass it.
_LONG_TAG = re.compile(rb"<[a-zA-Z][^>]{16384}")
MAX_ATTRIBUTES = 500


def _defuse_huge_tags(raw: bytes) -> bytes:
    if _LONG_TAG.search(raw) is None:
        return raw

    def strip(m: re.Match[bytes]) -> bytes:
        if m.group(2).count(b"=") <= MAX_ATTRIBUTES:
            return m.group(0)
        logger.info("dropped the attributes of a <%s> tag with %d of them",
                    m.group(1).decode("ascii", "replace"), m.group(2).count(b"="))
        return b"<" + m.group(1) + b">"
    return _HUGE_TAG.sub(strip, raw)
# C0 controls never occur inside UTF-8 multi-byte sequences, so mapping them byte-wise is safe
# (and one translate pass is cheaper than a regex search for them).
_CONTROL_TO_SPACE = bytes(32 if (b < 32 and b not in (9, 10, 13)) else b for b in range(256))


def _utf8(data: bytes, encoding: str | None) -> bytes:
    """The page as UTF-8 bytes: itself when it already is (no BOM, decodes cleanly)."""
    if data.isascii():
        return data
    if read_bom(data)[1] is None and _utf16_without_bom(data) is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return data
    return decode_html(data, encoding)[1].encode("utf-8")


def parse_html(data: bytes | str, *, encoding: str | None = None) -> lxml.html.HtmlElement:
    """Parse a page into an lxml HTML tree; raise HtmlParseError only when nothing is usable."""
    return parse_prepared(prepare_html(data, encoding=encoding))


def prepare_html(data: bytes | str, *, encoding: str | None = None) -> bytes:
    """The page as the UTF-8 bytes libxml2 is given: decoded from its charset, without an XML
    declaration, control bytes or tags too long to parse in linear time (its own step, so
    a crawl's stats show decoding apart from parsing)."""
    if data is None:
        raise HtmlParseError("no input")
    if isinstance(data, str):
        raw = data.encode("utf-8", errors="replace")
    else:
        raw = _utf8(bytes(data), encoding)
    if (decl := _XML_DECL_BYTES.match(raw)) is not None:
        raw = raw[decl.end():]
    raw = raw.translate(_CONTROL_TO_SPACE)
    if len(raw) > 16384:
        raw = _defuse_huge_tags(raw)
    return raw


def parse_prepared(raw: bytes) -> lxml.html.HtmlElement:
    """libxml2's tree of `prepare_html`'s bytes."""
    if not raw.strip() or (b"<" not in raw and not raw.decode("utf-8", "replace").strip()):
        raise HtmlParseError("empty document")
    try:
        tree = lxml.html.document_fromstring(raw, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        try:  # fragments and very broken markup: let the parser wrap whatever it can
            tree = lxml.html.fromstring(b"<html><body>" + raw + b"</body></html>",
                                        parser=_PARSER)
        except (lxml.etree.ParserError, ValueError):
            raise HtmlParseError(f"unparseable HTML: {exc}") from exc
    if tree is None or not isinstance(tree, lxml.html.HtmlElement):
        raise HtmlParseError("parser returned no element tree")
    return tree


#: No page a person or a CMS wrote nests elements this deep (benchmarks/data: none past 60).
MAX_DEPTH = 256
_AT_MAX_DEPTH = lxml.etree.XPath("/" + "/".join(["*"] * MAX_DEPTH))


def flatten_deep(tree: lxml.html.HtmlElement) -> None:
    """Keep the text under an element MAX_DEPTH levels down, without its tags: for code that
    walks the tree recursively and met markup nested past Python's recursion limit (a walk
    down the levels, 0.2 ms on an ordinary page: only done for a page that needs it)."""
    deep = _AT_MAX_DEPTH(tree)
    if not isinstance(deep, list):
        return
    for el in deep:
        if isinstance(el, lxml.etree._Element) and len(el):
            lxml.etree.strip_tags(el, "*")
    if deep:
        logger.info("flattened markup nested deeper than %d levels", MAX_DEPTH)
