"""The "portal" layout: the bundled demo's design, rendered from given articles.

Every page carries seed-like furniture around the article — a header with today's date in
Gregorian and Hijri, visit counters, menus, share bars, related lists, comment forms with
dates, a copyright line, "Scroll Up" — and bylines come in several formats per language
(Egyptian and Levantine Arabic month names, Arabic-Indic digits, Hijri-only dates), so the
cleaner and the date finder meet the same traps as on the real sites. The output is
deterministic: the same articles always yield byte-identical files.
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
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from hijridate import Hijri

from crawler.app.sitegen.files import robots_txt, sitemap_xml, write_page
from crawler.app.sitegen.vocab import (
    HIJRI_MONTHS_PORTAL,
    MONTHS,
    MONTHS_AR_LEVANT,
    SOCIAL,
    UI_PORTAL,
    WEEKDAYS,
    WHATSAPP,
    ar_digits,
    counter_line,
    gdate,
    hdate,
    today_line,
)

__all__ = ["PortalSite", "build_portal", "check_portal"]

PER_PAGE = 5
LANGS = ("en", "ar", "tr")
LANG_LABEL = {"en": "English", "ar": "العربية", "tr": "Türkçe"}
# What build_portal writes, and so removes first: a dropped article leaves no stale page.
GENERATED = ("en", "ar", "tr", "tag", "static", "index.html", "sitemap.xml", "robots.txt",
             "manifest.json")
BASE = "{{BASE}}"  # absolute URLs in sitemap and robots.txt, filled in by whoever serves it


@dataclass(frozen=True)
class PortalSite:
    """Who the portal is: its names, sections, zone and the day its listings were fetched."""

    key: str
    names: dict[str, str]            # the site's name per language
    tags: dict[str, dict[str, str]]  # tag slug → its name per language (menu order)
    timezone: str
    listing_today: date              # listing, home and tag pages show this one "today"
    handle: str                      # the social accounts' name
    years: str                       # the copyright line's range
    note: str                        # the manifest's note


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
    published: datetime  # local wall time, aware; 12:00 stands in when only a day is printed
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
        return self.published.isoformat()


def load_articles(records: list[dict[str, Any]], tz: ZoneInfo) -> list[Article]:
    """Articles from articles.json records; "date" is ISO, a bare day, or "H<y>-<m>-<d>"."""
    articles = []
    for i, r in enumerate(records):
        spec: str = r["date"]
        hijri = None
        if spec.startswith("H"):
            y, m, d = (int(x) for x in spec[1:].split("-"))
            hijri = (y, m, d)
            g = Hijri(y, m, d).to_gregorian()
            published, has_time = datetime(g.year, g.month, g.day, 12, 0), False
        elif "T" in spec:
            published, has_time = datetime.fromisoformat(spec), True
        else:
            published, has_time = datetime.fromisoformat(spec + "T12:00"), False
        a = Article(index=i, lang=r["lang"], slug=r["slug"], title=r["title"],
                    paragraphs=r["paragraphs"], tags=r["tags"], machine=r["machine"],
                    fmt=r["fmt"], comments=r["comments"], published=published.replace(tzinfo=tz),
                    has_time=has_time, hijri=hijri)
        rnd = random.Random(f"today:{a.slug}")
        a.today = published.date() + timedelta(days=rnd.randint(1, 900))
        articles.append(a)
    return articles


# ---------------------------------------------------------------- printed dates


def format_byline(a: Article) -> str:
    """The article's printed publication date, in the format its template uses."""
    p, lang = a.published, a.fmt.split("_")[0]
    hm = f"{p:%H:%M}"
    wd = WEEKDAYS[lang][p.weekday()]
    if a.hijri is not None:
        h = hdate(a.hijri, lang, HIJRI_MONTHS_PORTAL)
        forms = {"en_hijri": f"{h} AH", "ar_hijri": h, "ar_hijri_weekday": f"{wd} {h}",
                 "tr_hijri": h, "tr_hijri_weekday": f"{h} {wd}"}
    else:
        g = gdate(p, lang)
        lev = gdate(p, lang, months=MONTHS_AR_LEVANT)
        forms = {
            "en_dmy_time": f"{g} {hm}",
            "en_weekday": f"{wd}, {g}",
            "en_mdy_time": f"{MONTHS[lang][p.month - 1]} {p.day}, {p.year} - {hm}",
            "ar_egypt_time": f"{g} - {hm}",
            "ar_egypt": g,
            "ar_levant_time": f"{lev} {hm}",
            "ar_levant_weekday": f"{wd} {lev}",
            "ar_levant_weekday_time": f"{wd} {lev} - {hm}",
            "tr_full": f"{p:%d} {MONTHS[lang][p.month - 1]} {p.year} {wd} {hm}",
            "tr_numeric": f"{p:%d.%m.%Y} {hm}",
            "tr_plain": g,
        }
    return _digits(lang, forms[a.fmt])


def _digits(lang: str, text: str) -> str:
    return ar_digits(text) if lang == "ar" else text


def format_today(lang: str, d: date) -> str:
    """Header line with the day the page was generated, Gregorian and Hijri (like the seed)."""
    return _digits(lang, today_line(d, lang, HIJRI_MONTHS_PORTAL))


def format_counter(lang: str, d: date, seed: str) -> str:
    """Visit counter: the last five days with hit counts, then a total that grows by the day."""
    rnd = random.Random(f"counter:{seed}")
    hits = [rnd.randint(8, 60) for _ in range(5)]
    total = 100_000 + (d - date(2010, 1, 1)).days * 23 + rnd.randint(0, 999)
    return _digits(lang, counter_line(lang, d, hits, total,
                                      day_format="%d.%m.%Y" if lang == "tr" else "%d/%m/%Y"))


def format_comment_date(lang: str, when: datetime) -> str:
    if lang == "ar":
        return ar_digits(f"{when:%d/%m/%Y - %H:%M}")
    if lang == "tr":
        return f"{when:%d.%m.%Y %H:%M}"
    return f"{gdate(when, lang)} at {when:%H:%M}"


# ---------------------------------------------------------------- page pieces


def page_head(lang: str, title: str, extra: str = "") -> str:
    dir_ = "rtl" if lang == "ar" else "ltr"
    return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{dir_}">\n<head>\n'
            f'<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n{extra}"
            f'<link rel="stylesheet" href="/static/style.css">\n</head>\n<body>\n')


def site_header(site: PortalSite, lang: str, today: date, seed: str) -> str:
    ui = UI_PORTAL[lang]
    hosts = ("facebook", "twitter", "youtube")
    social = " ".join(f'<a href="https://www.{h}.com/{site.handle}" rel="nofollow">{s}</a>'
                      for h, s in zip(hosts, SOCIAL[lang], strict=True))
    menu = [f'<li><a href="/index.html">{ui["home"]}</a></li>',
            f'<li><a href="/{lang}/index.html">{ui["news"]}</a></li>']
    menu += [f'<li><a href="/tag/{t}.html">{names[lang]}</a></li>'
             for t, names in site.tags.items()]
    menu += [f'<li><a href="/{other}/index.html" lang="{other}">{LANG_LABEL[other]}</a></li>'
             for other in LANGS if other != lang]
    return (f'<div id="top" class="site-header">\n'
            f'<div class="logo"><a href="/index.html">{site.names[lang]}</a></div>\n'
            f'<div class="topbar"><span class="today">{format_today(lang, today)}</span> | '
            f'<span class="counter">{format_counter(lang, today, seed)}</span> '
            f'<span class="social">{social}</span></div>\n'
            f'<ul class="menu">{"".join(menu)}</ul>\n</div>\n')


def share_bar(site: PortalSite, lang: str, path: str) -> str:
    names = [*SOCIAL[lang], WHATSAPP[lang]]
    hosts = ["facebook.com/sharer.php?u=", "twitter.com/intent/tweet?url=",
             f"youtube.com/{site.handle}?ref=", "wa.me/?text="]
    links = " ".join(f'<a href="https://{h}{quote(path, safe="")}" rel="nofollow">{n}</a>'
                     for h, n in zip(hosts, names, strict=True))
    return f'<div class="share-bar">{UI_PORTAL[lang]["share"]} {links}</div>\n'


def site_footer(site: PortalSite, lang: str) -> str:
    ui = UI_PORTAL[lang]
    return (f'<div class="footer"><p class="copyright">© {_digits(lang, site.years)} '
            f'{site.names[lang]}. {ui["rights"]}</p>\n'
            f'<p><a href="#top" class="scroll-up">{ui["top"]}</a></p></div>\n'
            "</body>\n</html>\n")


def byline_html(a: Article, byline: str) -> str:
    ui = UI_PORTAL[a.lang]
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
    ui = UI_PORTAL[a.lang]
    rnd = random.Random(f"comments:{a.slug}")
    count = _digits(a.lang, str(len(a.comments)))
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
    return (f'<div class="sidebar"><h3>{UI_PORTAL[lang]["latest"]}</h3>'
            f'<ul>{items}</ul></div>\n')


def article_page(site: PortalSite, a: Article, same_lang: list[Article]) -> str:
    ui = UI_PORTAL[a.lang]
    extra = (f'<link rel="canonical" href="{a.path}">\n'
             f'<meta property="og:title" content="{escape(a.title)}">\n'
             f'<meta property="og:type" content="article">\n')
    if a.machine == "meta":
        extra += f'<meta property="article:published_time" content="{a.machine_value}">\n'
    body = "".join(f"<p>{escape(p)}</p>\n" for p in a.paragraphs)
    tags = ("، " if a.lang == "ar" else ", ").join(
        f'<a href="/tag/{t}.html">{site.tags[t][a.lang]}</a>' for t in a.tags)
    related = "".join(
        f'<li><a href="{r.path}">{escape(r.title)}</a> '
        f'<span class="date">{format_byline(r)}</span></li>\n'
        for r in related_for(a, same_lang))
    return (page_head(a.lang, f"{a.title} - {site.names[a.lang]}", extra)
            + site_header(site, a.lang, a.today, a.slug)
            + '<div class="wrap">\n<div class="content">\n'
            + f'<h1 class="post-title">{escape(a.title)}</h1>\n'
            + byline_html(a, format_byline(a))
            + share_bar(site, a.lang, a.path)
            + f'<div class="post-body">\n{body}</div>\n'
            + f'<div class="post-tags">{ui["tags"]}: {tags}</div>\n'
            + share_bar(site, a.lang, a.path)
            + f'<div class="related"><h3>{ui["related"]}</h3>\n<ul>\n{related}</ul></div>\n'
            + comments_html(a)
            + "</div>\n"
            + latest_sidebar(a.lang, same_lang)
            + "</div>\n"
            + site_footer(site, a.lang))


def teaser(a: Article) -> str:
    """A listing entry: linked title, date and the start of the first paragraph."""
    first = a.paragraphs[0]
    excerpt = first if len(first) <= 110 else first[:110].rsplit(" ", 1)[0] + " …"
    return (f'<div class="teaser" lang="{a.lang}"><h2><a href="{a.path}">{escape(a.title)}</a>'
            f'</h2>\n<span class="date">{format_byline(a)}</span>\n'
            f"<p>{escape(excerpt)} "
            f'<a href="{a.path}">{UI_PORTAL[a.lang]["read_more"]}</a></p></div>\n')


def listing_path(lang: str, page: int) -> str:
    return f"/{lang}/index.html" if page == 1 else f"/{lang}/page/{page}.html"


def listing_page(site: PortalSite, lang: str, newest_first: list[Article], page: int,
                 pages: int) -> str:
    ui = UI_PORTAL[lang]
    chunk = newest_first[(page - 1) * PER_PAGE: page * PER_PAGE]
    head_extra = ""
    nav = []
    if page > 1:
        head_extra += f'<link rel="prev" href="{listing_path(lang, page - 1)}">\n'
        nav.append(f'<a href="{listing_path(lang, page - 1)}" rel="prev">« {ui["prev"]}</a>')
    num = _digits(lang, f"{page} / {pages}")
    nav.append(f'<span class="page-number">{ui["page"]} {num}</span>')
    if page < pages:
        head_extra += f'<link rel="next" href="{listing_path(lang, page + 1)}">\n'
        nav.append(f'<a href="{listing_path(lang, page + 1)}" rel="next">{ui["next"]} »</a>')
    title = f"{ui['news']} - {site.names[lang]}"
    return (page_head(lang, title if page == 1 else f"{title} ({page})", head_extra)
            + site_header(site, lang, site.listing_today, f"listing:{lang}:{page}")
            + f'<div class="wrap">\n<div class="content">\n<h1>{ui["news"]}</h1>\n'
            + "".join(teaser(a) for a in chunk)
            + f'<div class="pagination">{" ".join(nav)}</div>\n</div>\n'
            + latest_sidebar(lang, newest_first[::-1])
            + "</div>\n" + site_footer(site, lang))


def home_page(site: PortalSite, by_lang: dict[str, list[Article]]) -> str:
    sections = []
    for lang in LANGS:
        dir_ = "rtl" if lang == "ar" else "ltr"
        latest = by_lang[lang][::-1][:3]
        sections.append(
            f'<div class="section" lang="{lang}" dir="{dir_}">\n'
            f'<h2><a href="/{lang}/index.html">{site.names[lang]} — {LANG_LABEL[lang]}</a></h2>\n'
            + "".join(teaser(a) for a in latest) + "</div>\n")
    return (page_head("en", site.names["en"])
            + site_header(site, "en", site.listing_today, "home")
            + '<div class="wrap">\n<div class="content">\n'
            + "".join(sections) + "</div>\n</div>\n" + site_footer(site, "en"))


def tag_page(site: PortalSite, tag: str, tagged: list[Article]) -> str:
    name = site.tags[tag]["en"]
    return (page_head("en", f"{name} - {site.names['en']}")
            + site_header(site, "en", site.listing_today, f"tag:{tag}")
            + f'<div class="wrap">\n<div class="content">\n<h1>Tag: {name}</h1>\n'
            + "".join(teaser(a) for a in sorted(tagged, key=lambda x: x.published,
                                                  reverse=True))
            + "</div>\n</div>\n" + site_footer(site, "en"))


STYLE = """body{font-family:sans-serif;margin:0 auto;max-width:1000px;line-height:1.5}
.site-header{border-bottom:2px solid #064}.logo a{font-size:1.8em;color:#064}
.topbar{font-size:.8em;color:#555}.menu{list-style:none;padding:0}.menu li{display:inline;margin:0 .5em}
.wrap{display:flex;gap:2em}.content{flex:3}.sidebar{flex:1;font-size:.9em}
.post-meta,.date,.comment-date{color:#777;font-size:.85em}.share-bar{margin:.5em 0}
.footer{border-top:1px solid #ccc;font-size:.8em;text-align:center}
[dir=rtl] .menu li{margin:0 .5em}
"""


# ---------------------------------------------------------------- the site


def build_portal(root: Path, site: PortalSite, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Write every page, the sitemap, robots.txt and manifest.json; return the manifest."""
    for name in GENERATED:
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()

    articles = load_articles(records, ZoneInfo(site.timezone))
    by_lang = {lang: sorted((a for a in articles if a.lang == lang),
                            key=lambda x: x.published) for lang in LANGS}
    if len({a.path for a in articles}) != len(articles):
        raise ValueError("duplicate article paths")

    for a in articles:
        write_page(root, a.path, article_page(site, a, by_lang[a.lang]))

    non_articles = ["/index.html"]
    write_page(root, "/index.html", home_page(site, by_lang))
    for lang in LANGS:
        newest = by_lang[lang][::-1]
        pages = -(-len(newest) // PER_PAGE)
        for page in range(1, pages + 1):
            write_page(root, listing_path(lang, page),
                       listing_page(site, lang, newest, page, pages))
            non_articles.append(listing_path(lang, page))
    for tag in site.tags:
        tagged = [a for a in articles if tag in a.tags]
        if tagged:
            write_page(root, f"/tag/{tag}.html", tag_page(site, tag, tagged))
            non_articles.append(f"/tag/{tag}.html")
    write_page(root, "/static/style.css", STYLE)

    ordered = [a for lang in LANGS for a in by_lang[lang]]
    # lastmod is the day the page was last regenerated (its header's "today"), not the
    # publication date, as on the dynamic sites this replica imitates.
    write_page(root, "/sitemap.xml",
               sitemap_xml((BASE + a.path, a.today.isoformat()) for a in ordered))
    write_page(root, "/robots.txt", robots_txt(f"{BASE}/sitemap.xml", ["/comments/"]))

    manifest = {
        "site": site.key,
        "base_placeholder": BASE,
        "timezone": site.timezone,
        "note": site.note,
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
    write_page(root, "/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
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


def check_portal(root: Path, manifest: dict[str, Any]) -> list[str]:
    """What is wrong, if anything: every page balanced UTF-8 HTML, article bodies equal to
    the manifest's paragraphs."""
    problems = []
    for page in sorted(root.rglob("*.html")):
        c = _Checker()
        c.feed(page.read_text(encoding="utf-8"))
        if c.errors or c.stack:
            problems.append(f"{page}: {c.errors[:3]} open={c.stack}")
    for art in manifest["articles"]:
        c = _Checker()
        c.feed((root / art["path"].lstrip("/")).read_text(encoding="utf-8"))
        if c.paragraphs != art["paragraphs"]:
            problems.append(f"{art['path']}: body differs from manifest")
    return problems
