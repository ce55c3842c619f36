"""Random-text sites: deterministic synthetic news sites for tests and benchmarks.

``generate_site(root, language=..., n_articles=..., style=..., seed=...)`` writes a static
site (articles, paginated listings, tag pages, home, sitemap.xml, robots.txt) and returns a
``SiteManifest`` with the truth for every article. Furniture differs per ``style``:

0. seed-like portal: site-name header, today's date line in Gregorian + Hijri (a different
   "today" on every page), visit counters, social links, related titles with dates,
   copyright footer, "Scroll Up" — with semantic class names;
1. HTML5 blog: <header>/<nav> menu, <article> with <time>, share bar inside the article,
   <aside> related list, comments with dates and a comment form, "Back to top";
2. no hints at all: every element is a ``<div class="cNN">``; the header, counters, share
   line, a site slogan and related titles sit *inside the same container* as the
   paragraphs, so only the per-site template can tell them apart;
3. table layout of an old portal: paragraphs separated by ``<br><br>`` in a <td>, header
   and footer rows, Hijri date header, "top" link.

``briefs=True`` makes every article a brief: 200–400 characters in one- or two-sentence
paragraphs, in an ``<article>`` with its ``<h1>`` and a date line, and no Open Graph or JSON-LD —
so only the page's structure says it is an article.

Layout options (issue 9), each off by default so existing seeds keep their exact bytes; their
random draws come from a separate generator for the same reason:

- ``dateline="above"``: the date line directly above the headline instead of below it;
- ``breadcrumbs=True``: a trail ("Home » News » Economy") inside the article before the headline;
- ``counters=True``: a view counter ("Views: 1,234") and a reading-time line after the text,
  inside the article;
- ``one_sentence_paragraphs=True``: every paragraph a single sentence.

Languages: English, Arabic, Turkish and Persian. A Persian site prints what Iranian sites
print: Persian digits, Solar Hijri datelines in several forms ("۱۸ اردیبهشت ۱۳۹۸ - ۱۱:۴۵",
"چهارشنبه ۱۸ اردیبهشت ۱۳۹۸ ساعت ۱۱:۴۵", "۱۳۹۸/۰۲/۱۸ - ۱۱:۴۵", with the Gregorian day beside
it, after a "تاریخ انتشار:" label, or the day alone), a header "today" in Solar Hijri, lunar
Hijri and Gregorian, and Persian furniture (بازدید: ۱۲۳۴, زمان مطالعه: ۳ دقیقه,
اشتراک‌گذاری, مطالب مرتبط, بازگشت به بالا, تمامی حقوق محفوظ است). Its paragraphs open with
"به گزارش {site}،" and speak of wages (حقوق), visits and sharing, so the furniture words
appear in prose as well.

Paragraphs deliberately reuse furniture words ("share", the site name, "Scroll up the
hill", social network names) so tests prove no real paragraph is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crawler.app.sitegen.files import esc as _esc
from crawler.app.sitegen.files import robots_txt, sitemap_xml, write_page
from crawler.app.sitegen.vocab import (
    MONTHS,
    SOCIAL,
    UI,
    breadcrumb_line,
    counter_line,
    fa_digits,
    gdate,
    hdate,
    jdate,
    jdate_numeric,
    reading_time_line,
    to_hijri,
    to_jalali,
    today_line,
    views_line,
)

__all__ = ["LANGUAGES", "STYLES", "ArticleTruth", "SiteManifest", "article_blocks", "generate_site",
           "write_sitemap"]

STYLES = (0, 1, 2, 3)
LANGUAGES = ("en", "ar", "tr", "fa")
_RTL = ("ar", "fa")


@dataclass
class ArticleTruth:
    path: str
    title: str
    published: str          # ISO 8601 local: YYYY-MM-DDTHH:MM, or YYYY-MM-DD without a time
    published_raw: str      # the byline's date string as shown
    hijri_only: bool        # no Gregorian date printed (lunar Hijri, or Solar Hijri for fa)
    paragraphs: list[str]
    language: str
    tags: list[str] = field(default_factory=list)


@dataclass
class SiteManifest:
    root: str
    site_name: str
    domain: str
    language: str
    style: int
    base_path: str
    articles: list[ArticleTruth]
    listing_paths: list[str]
    tag_paths: list[str]
    home_path: str
    sitemap_path: str

    def to_json(self) -> dict:
        return asdict(self)

    def article_by_path(self) -> dict[str, ArticleTruth]:
        return {a.path: a for a in self.articles}


# --- random text and site names (furniture words: vocab.py) -------------------------------

_WORDS = {
    "en": ("the of and to in for on with as by from at that which after before during "
           "government ministry council city province river valley market trade talks "
           "officials said reported announced confirmed according sources villagers army "
           "forces people families workers students farmers teachers doctors engineers "
           "new old large small early late northern southern eastern western local "
           "national regional economic cultural historical agricultural annual weekly "
           "meeting report plan project bridge road school hospital harvest festival "
           "museum library station airport port border agreement budget election season "
           "water energy wheat cotton olive summer winter spring morning evening week "
           "year month visitors residents committee mayor minister governor spokesman").split(),
    "tr": ("ve bir bu için ile da de olarak çok daha gibi sonra göre kadar ama "
           "hükümet bakanlık meclis şehir il nehir vadi pazar ticaret görüşme yetkililer "
           "açıkladı bildirdi duyurdu doğruladı kaynaklar köylüler ordu halk aileler "
           "işçiler öğrenciler çiftçiler öğretmenler doktorlar mühendisler yeni eski büyük "
           "küçük erken geç kuzey güney doğu batı yerel ulusal bölgesel ekonomik kültürel "
           "tarihi yıllık haftalık toplantı rapor plan proje köprü yol okul hastane hasat "
           "festival müze kütüphane istasyon havalimanı liman sınır anlaşma bütçe seçim "
           "mevsim su enerji buğday pamuk zeytin yaz kış bahar sabah akşam hafta yıl ay "
           "ziyaretçiler sakinler komite belediye başkanı bakan vali sözcü").split(),
    "ar": ("في من على إلى أن التي الذي عن مع هذا هذه بعد قبل خلال حيث "
           "الحكومة الوزارة المجلس المدينة المحافظة النهر الوادي السوق التجارة المحادثات "
           "المسؤولون قال أعلن أكد ذكر المصادر القرويون الجيش القوات الناس العائلات "
           "العمال الطلاب المزارعون المعلمون الأطباء المهندسون الجديد القديم الكبير "
           "الصغير الشمالية الجنوبية الشرقية الغربية المحلية الوطنية الإقليمية الاقتصادية "
           "الثقافية التاريخية الزراعية السنوي الأسبوعي الاجتماع التقرير الخطة المشروع "
           "الجسر الطريق المدرسة المستشفى الحصاد المهرجان المتحف المكتبة المحطة المطار "
           "الميناء الحدود الاتفاق الميزانية الانتخابات الموسم المياه الطاقة القمح القطن "
           "الزيتون الصيف الشتاء الربيع الصباح المساء الأسبوع العام الشهر الزوار السكان "
           "اللجنة رئيس البلدية الوزير المحافظ المتحدث").split(),
    "fa": ("و در به از که این با را برای تا آن یک بر پس "
           "دولت وزارت شورا شهر استان رودخانه دره بازار تجارت مذاکرات مسئولان گفت اعلام "
           "کرد تأیید منابع روستاییان ارتش نیروها مردم خانواده‌ها کارگران دانشجویان "
           "کشاورزان معلمان پزشکان مهندسان جدید قدیمی بزرگ کوچک شمالی جنوبی شرقی غربی "
           "محلی ملی منطقه‌ای اقتصادی فرهنگی تاریخی کشاورزی سالانه هفتگی نشست گزارش طرح "
           "پروژه پل جاده مدرسه بیمارستان برداشت جشنواره موزه کتابخانه ایستگاه فرودگاه "
           "بندر مرز توافق بودجه انتخابات فصل آب انرژی گندم پنبه زیتون تابستان زمستان "
           "بهار صبح عصر هفته سال ماه بازدیدکنندگان ساکنان کمیته شهردار وزیر استاندار "
           "سخنگو می‌شود می‌گوید خبرگزاری").split(),
}
_SITE_NAMES = {
    "en": ["Valley Herald", "Morning Courier", "Crescent Times", "River Gazette",
           "Northern Dispatch", "Harbor Chronicle"],
    "tr": ["Vadi Haber", "Sabah Postası", "Hilal Gazetesi", "Nehir Ajansı", "Kuzey Haber",
           "Liman Gündem"],
    "ar": ["صوت الوادي", "بريد الصباح", "الهلال اليوم", "جريدة النهر", "أخبار الشمال",
           "الميناء نيوز"],
    "fa": ["صدای دره", "پیک صبح", "هلال امروز", "روزنامه رود", "اخبار شمال", "بندر نیوز"],
}
_DOMAINS = ["valleyherald", "morningcourier", "crescenttimes", "rivergazette",
            "northerndispatch", "harborchronicle"]
# Sentences that reuse furniture words but are article prose.
_TRAPS = {
    "en": ["Readers were asked to share their memories of the old bridge on Facebook, "
           "Twitter and Youtube, {site} reported.",
           "Scroll up the hill from the station and the market is on your left.",
           "The council said the total budget for the content of the exhibition is 138,993 "
           "dollars, up from last year.",
           "Back to top form after the injury, the captain scored twice on Sunday."],
    "tr": ["Okurlar köprüyle ilgili anılarını Facebook, Twitter ve Youtube üzerinden "
           "paylaştı, {site} bildirdi.",
           "İstasyondan tepeye doğru yukarı çıkın, pazar solunuzda kalacak.",
           "Meclis sergi için toplam bütçenin 138.993 lira olduğunu, geçen yıla göre "
           "arttığını açıkladı.",
           "Başa dönen takım kaptanı pazar günü iki gol attı ve taraftarlar sevindi."],
    "ar": ["طلب من القراء مشاركة ذكرياتهم عن الجسر القديم على فيسبوك وتويتر ويوتيوب، "
           "حسب ما ذكرت {site}.",
           "اصعد التل من المحطة وستجد السوق على يسارك بعد العودة للأعلى من الطريق.",
           "قال المجلس إن المجموع الكلي لميزانية المعرض بلغ 138,993 دولارا هذا العام.",
           "عاد القائد إلى مستواه بعد الإصابة وسجل هدفين يوم الأحد أمام الجماهير."],
    # "حقوق" is rights and wages, "بازدید" a visit of any kind, "اشتراک‌گذاری" any sharing.
    "fa": ["به گزارش {site}، از خوانندگان خواسته شد خاطرات خود از پل قدیمی را در تلگرام، "
           "اینستاگرام و توییتر به اشتراک بگذارند.",
           "تمامی حقوق معوق کارگران کارخانه و حقوق این ماه تا پایان اسفند پرداخت می‌شود، "
           "استاندار گفت.",
           "شورا اعلام کرد مجموع بودجه نمایشگاه ۱۳۸٬۹۹۳ میلیون ریال است و تعداد بازدید از آن "
           "به ۱۲٬۳۴۰ نفر رسید.",
           "بازگشت به بالای تپه از ایستگاه حدود ده دقیقه طول می‌کشد و بازار در سمت چپ است.",
           "وزیر گفت: «اشتراک‌گذاری اطلاعات میان وزارتخانه‌ها از سال آینده اجباری می‌شود.»",
           "زمان مطالعه دانش‌آموزان در تابستان به ۳ ساعت در روز رسید و خانه فرهنگ شهر هر "
           "روز باز است."],
}
_TAG_WORDS = {"en": ["economy", "culture", "region", "energy", "agriculture", "transport"],
              "tr": ["ekonomi", "kultur", "bolge", "enerji", "tarim", "ulasim"],
              "ar": ["economy", "culture", "region", "energy", "agriculture", "transport"],
              "fa": ["eghtesad", "farhang", "mantaghe", "energy", "keshavarzi", "haml-naghl"]}


# --- helpers -------------------------------------------------------------------------------


def _sentence(rng: random.Random, lang: str) -> str:
    words = rng.choices(_WORDS[lang], k=rng.randint(9, 20))
    s = " ".join(words)
    if lang == "ar":
        return s + "."
    if lang == "fa":
        return s + rng.choice([".", ".", ".", "، مسئولان گفتند."])
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", ", officials said."])


def _paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(_sentence(rng, lang) for _ in range(rng.randint(2, 5)))


def _brief(rng: random.Random, lang: str) -> list[str]:
    """A brief's paragraphs: two or three of one or two sentences, 200–400 characters in all."""
    while True:
        paras = [" ".join(_sentence(rng, lang) for _ in range(rng.randint(1, 2)))
                 for _ in range(rng.randint(2, 3))]
        if 200 <= sum(len(p) for p in paras) <= 400:
            return paras


def _title(rng: random.Random, lang: str) -> str:
    words = rng.choices(_WORDS[lang][14:], k=rng.randint(5, 10))
    t = " ".join(words)
    return t if lang in _RTL else t[0].upper() + t[1:]


def _hdate(d: dt.date, lang: str) -> str:
    return hdate(to_hijri(d), lang)


def _fa_dateline(rng: random.Random, when: dt.datetime) -> tuple[str, bool, bool]:
    """A Persian article's date line in one of the forms Iranian sites print: (the line,
    whether it prints a time, whether it prints a Gregorian date). Always Solar Hijri."""
    d, hm = when.date(), fa_digits(f"{when:%H:%M}")
    form = rng.randrange(7)
    if form == 0:
        return f"{jdate(d)} - {hm}", True, False                    # Mehr, ISNA
    if form == 1:
        return f"{jdate(d, weekday=True)} ساعت {hm}", True, False    # "… ساعت ۱۱:۴۵"
    if form == 2:
        return f"{jdate_numeric(d)} - {hm}", True, False            # Tasnim, Fars
    if form == 3:
        return f"تاریخ انتشار: {hm} - {jdate(d)}", True, False      # a labelled line
    if form == 4:
        return f"{jdate(d, weekday=True)} - {gdate(d, 'fa')} - {hm}", True, True
    if form == 5:
        return f"{hm} - {jdate(d)} ({when.day} {MONTHS['en'][when.month - 1]} {when.year})", True, True
    return jdate(d), False, False                                   # the day alone


def _comment_meta(lang: str, k: int) -> tuple[str, str]:
    """A comment's author and date line."""
    if lang == "fa":
        return f"خواننده {fa_digits(str(k))}", f"{jdate(dt.date(2023, 5, 1 + k))} - ۱۰:۲{fa_digits(str(k))}"
    return f"Reader {k}", f"{gdate(dt.date(2023, 5, 1 + k), lang)} 10:2{k}"


def _counter_line(rng: random.Random, today: dt.date, lang: str) -> str:
    hits = [rng.randint(10, 40) for _ in range(5)]
    return counter_line(lang, today, hits, rng.randint(100_000, 999_999))


def _padding(rng: random.Random, kb: int) -> str:
    """Inline script/style bulk like real pages carry (never visible text)."""
    if kb <= 0:
        return ""
    chunk = "var cfg_%d = {'slot': '%s', 'sizes': [[300, 250], [728, 90]], 'lazy': true};\n"
    out, size, i = [], 0, 0
    while size < kb * 1024:
        line = chunk % (i, "".join(rng.choices("abcdefghijklmnop", k=24)))
        out.append(line)
        size += len(line)
        i += 1
    return "<script>\n" + "".join(out) + "</script>"


# --- page templates ------------------------------------------------------------------------


@dataclass
class _Ctx:
    lang: str
    site: str
    domain: str
    style: int
    base: str
    rng: random.Random
    page_kb: int
    year: int
    base_url: str = ""
    pad: str = ""
    briefs: bool = False  # the site's script bulk: generated once, shared by every page like real JS
    dateline: str = "below"
    breadcrumbs: bool = False
    counters: bool = False
    layout_rng: random.Random = field(default_factory=random.Random)

    @property
    def ui(self) -> dict[str, str]:
        return UI[self.lang]

    def href(self, path: str) -> str:
        return self.base + path


def _head(c: _Ctx, title: str, canonical: str, *, article: bool) -> str:
    dir_attr = ' dir="rtl"' if c.lang in _RTL else ""
    full = f"{c.site} - {title}" if c.style == 2 else f"{title} | {c.site}"
    og = ""
    if c.briefs:
        pass  # a brief's page says nothing about its kind: only its structure does
    elif c.style in (1, 3) or (c.style == 0 and article):
        og = (f'<meta property="og:title" content="{_esc(title)}">'
              f'<meta property="og:site_name" content="{_esc(c.site)}">'
              f'<meta property="og:type" content="{"article" if article else "website"}">')
    return (f'<!DOCTYPE html><html lang="{c.lang}"{dir_attr}><head><meta charset="utf-8">'
            f"<title>{_esc(full)}</title>{og}"
            f'<link rel="canonical" href="{_esc(c.base_url + canonical)}">'
            f"<style>body{{font-family:sans-serif}} .hide{{display:none}}</style>"
            f"{c.pad}</head>")


def _menu(c: _Ctx, tags: list[str]) -> str:
    items = [(c.ui["home"], c.href("/"))] + [(c.ui[k], c.href(f"/tag/{t}/"))
                                              for k, t in zip(("news", "politics", "economy",
                                                               "culture", "sports"), tags[:5],
                                                              strict=True)]
    return "".join(f'<li><a href="{_esc(h)}">{_esc(t)}</a></li>' for t, h in items)


def _header_lines(c: _Ctx, today: dt.date) -> tuple[str, str, str]:
    counter = _counter_line(c.rng, today, c.lang)
    return today_line(today, c.lang), counter, " ".join(SOCIAL[c.lang])


def _teaser_date(raw: str) -> str:
    """The date a teaser (related list, listing) prints: the article page's own label
    ("تاریخ انتشار:", publication date) belongs to its info line, not to lists of titles."""
    return raw.split(": ", 1)[1] if raw.startswith("تاریخ انتشار: ") else raw


def _related(c: _Ctx, others: list[ArticleTruth]) -> list[tuple[str, str, str]]:
    return [(o.title, o.path, _teaser_date(o.published_raw)) for o in others]


def _byline_date(a: ArticleTruth) -> str:
    return a.published_raw


def _page(c: _Ctx, *, title: str, canonical: str, today: dt.date, main: str,
          related: list[tuple[str, str, str]], tags: list[str], article: bool,
          extra_in_main: tuple[str, str] = ("", "")) -> str:
    """Wrap main content in the style's furniture. extra_in_main: (before, after) for style 2."""
    date_line, counter, social = _header_lines(c, today)
    ui = c.ui
    year = c.year
    copyright_line = f"© {year} {c.site}. {ui['rights']}"
    if c.lang == "fa":  # "تمامی حقوق محفوظ است. © ۱۴۰۲ صدای دره", the Solar year
        copyright_line = f"{ui['rights']} © {fa_digits(str(to_jalali(dt.date(year, 6, 1))[0]))} {c.site}"
    rel_items = "".join(
        f'<li><a href="{_esc(c.href(p))}">{_esc(t)}</a> <span class="date">{_esc(d)}</span></li>'
        for t, p, d in related)
    head = _head(c, title, canonical, article=article)
    if c.style == 0:
        return (f'{head}<body><div id="wrapper"><div id="header"><div class="logo">'
                f'<a href="{_esc(c.href("/"))}">{_esc(c.site)}</a></div>'
                f'<div class="top-bar"><span class="today">{_esc(date_line)}</span> | '
                f'<span class="counter">{_esc(counter)}</span> '
                f'<span class="social"><a href="#">{social.split()[0]}</a> '
                f'<a href="#">{social.split()[1]}</a> <a href="#">{social.split()[2]}</a>'
                f'</span></div><ul class="menu">{_menu(c, tags)}</ul></div>'
                f'<div id="content">{main}'
                f'<div class="related"><h3>{_esc(ui["related"])}</h3><ul>{rel_items}</ul></div>'
                f'</div><div id="footer"><p>{_esc(copyright_line)}</p>'
                f'<a href="#wrapper" class="scroll-up">{_esc(ui["top"])}</a></div>'
                f"</div></body></html>")
    if c.style == 1:
        return (f'{head}<body><header class="site-header"><p class="site-title">'
                f'<a href="{_esc(c.href("/"))}">{_esc(c.site)}</a></p>'
                f'<p class="header-date">{_esc(date_line)}</p>'
                f'<nav class="main-navigation"><ul>{_menu(c, tags)}</ul></nav></header>'
                f'<div class="site-content"><main id="main">{main}</main>'
                f'<aside class="widget-area"><section class="widget"><h2>'
                f'{_esc(ui["related"])}</h2><ul>{rel_items}</ul></section>'
                f'<section class="widget"><p>{_esc(counter)}</p></section></aside></div>'
                f'<footer class="site-footer"><p>{_esc(copyright_line)}</p>'
                f'<p><a href="#">{_esc(ui["back"])}</a></p></footer></body></html>')
    if c.style == 2:
        before, after = extra_in_main
        rel_ps = "".join(f'<div class="c4"><a href="{_esc(c.href(p))}">{_esc(t)}</a></div>'
                         f'<div class="c5">{_esc(d)}</div>' for t, p, d in related)
        return (f'{head}<body><div class="c0"><div class="c1">{_esc(c.site)}</div>'
                f'<div class="c2">{_esc(date_line)}</div>'
                f'<div class="c2">{_esc(ui["visitors"].format(n=c.rng.randint(100, 999)))}'
                f'</div><div class="c3">{before}{main}{after}'
                f'<div class="c6">{_esc(ui["more"])}</div>{rel_ps}'
                f'<div class="c7">{_esc(social)}</div>'
                f'<div class="c7">{_esc(copyright_line)}</div>'
                f'<div class="c8"><a href="#">{_esc(ui["top"])}</a></div>'
                f"</div></div></body></html>")
    # style 3: table layout
    return (f'{head}<body><table width="100%" class="main"><tr><td class="hdr">'
            f'<font size="5">{_esc(c.site)}</font><br>{_esc(date_line)}<br>'
            f'{_esc(counter)}</td></tr>'
            f'<tr><td class="nav">{" | ".join(_esc(c.ui[k]) for k in ("home", "news", "sports"))}'
            f'</td></tr><tr><td class="body">{main}</td></tr>'
            f'<tr><td class="rel"><b>{_esc(ui["related"])}</b><br>'
            + "<br>".join(f'<a href="{_esc(c.href(p))}">{_esc(t)}</a> ({_esc(d)})'
                          for t, p, d in related)
            + f'</td></tr><tr><td class="ftr">{_esc(copyright_line)} '
            f'<a href="#">{_esc(ui["top"])}</a></td></tr></table></body></html>')


def _around_text(c: _Ctx, a: ArticleTruth) -> tuple[str, str]:
    """The optional breadcrumb (before the headline) and counter lines (after the text), plain
    strings: each style wraps them like its own paragraphs, so only the words tell them apart."""
    crumb = counters = ""
    if c.breadcrumbs:
        crumb = breadcrumb_line(c.lang, c.layout_rng.randrange(4))
    if c.counters:
        words = sum(len(p.split()) for p in a.paragraphs)
        counters = views_line(c.lang, c.layout_rng.randint(120, 9999)) + "\n" + \
            reading_time_line(c.lang, max(1, round(words / 200)))
    return crumb, counters


def _heading(c: _Ctx, h1: str, date: str, crumb: str = "") -> str:
    """Headline and date line in the site's order (``dateline``), after any breadcrumb."""
    return crumb + (date + h1 if c.dateline == "above" else h1 + date)


def _article_main(c: _Ctx, a: ArticleTruth, comments: list[tuple[str, str, str]]) -> str:
    ui = c.ui
    date = _esc(a.published_raw)
    crumb, counters = _around_text(c, a)
    lines = counters.split("\n") if counters else []
    if c.briefs:
        paras = "".join(f"<p>{_esc(p)}</p>" for p in a.paragraphs)
        crumb_html = f'<p class="crumbs">{_esc(crumb)}</p>' if crumb else ""
        after = "".join(f"<p>{_esc(line)}</p>" for line in lines)
        head = _heading(c, f"<h1>{_esc(a.title)}</h1>", f'<p class="dateline">{date}</p>',
                        crumb_html)
        return f'<article class="brief">{head}{paras}{after}</article>'
    if c.style == 0:
        paras = "".join(f"<p>{_esc(p)}</p>" for p in a.paragraphs)
        crumb_html = f'<div class="breadcrumb">{_esc(crumb)}</div>' if crumb else ""
        after = "".join(f'<div class="post-stats">{_esc(line)}</div>' for line in lines)
        head = _heading(c, f"<h1>{_esc(a.title)}</h1>", f'<div class="date">{date}</div>',
                        crumb_html)
        return f'<div class="article">{head}<div class="article-body">{paras}</div>{after}</div>'
    if c.style == 1:
        body = "".join(f"<h2>{_esc(p[3:])}</h2>" if p.startswith("## ") else f"<p>{_esc(p)}</p>"
                       for p in a.paragraphs)
        share = ('<div class="share-buttons"><span>Share:</span> <a href="#">Facebook</a> '
                 '<a href="#">Twitter</a> <a href="#">WhatsApp</a></div>')
        if c.lang == "fa":
            share = (f'<div class="share-buttons"><span>{ui["share"]}</span> <a href="#">تلگرام</a> '
                     '<a href="#">واتساپ</a> <a href="#">توییتر</a></div>')
        tag_links = " ".join(f'<a href="{_esc(c.href(f"/tag/{t}/"))}" rel="tag">{t}</a>'
                             for t in a.tags)
        com = "".join(f'<li class="comment"><div class="comment-author">{_esc(n)}</div>'
                      f'<div class="comment-date">{_esc(d)}</div><p>{_esc(t)}</p></li>'
                      for n, d, t in comments)
        h1 = f'<h1 class="entry-title">{_esc(a.title)}</h1>'
        staff = ui["author"] if c.lang == "fa" else "Staff"
        meta = (f'<div class="entry-meta">{ui["by"]} <a href="#">{staff}</a>'
                f' <time datetime="{a.published}">{date}</time></div>')
        crumb_html = f'<nav class="breadcrumbs">{_esc(crumb)}</nav>' if crumb else ""
        after = "".join(f"<p>{_esc(line)}</p>" for line in lines)
        return (f'<article class="post"><header class="entry-header">'
                f'{_heading(c, h1, meta, crumb_html)}</header>'
                f'<div class="entry-content">{body}{after}{share}</div>'
                f'<footer class="entry-footer">{ui["tags"]}: {tag_links}</footer></article>'
                f'<div id="comments" class="comments-area"><h2>{_esc(ui["comments"])}</h2>'
                f'<ol class="comment-list">{com}</ol><div id="respond"><h3>'
                f'{_esc(ui["leave"])}</h3><form><label>{_esc(ui["name"])}</label>'
                f'<input name="author"><textarea name="comment"></textarea>'
                f'<button>{_esc(ui["send"])}</button></form></div></div>')
    if c.style == 2:
        paras = "".join(f'<div class="c9">{_esc(p)}</div>' for p in a.paragraphs)
        crumb_html = f'<div class="c9">{_esc(crumb)}</div>' if crumb else ""
        after = "".join(f'<div class="c9">{_esc(line)}</div>' for line in lines)
        return (_heading(c, f'<div class="c10">{_esc(a.title)}</div>',
                         f'<div class="c5">{date}</div>', crumb_html) + paras + after)
    paras = "<br><br>".join(_esc(p) for p in [*a.paragraphs, *lines])
    crumb_html = f"{_esc(crumb)}<br>" if crumb else ""
    return (_heading(c, f'<font size="4"><b>{_esc(a.title)}</b></font><br>',
                     f"<i>{date}</i><br>", crumb_html)
            + f'<br>{paras}'
            f'<br><br><span class="small">{_esc(c.ui["by"])} {_esc(c.site)}</span>')


def _listing_main(c: _Ctx, heading: str, items: list[ArticleTruth], page: int,
                  n_pages: int, base: str) -> str:
    lis = "".join(f'<div class="item"><h2><a href="{_esc(c.href(a.path))}">{_esc(a.title)}</a>'
                  f'</h2><span class="date">{_esc(_teaser_date(a.published_raw))}</span>'
                  f'<p>{_esc(a.paragraphs[0][:140])}…</p></div>' for a in items)
    nav = []
    if page > 1:
        prev = base if page == 2 else f"{base}page/{page - 1}/"
        nav.append(f'<a href="{_esc(c.href(prev))}">{_esc(c.ui["prev"])}</a>')
    if page < n_pages:
        nav.append(f'<a href="{_esc(c.href(f"{base}page/{page + 1}/"))}">'
                   f'{_esc(c.ui["next"])}</a>')
    return (f'<div class="listing"><h1>{_esc(heading)}</h1>{lis}'
            f'<div class="pagination">{" ".join(nav)}</div></div>')


# --- the generator -------------------------------------------------------------------------


def generate_site(root: Path, *, language: str, n_articles: int, style: int = 0,
                  seed: int = 0, base_path: str = "", page_kb: int = 0,
                  per_page: int = 10, base_url: str = "", briefs: bool = False,
                  dateline: str = "below", breadcrumbs: bool = False, counters: bool = False,
                  one_sentence_paragraphs: bool = False) -> SiteManifest:
    """Write a static news site into ``root``; return the truth about its articles.

    ``base_url`` (e.g. "http://127.0.0.1:8123") makes canonical links and sitemap entries
    absolute; left empty they are root-relative, to be resolved against wherever the site is
    served (``write_sitemap`` rewrites the sitemap once the server's address is known).
    ``page_kb`` pads each page with that many KB of inline script, like real pages carry.
    ``dateline``, ``breadcrumbs``, ``counters``, ``one_sentence_paragraphs``: the layout options
    of the module docstring.
    """
    if language not in _WORDS:
        raise ValueError(f"unsupported language {language!r}; use one of {sorted(_WORDS)}")
    if dateline not in ("above", "below"):
        raise ValueError(f"dateline must be 'above' or 'below', not {dateline!r}")
    root = Path(root)
    rng = random.Random(f"{language}-{style}-{seed}")
    base = base_path.rstrip("/")
    idx = (seed + style) % len(_SITE_NAMES[language])
    site = _SITE_NAMES[language][idx]
    domain = f"{_DOMAINS[idx]}-{language}.example"
    c = _Ctx(language, site, domain, style % 4, base, rng, page_kb, 2024,
             base_url.rstrip("/"), _padding(rng, page_kb), briefs, dateline, breadcrumbs,
             counters, random.Random(f"{language}-{style}-{seed}-layout"))
    tags = _TAG_WORDS[language]

    articles: list[ArticleTruth] = []
    start = dt.datetime(2015, 1, 1, 6, 0)
    for i in range(n_articles):
        when = start + dt.timedelta(days=rng.randint(0, 3300), minutes=rng.randint(0, 960))
        if language == "fa":
            raw, has_time, has_gregorian = _fa_dateline(rng, when)
            hijri_only = not has_gregorian
            published = when.strftime("%Y-%m-%dT%H:%M") if has_time else when.date().isoformat()
        elif (hijri_only := rng.random() < 0.25):
            raw = _hdate(when.date(), language)
            published = when.date().isoformat()
        else:
            raw = f"{gdate(when, language)} {when:%H:%M}"
            published = when.strftime("%Y-%m-%dT%H:%M")
        paragraphs = [_paragraph(rng, language) for _ in range(rng.randint(3, 8))]
        if one_sentence_paragraphs and not briefs:
            paragraphs = [_sentence(c.layout_rng, language) for _ in paragraphs]
        if briefs:
            paragraphs = _brief(rng, language)
        # prose that reuses furniture words and the site's name; never alone as a one-sentence
        # paragraph: the same sentence on many pages is what a site template rightly strips
        elif not one_sentence_paragraphs and rng.random() < 0.7:
            trap = rng.choice(_TRAPS[language]).format(site=site)
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = f"{trap} {paragraphs[k]}" if rng.random() < 0.5 else \
                f"{paragraphs[k]} {trap}"
        if style % 4 == 1 and not briefs and rng.random() < 0.4:
            paragraphs.insert(rng.randint(1, len(paragraphs)), "## " + _title(rng, language))
        slug = {"ar": "story", "fa": "khabar"}.get(language) or "-".join(
            _title(rng, "en").lower().split()[:4])
        if style % 4 in (0, 2):
            path = f"/{when:%Y}/{when:%m}/{slug}-{i + 1}.html"
        else:
            path = f"/article/{i + 1}/{slug}/"
        articles.append(ArticleTruth(path=base + path, title=_title(rng, language),
                                     published=published, published_raw=raw,
                                     hijri_only=hijri_only, paragraphs=paragraphs,
                                     language=language,
                                     tags=rng.sample(tags, k=2)))
    # Paragraph truth as the reader sees it: "## " marks a subheading block.
    articles.sort(key=lambda a: a.published, reverse=True)

    def today_for(i: int) -> dt.date:
        return dt.date(2024, 1, 1) + dt.timedelta(days=(i * 7 + seed) % 700)

    slogan = f'<div class="c11">{_esc(c.ui["slogan"])}</div>'
    share_line = f'<div class="c7">{_esc(" ".join(SOCIAL[language][:2]))}</div>'
    for i, a in enumerate(articles):
        others = [articles[(i + k) % len(articles)] for k in (1, 2, 3, 5) if len(articles) > k]
        comments = [(*_comment_meta(language, k), _paragraph(rng, language))
                    for k in range(rng.randint(0, 3))]
        main = _article_main(c, a, comments)
        page = _page(c, title=a.title, canonical=a.path, today=today_for(i), main=main,
                     related=_related(c, others), tags=tags, article=True,
                     extra_in_main=(share_line, slogan))
        write_page(root, a.path, page)

    listing_paths: list[str] = []

    def write_listing(prefix: str, heading: str, items: list[ArticleTruth], salt: int) -> None:
        n_pages = max(1, -(-len(items) // per_page))
        for p in range(1, n_pages + 1):
            path = base + (prefix if p == 1 else f"{prefix}page/{p}/")
            chunk = items[(p - 1) * per_page: p * per_page]
            main = _listing_main(c, heading, chunk, p, n_pages, prefix)
            write_page(root, path, _page(c, title=heading, canonical=path,
                                     today=today_for(salt + p), main=main, related=[],
                                     tags=tags, article=False))
            listing_paths.append(path)

    write_listing("/", site, articles, 0)
    tag_paths = []
    for t in tags:
        items = [a for a in articles if t in a.tags]
        write_listing(f"/tag/{t}/", t, items, 50)
        tag_paths.append(base + f"/tag/{t}/")

    sitemap_path = base + "/sitemap.xml"
    write_page(root, "/robots.txt", robots_txt(sitemap_path))
    manifest = SiteManifest(root=str(root), site_name=site, domain=domain, language=language,
                            style=style % 4, base_path=base, articles=articles,
                            listing_paths=listing_paths, tag_paths=tag_paths,
                            home_path=base + "/", sitemap_path=sitemap_path)
    write_sitemap(manifest, base_url)
    (root / "manifest.json").write_text(json.dumps(manifest.to_json(), ensure_ascii=False),
                                        encoding="utf-8")
    return manifest


def write_sitemap(manifest: SiteManifest, base_url: str = "") -> Path:
    """(Re)write sitemap.xml with <lastmod>; locs are prefixed with ``base_url``."""
    base_url = base_url.rstrip("/")
    return write_page(Path(manifest.root), manifest.sitemap_path, sitemap_xml(
        (base_url + a.path, a.published[:10]) for a in manifest.articles))


def article_blocks(a: ArticleTruth) -> list[str]:
    """The article's text blocks as a reader sees them (subheadings without their marker)."""
    return [p[3:] if p.startswith("## ") else p for p in a.paragraphs]
