"""`tarikh demo`: serve the bundled demo site on 127.0.0.1, crawl it for real, summarise."""

from __future__ import annotations

import sys

from crawler.app.localserver import LocalSiteServer
from crawler.paths import DATA_DIR
from crawler.profiles import BUNDLED_SITES_DIR, load_profile
from crawler.runs.runner import RunOptions, run_crawl
from crawler.runs.verdict import EXIT_OK
from pipelines import store

DEMO_SITE = DATA_DIR / "demo-site"


#: The demo prefers a fixed port so its URLs (the records' keys) are the same in every run.
DEMO_PORT = 8765


def _demo_server() -> LocalSiteServer:
    try:
        return LocalSiteServer(DEMO_SITE, port=DEMO_PORT)
    except OSError:  # taken: any free port still gives a working demo
        return LocalSiteServer(DEMO_SITE)


def run_demo(db_path: str, *, workers: int = 1, verbose: bool = False) -> int:
    with _demo_server() as server:
        profile = load_profile("demo", BUNDLED_SITES_DIR).with_base(server.base_url)
        # Our own server: no politeness delay needed. The `demo` site key stays stable
        # across runs although the port changes, so a second demo run stores nothing new.
        opts = RunOptions(workers=workers, throttle=False, verbose=verbose)
        outcome = run_crawl(profile, db_path, opts)
    print(summary(db_path, site=profile.name, run_id=outcome.run_id))
    return outcome.exit_code if outcome.exit_code != EXIT_OK else EXIT_OK


def summary(db_path: str, *, site: str, run_id: int) -> str:
    """What an analyst wants to see first: counts, languages, date range, one record."""
    db = store.connect(db_path)
    run = store.get_run(db, run_id)
    facts = store.site_summary(db, site)
    total, dated, first, last, langs = (facts[k] for k in ("total", "dated", "first", "last", "languages"))
    sample = facts["sample"]
    lines = [
        f"tarikh demo — database {db_path}",
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
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(run_demo(str(store.DEFAULT_DB)))
