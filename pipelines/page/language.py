"""Cheap language identification: writing system first, then stopword votes.

A news page's language is almost always decided by its script (Arabic script, Latin,
Cyrillic, ...) plus a handful of very frequent function words. That costs microseconds and
needs no model, which matters because it runs on every crawled page.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["detect_language", "normalise_lang_tag"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Characters are counted as runs (sum of run lengths): the same count as matching them one by
# one, with a fraction of the match objects.
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]+")

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for it with as was on are by this be from at "
                    "have has an not but which were said will their they his her its".split()),
    "tr": frozenset("ve bir bu da de için ile olarak çok daha gibi olan ama en ise kadar "
                    "sonra göre değil mi ki ne şu o ben sen biz onlar var yok her "
                    "tarafından üzerinde arasında".split()),
    "de": frozenset("der die und das ist nicht mit den sich des auf für ein eine dem im von "
                    "zu wird auch als bei nach wie".split()),
    "fr": frozenset("le la les et des est une du que dans pour pas sur au avec il elle qui "
                    "sont ce par plus ont été".split()),
    "es": frozenset("el la los las y que del en es por una con para se su al lo como más "
                    "pero sus fue ha".split()),
    "it": frozenset("il di che la le per con una sono del della non gli alla anche più "
                    "è nel dei ha".split()),
    "pt": frozenset("o os a as que de do da em um uma para com não por mais dos das foi "
                    "são ao seu sua".split()),
    "nl": frozenset("de het een en van is dat op te zijn voor niet met die in aan er ook "
                    "als bij wordt".split()),
    "id": frozenset("yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke "
                    "karena oleh ada".split()),
    "ar": frozenset("في من على إلى الى أن ان التي الذي عن مع هذا هذه كان قد لا ما بين "
                    "وقال كما بعد عند حتى ذلك تلك هو هي".split()),
    "fa": frozenset("و در به از که این را با است برای آن یک می خود تا شد شده بود "
                    "کرد های ای نیز اما هم".split()),
    "ur": frozenset("کے کی ہے میں اور کو سے نے کہ ہیں یہ پر تھا ایک بھی".split()),
    "ru": frozenset("и в не на что с по как это он она они из за от для так но "
                    "был была".split()),
    "uk": frozenset("і в не на що з та як це він вона до від для але був".split()),
}
# word -> languages listing it as a stopword: one dict look-up per word when voting
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _w in _words:
        _WORD_LANGS[_w] = (*_WORD_LANGS.get(_w, ()), _lang)
del _lang, _words, _w

# Letters that only some languages of a shared script use.
_FA_LETTERS = set("پچژگکی")
_UR_LETTERS = set("ٹڈڑںےھ")
_AR_ONLY = set("ةىيك")  # Arabic yeh/kaf/teh marbuta: rare in Persian text
_TR_LETTERS = set("ğışĞİŞ")

_SCRIPT_LANG = {
    "HEBREW": "he", "GREEK": "el", "THAI": "th", "HANGUL": "ko", "HIRAGANA": "ja",
    "KATAKANA": "ja", "CJK": "zh", "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta",
    "GEORGIAN": "ka", "ARMENIAN": "hy",
}


def normalise_lang_tag(tag: str | None) -> str | None:
    """'en-US' / 'ar_SA' / 'EN' -> 'en'; None or junk -> None."""
    if not tag:
        return None
    code = re.split(r"[-_\s]", tag.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    return name.split(" ", 1)[0]


def detect_language(text: str | None, hint: str | None = None) -> str | None:
    """ISO 639-1 code of ``text`` or None when there is too little to tell.

    ``hint`` (e.g. the page's ``<html lang>``) wins when the text is ambiguous and agrees
    with its script.
    """
    hint = normalise_lang_tag(hint)
    if not text:
        return hint
    sample = text[:2000]
    scripts = {
        "LATIN": sum(map(len, _LATIN.findall(sample))),
        "ARABIC": sum(map(len, _ARABIC.findall(sample))),
        "CYRILLIC": sum(map(len, _CYRILLIC.findall(sample))),
    }
    found = _WORD.findall(sample)
    if sum(scripts.values()) * 2 < sum(map(len, found)):
        # mostly another script: name the characters (slow path, rare for our sites)
        for ch in sample[:600]:
            if ch.isalpha() and not ch.isascii():
                s = _script(ch)
                if s.startswith("CJK"):
                    s = "CJK"
                scripts[s] = scripts.get(s, 0) + 1
    if not any(scripts.values()):
        return hint
    script = max(scripts, key=scripts.__getitem__)
    if script in _SCRIPT_LANG:
        if script == "CJK" and (scripts.get("HIRAGANA", 0) + scripts.get("KATAKANA", 0)) > 0:
            return "ja"
        return _SCRIPT_LANG[script]
    words = [w.lower() for w in found[:800]]  # _votes reads the first 800
    if script == "ARABIC":
        candidates: tuple[str, ...] = ("ar", "fa", "ur")
        letters = set(sample)
        votes = _votes(words, candidates)
        votes["fa"] += 3 * len(letters & _FA_LETTERS) - 2 * len(letters & _AR_ONLY & set("ةى"))
        votes["ur"] += 3 * len(letters & _UR_LETTERS)
        best = max(candidates, key=votes.__getitem__)
        if hint in candidates and votes[hint] >= votes[best] - 1:
            return hint
        return best
    if script == "CYRILLIC":
        votes = _votes(words, ("ru", "uk"))
        return "uk" if votes["uk"] > votes["ru"] else "ru"
    if script == "LATIN":
        candidates = ("en", "tr", "de", "fr", "es", "it", "pt", "nl", "id")
        votes = _votes(words, candidates)
        votes["tr"] += sum(sample.count(ch) for ch in _TR_LETTERS) / 4
        best = max(candidates, key=votes.__getitem__)
        if votes[best] < 2:
            return hint if hint else (best if votes[best] > 0 else None)
        if hint in candidates and votes[hint] >= 0.8 * votes[best]:
            return hint
        return best
    return hint


def _votes(words: list[str], candidates: tuple[str, ...]) -> dict[str, float]:
    votes = dict.fromkeys(candidates, 0.0)
    get = _WORD_LANGS.get
    for w in words[:800]:
        langs = get(w)
        if langs:
            for lang in langs:
                if lang in votes:
                    votes[lang] += 1
    return votes
