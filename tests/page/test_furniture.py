"""Furniture: generic rules, the per-site template, and whole generated sites end to end."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from crawler.app.sitegen import LANGUAGES, STYLES, article_blocks, generate_site
from pipelines.page.extract import ExtractionRules, extract
from pipelines.page.furniture import (
    SiteTemplate,
    fingerprint,
    is_date_only,
    is_generic_furniture,
    strip_furniture,
)
from pipelines.page.parse import parse_html


def _file(root: Path, path: str) -> Path:
    rel = path.lstrip("/")
    return root / rel / "index.html" if not rel or rel.endswith("/") else root / rel


@pytest.mark.parametrize("block", [
    "Facebook Twitter Youtube",
    "Share on Facebook",
    "Follow us on Twitter",
    "Scroll Up",
    "Back to top",
    "↑",
    "© 2018 Islamic Invitation Turkey. All rights reserved.",
    "18 June 2018 - Monday - 4 Shawwal 1439",
    "18 June 2018 - Monday - 4 Shawwal 1439 | 18/06/2018 (16) 17/06/2018 (22) 16/06/2018 (30)"
    " 15/06/2018 (25) 14/06/2018 (28) Total: 138,993 content        Facebook Twitter Youtube",
    "21 November 2015 10:37",
    "الاثنين 18 يونيو 2018 - 4 شوال 1439 هـ",
    "شارك على فيسبوك",
    "العودة للأعلى",
    "جميع الحقوق محفوظة",
    "18 Haziran 2018 Pazartesi - 4 Şevval 1439",
    "Tüm hakları saklıdır.",
    "Yukarı Çık",
    "Toplam: 138.993 içerik",
    "دوشنبه ۲۸ خرداد ۱۳۹۷",
    "تمامی حقوق این سایت محفوظ است",
    "بازگشت به بالا",
    "Jane Doe contributed reporting from Ankara.",
    "jane.doe@example.com",
    "Follow her at twitter.com/janedoe",
    "(c) 2024 Valley Herald",
    "Total: 1,234 visits - Online: 12",
])
def test_generic_furniture_lines(block: str) -> None:
    assert is_generic_furniture(block)


@pytest.mark.parametrize("block", [
    "Readers were asked to share their memories of the old bridge on Facebook, Twitter and "
    "Youtube, the Valley Herald reported.",
    "Scroll up the hill from the station and the market is on your left.",
    "The council said the total budget for the content of the exhibition is 138,993 dollars.",
    "Back to top form after the injury, the captain scored twice on Sunday.",
    "Islamic Invitation Turkey",
    "He said 34 bases remained.",
    "2015",
    "قال المجلس إن المجموع الكلي لميزانية المعرض بلغ 138,993 دولارا هذا العام.",
    "İstasyondan tepeye doğru yukarı çıkın, pazar solunuzda kalacak.",
    "Readers can write to letters@valleyherald.example with their memories of the old "
    "bridge, which the council plans to replace next year.",
    # Persian حقوق is wages as well as rights, and محفوظ is anything kept safe
    "تمامی حقوق معوق کارگران کارخانه تا پایان اسفند پرداخت می‌شود، استاندار گفت.",
    "حقوق این کارگران از ماه آینده افزایش می‌یابد.",
    "این بنای تاریخی به عنوان میراث ملی محفوظ است و بازدید از آن آزاد است.",
    "وأكد أن حقوق العمال محفوظة بالكامل.",
    "زمان مطالعه دانش‌آموزان در تابستان به ۳ ساعت در روز رسید.",
])
def test_prose_with_furniture_words_is_not_furniture(block: str) -> None:
    assert not is_generic_furniture(block)


@pytest.mark.parametrize("cell", ["5.000 €", "2,0 %", "$1,200", "1.234.567", "+3,4 %", "٪12,5"])
def test_amounts_in_table_cells_are_not_dates(cell: str) -> None:
    """A number with a currency or percent sign, or a 3-digit group, fits no date field."""
    assert not is_date_only(cell)
    assert not is_generic_furniture(cell)


@pytest.mark.parametrize("line", ["12.03.2020", "12/03", "14:30", "Jan 5, 2020"])
def test_numeric_dates_are_still_dates(line: str) -> None:
    assert is_date_only(line)


@pytest.mark.parametrize("line", [
    "چهارشنبه ۱۸ اردیبهشت ۱۳۹۸ ساعت ۱۱:۴۵", "تاریخ انتشار: ۱۱:۴۵ - ۱۸ اردیبهشت ۱۳۹۸",
    "۱۳۹۸/۰۲/۱۸ - ۱۱:۴۵", "۱۱:۴۵ - ۱۸ اردیبهشت ۱۳۹۸ (8 May 2019)",
    "امروز: چهارشنبه ۹ اسفند ۱۴۰۲ - ۱۸ شعبان ۱۴۴۵ - ۲۸ فوریه ۲۰۲۴",
    "امروز: دوشنبه ۱۱ دی ۱۴۰۲ - ۱۹ جمادی‌الثانی ۱۴۴۵ - ۱ ژانویه ۲۰۲۴",
    "۶ ربیع‌الاول ۱۴۴۶", "۵ ذی‌الحجه ۱۴۴۵ ه.ق", "۷ ذی‌القعده ۱۴۴۵",
])
def test_persian_date_lines_are_dates(line: str) -> None:
    """A Persian dateline: the Solar Hijri day, its weekday, "ساعت" (at) and a clock time, a
    "تاریخ انتشار" (publication date) label, the Gregorian day beside it; the lunar months as
    Persian spells them, joined by the half-space (ربیع‌الاول, ذی‌الحجه)."""
    assert is_date_only(line)


def test_template_counts_distinct_pages_and_masks_digits_and_month_names() -> None:
    tpl = SiteTemplate()
    words = ["olive", "harbour", "bridge", "market"]
    for i, (day, month) in enumerate([(18, "June"), (19, "July"), (2, "March"), (30, "April")]):
        tpl.observe(f"/a/{i}", [f"Visitors on {day} {month}: {100 + i}", f"about the {words[i]}"])
    tpl.observe("/a/0", ["Visitors on 1 June: 5"])  # the same page again counts nothing
    assert tpl.pages_seen == 4
    assert tpl.is_furniture("Visitors on 7 December: 999")
    assert not tpl.is_furniture("about the bridge")
    assert not tpl.is_furniture("Visitors on 7 December: 999 and a story about them that goes on")


# Fingerprints as tarikh 0.1 stored them (computed by the code before the 2026-12-07 speed-up):
# templates are kept in the database between runs, so a block must keep its fingerprint or
# every stored template forgets its site's furniture.
@pytest.mark.parametrize(("block", "stored"), [
    ("18 June 2018 - Monday - 4 Shawwal 1439", "97d9a5aeaaeed454"),
    ("Facebook   Twitter\tYoutube", "b65157ca66cefb38"),
    ("الأحد ١٢ رمضان ١٤٤٠ هـ", "8f7051e8ca4eb829"),
    ("Okunma: 1.245", "e3b7d92641dcfa77"),
    ("بازدید: ۱۲۳۴", "ec17e45b06153d2c"),
    ("ＦＵＬＬＷＩＤＴＨ Ｎｅｗｓ ２０２０", "015837d7df7b00c5"),
    ("الأخبـــار العاجلة", "6b7148dfe60c2e5c"),
])
def test_fingerprints_of_stored_templates_do_not_change(block: str, stored: str) -> None:
    assert fingerprint(block) == stored
    assert fingerprint(f"  {block.upper() if block.isascii() else block}\n") == stored


def test_template_is_bounded_and_round_trips() -> None:
    tpl = SiteTemplate()
    for i in range(SiteTemplate.MAX_FINGERPRINTS // 10 * 3):
        tpl.observe(f"/p/{i}", ["Site slogan"] + [f"block {i}-{j} {'x' * (i % 7)}"
                                                  for j in range(10)])
    assert len(tpl.counts) <= SiteTemplate.MAX_FINGERPRINTS
    assert len(tpl.page_keys) <= SiteTemplate.MAX_PAGE_KEYS
    assert tpl.is_furniture("Site slogan")
    again = SiteTemplate.from_json(tpl.to_json())
    assert again.pages_seen == tpl.pages_seen and again.is_furniture("Site slogan")
    assert pickle.loads(pickle.dumps(tpl)).is_furniture("Site slogan")
    assert SiteTemplate.from_json({}).pages_seen == 0


def test_long_blocks_need_a_large_share_of_pages() -> None:
    """A lead paragraph teased on a few listing pages is not furniture; a disclaimer is."""
    tpl = SiteTemplate()
    lead = "The mayor opened the new bridge on Monday, ending ten years of delays " * 2
    disclaimer = "The views expressed here are the author's own and not those of this site " * 2
    for i in range(20):
        tpl.observe(f"/p/{i}", [disclaimer] + ([lead] if i < 4 else []))
    assert not tpl.is_furniture(lead)
    assert tpl.is_furniture(disclaimer)


def test_strip_furniture_uses_profile_patterns() -> None:
    rules = ExtractionRules(drop_patterns=[r"^Source: ", "[invalid"])
    kept, dropped = strip_furniture(["Source: FNA", "A real paragraph.", "Scroll Up"],
                                    rules=rules)
    assert kept == ["A real paragraph."]
    assert dropped == ["Source: FNA", "Scroll Up"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("style", STYLES)
def test_generated_site_leaves_no_furniture_and_keeps_every_paragraph(
        tmp_path: Path, language: str, style: int) -> None:
    manifest = generate_site(tmp_path, language=language, n_articles=14, style=style,
                             seed=style + 7)
    template = SiteTemplate()
    pages = {}
    for path in [a.path for a in manifest.articles] + manifest.listing_paths:
        page = extract(parse_html(_file(tmp_path, path).read_bytes()),
                       f"http://127.0.0.1:8000{path}")
        pages[path] = page
        template.observe(path, page.page_blocks)
    for article in manifest.articles:
        page = pages[article.path]
        kept, _ = strip_furniture(page.blocks, template=template, language=page.language)
        assert kept == article_blocks(article), article.path
        assert page.title == article.title
        assert page.language == language
        assert page.kind == "article"
    assert {pages[p].kind for p in manifest.listing_paths} == {"listing"}


def test_extracted_page_and_template_survive_a_process_pool_boundary(tmp_path: Path) -> None:
    manifest = generate_site(tmp_path, language="en", n_articles=3, style=0)
    page = extract(parse_html(_file(tmp_path, manifest.articles[0].path).read_bytes()), "")
    assert pickle.loads(pickle.dumps(page)) == page


@pytest.mark.parametrize("line", [
    "عدد الزيارات: 2950", "Views: 1,234", "1,234 views", "مشاهدة 532", "Okunma: 1.245",
    "Görüntülenme 3.456", "بازدید: ۱۲۳۴", "تعداد بازدید : 542", "Hits: 532", "Okunma Sayısı: 1234",
    "Reading time: 3 min", "2 دقائق للقراءة", "۳ دقیقه زمان مطالعه",
    "Home » News » Economy", "الرئيسية أخبار اقتصاد", "Anasayfa > Gündem > Ekonomi",
    "خانه » اخبار » اقتصادی", "صفحه اصلی / اخبار / سیاسی", "زمان مطالعه: ۳ دقیقه",
    "Visitors today: 123", "زوار اليوم: 123", "Bugünkü ziyaretçi: 123", "بازدید امروز: ۱۲۳",
    "کلیه حقوق مادی و معنوی این سایت محفوظ است.", "تمامی حقوق این سایت متعلق به خبرگزاری مهر است.",
    "تمامی حقوق محفوظ است. © ۱۴۰۳ صدای دره", "ارسال نظر", "اخبار بیشتر",
])
def test_counters_and_breadcrumbs_are_furniture_on_any_site(line: str) -> None:
    assert is_generic_furniture(line)


@pytest.mark.parametrize("line", [
    "Home prices rose 5% in March, the agency said.", "Home is where the heart is",
    "The film drew 2 million views in its first week.", "Views from the summit are stunning.",
    "3 minutes later the police arrived.", "Okunma süresi uzun bir kitap",
])
def test_prose_with_counter_or_home_words_is_not(line: str) -> None:
    assert not is_generic_furniture(line)


def test_a_first_crawl_drops_counters_and_breadcrumbs_in_four_languages() -> None:
    """No template yet: the generic rules alone clean the article (issue: a visit counter
    stayed in some articles of a crawled Arabic site)."""
    from pipelines.article.process import SiteContext, analyse_html, process_analysis

    furniture = ["الرئيسية » أخبار » اقتصاد", "عدد الزيارات: 2950", "Okunma: 1.245",
                 "بازدید: ۱۲۳۴", "Views: 1,234", "Share on Facebook Twitter WhatsApp"]
    prose = ["أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال الموسم المقبل.",
             "وقال الوزير إن الخطة تشمل قروضا ميسرة وتدريبا على أساليب الري الحديثة للمزارعين الشباب.",
             "ويتوقع الخبراء أن ترفع الخطة الإنتاج الزراعي بنسبة كبيرة خلال السنوات الثلاث القادمة."]
    body = "".join(f"<p>{line}</p>" for line in [furniture[0], *prose[:1], *furniture[1:4], *prose[1:],
                                                 *furniture[4:]])
    page = f"<html lang='ar'><body><article><h1>خطة لدعم المزارعين</h1>{body}</article></body></html>"
    record = process_analysis("https://e.example/2024/05/plan-farmers",
                              analyse_html(page.encode(), "https://e.example/2024/05/plan-farmers"),
                              SiteContext(site="e"))
    assert record["text"].split("\n\n") == prose


def test_a_first_crawl_of_a_persian_site_drops_its_furniture_and_keeps_its_prose() -> None:
    """No template yet: a Persian article between an Iranian site's furniture — the header's
    today in three calendars, counters, a breadcrumb, reading time, share and copyright lines —
    keeps exactly its paragraphs, though they speak of wages (حقوق), visits and sharing, and
    gets its Solar Hijri date."""
    from pipelines.article.process import SiteContext, analyse_html, process_analysis

    prose = ["به گزارش صدای دره، تمامی حقوق معوق کارگران کارخانه تا پایان اسفند پرداخت می‌شود.",
             "استاندار گفت تعداد بازدید از نمایشگاه به ۱۲٬۳۴۰ نفر رسید و بودجه آن محفوظ است.",
             "وزیر گفت: «اشتراک‌گذاری اطلاعات میان وزارتخانه‌ها از سال آینده اجباری می‌شود.»"]
    page = ("<html lang='fa' dir='rtl'><body><header><p>صدای دره</p>"
            "<p>امروز: دوشنبه ۱۱ دی ۱۴۰۲ - ۱۹ جمادی‌الثانی ۱۴۴۵ - ۱ ژانویه ۲۰۲۴</p>"
            "<p>بازدید امروز: ۸۲۲</p></header><article><p>صفحه اصلی / اخبار / اقتصادی</p>"
            "<h1>پرداخت حقوق کارگران</h1><p>تاریخ انتشار: ۱۱:۴۵ - ۱۸ اردیبهشت ۱۳۹۸</p>"
            + "".join(f"<p>{p}</p>" for p in prose)
            + "<p>تعداد بازدید: ۵۶۲۱</p><p>زمان مطالعه: ۱ دقیقه</p>"
            "<p>اشتراک‌گذاری: تلگرام واتساپ توییتر</p></article>"
            "<footer><p>تمامی حقوق محفوظ است. © ۱۴۰۲ صدای دره</p><p>بازگشت به بالا</p></footer>"
            "</body></html>")
    url = "https://dareh.example/news/98021809876/pardakht-hoghoogh"
    record = process_analysis(url, analyse_html(page.encode(), url), SiteContext(site="dareh"))
    assert record["text"].split("\n\n") == prose
    assert record["title"] == "پرداخت حقوق کارگران"
    assert (record["published"] or "")[:16] == "2019-05-08T11:45"
