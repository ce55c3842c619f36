"""Text normalisation for full-text search, applied alike to stored articles and to queries.

Readers type words the way their keyboard and habits give them: Arabic without tashkeel,
Persian with an Arabic keyboard, Turkish without the dot on İ, French without accents. The
index stores every article's title and text folded the same way a query is folded, so both
sides meet in one spelling. The folding is *light* (no stemming): it only erases differences
that a reader of the language does not consider a different word.

Foldings chosen, and why:

* Unicode compatibility forms (NFKD): Arabic presentation forms and ligatures (ﻻ, ﷲ) become
  their letters, full-width and superscript forms become ASCII, precomposed letters split into
  base + mark so the mark can go.
* Case: full Unicode case folding (casefold), so ß ~ ss and Σ/ς ~ σ.
* Turkish i: İ, I, ı and i all fold to ASCII i. casefold("İ") is "i" + U+0307 (combining dot
  above); the dot is a combining mark and goes with the others, and dotless ı is mapped
  explicitly, so "istanbul" finds "İstanbul", "ISTANBUL" and "ıstanbul".
* Diacritics: combining marks of the Latin, Greek, Cyrillic, Hebrew, Syriac and Arabic blocks are
  removed (Latin accents, Arabic harakat: fatha, damma, kasra, tanwin, shadda, sukun, maddah,
  hamza above/below, superscript alef, Quranic annotation marks). Marks of Indic and
  South-East Asian scripts are vowel signs that spell the word, so they are kept.
* Arabic letters, as in Lucene's ArabicNormalizer (the standard light normalisation of Arabic
  IR): alef with madda/hamza above/hamza below and alef wasla (آ أ إ ٱ) → bare alef ا;
  alef maqsura ى → yeh ي; teh marbuta ة → heh ه; tatweel ـ removed. Beyond Lucene, hamza on a
  waw or yeh seat (ؤ ئ) folds to the seat letter (و ي): writers disagree on the seat, and the
  seat letter without hamza is how the word is typed on many keyboards. Standalone hamza ء is a
  letter and stays.
* Persian, as in Lucene's PersianNormalizer: Farsi yeh ی and yeh barree ے → ي, keheh ک → ك,
  heh with yeh above ۀ and heh goal ہ → ه.
* Digits: every decimal digit (Arabic-Indic ٠-٩, Persian ۰-۹, full-width, Devanagari, …) → ASCII,
  and the Arabic decimal/thousands separators → "." and ",", so "٢٠١٨" finds "2018".
* Invisible characters: the zero-width non-joiner (Persian half-space, می‌خواهم) becomes a space,
  as Lucene's PersianCharFilter does, so the half-spaced and the space-separated spellings give
  the same two tokens (a query word holding a ZWNJ is searched as a phrase by
  pipelines.store.search). The zero-width space is a word break too. Joiners, direction marks,
  bidi controls, the BOM and the soft hyphen sit inside words and are removed.

Everything is one per-character mapping, precomputed once into a table that str.translate
applies in C (about 25 ns per non-ASCII character; ASCII text takes translate's fast path).
Because it is per character, the position of every normalised character in the original text is
known (char_offsets), which lets search show snippets in the original spelling.
Characters beyond the Basic Multilingual Plane (emoji, rare scripts) pass through unchanged.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from itertools import accumulate

# Bump whenever the folding changes: store.py rebuilds the search index of a database whose
# index was written with another version (old rows would otherwise no longer match queries).
NORMALIZATION_VERSION = 2

# Combining-mark blocks whose marks are optional diacritics for readers of those scripts.
_MARK_RANGES = (
    (0x0300, 0x036F),  # Combining Diacritical Marks (Latin, Greek, Cyrillic accents, İ's dot)
    (0x0483, 0x0489),  # Cyrillic combining marks
    (0x0591, 0x05C7),  # Hebrew points and cantillation
    (0x0610, 0x061A),  # Arabic honorifics and small Quranic marks
    (0x064B, 0x065F),  # Arabic harakat, tanwin, shadda, sukun, maddah, hamza above/below
    (0x0670, 0x0670),  # Arabic superscript (dagger) alef
    (0x06D6, 0x06ED),  # Arabic Quranic annotation marks
    (0x0711, 0x0711),  # Syriac superscript alaph
    (0x0730, 0x074A),  # Syriac vowels
    (0x0898, 0x08FF),  # Arabic Extended-A/B marks
    (0x1AB0, 0x1AFF),  # Combining Diacritical Marks Extended
    (0x1DC0, 0x1DFF),  # Combining Diacritical Marks Supplement
    (0x20D0, 0x20FF),  # Combining marks for symbols
    (0xFE20, 0xFE2F),  # Combining half marks
)

# Letter foldings applied after NFKD + casefold (hamza/madda alefs, ؤ and ئ are decomposed by
# NFKD into a base letter and a mark, so they need no entry here).
_LETTERS = {
    "\u0671": "\u0627",  # ٱ alef wasla → ا
    "\u0672": "\u0627",  # ٲ alef with wavy hamza above → ا
    "\u0673": "\u0627",  # ٳ alef with wavy hamza below → ا
    "\u0674": "",  # ٴ high hamza (seat mark of ٵ ٶ ٷ ٸ after NFKD)
    "\u0649": "\u064a",  # ى alef maqsura → ي
    "\u06cc": "\u064a",  # ی Farsi yeh → ي
    "\u06d2": "\u064a",  # ے yeh barree → ي
    "\u0629": "\u0647",  # ة teh marbuta → ه
    "\u06c1": "\u0647",  # ہ heh goal → ه
    "\u06c3": "\u0647",  # ۃ teh marbuta goal → ه
    "\u06a9": "\u0643",  # ک keheh → ك
    "\u06aa": "\u0643",  # ڪ swash kaf → ك
    "\u0640": "",  # ـ tatweel (kashida), pure stretching
    "\u06e5": "",  # ۥ small waw (Quranic)
    "\u06e6": "",  # ۦ small yeh (Quranic)
    "\u066b": ".",  # ٫ Arabic decimal separator
    "\u066c": ",",  # ٬ Arabic thousands separator
    "\u066a": "%",  # ٪ Arabic percent sign
    "\u0131": "i",  # ı Turkish dotless i
    "\u200c": " ",  # ZWNJ, Persian half-space: a word boundary for the tokenizer
    "\u200b": " ",  # zero-width space: a word boundary
    "\u200d": "",  # zero-width joiner
    "\u200e": "",  # left-to-right mark
    "\u200f": "",  # right-to-left mark
    "\u061c": "",  # Arabic letter mark
    "\u2060": "",  # word joiner
    "\ufeff": "",  # BOM / zero-width no-break space
    "\u00ad": "",  # soft hyphen
    **{chr(cp): "" for cp in range(0x202A, 0x202F)},  # bidi embeddings and overrides
    **{chr(cp): "" for cp in range(0x2066, 0x206A)},  # bidi isolates
}

# Folded before NFKD, whose decomposition of these would give Kurdish ae (ە) + hamza, not heh.
_BEFORE_NFKD = {"\u06c0": "\u0647", "\ufba4": "\u0647", "\ufba5": "\u0647"}


def _is_removable_mark(ch: str) -> bool:
    cp = ord(ch)
    return unicodedata.category(ch) in ("Mn", "Me") and any(
        lo <= cp <= hi for lo, hi in _MARK_RANGES
    )


def _fold_char(ch: str) -> str:
    """The full folding of one character (used once per code point to build the table)."""
    if ch in _BEFORE_NFKD:
        return _BEFORE_NFKD[ch]
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold())
    out = []
    for c in s:
        c = _LETTERS.get(c, c)
        if not c or _is_removable_mark(c):
            continue
        if unicodedata.category(c) == "Nd":
            c = str(unicodedata.digit(c))
        out.append(c)
    return "".join(out)


def _build_tables() -> tuple[list[int | str], list[str]]:
    """Translate table (a list indexed by code point: no dict miss costs) and output lengths."""
    table: list[int | str] = list(range(0x10000))
    lengths = ["\x01"] * 0x10000
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:  # surrogates: not characters
            continue
        ch = chr(cp)
        folded = _fold_char(ch)
        if folded != ch:
            table[cp] = folded
            lengths[cp] = chr(len(folded))
    return table, lengths


_TABLE, _LENGTHS = _build_tables()


@lru_cache(maxsize=4)
def normalize_for_search(text: str) -> str:
    """Fold `text` to the spelling the search index stores (see the module docstring).

    The last few results are kept: storing an article folds its text for the search row and
    again for its near-duplicate signature (pipelines.article.dupes), the same string twice.
    """
    return text.translate(_TABLE)


def char_offsets(text: str) -> list[int]:
    """Offset in normalize_for_search(text) where each character of `text` starts.

    One entry per character plus a final one, the normalised length; a character that folds
    to nothing (a diacritic) starts where the next one does.
    """
    codes = text.translate(_LENGTHS)
    if codes.isascii():
        return [0, *accumulate(codes.encode("ascii"))]
    # Characters beyond the BMP are left unchanged by the table: one character each.
    return [0, *accumulate(ord(c) if ord(c) < 0x80 else 1 for c in codes)]
