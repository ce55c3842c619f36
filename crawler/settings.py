"""Scrapy settings of the tarikh project (polite by default)."""

import scrapy

from pipelines.store.db import DEFAULT_DB

BOT_NAME = "tarikh"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "tarikh/0.1 (news archiving crawler; +https://pypi.org/project/tarikh/)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote-control endpoint (and its job files under ~/.local/state): unused here.
REMOTE_CONTROL_ENABLED = False
# Same-origin, http(s)-only fetching; private addresses refused for public sites.
# Scrapy's meta-refresh middleware, asked only about pages that may hold the tag (it decodes
# the whole body to look at its first 4,096 characters): crawler/meta_refresh.py.
DOWNLOADER_MIDDLEWARES = {
    "crawler.fetch_policy.SafeFetchMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.meta_refresh.MetaRefreshMiddleware": 580,
}
# A redirect to a URL this run already fetched (a page redirecting to itself) is counted.
DUPEFILTER_CLASS = "crawler.fetch_policy.CountingDupeFilter"
# Scrapy 2.19 renamed DNS_RESOLVER to TWISTED_DNS_RESOLVER and warns (on stderr, under cron) on
# the old name; older Scrapy reads only the old one.
if scrapy.version_info >= (2, 19):
    TWISTED_DNS_RESOLVER = "crawler.fetch_policy.PublicOnlyResolver"
else:
    DNS_RESOLVER = "crawler.fetch_policy.PublicOnlyResolver"
LOG_LEVEL = "INFO"
DEPTH_PRIORITY = 0

ITEM_PIPELINES = {
    "pipelines.extract_text.ExtractPipeline": 200,
    "pipelines.strip_furniture.FurniturePipeline": 300,
    "pipelines.pick_date.DatePipeline": 400,
    "pipelines.store_article.StorePipeline": 500,
}

# What start-up and the first page loaded is frozen out of the garbage collector's full
# scans (crawler/runs/heap.py): they cost 1.6 s of a 3,000-page crawl's 33 s of CPU.
EXTENSIONS = {
    "crawler.runs.heap.FreezeLongLived": 100,
}

# tarikh's own settings (the CLI sets them per run)
TARIKH_DB = str(DEFAULT_DB)
TARIKH_MODE = "crawl"
TARIKH_WORKERS = 1
TARIKH_MAX_DEPTH = 4
# Pages found (sitemaps, listings, links) wait in the spider's compact frontier and reach
# Scrapy's scheduler as it drains (crawler.frontier); off for a shared redis scheduler.
TARIKH_FRONTIER = True
LOG_FORMATTER = "crawler.logformat.TarikhLogFormatter"
CONCURRENT_ITEMS = 8  # a page yields one item; Scrapy starts this many tasks per response
