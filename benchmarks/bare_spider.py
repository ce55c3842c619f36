"""The floor for benchmarks/throughput.py: a bare Scrapy spider that fetches every URL of a
sitemap and does nothing with the pages.  Usage: python bare_spider.py SITEMAP_URL
Prints: pages, seconds, CPU seconds of the whole process (imports included, as tarikh's are)."""

import sys
import time

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.utils.sitemap import Sitemap


class Bare(Spider):
    """The floor: fetch every sitemap URL and do nothing with the page."""
    name = "bare"
    def __init__(self, sitemap, **kw):
        super().__init__(**kw)
        self.sitemap = sitemap
        self.pages = 0
    async def start(self):
        yield Request(self.sitemap, callback=self.parse_sitemap)
    def parse_sitemap(self, response):
        sitemap = Sitemap(response.body)
        follow = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse
        for entry in sitemap:
            yield Request(entry["loc"], callback=follow)
    def parse(self, response):
        self.pages += 1

settings = {"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
            "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
            "COOKIES_ENABLED": False}
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler, sitemap=sys.argv[1])
t0 = time.monotonic()
process.start()
print(crawler.spider.pages, time.monotonic() - t0, time.process_time())
