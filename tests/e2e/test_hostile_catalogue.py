"""A catalogue of hostile pages, crawled in one run beside good articles (issue 15's cases).

Each case is a URL in the site's sitemap served by a hook of the local server. The run must
end (bounded), store every good article, never store what a case must not become, print no
traceback, and its run log must agree with the database. One crawl keeps the catalogue fast.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from crawler.app.localserver import LocalSiteServer, SiteHandler
from crawler.app.sitegen import generate_site, write_sitemap
from tests.helpers import respond, rows, tarikh, write_profile

PROSE = "<p>" + "The council approved the budget for the new library after a long debate. " * 6 + "</p>"
Hook = Callable[[SiteHandler], bool]


def reset(handler: SiteHandler) -> bool:
    handler.connection.close()  # no response at all
    return True


def drip(handler: SiteHandler) -> bool:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(8):  # slower than the run's DOWNLOAD_TIMEOUT
        handler.wfile.write(b"<p>.</p>")
        handler.wfile.flush()
        time.sleep(0.6)
    return True


def article(title: str, body: str = PROSE, head: str = "") -> bytes:
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>").encode()


@dataclass(frozen=True)
class Case:
    path: str
    hook: Hook
    stored: bool  # may this page become an article?
    why: str


CASES = [
    Case("/h/server-error.html", respond(500, b"oops"), False, "a 500 is an error of the run"),
    Case("/h/reset.html", reset, False, "a connection closed without a response"),
    Case("/h/drip.html", drip, False, "a server dripping bytes past the timeout"),
    Case("/h/too-many.html", respond(429, b"slow down", headers={"Retry-After": "1"}), False,
         "429 with Retry-After"),
    Case("/h/loop.html", respond(302, headers={"Location": "/h/loop.html"}), False,
         "a redirect to itself"),
    Case("/h/to-file.html", respond(302, headers={"Location": "file:///etc/passwd"}), False,
         "a redirect to file://"),
    Case("/h/to-ftp.html", respond(301, headers={"Location": "ftp://127.0.0.1/x"}), False,
         "a redirect to ftp://"),
    Case("/h/huge.html", respond(200, b"<html><body>" + b"<p>x</p>" * 3_000_000 + b"</body></html>"),
         False, "a 24 MB page, over DOWNLOAD_MAXSIZE"),
    Case("/h/gzip-bomb.html", respond(200, gzip.compress(b"\0" * 60_000_000),
                                      headers={"Content-Encoding": "gzip"}), False,
         "a gzip bomb (60 MB of zeros in 60 KB)"),
    Case("/h/bad-gzip.html", respond(200, b"this is not gzip at all",
                                     headers={"Content-Encoding": "gzip"}), False,
         "Content-Encoding gzip on a body that is not"),
    Case("/h/image.html", respond(200, article("Image?"), ctype="image/png"), False,
         "HTML served as an image"),
    Case("/h/empty.html", respond(200, b""), False, "an empty 200"),
    Case("/h/short-body.html", respond(200, article("Cut short"), length=100_000), False,
         "a Content-Length longer than the body"),
    Case("/h/nul.html", respond(200, article("NUL bytes", PROSE.replace(" ", " \0"))), True,
         "NUL bytes in the text"),
    Case("/h/absurd-dates.html", respond(200, article(
        "Absurd dates", "<p>Published 31 February 2019 at 25:61.</p>" + PROSE,
        '<meta property="article:published_time" content="99999-13-45T99:99:99Z">')), True,
         "dates that cannot be: stored without a date"),
    Case("/h/deep.html", respond(200, article("Deep", "<div>" * 3000 + PROSE + "</div>" * 3000)),
         True, "text nested 3,000 levels deep is kept"),
    Case("/h/attributes.html", respond(200, article(
        "Attributes", '<div ' + " ".join(f'a{i}="{i}"' for i in range(60_000)) + ">x</div>" + PROSE)),
         True, "one element with 60,000 attributes"),
    Case("/h/title.html", respond(200, article("T" * 2_000_000)), True, "a 2 MB title, bounded"),
    Case("/h/escapes.html", respond(200, article("Evil &#27;]0;owned&#7; title")), True,
         "terminal escapes in a title"),
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("catalogue")
    root = tmp / "site"
    manifest = generate_site(root, language="en", n_articles=6, style=0, seed=5)
    good = {a.path for a in manifest.articles}
    sites = tmp / "sites"
    sites.mkdir()
    db = tmp / "t.db"
    with LocalSiteServer(root) as server:
        for case in CASES:
            server.hooks[case.path] = case.hook
        sitemap = write_sitemap(manifest, server.base_url)
        text = sitemap.read_text(encoding="utf-8")
        extra = "".join(f"<url><loc>{server.base_url}{c.path}</loc></url>" for c in CASES)
        extra += ("<url><loc>javascript:alert(1)</loc></url><url><loc>mailto:a@b.c</loc></url>"
                  "<url><loc>gopher://127.0.0.1/</loc></url>")
        sitemap.write_text(text.replace("</urlset>", extra + "</urlset>"), encoding="utf-8")
        write_profile(sites / "h.toml", name="h", base=server.base_url, start=("/",),
                      sitemaps=("/sitemap.xml",), article_pattern=r"/(\d{4}/\d{2}|h)/[^/]+\.html$",
                      listing_pattern=r"^/$")
        started = time.monotonic()
        proc = tarikh("crawl", "h", "--db", str(db), "--no-throttle", "-s", "DOWNLOAD_TIMEOUT=3",
                      "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_MAXSIZE=20000000",
                      env={"TARIKH_SITES": str(sites)}, check=False, timeout=240)
        elapsed = time.monotonic() - started
    stored = {"/" + r["url"].split("/", 3)[3]: r for r in rows(db, "select * from articles")}
    return {"proc": proc, "stored": stored, "good": good, "elapsed": elapsed,
            "run": rows(db, "select * from runs")[0]}


def test_the_run_ends_and_says_no_traceback(crawled: dict) -> None:
    proc = crawled["proc"]
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert crawled["run"]["status"] in ("ok", "unhealthy")


def test_every_good_article_is_stored(crawled: dict) -> None:
    assert crawled["good"] <= set(crawled["stored"])


def test_the_run_log_agrees_with_the_database(crawled: dict) -> None:
    assert crawled["run"]["articles_new"] == len(crawled["stored"])
    assert crawled["run"]["errors"] >= 3  # the 500, the reset, the timeout at least


@pytest.mark.parametrize("case", CASES, ids=[c.path.rsplit("/", 1)[1] for c in CASES])
def test_each_hostile_case(crawled: dict, case: Case) -> None:
    record = crawled["stored"].get(case.path)
    if not case.stored:
        assert record is None, case.why
        return
    if record is None:  # a case allowed to be stored may also be dropped, never garbled
        return
    assert len(record["title"] or "") <= 1000, case.why
    assert "\x1b" not in (record["title"] or "") and "\0" not in record["text"], case.why
    if "absurd" in case.path:
        assert record["published"] is None, case.why
    if case.path in ("/h/deep.html", "/h/attributes.html", "/h/nul.html"):
        assert "council approved the budget" in record["text"].replace("\0", ""), case.why


def test_nothing_outside_http_was_fetched(crawled: dict) -> None:
    skipped = json.loads(crawled["run"]["skipped_reasons"])
    assert not any(k.startswith("refused_") and k not in (
        "refused_not_http", "refused_offsite", "refused_other_port") for k in skipped)
    assert "passwd" not in json.dumps(crawled["stored"])
