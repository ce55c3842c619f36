"""A pipeline stage that cannot start, for the start-up failure test (crawler must say so)."""

from __future__ import annotations

from typing import Any


class Boom:
    @classmethod
    def from_crawler(cls, crawler: Any) -> Boom:
        return cls()

    def open_spider(self) -> None:
        raise RuntimeError("the worker pool could not start (simulated)")

    def process_item(self, item: Any) -> Any:
        return item
