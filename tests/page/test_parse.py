"""Decoding: a page is read in the charset it is in, and a few bad bytes stay a few bad bytes."""

from __future__ import annotations

from pipelines.page.parse import decode_html, parse_html

PAGE = ("<html><head><meta charset='utf-8'><title>Café in Zürich</title></head><body>"
        "<p>Café … Zürich: ünlü şehir, güzel göl.</p></body></html>")
ARABIC = "<html><body><p>مرحبا بكم في موقعنا الإخباري اليوم مع آخر الأخبار من المنطقة</p></body></html>"


def test_one_stray_byte_in_utf8_is_replaced_not_read_as_another_charset() -> None:
    enc, text = decode_html(PAGE.encode().replace(b"</p>", b"\xe9</p>"), "utf-8")
    assert enc == "utf-8"
    assert "Café … Zürich: ünlü şehir" in text and text.count("\ufffd") == 1


def test_arabic_with_inserted_garbage_bytes_stays_arabic() -> None:
    data = ARABIC.encode().replace("موقعنا".encode(), "موقعنا".encode() + b"\xff\xfe\xc3")
    enc, text = decode_html(data)
    assert enc == "utf-8" and "مرحبا بكم في موقعنا" in text and "الأخبار" in text


def test_legacy_charsets_are_still_recognised() -> None:
    assert decode_html("<p>Türkçe çok güzel bir dil, ışık ğ ü ö</p>".encode("cp1254"), "iso-8859-9")[1] \
        == "<p>Türkçe çok güzel bir dil, ışık ğ ü ö</p>"
    persian = "<p>سپس پرچم چين گذاشته شد و ژاپن کشور کوچک است</p>"
    assert decode_html(persian.encode("cp1256"))[1] == persian
    french = "<p>Café crème brûlée à la française, naïve façade</p>"
    assert decode_html(french.encode("cp1252"))[1] == french


def test_utf16_without_a_bom_in_either_byte_order() -> None:
    page = "<html><body><p>Hello world, ünlü şehir</p></body></html>"
    for codec in ("utf-16-le", "utf-16-be"):
        enc, text = decode_html(page.encode(codec), "utf-16")
        assert (enc, text) == (codec, page)
        assert parse_html(page.encode(codec)).text_content() == "Hello world, ünlü şehir"


def test_text_nested_deeper_than_256_levels_is_kept() -> None:
    deep = "<div>" * 400 + "deep text" + "</div>" * 400
    assert "deep text" in parse_html(f"<html><body>{deep}</body></html>").text_content()


def test_a_tag_with_100000_attributes_loses_them_before_libxml2_sees_it() -> None:
    """libxml2 is quadratic in one tag's attributes (30+ s of CPU for this page)."""
    attrs = " ".join(f'a{i}="{i}"' for i in range(100_000))
    page = (f"<html><body><div id='x' {attrs}>bomb</div><article><h1>Headline</h1>"
            "<p>The text of the article.</p></article></body></html>")
    tree = parse_html(page.encode())
    bomb = next(el for el in tree.iter("div") if el.text == "bomb")
    assert dict(bomb.attrib) == {}
    assert "The text of the article." in tree.text_content()


def test_long_tags_with_few_attributes_are_kept() -> None:
    big = "x" * 20_000
    tree = parse_html(f'<html><body><div data-props="{big}" id="keep">y</div></body></html>'.encode())
    assert tree.get_element_by_id("keep").get("data-props") == big
