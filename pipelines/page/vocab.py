"""Vocabularies as data: month and weekday names in the calendars and languages tarikh reads.

Month names live here once: the date parser (`pipelines.dates.calendars`) builds its lookup
table from them, and furniture detection masks them in block fingerprints.
"""

from __future__ import annotations

# Gregorian month names: en, tr, de, fr, es, it, pt, nl, id/ms, sv/da/no, pl, ru, ro, cs, hu; Arabic
# (Egyptian, Levantine, Maghrebi sets) and Persian. Keys are written as they are spelled and
# folded at import.
GREGORIAN_MONTHS: dict[int, str] = {
    1: "january jan janvier janv enero ene gennaio gen janeiro januar jänner januari ocak oca "
    "stycznia styczeń января январь leden ledna gennaro "
    "يناير كانون الثاني جانفي ينایر ژانویه ژانویهٔ",
    2: "february feb febr februar feber février févr fevr febrero febbraio fevereiro fev februari "
    "şubat şub lutego luty февраля февраль "
    "فبراير شباط فيفري فبرایر فوریه",
    3: "march mar märz mrz mars marzo março marco maart mrt maret mac mart marca marzec марта март "
    "مارس آذار",
    4: "april apr avril avr abril abr aprile nisan nis kwietnia апреля апрель "
    "أبريل ابريل إبريل نيسان أفريل افريل آوریل آپریل",
    5: "may mai mayo maggio mag maio mei maj mayıs maja мая май "
    "مايو أيار ايار ماي مه می",
    6: "june jun juin junio giugno giu junho juni haziran haz czerwca июня июнь "
    "يونيو يونيه حزيران جوان ژوئن",
    7: "july jul juillet juil julio luglio lug julho juli temmuz tem lipca июля июль "
    "يوليو يوليه تموز جويلية جويلیة ژوئیه ژوییه",
    8: "august aug août aout agosto ago augustus agustus ogos augusti ağustos ağu sierpnia "
    "августа август أغسطس اغسطس آب أوت اوت آگوست",
    9: "september sep sept septembre septiembre setiembre settembre set setembro eylül eyl "
    "września wrzesnia сентября сентябрь سبتمبر أيلول ايلول سپتامبر",
    10: "october oct octobre octubre ottobre ott outubro out oktober okt ekim eki "
    "października pazdziernika октября октябрь أكتوبر اكتوبر تشرين الأول اكتبر أکتبر",
    11: "november nov novembre noviembre novembro nop kasım kas listopada ноября ноябрь "
    "نوفمبر تشرين الثاني نوامبر",
    12: "december dec décembre diciembre dic dicembre dezembro dez dezember desember disember "
    "aralık ara grudnia декабря декабрь ديسمبر كانون الأول دسامبر",
}
# Romanian, Czech (genitive, as dates print them) and Hungarian full names; their short forms
# ("noi", "ian") are ordinary words, so only full names are listed.
GREGORIAN_MONTHS_MORE: dict[int, str] = {
    1: "ianuarie január ledna", 2: "februarie február února", 3: "martie március března",
    4: "aprilie április dubna", 5: "május května", 6: "iunie június června",
    7: "iulie július července", 8: "augusztus srpna", 9: "septembrie szeptember září",
    10: "octombrie október října", 11: "noiembrie listopadu", 12: "decembrie prosince",
}
# Multi-word Arabic names (Levantine) must stay together; list them explicitly.
GREGORIAN_MONTHS_MULTI = {
    "كانون الثاني": 1,
    "تشرين الأول": 10,
    "تشرين الثاني": 11,
    "كانون الأول": 12,
    "تشرين أول": 10,
    "تشرين ثاني": 11,
    "كانون أول": 12,
    "كانون ثاني": 1,
}

JALALI_MONTHS: dict[int, str] = {
    1: "farvardin farvardeen فروردین",
    2: "ordibehesht ordibehest ardibehesht ordibehesht اردیبهشت",
    3: "khordad khordaad xordad خرداد",
    4: "tir teer تیر",
    5: "mordad amordad mordaad امرداد مرداد",
    6: "shahrivar shahrivar sharivar شهریور",
    7: "mehr mehrmah مهر",
    8: "aban abaan آبان",
    9: "azar azer آذر",
    10: "dey dei دی",
    11: "bahman بهمن",
    12: "esfand esfand isfand espand اسفند",
}


# Month names as furniture detection sees them: single lower-case words, including the
# spelled-out Hijri months that the parser matches by pattern.
_MONTH_WORDS_EXTRA = """
enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
diciembre janeiro fevereiro março maio junho julho setembro outubro novembro dezembro
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
januar februar märz juni juli oktober dezember gennaio febbraio aprile maggio giugno
luglio settembre ottobre dicembre
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık
muharram muharrem safar safer rabi rabiul rabia rebiülevvel rebiülahir awwal al-awwal
al-thani al-akhir thani akhir jumada jumadal jumadi cemaziyelevvel cemaziyelahir ula ul
al-ula al-akhirah akhirah al-akhira akhira al-oula al-ukhra
rajab recep receb shaban sha'ban şaban ramadan ramazan ramadhan shawwal şevval dhu dhul
al-qadah al-qa'dah qadah qa'dah qadah zilkade al-hijjah hijjah zilhicce
farvardin ordibehesht khordad tir mordad shahrivar mehr aban azar dey bahman esfand
يناير فبراير مارس أبريل ابريل إبريل مايو يونيو يوليو أغسطس اغسطس سبتمبر أكتوبر اكتوبر
نوفمبر ديسمبر كانون الثاني شباط آذار اذار نيسان أيار ايار حزيران تموز آب اب أيلول ايلول
تشرين الأول الاول
محرم صفر ربيع الآخر الاخر الثاني جمادى الأولى الاولى الآخرة الاخرة رجب شعبان رمضان شوال
ذو ذي القعدة الحجة
فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند ژانویه فوریه
مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر
"""
WEEKDAYS = """
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
fri sat sun lunes martes miércoles jueves viernes sábado domingo segunda terça quarta
quinta sexta feira segunda-feira terça-feira quarta-feira quinta-feira sexta-feira
lundi mardi mercredi jeudi vendredi samedi dimanche montag dienstag mittwoch donnerstag
freitag samstag sonntag pazartesi salı çarşamba perşembe cuma cumartesi pazar
الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت الأحد الاحد
دوشنبه سه‌شنبه سهشنبه چهارشنبه پنجشنبه پنج‌شنبه جمعه شنبه یکشنبه یک‌شنبه
"""
DATE_GLUE = """
ad ah ce bc h hijri hicri miladi m am pm gmt utc today bugün اليوم امروز هـ ه م ق ش
الموافق the of de del st nd rd th at on saat ساعة às las le um uhr updated published
ساعت تاریخ انتشار به‌روزرسانی بروزرسانی
"""


def _words(*tables: dict[int, str]) -> set[str]:
    return {w.lower() for table in tables for names in table.values() for w in names.split()}


#: Every month name word, in every calendar and language.
MONTH_WORDS = frozenset(_MONTH_WORDS_EXTRA.split()) | frozenset(
    _words(GREGORIAN_MONTHS, GREGORIAN_MONTHS_MORE, JALALI_MONTHS))
