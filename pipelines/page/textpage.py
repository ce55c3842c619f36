"""Plain-text pages (a web page rendered to text, like the seed): title, blocks, furniture.

A rendered page reads top to bottom as: site name, header line(s) (today's date, counters,
share links), the headline, the article's date line, the paragraphs, then related titles
and footer lines. The rules below are general to that shape:

* lines that are generic furniture (date-only, counters, share lines, "Scroll Up",
  copyright) are dropped wherever they are;
* a short first line sitting above the header, or one that spells the site's domain, is
  the site name;
* the headline is the first title-like line (short, no sentence end) after the header that is
  followed by the article's prose;
* after the last prose line, short title-like lines are related titles or footer lines.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipelines.page.extract import ExtractedPage
from pipelines.page.furniture import is_date_only, is_generic_furniture
from pipelines.page.language import detect_language

__all__ = ["extract_text_page"]

_SENTENCE_END = re.compile(r"[.!?؟۔…:;\"”»'’)\]]\s*$")
_ALNUM = re.compile(r"[^\W_]+")
# "By ...", "Yazan: ...", "بقلم ...", "Label: value" lines are bylines/labels, not headlines.
_BYLINE = re.compile(r"^(?:by|yazan|muhabir|haber|reporter|author|written by|source|kaynak|"
                     r"بقلم|كتب|المصدر|نویسنده|منبع)\b|^[^\s:]{1,20}\s?:\s", re.I)


def _norm(line: str) -> str:
    return " ".join(line.split())  # collapse whitespace runs, strip the ends


def _is_prose(line: str) -> bool:
    """A paragraph line: a sentence end, or long enough that it cannot be a title."""
    words = len(line.split())
    return words >= 25 or (words >= 6 and bool(_SENTENCE_END.search(line)))


def _is_title_like(line: str) -> bool:
    words = len(line.split())
    return 1 <= words <= 30 and not _SENTENCE_END.search(line.rstrip("?!"))


def _spells_domain(line: str, url: str | None) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    host = re.sub(r"^www\d?\.", "", host)
    if not host:
        return False
    key = "".join(_ALNUM.findall(line.casefold()))
    name = "".join(_ALNUM.findall(host.rsplit(".", 1)[0].casefold()))
    return bool(key) and bool(name) and (key == name or (len(key) >= 4 and key in name)
                                         or (len(name) >= 4 and name in key))


def extract_text_page(text: str, url: str | None = None) -> tuple[ExtractedPage, list[str]]:
    """Find title and article blocks in a page rendered to text; return (page, lines)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    norm = [_norm(x) for x in lines]
    nonempty = [i for i, x in enumerate(norm) if x]
    furniture = {i for i in nonempty if is_generic_furniture(lines[i].strip())}
    prose = [i for i in nonempty if i not in furniture and _is_prose(norm[i])]

    site_idx: int | None = None
    if nonempty:
        first = nonempty[0]
        following = [i for i in nonempty if i > first][:1]
        if first not in furniture and len(norm[first].split()) <= 8 and _is_title_like(
                norm[first]) and (_spells_domain(norm[first], url)
                                  or (following and following[0] in furniture)):
            site_idx = first
    for i in nonempty:  # a site-name line elsewhere (e.g. footer) spells the domain too
        if i != site_idx and _spells_domain(norm[i], url) and len(norm[i].split()) <= 6:
            furniture.add(i)

    first_prose = prose[0] if prose else None
    title_idx: int | None = None
    candidates = [i for i in nonempty if i not in furniture and i != site_idx
                  and (first_prose is None or i < first_prose) and _is_title_like(norm[i])
                  and not _BYLINE.search(norm[i]) and not is_date_only(norm[i])]
    if candidates:
        # the headline: the first title-like line of three or more words above the prose
        # (shorter ones are section labels and kickers), else the one closest to the prose
        wordy = [i for i in candidates if len(norm[i].split()) >= 3]
        title_idx = wordy[0] if wordy else candidates[-1]
    elif first_prose is not None:
        before = [i for i in nonempty if i < first_prose and i not in furniture
                  and i != site_idx]
        title_idx = before[-1] if before else None

    blocks: list[str] = []
    last_prose = prose[-1] if prose else None
    start = title_idx + 1 if title_idx is not None else 0
    for i in nonempty:
        if i < start or i in furniture or i == site_idx or i == title_idx:
            continue
        line = norm[i]
        if is_date_only(line):
            continue
        if last_prose is not None and i > last_prose and not _is_prose(line):
            continue  # related titles and footer lines after the article
        if first_prose is not None and i < first_prose and not _is_prose(line):
            continue  # bylines, kickers and labels between the headline and the text
        blocks.append(line)

    title = norm[title_idx] if title_idx is not None else None
    language = detect_language(" ".join(blocks[:30]) or title or "")
    page = ExtractedPage(
        title=title, blocks=blocks, language=language, canonical_url=url,
        site_name=norm[site_idx] if site_idx is not None else None, description=None,
        author=None, kind="article" if blocks else "other", title_index=title_idx,
        page_blocks=[x for x in norm if x],
    )
    return page, lines
