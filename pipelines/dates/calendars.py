"""Calendars and month names: Umm al-Qura Hijri, Solar Hijri, and spellings of month names.

Month names are recognised by *normalising* a phrase (case, diacritics, ʿayn/hamza marks,
hyphens, particles, Arabic/Persian letter variants) and then matching the normalised key,
so that spellings never seen before ("Rabi-us-Sani", "Zulkaedah", "جمادي الاولي") work too.
Tables are built once at import; lookups are cached.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

import jdatetime
from hijridate import Gregorian, Hijri

from pipelines.page.vocab import (
    GREGORIAN_MONTHS,
    GREGORIAN_MONTHS_MORE,
    GREGORIAN_MONTHS_MULTI,
    JALALI_MONTHS,
)

GREGORIAN = "gregorian"
HIJRI = "hijri"
JALALI = "jalali"

# --- digits and separators -------------------------------------------------------------------
# Every mapping is one character to one character, so spans in the translated text are spans
# in the original text too.
_ONE_TO_ONE = {
    **{0x0660 + i: ord("0") + i for i in range(10)},  # Arabic-Indic ٠..٩
    **{0x06F0 + i: ord("0") + i for i in range(10)},  # Persian (Extended Arabic-Indic) ۰..۹
    **{0x0966 + i: ord("0") + i for i in range(10)},  # Devanagari, seen on Urdu/Hindi sites
    ord("،"): ord(","),  # Arabic comma
    ord("٬"): ord(","),  # Arabic thousands separator
    ord("٫"): ord("."),  # Arabic decimal separator
    ord("\u00a0"): ord(" "),
    ord("\u2007"): ord(" "),
    ord("\u2009"): ord(" "),
    ord("\u202f"): ord(" "),
    ord("\u200b"): ord(" "),
    ord("\u200c"): ord(" "),  # ZWNJ joins Persian compounds like ربیع‌الاول
    ord("\u200d"): ord(" "),
    ord("\u200e"): ord(" "),  # LRM/RLM marks around dates in bidi text
    ord("\u200f"): ord(" "),
    ord("\u061c"): ord(" "),
    ord("\u2010"): ord("-"),
    ord("\u2011"): ord("-"),
    ord("\u2012"): ord("-"),
    ord("\u2013"): ord("-"),
    ord("\u2014"): ord("-"),
    ord("\u2212"): ord("-"),
    ord("\uff0f"): ord("/"),
}


def normalise_digits(text: str) -> str:
    """Arabic-Indic/Persian digits → ASCII and odd spaces/dashes → plain ones, same length."""
    return text.translate(_ONE_TO_ONE)


# --- month-name normaliser ---------------------------------------------------------------------
_FOLD = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "ß": "ss",
        "ʿ": None,
        "ʾ": None,
        "'": None,
        "’": None,
        "‘": None,
        "`": None,
        "´": None,
        "ʼ": None,
        "ʻ": None,
        ".": " ",
        "_": " ",
        "-": " ",
        ",": " ",
        "\u200c": " ",  # ZWNJ
        "\u200d": None,
        "\u200b": None,
        "\u200e": None,
        "\u200f": None,
        "ـ": None,  # tatweel
        "ء": None,  # lone hamza
        "ى": "ي",  # alef maksura
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ے": "ي",  # Urdu yeh barree
        "ک": "ك",  # Persian kaf
        "ګ": "ك",
        "ة": "ه",  # taa marbuta
        "ۃ": "ه",
        "ہ": "ه",  # Urdu heh goal
        "ە": "ه",
        "ٱ": "ا",  # alef wasla
        "ٲ": "ا",
        "ٳ": "ا",
    }
)

_SPACES = re.compile(r"\s+")


def fold(phrase: str) -> str:
    """Lowercase, strip diacritics/harakat and ʿayn/hamza marks, unify letter variants."""
    s = unicodedata.normalize("NFKD", phrase.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return _SPACES.sub(" ", s.translate(_FOLD)).strip()



# Hijri month names are matched by pattern on the folded, space-free key, so that particles
# (al-/ul-/-us-/el-/ath-/ol-) glued or not, doubled letters and dh/z/th/d variants all work.
_D = r"(?:dh|dz|d|z|th|zh|ds)"  # dhāl as transliterated: Dhu, Zil, Thul, Dzul
_P = r"(?:[aeiou]{0,2}(?:l|s|th|ts|t|d|dh|z|r|n)|u)?"  # article/particle, glued or not
_RABI = r"r[aeo]bb?[iey]{1,3}a?"
_JUMADA = r"(?:j|dj|c|dz|g)[uoae]{1,2}m[aeu]{0,2}(?:d|z|dh)[aeiy]{0,3}"
_FIRST = r"(?:[ae]ww?[ae]l|[ae]vv?[ae]l|owwal|oula|ula|ulaa|uula|uwal|oul|awwal|al?ula|i|1)"
_SECOND = (
    r"(?:t?h?aa?ni|th?a+nia?|s+aa?ni|ts?aa?ni|akh[iea]ra?h?|aa?kh[ie]r|aa?h[iı]r|aa?hir|achir"
    r"|akhar|ukhra|ukhrah|ahire|th?aniy?ah?|ii|2)"
)
_HIJRI_LATIN: list[tuple[int, str]] = [
    (1, r"(?:al)?m[ouh]{1,2}h?[ae]rr?[ae]m(?:[aeiu]?l?h[ae]r[ae]m)?"),
    (2, r"(?:s[ae]f[ae]r|sapar|saphar)(?:[aeiu]?l?(?:m[ou]z[ae]ff?[ae]r|khair|khayr|kh[ae]ir))?"),
    (3, _RABI + _P + _FIRST),
    (4, _RABI + _P + _SECOND),
    (5, _JUMADA + _P + _FIRST),
    (6, _JUMADA + _P + _SECOND),
    (7, r"r[ae](?:jj?|c|dj|y)[ae](?:b|p)(?:[aeiu]?l?m[ou]r[ae]jj?[ae]b)?|rejeb|rajjab"),
    (8, r"(?:sh|s|sy|ch|sch)[ae]{1,2}h?b[ae]{1,2}ne?(?:[aeiu]?l?m[ou][ae]zz?[ae]m)?"),
    (9, r"r[ae]m[ae]{0,2}(?:dh|d|z|th|zh|dz)[ae]{1,2}ne?(?:[aeiu]?l?m[ou]b[ae]r[ae]k)?"),
    (10, r"(?:sh|s|sy|ch|sch)[ae]{1,2}(?:ww?|vv?|ou|u)[ae]{1,2}l(?:[aeiu]?l?m[ou]k[ae]rr?[ae]m)?"),
    (11, _D + r"[uioea]{0,3}(?:[aeiou]?l)?(?:q|k|gh|qu|kh)[aeiu]{0,3}(?:d|dh)[aeh]{0,3}"),
    (12, _D + r"[uioea]{0,3}(?:[aeiou]?l)?h[iae]{1,2}(?:jj?|cc?|dj|dzh)[aeh]{0,3}"),
]
_HIJRI_LATIN_RE = [(m, re.compile(p)) for m, p in _HIJRI_LATIN]

_AL = "(?:ال)?"
_HIJRI_ARABIC: list[tuple[int, str]] = [
    (1, _AL + "محرم(?:الحرام)?"),
    (2, _AL + "صفر(?:الخير|المظفر)?"),
    (3, "ربيع" + _AL + "(?:اول|اولي)"),
    (4, "ربيع" + _AL + "(?:ثاني|اخر|اخير|ثانيه)"),
    (5, "جماد[يا]" + _AL + "(?:اولي|اول|اوله|اولا)"),
    (6, "جماد[يا]" + _AL + "(?:اخره|اخر|اخري|ثانيه|ثاني)"),
    (7, _AL + "رجب(?:المرجب|الاصب|الفرد)?"),
    (8, _AL + "شعبان(?:المعظم)?"),
    (9, _AL + "رمضان(?:المبارك|الكريم|المعظم)?"),
    (10, _AL + "شوال(?:المكرم)?"),
    (11, "ذ[ويا]?" + _AL + "قعد[هة]?"),
    (12, "ذ[ويا]?" + _AL + "حج[هة]?"),
]
_HIJRI_ARABIC_RE = [(m, re.compile(p)) for m, p in _HIJRI_ARABIC]

_ROMAN = {"i": 1, "ii": 2, "1": 1, "2": 2, "1st": 1, "2nd": 2}


def _key(phrase: str) -> str:
    return fold(phrase).replace(" ", "")


def _build_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for names_by_month in (GREGORIAN_MONTHS, GREGORIAN_MONTHS_MORE):
        for month, names in names_by_month.items():
            for name in names.split():
                table.setdefault(_key(name), (GREGORIAN, month))
    for name, month in GREGORIAN_MONTHS_MULTI.items():
        table[_key(name)] = (GREGORIAN, month)
    for month, names in JALALI_MONTHS.items():
        for name in names.split():
            table.setdefault(_key(name), (JALALI, month))
    return table


_TABLE = _build_table()
_PARTICLES = {"al", "el", "ul", "ol", "il", "us", "as", "ath", "ad", "az", "ar", "at", "l", "ut"}
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


@lru_cache(maxsize=8192)
def month_of(phrase: str) -> tuple[str, int] | None:
    """(calendar, month number) a month name means, or None.

    Gregorian and Solar Hijri names come from tables; Hijri names from patterns on the
    normalised key, so unseen transliterations resolve too.
    """
    folded = fold(phrase)
    if not folded or len(folded) > 40:
        return None
    key = folded.replace(" ", "")
    hit = _TABLE.get(key)
    if hit is not None:
        return hit
    if _ARABIC_LETTER.search(key):
        for month, rx in _HIJRI_ARABIC_RE:
            if rx.fullmatch(key):
                return HIJRI, month
        return None
    words = folded.split(" ")
    if len(words) >= 2 and words[-1] in _ROMAN:
        # "Rabi I", "Jumada II": a trailing numeral picks the first or second month.
        base = "".join(w for w in words[:-1] if w not in _PARTICLES)
        ordinal = _ROMAN[words[-1]]
        if re.fullmatch(_RABI, base):
            return HIJRI, 2 + ordinal
        if re.fullmatch(_JUMADA, base):
            return HIJRI, 4 + ordinal
        return None
    for month, rx in _HIJRI_LATIN_RE:
        if rx.fullmatch(key):
            return HIJRI, month
    return None


# --- conversions -----------------------------------------------------------------------------
HIJRI_YEARS = (1343, 1500)  # hijridate's Umm al-Qura table
JALALI_YEARS = (1200, 1600)


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """Umm al-Qura → Gregorian; None when the day does not exist in that month or year range."""
    if not (HIJRI_YEARS[0] <= year <= HIJRI_YEARS[1]) or not 1 <= month <= 12 or day < 1:
        return None
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return dt.date(g.year, g.month, g.day)


def gregorian_to_hijri(day: dt.date) -> tuple[int, int, int] | None:
    """Gregorian → Umm al-Qura (y, m, d); None outside the table (1924–2077)."""
    try:
        return Gregorian(day.year, day.month, day.day).to_hijri().datetuple()
    except (ValueError, OverflowError):
        return None


def jalali_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """Solar Hijri → Gregorian; None for impossible days (e.g. 31 Mehr, 30 Esfand of a
    common year)."""
    if not (JALALI_YEARS[0] <= year <= JALALI_YEARS[1]):
        return None
    try:
        day_: dt.date = jdatetime.date(year, month, day).togregorian()
        return day_
    except ValueError:
        return None


def gregorian_date(year: int, month: int, day: int) -> dt.date | None:
    """A real Gregorian day or None ("30 February", "45 June", month 13)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
