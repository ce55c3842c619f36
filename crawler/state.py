"""What one crawl run knows and counts: the stored URLs it need not fetch, its range, its log."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from crawler.cluster import conn, records
from crawler.profiles import SiteProfile
from pipelines import store
from pipelines.article.process import SiteContext, canonical_url
from pipelines.dates.parse import parse_timestamp
from pipelines.page.furniture import SiteTemplate

DEFAULT_MAX_DEPTH = 4


@dataclass(slots=True)
class Validator:
    """What we know of a stored page: enough for a conditional request."""

    etag: str | None
    last_modified: str | None
    fetched_at: str | None


@dataclass
class CrawlState:
    """Shared by the spider and the pipelines of one run (one site, one database)."""

    db_path: str
    profile: SiteProfile
    mode: str = "crawl"
    run_id: int | None = None
    since: date | None = None
    until: date | None = None
    refresh_after: float | None = None  # days
    resume_runs: list[int] = field(default_factory=list)
    max_depth: int = DEFAULT_MAX_DEPTH
    workers: int = 1
    #: A cluster's Redis (`--redis`): records go to the writer's stream, known URLs and the
    #: template come from Redis, and this process never opens the database.
    redis_url: str = ""
    counters: store.RunCounters = field(default_factory=store.RunCounters)
    known: dict[str, Validator] = field(default_factory=dict)
    seen_unknown: set[str] = field(default_factory=set)
    #: Template and hints of the site being crawled (learned template loaded at start).
    site_ctx: SiteContext = field(default_factory=lambda: SiteContext(site=""))
    #: The worker pool for CPU-bound stages, opened and closed by `pipelines.extract_text`.
    pool: Executor | None = None
    #: Set by `pipelines.store_article` when the database took no more writes (disk full).
    store_failed: bool = False

    @classmethod
    def from_settings(cls, settings: Any, profile: SiteProfile) -> CrawlState:
        state = cls(
            db_path=settings.get("TARIKH_DB", str(store.DEFAULT_DB)),
            profile=profile,
            mode=settings.get("TARIKH_MODE", "crawl"),
            run_id=settings.getint("TARIKH_RUN_ID") or None,
            since=optional_day(settings.get("TARIKH_SINCE")),
            until=optional_day(settings.get("TARIKH_UNTIL")),
            refresh_after=settings.getfloat("TARIKH_REFRESH_AFTER", -1.0),
            resume_runs=[int(x) for x in settings.getlist("TARIKH_RESUME_RUNS")],
            max_depth=profile.max_depth or settings.getint("TARIKH_MAX_DEPTH", DEFAULT_MAX_DEPTH),
            workers=settings.getint("TARIKH_WORKERS", 1),
            redis_url=settings.get("TARIKH_REDIS") or "",
        )
        if state.refresh_after is not None and state.refresh_after < 0:
            state.refresh_after = None
        state.load_known()
        state.load_site_context()
        return state

    def load_site_context(self) -> None:
        """The profile's hints with the template learned by earlier runs."""
        if self.redis_url:
            saved = records.learned_template(conn.connect(self.redis_url), self.profile.name)
            self.site_ctx = self.profile.site_context(SiteTemplate.from_json(saved) if saved else None)
            return
        db = store.connect(self.db_path)
        try:
            saved = store.load_template(db, self.profile.name)
        finally:
            db.conn.close()
        self.site_ctx = self.profile.site_context(SiteTemplate.from_json(saved) if saved else None)

    def load_known(self) -> None:
        """Stored articles (and, for --resume, every page the interrupted run handled)."""
        if self.redis_url:
            known = records.known_pages(conn.connect(self.redis_url), self.profile.name)
            self.known = {url: Validator(*v) for url, v in known.items()}
            return
        db = store.connect(self.db_path)
        try:
            rows = store.known_pages(db, self.profile.name, self.resume_runs)
            for url, etag, last_modified, fetched_at in rows:
                if url not in self.known or etag or last_modified:
                    self.known[url] = Validator(etag, last_modified, fetched_at)
        finally:
            db.conn.close()

    def revalidation_headers(self, url: str, lastmod: datetime | None) -> dict[str, str] | None:
        """{} to fetch a new URL, conditional headers to re-check a stored one, None to skip."""
        known = self.known.get(url)
        if known is None:
            return {}
        fetched = parse_timestamp(known.fetched_at)
        stale = False
        if self.refresh_after is not None and fetched is not None:
            stale = datetime.now(UTC) - fetched >= timedelta(days=self.refresh_after)
        if lastmod is not None and fetched is not None and lastmod > fetched:
            stale = True
        if not stale:
            self.counters.skip("already_stored")
            return None
        headers: dict[str, str] = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        elif fetched is not None:
            headers["If-Modified-Since"] = format_datetime(fetched, usegmt=True)
        return headers

    def remember(self, url: str, etag: str | None, last_modified: str | None, fetched_at: str) -> None:
        self.known[url] = Validator(etag, last_modified, fetched_at)

    def should_fetch_unknown(self, url: str) -> bool:
        key = canonical_url(url)
        if key in self.known or key in self.seen_unknown:
            return False
        self.seen_unknown.add(key)
        return True

    def mark_seen(self, url: str) -> None:
        self.seen_unknown.add(canonical_url(url))


def optional_day(value: Any) -> date | None:
    """A YYYY-MM-DD setting or run argument; empty means none."""
    return date.fromisoformat(value) if value else None
