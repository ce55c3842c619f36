"""normalize_for_search: the spellings a reader considers the same word fold together."""

from __future__ import annotations

import pytest

from pipelines.store.normalise import char_offsets, normalize_for_search
from tests.search_corpus import CORPUS

N = normalize_for_search

SAME = [
    # Arabic tashkeel: fatha, damma, kasra, sukun, shadda, tanwin, superscript alef
    ("الْمَدْرَسَةُ", "المدرسة"),
    ("مُحَمَّدٌ", "محمد"),
    ("كِتَابًا", "كتابا"),
    ("هٰذَا", "هذا"),
    ("الرَّحْمَٰنِ", "الرحمن"),
    # Quranic annotation marks (small high letters, end-of-ayah sign is not a letter)
    ("ٱلۡحَمۡدُ لِلَّهِ رَبِّ ٱلۡعَٰلَمِينَ", "الحمد لله رب العلمين"),
    # tatweel
    ("عـــربـي", "عربي"),
    # alef variants and hamza seats
    ("أحمد", "احمد"),
    ("إسلام", "اسلام"),
    ("آمن", "امن"),
    ("ٱلله", "الله"),
    ("مؤتمر", "موتمر"),
    ("رئيس", "رييس"),
    # alef maqsura / yeh, teh marbuta / heh
    ("مستشفى", "مستشفي"),
    ("مدرسة", "مدرسه"),
    # Persian letters and Arabic presentation forms
    ("کتابی", "كتابي"),
    ("خانۀ", "خانه"),
    ("ﻻ ﷲ", "لا الله"),
    # digits
    ("٢٠١٨", "2018"),
    ("۱۳۹۷", "1397"),
    ("١٬٠٠٠٫٥", "1,000.5"),
    # Turkish dotted and dotless i
    ("İstanbul", "istanbul"),
    ("ISTANBUL", "istanbul"),
    ("ıstanbul", "istanbul"),
    ("İSTANBUL'DA", "istanbul'da"),
    ("Şişli Üsküdar Çağlayan", "sisli uskudar caglayan"),
    # Latin accents and case
    ("Café Crème", "cafe creme"),
    ("Straße", "strasse"),
    ("Ärger über Öl", "arger uber ol"),
    # invisible characters inside words
    ("ab\u00adcd", "abcd"),
    ("\u200fعربي\u200e", "عربي"),
]


@pytest.mark.parametrize(("variant", "plain"), SAME)
def test_variants_fold_together(variant: str, plain: str) -> None:
    assert N(variant) == N(plain)


def test_folded_form_is_the_bare_spelling() -> None:
    assert N("الْمَدْرَسَةُ") == "المدرسه"
    assert N("İstanbul") == "istanbul"  # no combining dot left from casefold("İ")
    assert N("ı") == "i"
    assert N("Ünlü") == "unlu"


def test_zwnj_half_space_is_a_word_boundary() -> None:
    assert N("می\u200cخواهم") == N("می خواهم") == "مي خواهم"
    assert N("کتاب\u200cها").split() == ["كتاب", "ها"]


def test_letters_that_are_different_words_stay_apart() -> None:
    assert N("ء") == "ء"  # standalone hamza is a letter
    assert N("ك") != N("ل")
    assert N("ه") != N("ح")
    # Indic vowel signs spell the word: kept
    assert N("कि") != N("क")


def test_idempotent_on_the_corpus() -> None:
    for article in CORPUS:
        for text in (article["title"], article["text"]):
            once = N(text)
            assert N(once) == once


def test_astral_characters_pass_through() -> None:
    assert N("Flood 🌊 warning") == "flood 🌊 warning"


def test_char_offsets_map_every_character() -> None:
    samples = [a["text"] for a in CORPUS] + ["aßﷺb", "x🌊y", "", "ـــ", "İı"]
    for text in samples:
        offsets = char_offsets(text)
        folded = N(text)
        assert len(offsets) == len(text) + 1
        assert offsets[-1] == len(folded)
        for i, ch in enumerate(text):
            assert folded[offsets[i] : offsets[i + 1]] == N(ch), (text, i, ch)
