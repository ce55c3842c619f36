"""The store: every SQL statement tarikh runs lives in this package.

`from pipelines import store` gives the API below; the modules hold one concern each:
`db` (connection, schema, migrations, search index), `writes` (the crawl's writes), `runs`
(the run log), `pages` (raw pages), `stats` (per-site figures), `search`, `export`.
"""

from pipelines.store.db import (
    ARTICLE_COLUMNS,
    BUSY_TIMEOUT,
    DEFAULT_DB,
    PAGE_COLUMNS,
    RUN_COLUMNS,
    SCHEMA_VERSION,
    VERSION_COLUMNS,
    VIEWS,
    connect,
    connect_existing,
    index_for_search,
    iter_rows,
    migrate,
    now_iso,
    pack,
    rebuild_search_index,
    refresh_search_index,
    schema_version,
    search_rows_at_commit,
    transaction,
    unpack,
)
from pipelines.store.pages import (
    REPROCESS_KINDS,
    first_run_of,
    known_pages,
    page_sites,
    pages_for_warc,
    reprocessable_urls,
    set_analysis,
    set_kind,
    stored_analysis,
    stored_html,
)
from pipelines.store.runs import (
    RunCounters,
    count_article,
    get_run,
    get_run_or_none,
    interrupted_runs,
    last_success,
    list_runs,
    mark_dead_runs,
    mark_resumed,
    max_run_id,
    recent_runs,
    record_run,
    set_duration,
    start_run,
    update_run,
)
from pipelines.store.stats import article_stats, monitored_sites, site_summary, template_pages
from pipelines.store.writes import (
    REASON_REPROCESS,
    REASON_SITE,
    BatchLost,
    BatchWriter,
    WriteResult,
    article_versions,
    content_hash,
    keep_version,
    load_template,
    save_page,
    save_template,
    stored_version,
    upsert_article,
)

__all__ = [
    "ARTICLE_COLUMNS", "PAGE_COLUMNS", "RUN_COLUMNS", "VIEWS",
    "BUSY_TIMEOUT", "DEFAULT_DB", "REPROCESS_KINDS", "SCHEMA_VERSION", "BatchLost", "BatchWriter", "RunCounters",
    "WriteResult", "article_stats", "connect", "connect_existing", "content_hash", "first_run_of", "get_run",
    "count_article", "max_run_id", "record_run", "stored_version", "get_run_or_none",
    "REASON_REPROCESS", "REASON_SITE", "VERSION_COLUMNS", "article_versions", "keep_version",
    "index_for_search", "interrupted_runs", "iter_rows", "known_pages", "last_success", "list_runs",
    "load_template", "mark_dead_runs", "mark_resumed", "migrate", "monitored_sites", "now_iso", "pack",
    "page_sites", "pages_for_warc", "rebuild_search_index", "recent_runs", "refresh_search_index", "reprocessable_urls",
    "save_page", "save_template", "schema_version", "search_rows_at_commit", "set_analysis", "set_duration", "set_kind",
    "site_summary", "start_run", "stored_analysis", "stored_html", "template_pages", "transaction",
    "unpack", "update_run", "upsert_article",
]
