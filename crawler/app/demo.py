"""`tarikh demo`: serve the bundled demo site on 127.0.0.1, crawl it for real, summarise."""

from __future__ import annotations

import sys
from typing import Any

from crawler.app.localserver import LocalSiteServer
from crawler.paths import DATA_DIR
from crawler.profiles import BUNDLED_SITES_DIR, load_profile
from crawler.runs.runner import RunOptions, run_crawl
from crawler.runs.verdict import EXIT_OK
from pipelines import store

DEMO_SITE = DATA_DIR / "demo-site"

#: The demo site's origin in every URL and record key, whatever port the local server got:
#: the crawl reaches it through the server acting as an HTTP proxy (`.local` never resolves
#: on the internet). Keys that carried the port stored all articles again as new whenever
#: the port changed.
DEMO_ORIGIN = "http://demo.tarikh.local"


class LocalProxy:
    """Downloader middleware: send every request through the `TARIKH_LOCAL_PROXY` server."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Any) -> LocalProxy:
        return cls(crawler.settings.get("TARIKH_LOCAL_PROXY"))

    def process_request(self, request: Any, spider: Any = None) -> None:
        request.meta.setdefault("proxy", self.proxy)


def proxy_settings(server: LocalSiteServer) -> dict[str, Any]:
    """Scrapy settings that route a crawl of `server.base_url` to the local server."""
    return {"TARIKH_LOCAL_PROXY": server.address_url,
            # before Scrapy's HttpProxyMiddleware (750), which applies meta["proxy"]
            "DOWNLOADER_MIDDLEWARES": {"crawler.app.demo.LocalProxy": 740}}


def run_demo(db_path: str, *, workers: int = 1, verbose: bool = False) -> int:
    with LocalSiteServer(DEMO_SITE, public_base=DEMO_ORIGIN) as server:
        profile = load_profile("demo", BUNDLED_SITES_DIR).with_base(DEMO_ORIGIN)
        # Our own server: no politeness delay needed.
        opts = RunOptions(workers=workers, throttle=False, verbose=verbose,
                          extra_settings=proxy_settings(server))
        outcome = run_crawl(profile, db_path, opts)
        served = f"{DEMO_ORIGIN} (served from {server.address_url})"
    print(summary(db_path, site=profile.name, run_id=outcome.run_id, served=served))
    return outcome.exit_code if outcome.exit_code != EXIT_OK else EXIT_OK


def summary(db_path: str, *, site: str, run_id: int, served: str = "") -> str:
    """What an analyst wants to see first: counts, languages, date range, one record."""
    db = store.connect(db_path)
    run = store.get_run(db, run_id)
    facts = store.site_summary(db, site)
    total, dated, first, last, langs = (facts[k] for k in ("total", "dated", "first", "last", "languages"))
    sample = facts["sample"]
    lines = [
        f"tarikh demo — database {db_path}" + (f", site {served}" if served else ""),
        f"run {run_id}: {run['status']}; {run['pages_downloaded']} pages downloaded, "
        f"{run['articles_new']} new, {run['articles_updated']} updated, "
        f"{run['articles_unchanged']} unchanged, {run['pages_dropped']} pages dropped, "
        f"{run['errors']} errors",
        f"articles stored: {total} ({dated} with a publication date)",
        "per language: " + ", ".join(f"{lang} {n}" for lang, n in langs),
        f"date range: {first} … {last}",
    ]
    if sample:
        url, title, published, raw, calendar, hy, hm, hd, lang, text = (
            sample[k] for k in ("url", "title", "published", "published_raw", "calendar",
                                "hijri_year", "hijri_month", "hijri_day", "language", "text"))
        hijri = f" (Hijri {hy}-{hm:02d}-{hd:02d})" if hy else ""
        lines += [
            "sample record:",
            f"  url:       {url}",
            f"  title:     {title}",
            f"  published: {published}{hijri} from {raw!r} [{calendar}]",
            f"  language:  {lang}",
            f"  text:      {text[:300]}{'…' if len(text) > 300 else ''}",
        ]
    db.conn.close()
    lines += [
        "next steps:",
        f"  tarikh search 'bank' --db {db_path}        full-text search (--json, --site, --since)",
        f"  tarikh serve --db {db_path}                browse it in Datasette",
        f"  tarikh export --format csv --db {db_path} -o demo.csv",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(run_demo(str(store.DEFAULT_DB)))
