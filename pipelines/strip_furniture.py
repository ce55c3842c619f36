"""Stage 3: strip site furniture with generic rules, the profile's rules and the learned template."""

from __future__ import annotations

from crawler.items import PageItem
from pipelines.article.process import clean_blocks
from pipelines.stage import Stage


class FurniturePipeline(Stage):
    name = "strip_furniture"

    def process_item(self, item: PageItem) -> PageItem:
        if item.analysis is None:
            return item
        ctx = self.state.site_ctx
        item.template_pages = ctx.template.pages_seen
        # The template learns from articles only: furniture is what a site repeats across its
        # articles, while a listing's teasers repeat an article's own lead paragraph.
        article = item.article_hint is True or item.analysis.page.kind == "article"
        with self.cpu("furniture"):
            item.blocks = clean_blocks(item.analysis, ctx, page_key=item.key, learn=article)
        return item
