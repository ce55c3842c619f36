"""Issue 9: zero-config crawls of generated sites in layouts tarikh's tests had not shown it —
the date line above the headline, a breadcrumb trail, view and reading-time counters inside
the article, one-sentence paragraphs; in English, Arabic, Turkish and Persian — scored like the acceptance: every article stored with
its title, every paragraph kept, no furniture line, the right published day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.app.sitegen import article_blocks, generate_site
from tests.helpers import crawl_home

# (language, style, layout options): each option in several languages and styles, ~6 sites.
LAYOUTS: list[Any] = [
    ("en", 0, {"dateline": "above"}),
    ("ar", 1, {"breadcrumbs": True, "counters": True}),
    ("tr", 2, {"dateline": "above", "breadcrumbs": True, "counters": True}),
    ("en", 3, {"one_sentence_paragraphs": True, "counters": True}),
    ("ar", 2, {"one_sentence_paragraphs": True, "breadcrumbs": True}),
    ("tr", 0, {"briefs": True, "dateline": "above", "breadcrumbs": True, "counters": True}),
    # Persian: Solar Hijri datelines, Persian digits, بازدید / زمان مطالعه counters
    ("fa", 1, {"dateline": "above", "counters": True, "breadcrumbs": True}),
    ("fa", 3, {"one_sentence_paragraphs": True, "counters": True}),
    ("fa", 2, {"briefs": True, "breadcrumbs": True, "counters": True}),
    ("fa", 0, {"dateline": "above", "breadcrumbs": True}),
    ("fa", 3, {"dateline": "above", "breadcrumbs": True}),
]


def _id(language: str, style: int, options: dict[str, Any]) -> str:
    return "-".join([language, f"s{style}", *sorted(options)])


IDS = [_id(*(x.values if hasattr(x, "values") else x)) for x in LAYOUTS]


@pytest.mark.parametrize(("language", "style", "options"), LAYOUTS, ids=IDS)
def test_zero_config_crawl_of_layout(tmp_path: Path, language: str, style: int,
                                     options: dict[str, Any]) -> None:
    root = tmp_path / "site"
    manifest = generate_site(root, language=language, n_articles=15, style=style, seed=9,
                             **options)
    stored = crawl_home(tmp_path, root, manifest)
    truth = manifest.article_by_path()
    assert set(stored) == set(truth)  # every article; no listing, tag or home page
    for path, article in truth.items():
        row = stored[path]
        assert row["title"] == article.title, path
        assert row["text"].split("\n\n") == article_blocks(article), path
        assert (row["published"] or "")[:10] == article.published[:10], (path, row["published_raw"])
