"""Regenerate the bundled demo news site from articles.json.

The site imitates a seed-style news portal: every page carries "furniture" (a header with
today's date in Gregorian and Hijri, visit counters, menus, share bars, related lists, comment
forms, a copyright line, "Scroll Up") around the article, so the crawler's cleaner and date
finder are tested against the same traps as on the real site.  Output is deterministic: the
same articles.json always yields byte-identical files.

Run:  .venv/bin/python data/demo-site/build.py
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from hijridate import Gregorian, Hijri

HERE = Path(__file__).resolve().parent
TZ = ZoneInfo("Europe/Istanbul")
PER_PAGE = 5
LANGS = ("en", "ar", "tr")
# Listing, home and tag pages show one fixed "today", as if all were fetched the same day.
LISTING_TODAY = date(2024, 6, 17)
GENERATED = ("en", "ar", "tr", "tag", "static", "index.html", "sitemap.xml", "robots.txt",
             "manifest.json")

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AR_MONTHS_EG = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
AR_MONTHS_LEV = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                 "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"]
AR_DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
TR_MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos",
             "Eylül", "Ekim", "Kasım", "Aralık"]
TR_DAYS = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"]
HIJRI_EN = ["Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Awwal",
            "Jumada al-Thani", "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah",
            "Dhu al-Hijjah"]
HIJRI_AR = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب",
            "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
HIJRI_TR = ["Muharrem", "Safer", "Rebiülevvel", "Rebiülahir", "Cemaziyelevvel",
            "Cemaziyelahir", "Recep", "Şaban", "Ramazan", "Şevval", "Zilkade", "Zilhicce"]

SITE_NAME = {"en": "Bosphorus Crescent News", "ar": "أخبار هلال البوسفور",
             "tr": "Boğaz Hilal Haber"}
TAG_NAMES = {
    "culture": {"en": "Culture", "ar": "ثقافة", "tr": "Kültür"},
    "science": {"en": "Science", "ar": "علوم", "tr": "Bilim"},
    "weather": {"en": "Weather", "ar": "طقس", "tr": "Hava Durumu"},
    "sport": {"en": "Sport", "ar": "رياضة", "tr": "Spor"},
    "economy": {"en": "Economy", "ar": "اقتصاد", "tr": "Ekonomi"},
    "city": {"en": "City Life", "ar": "المدينة", "tr": "Şehir"},
}
UI = {
    "en": {"home": "Home", "news": "News", "social": ["Facebook", "Twitter", "Youtube"],
           "share": "Share:", "related": "Related Articles", "latest": "Latest News",
           "comments": "Comments", "leave": "Leave a Comment", "name": "Name",
           "email": "Email", "comment": "Comment", "send": "Send", "tags": "Tags:",
           "top": "Scroll Up", "rights": "All rights reserved.", "total": "Total:",
           "content": "content", "next": "Next", "prev": "Previous", "page": "Page",
           "by": "By", "author": "Staff Reporter", "no_comments": "No comments yet.",
           "read_more": "Read more"},
    "ar": {"home": "الرئيسية", "news": "الأخبار", "social": ["فيسبوك", "تويتر", "يوتيوب"],
           "share": "شارك:", "related": "مقالات ذات صلة", "latest": "آخر الأخبار",
           "comments": "التعليقات", "leave": "أضف تعليقا", "name": "الاسم",
           "email": "البريد الإلكتروني", "comment": "التعليق", "send": "إرسال",
           "tags": "الوسوم:", "top": "أعلى الصفحة", "rights": "جميع الحقوق محفوظة.",
           "total": "المجموع:", "content": "مادة", "next": "التالي", "prev": "السابق",
           "page": "صفحة", "by": "بقلم", "author": "المحرر", "no_comments": "لا توجد تعليقات بعد.",
           "read_more": "اقرأ المزيد"},
    "tr": {"home": "Anasayfa", "news": "Haberler", "social": ["Facebook", "Twitter", "Youtube"],
           "share": "Paylaş:", "related": "İlgili Haberler", "latest": "Son Haberler",
           "comments": "Yorumlar", "leave": "Yorum Yaz", "name": "Adınız", "email": "E-posta",
           "comment": "Yorumunuz", "send": "Gönder", "tags": "Etiketler:", "top": "Yukarı Çık",
           "rights": "Tüm hakları saklıdır.", "total": "Toplam:", "content": "içerik",
           "next": "Sonraki", "prev": "Önceki", "page": "Sayfa", "by": "Haber:",
           "author": "Haber Merkezi", "no_comments": "Henüz yorum yok.",
           "read_more": "Devamını oku"},
}
LANG_LABEL = {"en": "English", "ar": "العربية", "tr": "Türkçe"}


@dataclass(eq=False)
class Article:
    """One article plus everything derived from it (URL, dates, printed forms)."""

    index: int
    lang: str
    slug: str
    title: str
    paragraphs: list[str]
    tags: list[str]
    machine: str | None
    fmt: str
    comments: list[list[str]]
    published: datetime  # local wall time; 12:00 stands in when only a day is printed
    has_time: bool
    hijri: tuple[int, int, int] | None  # set when the byline is Hijri-only
    today: date = field(default=date(2000, 1, 1))

    @property
    def path(self) -> str:
        return f"/{self.lang}/{self.published:%Y}/{self.published:%m}/{self.slug}.html"

    @property
    def expected_iso(self) -> str:
        return self.published.strftime("%Y-%m-%dT%H:%M" if self.has_time else "%Y-%m-%d")

    @property
    def machine_value(self) -> str:
        """ISO value for <time datetime> / article:published_time, with the local offset."""
        if not self.has_time:
            return self.published.strftime("%Y-%m-%d")
        return self.published.replace(tzinfo=TZ).isoformat()


def ar_digits(text: str) -> str:
    """Arabic-Indic digits, as Arabic-language sites print them."""
    return text.translate(str.maketrans("0123456789,", "٠١٢٣٤٥٦٧٨٩٬"))


def to_hijri(d: date) -> tuple[int, int, int]:
    h = Gregorian(d.year, d.month, d.day).to_hijri()
    return h.year, h.month, h.day


def format_byline(a: Article) -> str:
    """The article's printed publication date, in the format its template uses."""
    p, f = a.published, a.fmt
    hm = f"{p:%H:%M}"
    if a.hijri is not None:
        y, m, d = a.hijri
        wd = p.weekday()
        return {
            "en_hijri": f"{d} {HIJRI_EN[m - 1]} {y} AH",
            "ar_hijri": ar_digits(f"{d} {HIJRI_AR[m - 1]} {y} هـ"),
            "ar_hijri_weekday": ar_digits(f"{AR_DAYS[wd]} {d} {HIJRI_AR[m - 1]} {y} هـ"),
            "tr_hijri": f"{d} {HIJRI_TR[m - 1]} {y}",
            "tr_hijri_weekday": f"{d} {HIJRI_TR[m - 1]} {y} {TR_DAYS[wd]}",
        }[f]
    forms = {
        "en_dmy_time": f"{p.day} {EN_MONTHS[p.month - 1]} {p.year} {hm}",
        "en_weekday": f"{EN_DAYS[p.weekday()]}, {p.day} {EN_MONTHS[p.month - 1]} {p.year}",
        "en_mdy_time": f"{EN_MONTHS[p.month - 1]} {p.day}, {p.year} - {hm}",
        "ar_egypt_time": ar_digits(f"{p.day} {AR_MONTHS_EG[p.month - 1]} {p.year} - {hm}"),
        "ar_egypt": ar_digits(f"{p.day} {AR_MONTHS_EG[p.month - 1]} {p.year}"),
        "ar_levant_time": ar_digits(f"{p.day} {AR_MONTHS_LEV[p.month - 1]} {p.year} {hm}"),
        "ar_levant_weekday": ar_digits(
            f"{AR_DAYS[p.weekday()]} {p.day} {AR_MONTHS_LEV[p.month - 1]} {p.year}"),
        "ar_levant_weekday_time": ar_digits(
            f"{AR_DAYS[p.weekday()]} {p.day} {AR_MONTHS_LEV[p.month - 1]} {p.year} - {hm}"),
        "tr_full": f"{p:%d} {TR_MONTHS[p.month - 1]} {p.year} {TR_DAYS[p.weekday()]} {hm}",
        "tr_numeric": f"{p:%d.%m.%Y} {hm}",
        "tr_plain": f"{p.day} {TR_MONTHS[p.month - 1]} {p.year}",
    }
    return forms[f]


def format_today(lang: str, d: date) -> str:
    """Header line with the day the page was generated, Gregorian and Hijri (like the seed)."""
    hy, hm, hd = to_hijri(d)
    wd = d.weekday()
    if lang == "ar":
        return ar_digits(f"{AR_DAYS[wd]} {d.day} {AR_MONTHS_EG[d.month - 1]} {d.year} - "
                         f"{hd} {HIJRI_AR[hm - 1]} {hy} هـ")
    if lang == "tr":
        return f"{d.day} {TR_MONTHS[d.month - 1]} {d.year} {TR_DAYS[wd]} - {hd} {HIJRI_TR[hm - 1]} {hy}"
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year} - {EN_DAYS[wd]} - {hd} {HIJRI_EN[hm - 1]} {hy}"


def format_counter(lang: str, d: date, seed: str) -> str:
    """Visit counter: the last five days with hit counts, then the running total."""
    rnd = random.Random(f"counter:{seed}")
    parts = []
    for back in range(5):
        day = d - timedelta(days=back)
        n = rnd.randint(8, 60)
        if lang == "tr":
            parts.append(f"{day:%d.%m.%Y} ({n})")
        else:
            parts.append(f"{day:%d/%m/%Y} ({n})")
    total = 100_000 + (d - date(2010, 1, 1)).days * 23 + rnd.randint(0, 999)
    ui = UI[lang]
    if lang == "tr":
        return " ".join(parts) + f" {ui['total']} {total:,} {ui['content']}".replace(",", ".")
    text = " ".join(parts) + f" {ui['total']} {total:,} {ui['content']}"
    return ar_digits(text) if lang == "ar" else text


def format_comment_date(lang: str, dt: datetime) -> str:
    if lang == "ar":
        return ar_digits(f"{dt:%d/%m/%Y - %H:%M}")
    if lang == "tr":
        return f"{dt:%d.%m.%Y %H:%M}"
    return f"{dt.day} {EN_MONTHS[dt.month - 1]} {dt.year} at {dt:%H:%M}"


def load_articles() -> list[Article]:
    raw = json.loads((HERE / "articles.json").read_text(encoding="utf-8"))
    articles = []
    for i, r in enumerate(raw):
        spec: str = r["date"]
        hijri = None
        if spec.startswith("H"):
            hijri = tuple(int(x) for x in spec[1:].split("-"))
            g = Hijri(*hijri).to_gregorian()
            published, has_time = datetime(g.year, g.month, g.day, 12, 0), False
        elif "T" in spec:
            published, has_time = datetime.fromisoformat(spec), True
        else:
            published, has_time = datetime.fromisoformat(spec + "T12:00"), False
        a = Article(index=i, lang=r["lang"], slug=r["slug"], title=r["title"],
                    paragraphs=r["paragraphs"], tags=r["tags"], machine=r["machine"],
                    fmt=r["fmt"], comments=r["comments"], published=published,
                    has_time=has_time, hijri=hijri)
        rnd = random.Random(f"today:{a.slug}")
        a.today = published.date() + timedelta(days=rnd.randint(1, 900))
        articles.append(a)
    return articles


# ---------------------------------------------------------------- page pieces


def page_head(lang: str, title: str, extra: str = "") -> str:
    dir_ = "rtl" if lang == "ar" else "ltr"
    return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{dir_}">\n<head>\n'
            f'<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n{extra}"
            f'<link rel="stylesheet" href="/static/style.css">\n</head>\n<body>\n')


def site_header(lang: str, today: date, seed: str) -> str:
    ui = UI[lang]
    hosts = ("facebook", "twitter", "youtube")
    social = " ".join(f'<a href="https://www.{h}.com/bosphoruscrescent" rel="nofollow">{s}</a>'
                      for h, s in zip(hosts, ui["social"], strict=True))
    menu = [f'<li><a href="/index.html">{ui["home"]}</a></li>',
            f'<li><a href="/{lang}/index.html">{ui["news"]}</a></li>']
    menu += [f'<li><a href="/tag/{t}.html">{names[lang]}</a></li>'
             for t, names in TAG_NAMES.items()]
    menu += [f'<li><a href="/{other}/index.html" lang="{other}">{LANG_LABEL[other]}</a></li>'
             for other in LANGS if other != lang]
    return (f'<div id="top" class="site-header">\n'
            f'<div class="logo"><a href="/index.html">{SITE_NAME[lang]}</a></div>\n'
            f'<div class="topbar"><span class="today">{format_today(lang, today)}</span> | '
            f'<span class="counter">{format_counter(lang, today, seed)}</span> '
            f'<span class="social">{social}</span></div>\n'
            f'<ul class="menu">{"".join(menu)}</ul>\n</div>\n')


def share_bar(lang: str, path: str) -> str:
    ui = UI[lang]
    names = ui["social"] + ["واتساب" if lang == "ar" else "WhatsApp"]
    hosts = ["facebook.com/sharer.php?u=", "twitter.com/intent/tweet?url=",
             "youtube.com/bosphoruscrescent?ref=", "wa.me/?text="]
    links = " ".join(f'<a href="https://{h}{quote(path, safe="")}" rel="nofollow">{n}</a>'
                     for h, n in zip(hosts, names, strict=True))
    return f'<div class="share-bar">{ui["share"]} {links}</div>\n'


def site_footer(lang: str) -> str:
    ui = UI[lang]
    year = "٢٠١٣–٢٠٢٤" if lang == "ar" else "2013–2024"
    return (f'<div class="footer"><p class="copyright">© {year} {SITE_NAME[lang]}. '
            f'{ui["rights"]}</p>\n<p><a href="#top" class="scroll-up">{ui["top"]}</a></p></div>\n'
            "</body>\n</html>\n")


def byline_html(a: Article, byline: str) -> str:
    ui = UI[a.lang]
    date_html = (f'<time datetime="{a.machine_value}">{byline}</time>' if a.machine == "time"
                 else f'<span class="date">{byline}</span>')
    author = (f'<span class="author">{ui["by"]} {ui["author"]}</span> '
              if a.index % 3 == 1 else "")
    return f'<div class="post-meta">{author}{date_html}</div>\n'


def related_for(a: Article, same_lang: list[Article]) -> list[Article]:
    """Three other articles from the same section: chronological neighbours first."""
    pos = same_lang.index(a)
    picks = [same_lang[(pos + k) % len(same_lang)] for k in (1, -1, 3)]
    return [r for r in dict.fromkeys(picks) if r is not a][:3]


def comments_html(a: Article) -> str:
    ui = UI[a.lang]
    rnd = random.Random(f"comments:{a.slug}")
    count = ar_digits(str(len(a.comments))) if a.lang == "ar" else str(len(a.comments))
    out = [f'<div class="comments" id="comments">\n<h3>{ui["comments"]} ({count})</h3>\n']
    when = a.published
    if not a.comments:
        out.append(f'<p class="no-comments">{ui["no_comments"]}</p>\n')
    for name, text in a.comments:
        when = when + timedelta(hours=rnd.randint(2, 200), minutes=rnd.randint(0, 59))
        out.append(f'<div class="comment"><span class="comment-author">{escape(name)}</span> '
                   f'<span class="comment-date">{format_comment_date(a.lang, when)}</span>'
                   f"<p>{escape(text)}</p></div>\n")
    out.append(f'<form class="comment-form" action="/comments/post" method="post">\n'
               f'<h4>{ui["leave"]}</h4>\n'
               f'<input type="hidden" name="article" value="{a.slug}">\n'
               f'<p><label for="c-name">{ui["name"]}</label> '
               f'<input id="c-name" type="text" name="name"></p>\n'
               f'<p><label for="c-email">{ui["email"]}</label> '
               f'<input id="c-email" type="email" name="email"></p>\n'
               f'<p><label for="c-text">{ui["comment"]}</label> '
               f'<textarea id="c-text" name="comment" rows="4" cols="40"></textarea></p>\n'
               f'<p><button type="submit">{ui["send"]}</button></p>\n</form>\n</div>\n')
    return "".join(out)


def latest_sidebar(lang: str, same_lang: list[Article]) -> str:
    items = "".join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>'
                    for r in same_lang[-5:][::-1])
    return (f'<div class="sidebar"><h3>{UI[lang]["latest"]}</h3>'
            f'<ul>{items}</ul></div>\n')


def article_page(a: Article, same_lang: list[Article]) -> str:
    ui = UI[a.lang]
    byline = format_byline(a)
    extra = (f'<link rel="canonical" href="{a.path}">\n'
             f'<meta property="og:title" content="{escape(a.title)}">\n'
             f'<meta property="og:type" content="article">\n')
    if a.machine == "meta":
        extra += f'<meta property="article:published_time" content="{a.machine_value}">\n'
    body = "".join(f"<p>{escape(p)}</p>\n" for p in a.paragraphs)
    tags = ("، " if a.lang == "ar" else ", ").join(f'<a href="/tag/{t}.html">{TAG_NAMES[t][a.lang]}</a>' for t in a.tags)
    related = "".join(
        f'<li><a href="{r.path}">{escape(r.title)}</a> '
        f'<span class="date">{format_byline(r)}</span></li>\n'
        for r in related_for(a, same_lang))
    return (page_head(a.lang, f"{a.title} - {SITE_NAME[a.lang]}", extra)
            + site_header(a.lang, a.today, a.slug)
            + '<div class="wrap">\n<div class="content">\n'
            + f'<h1 class="post-title">{escape(a.title)}</h1>\n'
            + byline_html(a, byline)
            + share_bar(a.lang, a.path)
            + f'<div class="post-body">\n{body}</div>\n'
            + f'<div class="post-tags">{ui["tags"]} {tags}</div>\n'
            + share_bar(a.lang, a.path)
            + f'<div class="related"><h3>{ui["related"]}</h3>\n<ul>\n{related}</ul></div>\n'
            + comments_html(a)
            + "</div>\n"
            + latest_sidebar(a.lang, same_lang)
            + "</div>\n"
            + site_footer(a.lang))


def teaser(a: Article) -> str:
    """A listing entry: linked title, date and the start of the first paragraph."""
    first = a.paragraphs[0]
    excerpt = first if len(first) <= 110 else first[:110].rsplit(" ", 1)[0] + " …"
    return (f'<div class="teaser" lang="{a.lang}"><h2><a href="{a.path}">{escape(a.title)}</a>'
            f'</h2>\n<span class="date">{format_byline(a)}</span>\n'
            f"<p>{escape(excerpt)} "
            f'<a href="{a.path}">{UI[a.lang]["read_more"]}</a></p></div>\n')


def listing_path(lang: str, page: int) -> str:
    return f"/{lang}/index.html" if page == 1 else f"/{lang}/page/{page}.html"


def listing_page(lang: str, newest_first: list[Article], page: int, pages: int) -> str:
    ui = UI[lang]
    chunk = newest_first[(page - 1) * PER_PAGE: page * PER_PAGE]
    head_extra = ""
    nav = []
    if page > 1:
        head_extra += f'<link rel="prev" href="{listing_path(lang, page - 1)}">\n'
        nav.append(f'<a href="{listing_path(lang, page - 1)}" rel="prev">« {ui["prev"]}</a>')
    num = ar_digits(f"{page} / {pages}") if lang == "ar" else f"{page} / {pages}"
    nav.append(f'<span class="page-number">{ui["page"]} {num}</span>')
    if page < pages:
        head_extra += f'<link rel="next" href="{listing_path(lang, page + 1)}">\n'
        nav.append(f'<a href="{listing_path(lang, page + 1)}" rel="next">{ui["next"]} »</a>')
    title = f"{ui['news']} - {SITE_NAME[lang]}"
    return (page_head(lang, title if page == 1 else f"{title} ({page})", head_extra)
            + site_header(lang, LISTING_TODAY, f"listing:{lang}:{page}")
            + f'<div class="wrap">\n<div class="content">\n<h1>{ui["news"]}</h1>\n'
            + "".join(teaser(a) for a in chunk)
            + f'<div class="pagination">{" ".join(nav)}</div>\n</div>\n'
            + latest_sidebar(lang, newest_first[::-1])
            + "</div>\n" + site_footer(lang))


def home_page(by_lang: dict[str, list[Article]]) -> str:
    sections = []
    for lang in LANGS:
        dir_ = "rtl" if lang == "ar" else "ltr"
        latest = by_lang[lang][::-1][:3]
        sections.append(
            f'<div class="section" lang="{lang}" dir="{dir_}">\n'
            f'<h2><a href="/{lang}/index.html">{SITE_NAME[lang]} — {LANG_LABEL[lang]}</a></h2>\n'
            + "".join(teaser(a) for a in latest) + "</div>\n")
    return (page_head("en", SITE_NAME["en"])
            + site_header("en", LISTING_TODAY, "home")
            + '<div class="wrap">\n<div class="content">\n'
            + "".join(sections) + "</div>\n</div>\n" + site_footer("en"))


def tag_page(tag: str, tagged: list[Article]) -> str:
    name = TAG_NAMES[tag]["en"]
    return (page_head("en", f"{name} - {SITE_NAME['en']}")
            + site_header("en", LISTING_TODAY, f"tag:{tag}")
            + f'<div class="wrap">\n<div class="content">\n<h1>Tag: {name}</h1>\n'
            + "".join(teaser(a) for a in sorted(tagged, key=lambda x: x.published,
                                                  reverse=True))
            + "</div>\n</div>\n" + site_footer("en"))


STYLE = """body{font-family:sans-serif;margin:0 auto;max-width:1000px;line-height:1.5}
.site-header{border-bottom:2px solid #064}.logo a{font-size:1.8em;color:#064}
.topbar{font-size:.8em;color:#555}.menu{list-style:none;padding:0}.menu li{display:inline;margin:0 .5em}
.wrap{display:flex;gap:2em}.content{flex:3}.sidebar{flex:1;font-size:.9em}
.post-meta,.date,.comment-date{color:#777;font-size:.85em}.share-bar{margin:.5em 0}
.footer{border-top:1px solid #ccc;font-size:.8em;text-align:center}
[dir=rtl] .menu li{margin:0 .5em}
"""


def write(rel: str, text: str) -> None:
    path = HERE / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def build() -> dict:
    """Write every page, the sitemap, robots.txt and manifest.json; return the manifest."""
    for name in GENERATED:
        target = HERE / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()

    articles = load_articles()
    by_lang = {lang: sorted((a for a in articles if a.lang == lang),
                            key=lambda x: x.published) for lang in LANGS}
    if len({a.path for a in articles}) != len(articles):
        raise SystemExit("duplicate article paths")

    for a in articles:
        write(a.path, article_page(a, by_lang[a.lang]))

    non_articles = ["/index.html"]
    write("/index.html", home_page(by_lang))
    for lang in LANGS:
        newest = by_lang[lang][::-1]
        pages = -(-len(newest) // PER_PAGE)
        for page in range(1, pages + 1):
            write(listing_path(lang, page), listing_page(lang, newest, page, pages))
            non_articles.append(listing_path(lang, page))
    for tag in TAG_NAMES:
        tagged = [a for a in articles if tag in a.tags]
        if tagged:
            write(f"/tag/{tag}.html", tag_page(tag, tagged))
            non_articles.append(f"/tag/{tag}.html")
    write("/static/style.css", STYLE)

    ordered = [a for lang in LANGS for a in by_lang[lang]]
    # lastmod is the day the page was last regenerated (its header's "today"), not the
    # publication date, as on the dynamic sites this replica imitates.
    urls = "".join(f"  <url>\n    <loc>{{{{BASE}}}}{a.path}</loc>\n"
                   f"    <lastmod>{a.today.isoformat()}</lastmod>\n  </url>\n" for a in ordered)
    write("/sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")
    write("/robots.txt", "User-agent: *\nDisallow: /comments/\nAllow: /\n\n"
          "Sitemap: {{BASE}}/sitemap.xml\n")

    manifest = {
        "site": "demo",
        "base_placeholder": "{{BASE}}",
        "timezone": "Europe/Istanbul",
        "note": "Generated by build.py from articles.json; do not edit by hand.",
        "counts": {lang: len(by_lang[lang]) for lang in LANGS},
        "articles": [
            {
                "path": a.path,
                "language": a.lang,
                "title": a.title,
                "published": a.expected_iso,
                "published_raw": format_byline(a),
                "calendar": "hijri" if a.hijri else "gregorian",
                "hijri": "-".join(f"{n:02d}" for n in a.hijri) if a.hijri else None,
                "machine_date": a.machine,
                "header_today": format_today(a.lang, a.today),
                "header_today_iso": a.today.isoformat(),
                "tags": a.tags,
                "comment_count": len(a.comments),
                "paragraphs": a.paragraphs,
            }
            for a in ordered
        ],
        "non_articles": non_articles,
    }
    write("/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


VOID = {"meta", "link", "input", "br", "img", "hr"}


class _Checker(HTMLParser):
    """Tag balance plus the post-body paragraphs, to catch template slips early."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.body_depth = 0  # stack depth of the open post-body div, 0 when outside it
        self.paragraphs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "div" and ("class", "post-body") in attrs:
            self.body_depth = len(self.stack)
        elif tag == "p" and self.body_depth:
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")
        if len(self.stack) < self.body_depth:
            self.body_depth = 0

    def handle_data(self, data: str) -> None:
        if self.body_depth and self.stack[-1:] == ["p"]:
            self.paragraphs[-1] += data


def check(manifest: dict) -> None:
    """Every page is balanced UTF-8 HTML; article bodies equal the manifest's paragraphs."""
    for page in HERE.rglob("*.html"):
        c = _Checker()
        c.feed(page.read_text(encoding="utf-8"))
        if c.errors or c.stack:
            raise SystemExit(f"{page}: {c.errors[:3]} open={c.stack}")
    for art in manifest["articles"]:
        c = _Checker()
        c.feed((HERE / art["path"].lstrip("/")).read_text(encoding="utf-8"))
        if c.paragraphs != art["paragraphs"]:
            raise SystemExit(f"{art['path']}: body differs from manifest")


if __name__ == "__main__":
    m = build()
    check(m)
    n = len(m["articles"])
    print(f"{n} articles {m['counts']}, {len(m['non_articles'])} non-article pages, "
          f"{sum(1 for a in m['articles'] if a['calendar'] == 'hijri')} Hijri-only")
