"""Plain-text pages: the seed (acceptance) and other rendered-page shapes."""

from __future__ import annotations

from pipelines.page.furniture import is_generic_furniture
from pipelines.page.textpage import extract_text_page
from tests.helpers import TEST_DATA

SEED = TEST_DATA / "seed_page.txt"


def test_seed_title_blocks_and_no_furniture() -> None:
    page, lines = extract_text_page(SEED.read_text(encoding="utf-8"))
    assert page.title == "ISIL Left with Only 34 Bases in Iraq, Syria"
    assert lines[page.title_index].strip() == page.title
    assert page.blocks[0].startswith("The Syrian and Iraqi forces’ advances")
    assert page.blocks[-1].endswith("deploy its central command in Deir Ezzur.")
    assert len(page.blocks) == 13
    text = "\n".join(page.blocks)
    for furniture in ("Islamic Invitation Turkey", "Total: 138,993", "Facebook Twitter Youtube",
                      "Scroll Up", "21 November 2015 10:37", "18 June 2018"):
        assert furniture not in text
    assert page.site_name == "Islamic Invitation Turkey"
    assert page.language == "en"
    assert page.kind == "article"


def test_seed_with_url_of_the_site() -> None:
    page, _ = extract_text_page(SEED.read_text(encoding="utf-8"),
                                url="http://www.islamicinvitationturkey.com/2015/11/21/isil/")
    assert page.site_name == "Islamic Invitation Turkey"
    assert page.title == "ISIL Left with Only 34 Bases in Iraq, Syria"
    assert page.canonical_url.endswith("/isil/")


def test_related_titles_footer_and_byline_go() -> None:
    text = "\n".join([
        "Vadi Haber",
        "18 Haziran 2018 Pazartesi - 4 Şevval 1439    Facebook Twitter",
        "",
        "Belediye yeni köprüyü hizmete açtı",
        "Yazan: Ahmet Yılmaz",
        "21 Kasım 2015 10:37",
        "Belediye başkanı, on yıldır beklenen köprünün pazartesi günü açıldığını ve "
        "trafiğin rahatlayacağını söyledi.",
        "Yetkililer, projenin toplam maliyetinin bütçe dahilinde kaldığını açıkladı ve "
        "halka teşekkür etti.",
        "İlgili Haberler",
        "Nehir kıyısında yeni park açıldı",
        "Zeytin hasadı bu yıl erken başladı",
        "© 2018 Vadi Haber. Tüm hakları saklıdır.",
        "Yukarı Çık",
    ])
    page, lines = extract_text_page(text, url="https://vadihaber.example/x")
    assert page.title == "Belediye yeni köprüyü hizmete açtı"
    assert page.blocks == [lines[6], lines[7]]
    assert page.language == "tr"


def test_arabic_text_page() -> None:
    text = "\n".join([
        "صوت الوادي",
        "الاثنين 18 يونيو 2018 - 4 شوال 1439 هـ",
        "افتتاح الجسر الجديد في المدينة",
        "4 شوال 1439",
        "قال رئيس البلدية إن الجسر الجديد افتتح يوم الاثنين بعد سنوات من الانتظار، "
        "وإن الحركة ستتحسن.",
        "وأكد المسؤولون أن المشروع بقي ضمن الميزانية المحددة له هذا العام.",
        "شارك على فيسبوك",
        "العودة للأعلى",
    ])
    page, _ = extract_text_page(text)
    assert page.title == "افتتاح الجسر الجديد في المدينة"
    assert len(page.blocks) == 2
    assert page.language == "ar"
    assert not any(is_generic_furniture(b) for b in page.blocks)


def test_empty_and_junk_text_never_crash() -> None:
    for text in ("", "   \n\n", "Scroll Up", "\x00\x01 weird"):
        page, _ = extract_text_page(text)
        assert page.blocks == [] or all(b.strip() for b in page.blocks)
    page, _ = extract_text_page("")
    assert page.title is None and page.kind == "other"


def test_text_dump_with_breadcrumb_dateline_above_title_and_counter() -> None:
    """A breadcrumb is not the title, the dateline above the title is the date, the visit
    counter is not text (issue 9's text-dump cases)."""
    from pipelines.article.process import SiteContext, analyse_text, process_analysis

    dump = ("موقع الأخبار اليومية\nالرئيسية أخبار اقتصاد\n19.11.2021\n"
            "ارتفاع صادرات الزيتون إلى مستوى قياسي\n"
            "أعلنت وزارة الزراعة اليوم أن صادرات زيت الزيتون بلغت مستوى قياسيا خلال الموسم الحالي.\n"
            "وقال المتحدث باسم الوزارة إن الأسواق الأوروبية استوعبت معظم الكميات المصدرة هذا العام.\n"
            "عدد الزيارات: 2950\n")
    record = process_analysis("https://e.example/x", analyse_text(dump), SiteContext(site="e"))
    assert record["title"] == "ارتفاع صادرات الزيتون إلى مستوى قياسي"
    assert record["published"] == "2021-11-19"
    assert "2950" not in record["text"] and "الرئيسية" not in record["text"]
