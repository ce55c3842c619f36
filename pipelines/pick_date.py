"""Stage 4: pick and normalise the publication date among the page's candidates."""

from __future__ import annotations

from crawler.items import PageItem
from pipelines.article.process import date_of
from pipelines.stage import Stage


class DatePipeline(Stage):
    name = "pick_date"

    def process_item(self, item: PageItem) -> PageItem:
        if item.analysis is None:
            return item
        with self.cpu("date_pick"):
            item.picked_date = date_of(item.analysis, self.state.site_ctx)
        if item.picked_date is None:
            self.count("no_date")
        return item
