"""String → date: the shared vectors, spellings collected outside them, impossible dates."""

from __future__ import annotations

import json

import pytest

from pipelines.dates.calendars import month_of
from pipelines.dates.parse import find_dates, parse_date, to_hijri
from tests.helpers import TEST_DATA

VECTORS = [
    json.loads(line)
    for line in (TEST_DATA / "date_vectors.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("vec", VECTORS, ids=[f"{i}:{v['text'][:30]}" for i, v in enumerate(VECTORS)])
def test_vectors(vec: dict) -> None:
    got = parse_date(vec["text"])
    assert (got.iso if got else None) == vec["expected"]
    assert (got.calendar if got else "none") == vec["calendar"]


def test_vector_count() -> None:
    assert len(VECTORS) == 309


# Hijri month spellings that are NOT in the vectors, collected by us:
# - Turkish: Diyanet takvimi month names (Muharrem … Zilhicce) with and without circumflex;
# - Urdu/Pakistani press (Dawn, Jang English pages): "Ramzan-ul-Mubarak", "Rabi-us-Sani",
#   "Jamadi-ul-Awwal", "Zeqad", "Zil Hajj", "Muharram-ul-Haram", "Safar-ul-Muzaffar";
# - Malay/Indonesian calendars (JAKIM, Kemenag): "Syawal", "Zulhijah", "Rabiulawal",
#   "Jumadilawal", "Jumadil Akhir", "Zulkaedah", "Syaaban", "Rejab", "Muharam";
# - Iranian transliteration (Tehran Times style): "Rabi-ol-Avval", "Jamadi-ol-Sani",
#   "Zi-ol-Hajjeh", "Zi-ol-Ghadeh", "Moharram", "Shavval";
# - French press (Maghreb): "Chaoual", "Chaabane", "Joumada al oula", "Dhou al-Hijja";
# - Arabic/Persian/Urdu script variants: alef/hamza, yaa/alef maksura, taa marbuta/heh goal.
MONTH_SPELLINGS = [
    ("Muharrem", 1), ("Muharram-ul-Haram", 1), ("Muharam", 1), ("Moharram", 1), ("مُحَرَّم", 1),
    ("Safar-ul-Muzaffar", 2), ("Safer", 2), ("صفر المظفر", 2),
    ("Rebiülevvel", 3), ("Rabiulawal", 3), ("Rabi-ul-Awal", 3), ("Rabi-ol-Avval", 3),
    ("Rabi I", 3), ("Rabīʿ al-Awwal", 3), ("ربیع‌الاول", 3), ("ربيع أول", 3),
    ("Rebiülahir", 4), ("Rebiülâhir", 4), ("Rabi-us-Sani", 4), ("Rabiulakhir", 4),
    ("Rabi ath-Thani", 4), ("Rabi II", 4), ("ربيع الثاني", 4), ("ربیع‌الثانی", 4),
    ("Cemaziyelevvel", 5), ("Cemâziyelevvel", 5), ("Jumadilawal", 5), ("Jamadi-ul-Awwal", 5),
    ("Joumada al oula", 5), ("Jumada I", 5), ("جمادي الاولي", 5), ("جمادى الأول", 5),
    ("Cemaziyelahir", 6), ("Jumadil Akhir", 6), ("Jamadi-ol-Sani", 6), ("Jumādā al-Ākhirah", 6),
    ("جمادى الآخرة", 6), ("جمادي الثانية", 6), ("جمادی‌الثانی", 6),
    ("Receb", 7), ("Recep", 7), ("Rejab", 7), ("رجب المرجب", 7),
    ("Şaban", 8), ("Syaaban", 8), ("Chaabane", 8), ("Shaʿbān", 8), ("شعبان المعظم", 8),
    ("Ramazan", 8 + 1), ("Ramzan", 9), ("Ramzan-ul-Mubarak", 9), ("Ramadhan", 9), ("رمضان المبارك", 9),
    ("Şevval", 10), ("Syawal", 10), ("Shavval", 10), ("Chaoual", 10), ("شوّال", 10),
    ("Zilkade", 11), ("Zilkâde", 11), ("Zeqad", 11), ("Zulkaedah", 11), ("Zulkaidah", 11),
    ("Zi-ol-Ghadeh", 11), ("Dhu'l-Qi'dah", 11), ("ذي القعدة", 11), ("ذیقعده", 11), ("ذوالقعدہ", 11),
    ("Zilhicce", 12), ("Zilhaj", 12), ("Zil Hajj", 12), ("Zulhijah", 12), ("Zi-ol-Hajjeh", 12),
    ("Dhou al-Hijja", 12), ("Dzulhijjah", 12), ("ذي الحجة", 12), ("ذوالحجہ", 12), ("ذی‌الحجه", 12),
]


@pytest.mark.parametrize("name,month", MONTH_SPELLINGS)
def test_hijri_month_spellings(name: str, month: int) -> None:
    assert month_of(name) == ("hijri", month)


@pytest.mark.parametrize(
    "word",
    ["Monday", "Total", "content", "Scroll", "weeks", "posted", "Pazartesi", "الاثنين", "Sun"],
)
def test_non_month_words(word: str) -> None:
    assert month_of(word) is None


@pytest.mark.parametrize(
    "text,iso,calendar",
    [
        # Hijri with unseen spellings, markers and digits
        ("10 Ramzan-ul-Mubarak 1440 AH", "2019-05-15", "hijri"),
        ("Zi-ol-Hajjeh 10, 1440", "2019-08-11", "hijri"),
        ("١٠ ذی‌الحجه ١٤٤٠ ق", "2019-08-11", "hijri"),
        ("4 Syawal 1439H", "2018-06-18", "hijri"),
        ("1439/10/04 هـ", "2018-06-18", "hijri"),
        ("٠٤/١٠/١٤٣٩هـ", "2018-06-18", "hijri"),
        # Gregorian in more languages and numeric forms
        ("21. November 2015", "2015-11-21", "gregorian"),
        ("21 de noviembre de 2015", "2015-11-21", "gregorian"),
        ("21 novembre 2015 à 10h37", "2015-11-21T10:37", "gregorian"),
        ("2015-11-21T10:37:00+03:00", "2015-11-21T10:37", "gregorian"),
        ("2015/11/21", "2015-11-21", "gregorian"),
        ("21.11.2015 um 10:37 Uhr", "2015-11-21T10:37", "gregorian"),
        ("11/21/2015", "2015-11-21", "gregorian"),
        ("Nov. 21, 2015", "2015-11-21", "gregorian"),
        ("Published 10:37, 21 November 2015", "2015-11-21T10:37", "gregorian"),
        ("12:05 AM, March 3, 2020", "2020-03-03T00:05", "gregorian"),
        ("١٨ كانون الثاني ٢٠١٨", "2018-01-18", "gregorian"),
        ("2015年11月21日", "2015-11-21", "gregorian"),
        ("Sun, 22 Nov 2015 10:37:00 GMT", "2015-11-22T10:37", "gregorian"),
        # Romanian, Czech and Hungarian month names
        ("duminică, 20 septembrie 2020 16:20", "2020-09-20T16:20", "gregorian"),
        ("5. března 2021", "2021-03-05", "gregorian"),
        ("2021. október 5.", "2021-10-05", "gregorian"),
        # Solar Hijri
        ("۱۳۹۸/۰۶/۱۳", "2019-09-04", "jalali"),
        ("13 Shahrivar 1398", "2019-09-04", "jalali"),
    ],
)
def test_more_forms(text: str, iso: str, calendar: str) -> None:
    got = parse_date(text, fallback=False)
    assert got is not None
    assert (got.iso, got.calendar) == (iso, calendar)


@pytest.mark.parametrize(
    "text",
    [
        "30 February 2019", "31 Shawwal 1439", "45 June", "45 June 2020", "13/13/2013", "1439",
        "30 Esfand 1398",  # 1398 is a common Solar Hijri year: Esfand has 29 days
        "29 February 2019", "0 Ramadan 1440", "31 April 2020", "1398/06/13",  # ambiguous digits
        "version 2.1.10", "Tel. 0212 555 12 34", "(16)", "",
    ],
)
def test_impossible_or_no_date(text: str) -> None:
    assert parse_date(text) is None


def test_both_calendars_agree_and_disagree() -> None:
    same = parse_date("18 June 2018 - Monday - 4 Shawwal 1439")
    assert same is not None
    assert (same.iso, same.calendar, same.conflict) == ("2018-06-18", "gregorian+hijri", None)
    assert same.hijri == (1439, 10, 4)
    off = parse_date("18 June 2018 - Monday - 3 Shawwal 1439")
    assert off is not None and off.iso == "2018-06-18"
    assert off.conflict == "gregorian 2018-06-18 != hijri 2018-06-17"


# Persian sites mark the era with two letters: ه.ش (hijri shamsi) is the Solar Hijri year,
# ه.ق (hijri qamari) the lunar one; 5 Mehr 1397 = 27 Sep 2018, 5 Muharram 1440 = 15 Sep 2018.
@pytest.mark.parametrize(
    ("text", "iso", "calendar"),
    [
        ("1397/07/05 ه.ش", "2018-09-27", "jalali"),
        ("1397/07/05 هـ.ش", "2018-09-27", "jalali"),
        ("1397/07/05 ه ش", "2018-09-27", "jalali"),
        ("1397/07/05 ش", "2018-09-27", "jalali"),
        ("۱۳۹۷/۰۷/۰۵ ه.ش", "2018-09-27", "jalali"),
        ("05/07/1397 ھ.ش", "2018-09-27", "jalali"),
        ("1397/07/05 S.H.", "2018-09-27", "jalali"),
        ("1440/01/05 ه.ق", "2018-09-15", "hijri"),
        ("1440/01/05 هـ.ق", "2018-09-15", "hijri"),
        ("1440/01/05 ق", "2018-09-15", "hijri"),
        ("1440/01/05 هـ", "2018-09-15", "hijri"),
        ("1440/01/05 A.H.", "2018-09-15", "hijri"),
    ],
)
def test_two_letter_era_markers(text: str, iso: str, calendar: str) -> None:
    got = parse_date(text, fallback=False)
    assert got is not None
    assert (got.iso, got.calendar, got.raw) == (iso, calendar, text)


def test_solar_marker_in_a_persian_line() -> None:
    found = find_dates("تاریخ انتشار: ۵ مهر ۱۳۹۷ ه.ش - ساعت ۱۰:۳۰")
    assert [(d.iso, d.calendar) for d in found] == [("2018-09-27T10:30", "jalali")]
    # an impossible Solar Hijri day under the marker is no date (Mehr has 30 days)
    assert parse_date("1397/07/31 ه.ش", fallback=False) is None


def test_hijri_offset_shifts_the_gregorian_day() -> None:
    assert parse_date("4 Shawwal 1439").iso == "2018-06-18"
    assert parse_date("4 Shawwal 1439", hijri_offset=-1).iso == "2018-06-17"
    assert parse_date("4 Shawwal 1439", hijri_offset=1).iso == "2018-06-19"
    # a site a day behind Umm al-Qura prints 3 Shawwal on 18 June: with its offset, no conflict
    both = parse_date("18 June 2018 - 3 Shawwal 1439", hijri_offset=1)
    assert both.conflict is None


def test_offset_and_span() -> None:
    text = "Posted on 2015-11-21T10:37:00+03:00 by admin"
    got = parse_date(text)
    assert got.tz_offset == 180
    assert text[got.start:got.end] == got.raw == "2015-11-21T10:37:00+03:00"


def test_find_dates_in_a_header_line() -> None:
    line = ("18 June 2018 - Monday - 4 Shawwal 1439 | 18/06/2018 (16) 17/06/2018 (22) "
            "Total: 138,993 content")
    found = find_dates(line)
    assert [d.iso for d in found] == ["2018-06-18", "2018-06-18", "2018-06-17"]
    assert found[0].calendar == "gregorian+hijri"


def test_to_hijri() -> None:
    assert to_hijri("2018-06-18") == (1439, 10, 4)
    assert to_hijri("2015-11-21T10:37") == (1437, 2, 9)
    assert to_hijri("1900-01-01") is None
    assert to_hijri("not a date") is None


def test_fallback_is_guarded() -> None:
    # dateparser would read these as a day of the current month; the guard keeps them out
    for text in ("(16)", "1439", "Total: 138,993 content", "Scroll Up"):
        assert parse_date(text, fallback=True) is None


def test_fallback_reads_forms_the_fast_path_does_not() -> None:
    text = "2015, November the 21st"
    assert parse_date(text, fallback=False) is None
    got = parse_date(text)
    assert got is not None and got.iso == "2015-11-21"
