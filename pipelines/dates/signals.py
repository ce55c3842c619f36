"""Date signals as data: the candidate and result types, the prior weights of each kind of
evidence, and the vocabularies (meta names, class names, words) that set them.

A new signal goes here; `candidates` reads pages with these tables and `pick` weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One date-bearing string and where it was found (picklable for worker processes)."""

    source: str  # "jsonld" | "meta" | "script" | "time" | "url" | "image" | "byline" | "text"
    # (| "selector" from a site profile)
    raw: str
    weight: float = 0.0
    position: int = 0


@dataclass(frozen=True, slots=True)
class PickedDate:
    iso: str
    raw: str
    source: str
    calendar: str
    utc: str | None
    hijri: tuple[int, int, int] | None
    conflict: str | None


# --- priors --------------------------------------------------------------------------------------
W_PUBLISHED = 10.0  # JSON-LD/meta that say "published"
W_CREATED = 8.0
W_META_LOOSE = 4.5  # meta name="date" and friends: usually the publication date
W_URL = 8.0
W_SCRIPT = 6.0
W_TIME_PUB = 8.0  # <time pubdate>, itemprop=datePublished in the body
W_TIME = 5.0
W_BYLINE = 5.0
W_TEXT = 0.0
W_TIMESTAMP = 4.5  # a date with a clock time under the headline
W_FIRST_TEXT = 3.0
W_IMAGE = 0.75  # a dated share-image path: the upload day
W_MODIFIED = 1.0  # "updated"/"modified": only when nothing says "published"
W_NEGATIVE = -10.0  # header today-date, related lists, comments, counters
W_SOFT = -3.0  # sidebars, widgets, menus, teasers: a last resort (see pick_date)
MIN_SCORE = 0.5  # below this, no date rather than a guess

META_PUBLISHED = {
    "article:published_time", "article:published", "og:article:published_time",
    "article.published", "og:published_time", "published_time", "published-date",
    "published_date", "publish-date", "publish_date", "publishdate", "publish_time",
    "datepublished", "date_published", "citation_publication_date", "citation_date",
    "dc.date.issued", "dcterms.issued", "dc.date.publication", "pubdate", "article_date_original",
    "originalpublicationdate", "parsely-pub-date", "sailthru.date", "og:pubdate",
    "og:publish_date", "rnews:datepublished", "bt:pubdate", "article.created",
    "analyticsattributes.articledate", "dcsext.articlefirstpublished", "publication_date",
    "rbpubdate", "vr:published_time", "shareaholic:article_published_time", "cxenseparse:recs:publishtime",
    "article:post_date", "article:published_date", "article:publicationdate", "twt-published-at",
    "mediator_published_time", "displaydate", "dateposted", "og:article:published",
    "og:datepublished", "date_created", "datecreated", "dc.date.created", "dcterms.created",
    "dc.created", "dc:created", "content_create_date", "created",
}
META_LOOSE = {"date", "dc.date", "dcterms.date", "dc:date", "doc_date", "timestamp", "ptime",
               "pdate", "gentime", "release_date", "video:release_date"}
META_MODIFIED = {
    "article:modified_time", "article:modified", "og:updated_time", "og:modified_time",
    "og:article:modified_time", "modified_time", "updated_time", "datemodified", "dc.modified",
    "dcterms.modified", "lastmodified", "last-modified", "modified", "lastmod", "utime",
    "revision_date", "modificationdate", "bt:moddate", "article:modified_date",
}

# Hard negatives hold other pages' or other people's dates (comments, related lists, the
# header's "today"); soft ones are page furniture (sidebars, widgets, menus, teasers) that
# page builders and blog engines also wrap around the article itself, so a date there is only
# a last resort when the page shows no better one.
NEG_CLASS = re.compile(
    r"(?<![a-z])(?:comment|disqus|respond|reply|related|similar|recommend|popular|trending"
    r"|most-?read|more-?(?:news|stories|articles)|readmore|read-more|latest|recent|ticker"
    r"|newsletter|cookie|advert|tag-?cloud|pagination|pager|next-post|prev-post|previous|rating"
    r"|weather|today|current-?date|topbar|top-bar|site-header|masthead|footer-widget)",
)
SOFT_CLASS = re.compile(
    r"(?<![a-z])(?:sidebar|widget|nav|menu|breadcrumb|teaser|promo(?!ted)|archive|banner"
    r"|carousel|slider)",
)
POS_CLASS = re.compile(
    r"date|time|publish|posted|byline|dateline|meta|datum|fecha|data|autor|author|info"
    r"|submitted|created|parution|entry-footer|post-footer|subline",
)
MOD_CLASS = re.compile(r"updat|modif|aktualisiert|revised|edited|changed")
MOD_TEXT = re.compile(
    r"updat|modif|aktualisiert|geändert|bearbeitet|mis à jour|actualizado|aggiornato"
    r"|güncelleme|güncellenme|تحديث|محدث|به‌روز|بروز",
    re.IGNORECASE,
)
PUB_TEXT = re.compile(
    r"publi|posted|veröffentlicht|erstellt|geschrieben|datum|yayın|yayınlanma|نشر|منتشر|تاریخ",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(r"©|&copy;|copyright|\(c\)\s*\d{4}", re.IGNORECASE)
COUNTER_AFTER = re.compile(r"\s*\(\s*[\d,.]+\s*\)")
NEG_TAGS = {"nav", "aside"}
BLOCK_CUE_MAX = 200  # a byline element holds a short text
TEXT_MAX_CANDIDATES = 40

