"""Articles and databases for the search, export and Datasette tests.

CORPUS is a small newsroom in four languages, written so that each search rule has a witness:
a word that occurs *only* with tashkeel in one article and *only* without it in another, alef
and yeh variants, Persian letters and half-spaces, Turkish dotted capitals, Latin accents,
Arabic-Indic digits. crawl_demo() builds a database the real way: the bundled demo site,
served on 127.0.0.1 and crawled by `tarikh crawl`, with tashkeel put on one word of one
Arabic article first (the demo texts carry none).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from crawler.app.localserver import LocalSiteServer
from pipelines import store
from tests.helpers import DEMO_SITE, tarikh, write_profile

CORPUS: list[dict[str, Any]] = [
    {
        "url": "https://ar.example/2018/06/school-opens.html",
        "site": "ar-news",
        "title": "افتتاح مَكْتَبَةٍ عامة في حي شُبْرَا",
        "text": "افتُتِحَت الْمَدْرَسَةُ الْجَدِيدَةُ صباح الأحد في القاهرة بحضور مُحَافِظِ المدينة.\n\n"
        "وقال المُدِيرُ إنّ الْمَدْرَسَةَ ستستقبل ٥٠٠ طالب في عامها الأول ٢٠١٨.",
        "published": "2018-06-18",
        "published_raw": "4 شوال 1439",
        "calendar": "hijri",
        "hijri_year": 1439,
        "hijri_month": 10,
        "hijri_day": 4,
        "language": "ar",
        "word_count": 22,
    },
    {
        "url": "https://ar.example/2018/05/minister-visit.html",
        "site": "ar-news",
        "title": "وزير التعليم يزور مدرسة في الإسكندرية",
        "text": "زار وزير التعليم اليوم المدرسة الثانوية في الإسكندرية، وتفقد مستشفى الطلاب.\n\n"
        "وأكد الوزير أن إصلاح التعليم أولوية في رمضان.",
        "published": "2018-05-20",
        "published_raw": "5 رمضان 1439",
        "calendar": "hijri",
        "hijri_year": 1439,
        "hijri_month": 9,
        "hijri_day": 5,
        "language": "ar",
        "word_count": 20,
    },
    {
        "url": "https://ar.example/2018/06/ramadan-market.html",
        "site": "ar-news",
        "title": "أسواق إسطنبول تستعد للعيد",
        "text": "تشهد أسواق اسطنبول القديمة إقبالاً كبيراً في الأيام الأخيرة من رمضان، "
        "ويقول التجار إن المبيعات ارتفعت هذا العام.",
        "published": "2018-06-01",
        "published_raw": "17 رمضان 1439",
        "calendar": "hijri",
        "hijri_year": 1439,
        "hijri_month": 9,
        "hijri_day": 17,
        "language": "ar",
        "word_count": 18,
    },
    {
        "url": "https://tr.example/2018/06/kopru.html",
        "site": "tr-haber",
        "title": "İstanbul'da yeni köprü açıldı",
        "text": "İSTANBUL (AA) — Boğaz üzerindeki yeni köprü pazar günü düzenlenen törenle "
        "trafiğe açıldı. Şişli ve Üsküdar arasında ulaşım süresi kısalacak.",
        "published": "2018-06-19T10:30",
        "published_raw": "19 Haziran 2018 10:30",
        "calendar": "gregorian",
        "hijri_year": 1439,
        "hijri_month": 10,
        "hijri_day": 5,
        "language": "tr",
        "word_count": 20,
    },
    {
        "url": "https://fa.example/1397/03/library.html",
        "site": "fa-khabar",
        "title": "افتتاح کتابخانه\u200cی ملی در تهران",
        "text": "کتابخانه\u200cی ملی ایران روز یکشنبه با حضور وزیر فرهنگ افتتاح شد. "
        "مدیر کتابخانه گفت: «ما می\u200cخواهیم کتاب\u200cها را دیجیتال کنیم.» "
        "این کتابخانه ۱۳۹۷ تأسیس شد.",
        "published": "2018-06-20",
        "published_raw": "۳۰ خرداد ۱۳۹۷",
        "calendar": "jalali",
        "hijri_year": 1439,
        "hijri_month": 10,
        "hijri_day": 6,
        "language": "fa",
        "word_count": 30,
    },
    {
        "url": "https://en.example/2015/11/reservoir.html",
        "site": "en-wire",
        "title": "City Opens New Reservoir Ahead of Summer",
        "text": "The municipality opened a water facility on Saturday, officials said.\n\n"
        "Engineers said the \"new\" plant, built with a loan, would serve 40,000 homes.",
        "published": "2015-11-21T10:37",
        "published_raw": "21 November 2015 10:37",
        "calendar": "gregorian",
        "hijri_year": 1437,
        "hijri_month": 2,
        "hijri_day": 9,
        "language": "en",
        "word_count": 28,
    },
    {
        "url": "https://en.example/2015/11/drought.html",
        "site": "en-wire",
        "title": "Farmers Worry About the Dry Season",
        "text": "Farmers near the old reservoir said the café on the river bank had closed, and "
        "that rain in Deir Ezzur had been scarce since the spring.",
        "published": "2015-11-25",
        "published_raw": "25 November 2015",
        "calendar": "gregorian",
        "hijri_year": 1437,
        "hijri_month": 2,
        "hijri_day": 13,
        "language": "en",
        "word_count": 27,
    },
    {
        "url": "https://en.example/undated/notice.html",
        "site": "en-wire",
        "title": "Notice to Readers",
        "text": "Our reservoir coverage continues; comments, corrections and tips are welcome.",
        "published": None,
        "language": "en",
        "word_count": 10,
    },
]


def build_db(path: Path, articles: list[dict[str, Any]] | None = None):
    """A database written the way the pipeline writes one: store.upsert_article per article."""
    db = store.connect(path)
    for article in CORPUS if articles is None else articles:
        store.upsert_article(db, dict(article))
    return db


def with_tashkeel(word: str) -> str:
    """The word with a fatha on every letter but the last, which gets a damma."""
    return "".join(ch + "\u064e" for ch in word[:-1]) + word[-1] + "\u064f"


def crawl_demo(workdir: Path) -> dict[str, Any]:
    """Crawl a copy of the demo site into workdir/tarikh.db with one Arabic word vowelled.

    Returns the db path, the vowelled article's path and the word (bare and vowelled).
    """
    manifest = json.loads((DEMO_SITE / "manifest.json").read_text(encoding="utf-8"))
    site = workdir / "site"
    shutil.copytree(DEMO_SITE, site)
    article = next(a for a in manifest["articles"] if a["language"] == "ar")
    words = re.findall(r"[\u0621-\u064a]{5,}", article["paragraphs"][0])
    word = max(words, key=len)
    vowelled = with_tashkeel(word)
    page = site / article["path"].lstrip("/")
    html = page.read_text(encoding="utf-8")
    page.write_text(re.sub(rf"(?<!\w){word}(?!\w)", vowelled, html), encoding="utf-8")
    sites = workdir / "sites"
    sites.mkdir()
    db = workdir / "tarikh.db"
    with LocalSiteServer(site) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        tarikh("crawl", "news", "--db", str(db), "--no-throttle", "--workers", "0",
               env={"TARIKH_SITES": str(sites)})
    return {"db": db, "path": article["path"], "word": word, "vowelled": vowelled,
            "manifest": manifest}
