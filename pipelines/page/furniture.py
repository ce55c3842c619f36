"""Site furniture: blocks that belong to the site, not to the article.

Two layers:

* ``is_generic_furniture`` — rules true on any site, judged on one block: share/follow
  lines, "Scroll Up"/"Back to top", copyright lines, visit counters, a line that is only a
  date (a header's "today", Gregorian and/or Hijri), in en/ar/tr/fa.
* ``SiteTemplate`` — what one site repeats. A crawl sees many pages of a site; a block that
  recurs on many distinct pages is part of the site's template even when nothing in the
  block itself says so. Fingerprints mask digits and month/weekday names, so a daily header
  ("18 June 2018 - Monday") or a counter still matches on every page.

A real paragraph that merely *contains* a repeated phrase is never dropped: the template
compares whole blocks, and generic rules only accept blocks made entirely of furniture words.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pipelines.page.vocab import DATE_GLUE, MONTH_WORDS, WEEKDAYS

logger = logging.getLogger(__name__)

if TYPE_CHECKING:  # pragma: no cover
    from pipelines.page.extract import ExtractionRules

__all__ = ["SiteTemplate", "fingerprint", "is_generic_furniture", "is_date_only",
           "strip_furniture"]

# --- vocabulary ----------------------------------------------------------------------------

_DATE_WORDS = MONTH_WORDS | frozenset((WEEKDAYS + DATE_GLUE).split())
# Arabic-script letters that Persian and Arabic spell apart (ی/ي/ى, ک/ك, ه/ة, the alefs):
# the lunar months as Persian writes them (جمادی‌الثانی, ذی‌الحجه) are the Arabic names.
_LETTER_FOLD = str.maketrans({"ی": "ي", "ى": "ي", "ک": "ك", "ة": "ه", "أ": "ا", "إ": "ا",
                              "آ": "ا"})
_DATE_WORDS_FOLDED = frozenset(w.translate(_LETTER_FOLD) for w in _DATE_WORDS)
_MONTH_WEEKDAY = (MONTH_WORDS | frozenset(WEEKDAYS.split())) - {"may", "mar", "sun", "sat"}

_SOCIAL = frozenset("""
facebook twitter x youtube instagram linkedin pinterest whatsapp telegram tiktok reddit
tumblr vk vkontakte snapchat flickr rss feed email e-mail mail print share tweet pin
google google+ googleplus gplus messenger viber line skype soundcloud threads mastodon
bluesky digg stumbleupon delicious xing ok odnoklassniki copy link sms
paylaş paylas tweetle yazdır
drucken teilen imprimer partager imprimir compartir stampa condividi
شارك مشاركة فيسبوك فيس بوك تويتر يوتيوب انستغرام انستقرام إنستغرام واتساب واتس اب آب
تلغرام تليجرام تيليجرام لينكدإن طباعة البريد الإلكتروني الالكتروني ارسال إرسال
اشتراک‌گذاری اشتراک گذاری فیسبوک توییتر یوتیوب اینستاگرام واتساپ تلگرام چاپ ایمیل
""".split())
_SOCIAL_GLUE = frozenset("""
on us via follow share this article page and or with by to the our in
bizi takip edin et ile da de bu haberi sayfayı
على عبر تابعنا تابعونا هذا الخبر المقال و في
ما را در دنبال کنید کنيد این خبر و به
""".split())

_TOP_LINES = frozenset(s.casefold() for s in [
    "scroll up", "scroll to top", "back to top", "to top", "top", "go to top", "go top",
    "return to top", "back to the top", "up", "top of page", "↑", "▲", "⬆", "⇧", "△", "^",
    "yukarı çık", "yukarı", "başa dön", "sayfa başı", "yukarı kaydır", "en üste", "başa git",
    "العودة للأعلى", "العودة إلى الأعلى", "العودة الى الأعلى", "للأعلى", "الى الأعلى",
    "إلى الأعلى", "أعلى الصفحة", "اعلى الصفحة", "الأعلى", "للاعلى",
    "بازگشت به بالا", "بالا", "برو بالا", "بالای صفحه",
])

# Persian حقوق is rights and wages alike ("تمامی حقوق کارگران": all the workers' wages), and
# "محفوظ است" is anything kept safe: a Persian copyright line says the rights are reserved or
# belong to someone, in one sentence (تمامی حقوق این سایت محفوظ است / … متعلق به … است);
# Arabic's own lines (الحقوق محفوظة) are matched as before, not by this looser Persian form.
_COPYRIGHT = re.compile(
    r"(©|&copy;|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|tüm hakları saklıdır|"
    r"her hakkı saklıdır|جميع الحقوق محفوظة|كل الحقوق محفوظة|الحقوق محفوظة|حقوق النشر|"
    r"حقوق[^.!?؟\n]{0,80}?(?:محفوظ(?!ة)|متعلق به))", re.I)
_COUNTER_WORDS = re.compile(
    r"\b(total|visits?|visitors?|hits|views|online|content|contents|ziyaret(çi)?|"
    r"toplam|çevrimiçi|okunma|içerik|)\b|زوار|زائر|الزوار|المتواجدون|عدد|إجمالي|اجمالي|"
    r"المجموع|مشاهدة|بازدید|کل|آمار|بازدیدکننده", re.I)
_DATE_COUNT = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*\(\s*[\d.,]+\s*\)")
_TOTAL = re.compile(r"(total|toplam|الإجمالي|إجمالي|المجموع|مجموع|کل)\s*[:：]?\s*[\d.,٬٠-٩۰-۹]+",
                    re.I)
_CREDIT = re.compile(r"\bcontributed (?:reporting|to this report)\b", re.I)
# an author's contact line: an e-mail address or a social handle/URL in a short block
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?:twitter|x)\.com/\w+|^@\w+$", re.I)
_SEPARATOR = re.compile(r"([_*=~-])\1{2,}")
_SEGMENT_SPLIT = re.compile(r"\s{3,}|\t+|\s[|•·¦]\s|\s+-\s+(?=\D)")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’‌][^\W_]+)*|[+]", re.UNICODE)
_DIGITS = re.compile(r"[0-9٠-٩۰-۹]+")
_AMOUNT_SIGN = re.compile(r"[%‰€$£¥₺₹₽¢]|٪")

_PHRASES = frozenset(s.casefold() for s in [
    "advertisement", "advertising", "advert", "ad", "sponsored", "reklam", "إعلان", "اعلان",
    "تبلیغات", "تبلیغ", "anzeige", "werbung", "publicité", "publicidad", "pubblicità",
    "read more", "continue reading", "read also", "see also", "related", "related articles",
    "related posts", "related news", "more news", "you may also like", "recommended",
    "leave a comment", "leave a reply", "comments", "comment", "post a comment", "reply",
    "share this", "share this article", "share this:", "like this:", "tags", "tags:",
    "loading...", "loading", "print this page", "print", "email", "skip to content",
    "skip to main content", "menu", "search", "home", "subscribe", "sign up", "log in",
    "ilgili haberler", "benzer haberler", "yorumlar", "yorum yap", "yorum yaz", "etiketler",
    "click to tweet", "tweet this", "text size", "font size", "don't miss", "don’t miss",
    "listen", "listen to this article", "more", "more from", "topics", "share this story",
    "share article", "share via", "copy link", "link copied", "advertisement - continue "
    "reading below", "story continues below advertisement", "article continues below",
    "devamını oku", "abone ol", "ana sayfa", "anasayfa",
    "أخبار ذات صلة", "اخبار ذات صلة", "مواضيع ذات صلة", "مقالات ذات صلة", "اقرأ أيضا",
    "اقرأ أيضاً", "اقرا ايضا", "التعليقات", "أضف تعليق", "اضف تعليق", "الرئيسية", "كلمات مفتاحية",
    "الوسوم", "اقرأ المزيد", "أخبار متعلقة",
    "اخبار مرتبط", "مطالب مرتبط", "نظرات", "برچسب‌ها", "صفحه اصلی", "بیشتر بخوانید",
    "ارسال نظر", "ارسال دیدگاه", "دیدگاه‌ها", "اخبار بیشتر", "مطالب بیشتر",
])


def _fold(text: str) -> str:
    """Compatibility forms, case and the Arabic tatweel folded away."""
    if text.isascii():  # NFKC leaves ASCII alone and casefold is lower(): skip both calls
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold().replace("\u0640", "")


def _norm(text: str) -> str:
    return " ".join(_fold(text).split())


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _is_date_word(tok: str) -> bool:
    """A month, weekday or date glue word, in any spelling of its letters; a compound joined
    by the half-space (ربیع‌الاول, ذی‌القعده) when each of its parts is one."""
    if tok in _DATE_WORDS:
        return True
    if tok.isascii():
        return False
    return all(p.translate(_LETTER_FOLD) in _DATE_WORDS_FOLDED for p in tok.split("\u200c") if p)


def is_date_only(text: str) -> bool:
    """True if the text is nothing but a date/time (any calendar, any of our languages)."""
    t = _norm(text)
    if not t or len(t) > 160 or not _DIGITS.search(t):
        return False
    rest = _DIGITS.sub(" ", t)
    has_word = False
    for tok in _tokens(rest):
        tok = tok.strip("-'’")
        if not tok:
            continue
        if _is_date_word(tok):
            has_word = True
            continue
        # Arabic prefixes: و (and), ب/ل (in/for), ال (the)
        if tok.startswith(("و", "ب", "ل")) and _is_date_word(tok[1:]):
            continue
        if tok.startswith("ال") and _is_date_word(tok[2:]):
            continue
        return False
    digits = _DIGITS.findall(t)
    if has_word:
        return True
    # A lone number is not a date; need a numeric date pattern. An amount is not one either:
    # a currency or percent sign, or a 3-digit group ("5.000 €", "2,0 %"), fits no date field.
    if _AMOUNT_SIGN.search(t) or any(len(d) == 3 for d in digits):
        return False
    return len(digits) >= 2


def _is_share_line(t: str) -> bool:
    """At most 24 tokens, all social names or glue words, with a social name in them; the
    scan stops at the first other word, which on prose is the first or second token."""
    n = social = 0
    for m in _TOKEN.finditer(t):
        x = m.group().strip("-'’")
        if not x:
            continue
        n += 1
        if n > 24:
            return False
        if x in _SOCIAL:
            social += 1
        elif x not in _SOCIAL_GLUE:
            return False
    return social >= 1 and (social >= 2 or n <= 4)


# Literal pieces the counter, credit and contact patterns cannot match without (``t`` is
# casefolded; none of the pieces holds a letter that re.I pairs with another, like i/ı or
# s/ſ): testing them with ``in`` is far cheaper than running the regexes over every block.
_TOTAL_WORDS = ("total", "toplam", "إجمالي", "مجموع", "کل")
_COPYRIGHT_PIECES = ("©", "&copy;", "(c)", "copyr", "all r", "sakl", "حقوق", "محفوظ")


#: Words of a view/visit/read counter or a reading-time line, in en/ar/tr/fa; a counter line
#: has one of the _COUNTER_HEADS and nothing but these words and numbers.
_COUNTER_HEADS = frozenset("""
views view visits visitors hits reads pageviews
الزيارات زيارات زيارة المشاهدات مشاهدات مشاهدة القراءات قراءات قراءة الزوار زوار
okunma görüntülenme görüntüleme okundu tıklanma hit ziyaretçi
بازدید بازدیدها مشاهده
reading okuma للقراءة مطالعه
""".split())
_COUNTER_LINE_WORDS = _COUNTER_HEADS | frozenset("""
read times time total count number of min mins minute minutes today yesterday
عدد مرة مرات دقيقة دقائق وقت اليوم أمس
sayısı sayisi kez defa dk dakika süresi toplam bugün bugünkü dün
تعداد بار دقیقه زمان امروز دیروز
""".split())


def _is_counter_line(t: str) -> bool:
    """'Views: 1,234', 'عدد الزيارات: 2950', 'Okunma: 1.245', 'بازدید: ۱۲۳۴', 'Reading time: 3 min':
    a short line that is a counter's label and its number and nothing else is a counter on any
    site, never a sentence of an article."""
    if len(t) > 60 or not _DIGITS.search(t):
        return False
    words = _tokens(_DIGITS.sub(" ", t))
    return (0 < len(words) <= 5 and any(w in _COUNTER_HEADS for w in words)
            and all(w in _COUNTER_LINE_WORDS for w in words))


#: The first item of a breadcrumb trail: the site's home page.
_HOME_WORDS = ("home", "homepage", "anasayfa", "ana sayfa", "الرئيسية", "الصفحة الرئيسية",
               "خانه", "صفحه اصلی", "صفحه نخست")
_CRUMB_SEPARATORS = re.compile(r"\s*(?:»|›|>|/|\||←|→|«|‹|<)\s*")
_SENTENCE_MARK = re.compile(r"[.!?؟;,،:]")
#: Words that make a phrase of a run of words (a trail of section names has none of them).
_PHRASE_GLUE = frozenset("""
is are was the a an of to and in on at where for with my your our
ve bir bu da de ile için
في من على إلى الى أن عن مع هو هي
و در به از که است را با
""".split())


def _is_breadcrumb(t: str) -> bool:
    """'Home » News » Economy', 'الرئيسية أخبار اقتصاد' (separators lost in a text dump): a
    short trail that starts at the home page, with no number and no sentence punctuation, is
    navigation on any site."""
    if len(t) > 120 or _DIGITS.search(t) or not t.startswith(_HOME_WORDS):
        return False
    items = [i for i in _CRUMB_SEPARATORS.split(t) if i]
    if len(items) >= 2 and all(len(i.split()) <= 4 and not _SENTENCE_MARK.search(i) for i in items):
        return True
    words = t.split()  # separators lost: a trail of section names, not a phrase
    return (2 <= len(words) <= 5 and not _SENTENCE_MARK.search(t)
            and not any(w in _PHRASE_GLUE for w in words))


def _is_counter(t: str) -> bool:
    if "(" in t and len(_DATE_COUNT.findall(t)) >= 2:
        return True
    if _is_counter_line(t) or _is_breadcrumb(t):
        return True
    if any(w in t for w in _TOTAL_WORDS) and _TOTAL.search(t):
        rest = _COUNTER_WORDS.sub(" ", _DIGITS.sub(" ", t))
        return len(_tokens(rest)) <= 3
    return False


def _segment_is_furniture(seg: str) -> bool:
    t = _norm(seg).strip(" |-–—:·•")
    if not t:
        return True
    if t in _TOP_LINES or t in _PHRASES or t.rstrip(":") in _PHRASES:
        return True
    if is_date_only(t) or _is_share_line(t) or _is_counter(t):
        return True
    if len(t) < 250 and any(p in t for p in _COPYRIGHT_PIECES) and _COPYRIGHT.search(t):
        return True
    if len(t) < 300 and (("buted " in t and _CREDIT.search(t))
                         or (("@" in t or ".com/" in t) and len(t.split()) <= 12
                             and _CONTACT.search(t))):
        return True
    if _SEPARATOR.fullmatch(t):  # a text rule ("___", "***") is the author's own structure
        return False
    return all(not ch.isalnum() for ch in t)  # only punctuation, arrows, pipes


def is_generic_furniture(block: str, language: str | None = None) -> bool:
    """True if the block is furniture on any site (see module doc); ``language`` is a hint.

    A block is split at wide gaps and pipes (rendered headers glue date, counters and share
    links into one line); it is furniture only if every segment is.
    """
    if not block or not block.strip():
        return True
    if len(block) > 600:
        return False
    if _segment_is_furniture(block):
        return True
    if not any(c in block for c in "|•·¦-") and " ".join(block.split()) == block:
        return False  # no tab, no run of spaces, no pipe or dash: nothing to split at
    segments = [s for s in _SEGMENT_SPLIT.split(block) if s and s.strip()]
    return len(segments) > 1 and all(_segment_is_furniture(s) for s in segments)


# --- per-site template ---------------------------------------------------------------------


@lru_cache(maxsize=8192)
def fingerprint(block: str) -> str:
    """Normalised block with digits and month/weekday names masked, hashed short.

    Cached: a site's furniture blocks recur on every page, and each block is fingerprinted
    twice per page (once to learn, once to strip).
    """
    # _norm's folding without its whitespace collapse: tokens never hold whitespace, so
    # they come out the same (most blocks are unique prose, fingerprinted once: a miss)
    t = _DIGITS.sub("#", _fold(block))
    toks = _TOKEN.findall(t)
    if not _MONTH_WEEKDAY.isdisjoint(toks):
        toks = ["M" if tok in _MONTH_WEEKDAY else tok for tok in toks]
    key = " ".join(toks) + ("|#" if "#" in t else "|")
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


_HAS_DIGIT = re.compile(r"\d")


def _exact_key(block: str) -> str:
    """A block's exact text (whitespace and case folded), hashed short; '=' keeps it apart
    from the masked fingerprints in the same table."""
    return "=" + hashlib.blake2b(_norm(block).encode(), digest_size=8).hexdigest()


class SiteTemplate:
    """Per-site memory of blocks that repeat across pages.

    A fingerprint seen on at least ``MIN_PAGES`` distinct pages *and* on a large enough share
    of the pages seen is furniture. Three pages rule out coincidence on a young template; the
    share keeps a paragraph quoted in a few of thousands of articles from becoming furniture
    on a big site. Short blocks (labels, slogans, date headers, related titles) need
    ``SHORT_SHARE`` of the pages; prose-length blocks need ``LONG_SHARE``, because an
    article's lead paragraph legitimately reappears as a teaser on the home, section and
    tag pages, while prose-length furniture (a disclaimer) sits on nearly every page.
    Size is bounded: at most ``MAX_FINGERPRINTS`` fingerprints (rare ones are evicted
    first) and ``MAX_PAGE_KEYS`` remembered page keys.
    """

    MIN_PAGES = 3
    SHORT_SHARE = 0.05
    LONG_SHARE = 0.3
    SHORT_CHARS = 100
    MAX_FINGERPRINTS = 5000
    MAX_PAGE_KEYS = 4000
    MAX_BLOCK_CHARS = 400  # longer blocks are article prose, never template
    EXACT_CHARS = 120  # short lines with numbers are also counted by their exact text

    __slots__ = ("counts", "page_keys", "pages_seen")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.page_keys: dict[str, None] = {}
        self.pages_seen = 0

    def observe(self, page_key: str, blocks: list[str], header_end: int = 0) -> None:
        """Count each block's fingerprint once for this page (re-observing a page is a no-op);
        the blocks before `header_end` (above the headline) are also counted by exact text."""
        pk = hashlib.blake2b(page_key.encode(), digest_size=6).hexdigest()
        if pk in self.page_keys:
            return
        self.page_keys[pk] = None
        if len(self.page_keys) > self.MAX_PAGE_KEYS:
            del self.page_keys[next(iter(self.page_keys))]
        self.pages_seen += 1
        keys = {fingerprint(b) for b in blocks if b and len(b) <= self.MAX_BLOCK_CHARS}
        keys |= {_exact_key(b) for b in blocks[:header_end]
                 if b and len(b) <= self.EXACT_CHARS and _HAS_DIGIT.search(b)}
        for fp in keys:
            self.counts[fp] = self.counts.get(fp, 0) + 1
        if len(self.counts) > self.MAX_FINGERPRINTS:
            self._evict()

    def _evict(self) -> None:
        keep = sorted(self.counts.items(), key=lambda kv: kv[1], reverse=True)
        self.counts = dict(keep[: int(self.MAX_FINGERPRINTS * 0.8)])

    def threshold(self, block: str) -> int:
        """Distinct pages a block must appear on to count as furniture."""
        share = self.SHORT_SHARE if len(block) < self.SHORT_CHARS else self.LONG_SHARE
        return max(self.MIN_PAGES, math.ceil(share * self.pages_seen))

    def is_furniture(self, block: str) -> bool:
        if not block or len(block) > self.MAX_BLOCK_CHARS:
            return False
        return self.counts.get(fingerprint(block), 0) >= self.threshold(block)

    def repeats_exactly(self, block: str) -> bool:
        """The very same short line with numbers (not only its shape) above the headline of
        many pages: the header's "today" — where every article's own dateline has the shape of
        the others' but never their text (it may recur below them, in related lists)."""
        if not block or len(block) > self.EXACT_CHARS:
            return False
        return self.counts.get(_exact_key(block), 0) >= self.threshold(block)

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "pages_seen": self.pages_seen, "counts": self.counts,
                "page_keys": list(self.page_keys)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SiteTemplate:
        """The template stored as `to_json` gave it; an empty one (relearned, with a warning)
        for a stored value of another shape, so a damaged row never stops a site's runs."""
        tpl = cls()
        if not data:
            return tpl
        try:
            tpl.pages_seen = int(data.get("pages_seen", 0))
            tpl.counts = {str(k): int(v) for k, v in (data.get("counts") or {}).items()}
            tpl.page_keys = dict.fromkeys(str(k) for k in data.get("page_keys") or [])
        except (AttributeError, TypeError, ValueError):
            logger.warning("a stored site template is damaged: discarded, it will be relearned")
            return cls()
        return tpl

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        return (SiteTemplate.from_json, (self.to_json(),))


def _pattern_match(patterns: list[re.Pattern[str]], block: str) -> bool:
    return any(p.search(block) for p in patterns)


def strip_furniture(blocks: list[str], *, template: SiteTemplate | None = None,
                    rules: ExtractionRules | None = None,
                    language: str | None = None) -> tuple[list[str], list[str]]:
    """Split blocks into (kept, dropped): generic rules, the site's template, profile patterns."""
    patterns = []
    for p in (rules.drop_patterns if rules else []) or []:
        try:
            patterns.append(re.compile(p, re.I))
        except re.error:
            continue
    kept: list[str] = []
    dropped: list[str] = []
    for b in blocks:
        if (is_generic_furniture(b, language)
                or (template is not None and template.is_furniture(b))
                or (patterns and _pattern_match(patterns, b))):
            dropped.append(b)
        else:
            kept.append(b)
    return kept, dropped
