"""The words and date forms every generated site prints, once per language.

Random-text sites and the demo portal draw their month, weekday and Hijri month names, UI
strings and date lines from here, so a spelling the parser must know is written in one place.

Persian ("fa") is printed as Iranian sites print it: Persian digits (۰-۹, ٬ between thousands),
dates in the Solar Hijri calendar ("۱۸ اردیبهشت ۱۳۹۸", via jdatetime), Gregorian month names
in Persian (ژانویه … دسامبر) beside them, and the lunar Hijri months as Persian spells them
(ربیع‌الاول, ذی‌الحجه, with the half-space).
"""

from __future__ import annotations

import datetime as dt

import jdatetime
from hijridate import Gregorian

MONTHS = {
    "en": "January February March April May June July August September October November "
          "December".split(),
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım "
          "Aralık".split(),
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر "  # Egyptian
          "ديسمبر".split(),
    "fa": "ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر".split(),
}
# The Solar Hijri (Jalali) months every Iranian site dates its articles by.
JALALI_MONTHS = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
# The Levantine (Syriac) names Syrian, Lebanese and Jordanian sites print instead.
MONTHS_AR_LEVANT = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                    "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"]
WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "tr": "Pazartesi Salı Çarşamba Perşembe Cuma Cumartesi Pazar".split(),
    "ar": "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد".split(),
    "fa": "دوشنبه سه‌شنبه چهارشنبه پنجشنبه جمعه شنبه یکشنبه".split(),  # from Monday, like weekday()
}
HIJRI_MONTHS = {
    "en": ["Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula",
           "Jumada al-Akhirah", "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah",
           "Dhu al-Hijjah"],
    "tr": ["Muharrem", "Safer", "Rebiülevvel", "Rebiülahir", "Cemaziyelevvel",
           "Cemaziyelahir", "Recep", "Şaban", "Ramazan", "Şevval", "Zilkade", "Zilhicce"],
    "ar": ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب",
           "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"],
    "fa": ["محرم", "صفر", "ربیع‌الاول", "ربیع‌الثانی", "جمادی‌الاول", "جمادی‌الثانی", "رجب",
           "شعبان", "رمضان", "شوال", "ذی‌القعده", "ذی‌الحجه"],
}
# The portal spells the two Jumadas the other common English way, so both spellings are seen.
HIJRI_MONTHS_PORTAL = {**HIJRI_MONTHS, "en": [
    *HIJRI_MONTHS["en"][:4], "Jumada al-Awwal", "Jumada al-Thani", *HIJRI_MONTHS["en"][6:]]}
SOCIAL = {"en": ["Facebook", "Twitter", "Youtube"], "tr": ["Facebook", "Twitter", "Youtube"],
          "ar": ["فيسبوك", "تويتر", "يوتيوب"], "fa": ["تلگرام", "اینستاگرام", "توییتر"]}
WHATSAPP = {"en": "WhatsApp", "tr": "WhatsApp", "ar": "واتساب", "fa": "واتساپ"}

UI = {  # furniture strings
    "en": {"home": "Home", "news": "News", "politics": "Politics", "economy": "Economy",
           "culture": "Culture", "sports": "Sports", "related": "Related News",
           "top": "Scroll Up", "back": "Back to top", "rights": "All rights reserved.",
           "total": "Total: {n} content", "comments": "Comments", "leave": "Leave a Reply",
           "name": "Name", "send": "Post Comment", "next": "Next page", "prev": "Previous page",
           "by": "By", "slogan": "Subscribe to our daily bulletin for the latest stories",
           "visitors": "Visitors today: {n}", "tags": "Tags", "more": "More news",
           "share": "Share:", "latest": "Latest News", "email": "Email", "comment": "Comment",
           "page": "Page", "author": "Staff Reporter", "no_comments": "No comments yet.",
           "read_more": "Read more"},
    "tr": {"home": "Ana Sayfa", "news": "Haberler", "politics": "Siyaset", "economy": "Ekonomi",
           "culture": "Kültür", "sports": "Spor", "related": "İlgili Haberler",
           "top": "Yukarı Çık", "back": "Başa dön", "rights": "Tüm hakları saklıdır.",
           "total": "Toplam: {n} içerik", "comments": "Yorumlar", "leave": "Yorum Yap",
           "name": "Adınız", "send": "Gönder", "next": "Sonraki sayfa", "prev": "Önceki sayfa",
           "by": "Yazan", "slogan": "En son haberler için günlük bültenimize abone olun",
           "visitors": "Bugünkü ziyaretçi: {n}", "tags": "Etiketler", "more": "Diğer haberler",
           "share": "Paylaş:", "latest": "Son Haberler", "email": "E-posta",
           "comment": "Yorumunuz", "page": "Sayfa", "author": "Haber Merkezi",
           "no_comments": "Henüz yorum yok.", "read_more": "Devamını oku"},
    "ar": {"home": "الرئيسية", "news": "أخبار", "politics": "سياسة", "economy": "اقتصاد",
           "culture": "ثقافة", "sports": "رياضة", "related": "أخبار ذات صلة",
           "top": "العودة للأعلى", "back": "للأعلى", "rights": "جميع الحقوق محفوظة",
           "total": "المجموع: {n} مادة", "comments": "التعليقات", "leave": "أضف تعليق",
           "name": "الاسم", "send": "إرسال", "next": "الصفحة التالية", "prev": "الصفحة السابقة",
           "by": "بقلم", "slogan": "اشترك في نشرتنا اليومية لمتابعة آخر الأخبار",
           "visitors": "زوار اليوم: {n}", "tags": "الوسوم", "more": "المزيد من الأخبار",
           "share": "شارك:", "latest": "آخر الأخبار", "email": "البريد الإلكتروني",
           "comment": "التعليق", "page": "صفحة", "author": "المحرر",
           "no_comments": "لا توجد تعليقات بعد.", "read_more": "اقرأ المزيد"},
    "fa": {"home": "خانه", "news": "اخبار", "politics": "سیاسی", "economy": "اقتصادی",
           "culture": "فرهنگی", "sports": "ورزشی", "related": "مطالب مرتبط",
           "top": "بازگشت به بالا", "back": "بالای صفحه", "rights": "تمامی حقوق محفوظ است.",
           "total": "مجموع مطالب: {n}", "comments": "نظرات", "leave": "ارسال نظر",
           "name": "نام", "send": "ارسال", "next": "صفحه بعد", "prev": "صفحه قبل",
           "by": "نویسنده:", "slogan": "برای دریافت آخرین اخبار در خبرنامه روزانه ما عضو شوید",
           "visitors": "بازدید امروز: {n}", "tags": "برچسب‌ها", "more": "اخبار بیشتر",
           "share": "اشتراک‌گذاری:", "latest": "آخرین اخبار", "email": "ایمیل",
           "comment": "نظر شما", "page": "صفحه", "author": "خبرنگار",
           "no_comments": "هنوز نظری ثبت نشده است.", "read_more": "بیشتر بخوانید"},
}
# The portal's own wording for the same furniture: another site, another voice.
UI_PORTAL = {lang: {**UI[lang], **words} for lang, words in {
    "en": {"related": "Related Articles", "leave": "Leave a Comment", "send": "Send",
           "next": "Next", "prev": "Previous"},
    "tr": {"home": "Anasayfa", "leave": "Yorum Yaz", "next": "Sonraki", "prev": "Önceki",
           "by": "Haber:"},
    "ar": {"news": "الأخبار", "related": "مقالات ذات صلة", "top": "أعلى الصفحة",
           "rights": "جميع الحقوق محفوظة.", "leave": "أضف تعليقا", "next": "التالي",
           "prev": "السابق"},
}.items()}


def ar_digits(text: str) -> str:
    """Arabic-Indic digits, as Arabic-language sites print them."""
    return text.translate(str.maketrans("0123456789,", "٠١٢٣٤٥٦٧٨٩٬"))


def fa_digits(text: str) -> str:
    """Persian digits (۰-۹, not the Arabic-Indic ٠-٩) and ٬ between thousands, as Iranian
    sites print them."""
    return text.translate(str.maketrans("0123456789,", "۰۱۲۳۴۵۶۷۸۹٬"))


def to_jalali(d: dt.date) -> tuple[int, int, int]:
    """The Solar Hijri (Jalali) year, month and day of a Gregorian day."""
    j = jdatetime.date.fromgregorian(date=d)
    return j.year, j.month, j.day


def jdate(d: dt.date, *, weekday: bool = False) -> str:
    """"۱۸ اردیبهشت ۱۳۹۸": a Solar Hijri day as Persian sites print it, the weekday first."""
    y, m, day = to_jalali(d)
    s = fa_digits(f"{day} {JALALI_MONTHS[m - 1]} {y}")
    return f"{WEEKDAYS['fa'][d.weekday()]} {s}" if weekday else s


def jdate_numeric(d: dt.date) -> str:
    """"۱۳۹۸/۰۲/۱۸": the numeric Solar Hijri form of Iranian news agencies."""
    y, m, day = to_jalali(d)
    return fa_digits(f"{y}/{m:02d}/{day:02d}")


def to_hijri(d: dt.date) -> tuple[int, int, int]:
    h = Gregorian(d.year, d.month, d.day).to_hijri()
    return h.year, h.month, h.day


def gdate(d: dt.date, lang: str, *, weekday: bool = False, months: list[str] | None = None) -> str:
    """"17 June 2024", with the weekday where the language's sites put it."""
    s = f"{d.day} {(months or MONTHS[lang])[d.month - 1]} {d.year}"
    if lang == "fa":
        s = fa_digits(s)
        return f"{WEEKDAYS[lang][d.weekday()]} {s}" if weekday else s
    if weekday:
        wd = WEEKDAYS[lang][d.weekday()]
        s = f"{wd} {s}" if lang == "ar" else (f"{s} {wd}" if lang == "tr" else f"{s} - {wd}")
    return s


def hdate(ymd: tuple[int, int, int], lang: str, names: dict[str, list[str]] = HIJRI_MONTHS) -> str:
    """A Hijri day, month name and year; Arabic adds the era mark هـ, Persian its digits."""
    y, m, d = ymd
    s = f"{d} {names[lang][m - 1]} {y}"
    if lang == "fa":
        return fa_digits(s)
    return s + " هـ" if lang == "ar" else s


def today_line(d: dt.date, lang: str, names: dict[str, list[str]] = HIJRI_MONTHS) -> str:
    """A header's "today": Gregorian with weekday, then Hijri (a date that is not the article's).

    Persian: "امروز:" and the Solar Hijri day with its weekday, then lunar Hijri and Gregorian."""
    if lang == "fa":
        return (f"امروز: {jdate(d, weekday=True)} - {hdate(to_hijri(d), lang, names)} - "
                f"{gdate(d, lang)}")
    return f"{gdate(d, lang, weekday=True)} - {hdate(to_hijri(d), lang, names)}"


def counter_line(lang: str, today: dt.date, hits: list[int], total: int, *,
                 day_format: str = "%d/%m/%Y") -> str:
    """A visit counter: a hit count for each of the last days, then the running total
    (Persian: Solar Hijri days and Persian digits)."""
    if lang == "fa":
        days = " ".join(f"{jdate_numeric(today - dt.timedelta(days=i))} ({fa_digits(str(n))})"
                        for i, n in enumerate(hits))
        return f"{days} {UI[lang]['total'].format(n=fa_digits(f'{total:,}'))}"
    days = " ".join(f"{today - dt.timedelta(days=i):{day_format}} ({n})"
                    for i, n in enumerate(hits))
    n = f"{total:,}"
    return f"{days} {UI[lang]['total'].format(n=n.replace(',', '.') if lang == 'tr' else n)}"


# A breadcrumb trail's words and separator, as each language's sites print them.
BREADCRUMB = {
    "en": (" » ", ["Home", "News"], ["Economy", "Politics", "Culture", "Sports"]),
    "ar": (" » ", ["الرئيسية", "أخبار"], ["اقتصاد", "سياسة", "ثقافة", "رياضة"]),
    "tr": (" > ", ["Anasayfa", "Gündem"], ["Ekonomi", "Siyaset", "Kültür", "Spor"]),
    "fa": (" / ", ["صفحه اصلی", "اخبار"], ["اقتصادی", "سیاسی", "فرهنگی", "ورزشی"]),
}


def breadcrumb_line(lang: str, section: int) -> str:
    """"Home » News » Economy": the trail some sites print above the headline."""
    sep, trail, sections = BREADCRUMB[lang]
    return sep.join([*trail, sections[section % len(sections)]])


def views_line(lang: str, n: int) -> str:
    """An article's view counter: "Views: 1,234", "عدد الزيارات: 2950", "Okunma: 1.245",
    "بازدید: ۱۲۳۴" or "تعداد بازدید: ۵۴۲" (Persian sites print both)."""
    if lang == "fa":
        return fa_digits(f"{'تعداد بازدید' if n % 2 else 'بازدید'}: {n}")
    if lang == "ar":
        return f"عدد الزيارات: {n}"
    if lang == "tr":
        return f"Okunma: {n:,}".replace(",", ".")
    return f"Views: {n:,}"


def reading_time_line(lang: str, minutes: int) -> str:
    """"Reading time: 3 min", "2 دقائق للقراءة", "3 dk okuma", "زمان مطالعه: ۳ دقیقه"."""
    return {"en": f"Reading time: {minutes} min", "ar": f"{minutes} دقائق للقراءة",
            "tr": f"{minutes} dk okuma",
            "fa": fa_digits(f"زمان مطالعه: {minutes} دقیقه")}[lang]
