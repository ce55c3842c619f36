"""One generator of synthetic news sites, for tests, benchmarks and the bundled demo.

- ``random_sites``: random text in four furniture styles (and briefs), in English, Arabic,
  Turkish and Persian, with the truth in a ``SiteManifest`` — what tests and benchmarks crawl;
- ``portal``: the demo's design, rendered from given articles (data/demo-site/articles.json);
- ``vocab`` and ``files``: what both print and write — month, weekday, Hijri and Solar Hijri names, UI
  strings, date and counter lines, pages, sitemap.xml, robots.txt.
"""

from crawler.app.sitegen.random_sites import (
    LANGUAGES,
    STYLES,
    ArticleTruth,
    SiteManifest,
    article_blocks,
    generate_site,
    write_sitemap,
)

__all__ = ["LANGUAGES", "STYLES", "ArticleTruth", "SiteManifest", "article_blocks", "generate_site",
           "write_sitemap"]
