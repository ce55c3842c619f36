"""A catalogue of hostile pages, crawled in one run beside good articles (issue 15's cases;
tests/hostile_cases.md numbers them).

Each case is a URL in the site's sitemap served by a hook of the local server: a broken or
slow server, a bomb, a redirect somewhere it must not go, a page in a legacy charset, an
absurd date. The run must end (bounded), store every good article, never store what a case
must not become, store what a case must keep without garbling it, print no traceback, name
each page that gave no article in its log, and its run log must agree with the database.
One crawl keeps the catalogue fast.
"""

from __future__ import annotations

import functools
import gzip
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import brotli
import pytest
import zstandard

from crawler.app.localserver import LocalSiteServer, SiteHandler
from crawler.app.sitegen import generate_site, write_sitemap
from tests.helpers import respond, rows, tarikh, write_profile

Hook = Callable[[SiteHandler], bool]
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def prose(tag: str) -> str:
    """Six paragraphs of their own: a text shared by pages would be learned as furniture (and
    furniture fingerprints read digits as one), so each page's words name its case."""
    return "".join(f"<p>The {tag} council approved the {word} budget for the {tag} library after "
                   f"a long debate about the {word} {tag} plan.</p>" for word in ORDINALS)


def article(title: str, body: str | None = None, head: str = "", tag: str | None = None) -> bytes:
    body = prose(tag or title.lower()) if body is None else body
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>").encode()


def native(sentence: str, tag: str) -> str:
    """Paragraphs in a page's own language, made its own by a tag."""
    return "".join(f"<p>{sentence} ({tag} {word}).</p>" for word in ORDINALS)


AR = "أعلنت البلدية اليوم عن افتتاح حديقة جديدة في وسط المدينة تضم أشجارا نادرة"
TR = "İstanbul'da şiddetli yağış bekleniyor, ağustos ayında ılık rüzgârlar çıkacak"
#: Persian as windows-1256 writes it (Arabic yeh and kaf: the code page has no Persian forms)
FA = "سپس پرچم چين گذاشته شد و گزارش خبرنگار ما از تهران درباره كتابخانه"


def later(make: Callable[[], Hook]) -> Hook:
    """A hook built when first asked for: bombs and huge pages take seconds to make, which
    collecting the tests (every run of the suite) should not pay."""
    built = functools.cache(make)

    def hook(handler: SiteHandler) -> bool:
        return built()(handler)
    hook.prepare = built  # type: ignore[attr-defined]  # the fixture builds it before the crawl
    return hook


def raw(*parts: bytes, pause: float = 0.0) -> Hook:
    """Bytes written straight to the socket (a server that does not speak HTTP well)."""
    def hook(handler: SiteHandler) -> bool:
        handler.close_connection = True
        try:
            for part in parts:
                handler.wfile.write(part)
                handler.wfile.flush()
                time.sleep(pause)
        except OSError:  # the crawler gave up on us: that is the point
            pass
        return True
    return hook


def reset(handler: SiteHandler) -> bool:
    handler.connection.close()  # no response at all
    return True


def drip(handler: SiteHandler) -> bool:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        for _ in range(8):  # slower than the run's DOWNLOAD_TIMEOUT
            handler.wfile.write(b"<p>.</p>")
            handler.wfile.flush()
            time.sleep(0.6)
    except OSError:
        pass
    return True


def endless(handler: SiteHandler) -> bool:
    """A body with no Content-Length that never ends (until the crawler hangs up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    chunk = b"<p>more</p>" * 6000
    try:
        for _ in range(400):  # 26 MB at most, past DOWNLOAD_MAXSIZE
            handler.wfile.write(chunk)
    except OSError:
        pass
    handler.close_connection = True
    return True


def cookies(handler: SiteHandler) -> bool:
    body = article("Cookie flood", tag="cookie")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    for i in range(10_000):
        handler.send_header("Set-Cookie", f"c{i}=v{i}; Path=/")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
    return True


def meta_date(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


def byline(text: str) -> str:
    return f'<div class="date">{text}</div>'


def chunked(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + body


@dataclass(frozen=True)
class Case:
    path: str
    hook: Hook
    stored: bool  # may this page become an article?
    why: str
    text: str = ""  # set: the page must be stored, with this in its title or text
    undated: bool = False  # stored without a date: an impossible date is no date
    logged: str = ""  # what the crawl log names for a page that gave no article (default: its path)


CASES = [
    # --- broken and slow servers --------------------------------------------------------------
    Case("/h/server-error.html", respond(500, b"oops"), False, "a 500 is an error of the run"),
    Case("/h/reset.html", reset, False, "a connection closed without a response"),
    Case("/h/drip.html", drip, False, "a server dripping bytes past the timeout"),
    Case("/h/slow-headers.html", raw(b"HTTP/1.0 200 OK\r\n", *[b"X-Slow: 1\r\n"] * 8, b"\r\n", pause=0.6),
         False, "headers dripped one by one past the timeout"),
    Case("/h/too-many.html", respond(429, b"slow down", headers={"Retry-After": "1"}), False,
         "429 with Retry-After"),
    Case("/h/retry-after-forever.html", respond(503, b"later", headers={"Retry-After": "999999999"}),
         False, "503 asking to come back in 30 years: the run does not wait"),
    Case("/h/empty.html", respond(200, b""), False, "an empty 200"),
    Case("/h/no-content.html", respond(204), False, "204 No Content"),
    Case("/h/length-zero.html", respond(200, article("Length zero"), length=0), False,
         "Content-Length 0 with a body after it"),
    Case("/h/short-body.html", respond(200, article("Cut short"), length=100_000), False,
         "a Content-Length longer than the body"),
    Case("/h/bad-chunked.html", raw(chunked(b"zz\r\n" + article("Bad chunk") + b"\r\n0\r\n\r\n")),
         False, "a chunk size that is not hexadecimal"),
    Case("/h/cut-chunked.html", raw(chunked(b"4000\r\n" + article("Cut chunk"))), False,
         "the connection closed in the middle of a chunk"),
    Case("/h/not-http.html", raw(b"SSH-2.0-OpenSSH_9.0\r\n\r\n"), False,
         "a server that does not speak HTTP"),
    Case("/h/bad-status.html", raw(b"HTTP/1.1 abc OK\r\nContent-Type: text/html\r\n\r\n" + article("Bad status")),
         False, "a status line without a status code"),
    Case("/h/huge-header.html", respond(200, article("Huge header"), headers={"X-Huge": "h" * 1_000_000}),
         False, "one header line of 1 MB"),
    Case("/h/cookie-flood.html", cookies, True, "10,000 Set-Cookie headers (cookies are off)",
         text="cookie council approved"),
    Case("/h/not-modified.html", respond(304), False,
         "304 Not Modified to a request that asked for no such thing"),
    Case("/h/image.html", respond(200, article("Image?"), ctype="image/png"), False,
         "HTML served as an image"),
    # --- redirects ----------------------------------------------------------------------------
    Case("/h/loop.html", respond(302, headers={"Location": "/h/loop.html"}), False,
         "a redirect to itself"),
    Case("/h/chain.html", respond(302, headers={"Location": "/h/chain-1.html"}), False,
         "a chain of redirects longer than REDIRECT_MAX_TIMES", logged="max redirections"),
    Case("/h/no-location.html", respond(302), False, "a 302 without a Location"),
    Case("/h/to-file.html", respond(302, headers={"Location": "file:///etc/passwd"}), False,
         "a redirect to file://"),
    Case("/h/to-ftp.html", respond(301, headers={"Location": "ftp://127.0.0.1/x"}), False,
         "a redirect to ftp://"),
    Case("/h/to-javascript.html", respond(302, headers={"Location": "javascript:alert(1)"}), False,
         "a redirect to javascript:"),
    Case("/h/to-data.html", respond(302, headers={"Location": "data:text/html,<h1>x</h1>"}), False,
         "a redirect to a data: URL"),
    Case("/h/to-metadata.html", respond(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
         False, "a redirect to the cloud metadata address", logged="169.254.169.254"),
    Case("/h/refresh-loop.html", respond(200, article(
        "Refresh loop", head='<meta http-equiv="refresh" content="0;url=/h/refresh-loop.html">')),
         False, "a <meta refresh> to itself"),
    Case("/h/refresh-offsite.html", respond(200, article(
        "Refresh offsite", head='<meta http-equiv="refresh" content="0;url=http://evil.example/x.html">')),
         False, "a <meta refresh> to another site", logged="evil.example/x.html"),
    Case("/h/base-offsite.html", respond(200, article(
        "Base offsite", prose("base") + '<p><a href="2020/01/stolen.html">more</a></p>',
        head='<base href="http://evil.example/">')), True,
         "<base href> naming another host: stored here, its links not followed there",
         text="base council approved"),
    Case("/h/canonical-offsite.html", respond(200, article(
        "Canonical offsite", tag="canonical",
        head='<link rel="canonical" href="http://evil.example/h/canonical-offsite.html">')), True,
         "a canonical URL on another host: stored under its own URL", text="canonical council"),
    # --- bombs --------------------------------------------------------------------------------
    Case("/h/huge.html", later(lambda: respond(200, b"<html><body>" + b"<p>x</p>" * 3_000_000 + b"</body></html>")),
         False, "a 24 MB page, over DOWNLOAD_MAXSIZE"),
    Case("/h/endless.html", endless, False, "a body without Content-Length that never ends"),
    Case("/h/gzip-bomb.html", later(lambda: respond(200, gzip.compress(b"\0" * 60_000_000),
                                      headers={"Content-Encoding": "gzip"})), False,
         "a gzip bomb (60 MB of zeros in 60 KB)"),
    Case("/h/deflate-bomb.html", later(lambda: respond(200, zlib.compress(b"\0" * 60_000_000, 9),
                                         headers={"Content-Encoding": "deflate"})), False,
         "a deflate bomb"),
    Case("/h/brotli-bomb.html", later(lambda: respond(200, brotli.compress(b"\0" * 60_000_000),
                                        headers={"Content-Encoding": "br"})), False,
         "a brotli bomb (60 MB in 100 bytes)"),
    Case("/h/zstd-bomb.html", later(lambda: respond(200, zstandard.ZstdCompressor().compress(b"\0" * 60_000_000),
                                      headers={"Content-Encoding": "zstd"})), False, "a zstd bomb"),
    Case("/h/bad-gzip.html", respond(200, b"this is not gzip at all",
                                     headers={"Content-Encoding": "gzip"}), False,
         "Content-Encoding gzip on a body that is not"),
    Case("/h/unknown-encoding.html", respond(200, gzip.compress(article("Unknown encoding")),
                                             headers={"Content-Encoding": "x-evil"}), False,
         "a Content-Encoding nobody knows"),
    Case("/h/double-gzip.html", respond(200, gzip.compress(gzip.compress(article("Double gzip", tag="twice"))),
                                        headers={"Content-Encoding": "gzip, gzip"}), True,
         "gzip inside gzip, declared", text="twice council approved"),
    Case("/h/deep.html", later(lambda: respond(200, article("Deep", "<div>" * 3000 + prose("deep") + "</div>" * 3000))),
         True, "3,000 levels of nesting, past libxml2's 2,048: no crash (the text past it is lost)"),
    Case("/h/deep-1500.html", later(lambda: respond(200, article(
        "Fifteen hundred", "<div>" * 1500 + prose("nested") + "</div>" * 1500))), True,
         "text nested 1,500 levels deep is kept", text="nested council approved"),
    Case("/h/unclosed.html", later(lambda: respond(200, article("Unclosed", prose("unclosed") + "<div><p><b><i>" * 50_000))),
         True, "50,000 tags never closed after the text", text="unclosed council approved"),
    Case("/h/attributes.html", later(lambda: respond(200, article(
        "Attributes", '<div ' + " ".join(f'a{i}="{i}"' for i in range(60_000)) + ">x</div>" + prose("attributes")))),
         True, "one element with 60,000 attributes", text="attributes council approved"),
    Case("/h/spans.html", later(lambda: respond(200, article("Spans", prose("spans") + "<span>a</span>" * 300_000))),
         True, "300,000 elements (the date scan was quadratic in them)", text="spans council approved"),
    Case("/h/links.html", later(lambda: respond(200, article(
        "Links", prose("links") + "".join(f'<a href="#n{i}">n</a> ' for i in range(150_000))))),
         True, "150,000 links (the link-text count was quadratic in them)"),
    Case("/h/jsonld-deep.html", later(lambda: respond(200, article(
        "Deep JSON", tag="jsonld", head='<script type="application/ld+json">' + "[" * 100_000
        + "]" * 100_000 + "</script>"))), True, "JSON-LD nested 100,000 deep",
         text="jsonld council approved"),
    Case("/h/comment.html", later(lambda: respond(200, article("Comment", prose("comment") + "<!--" + "-" * 5_000_000 + "-->"))),
         True, "a comment of 5 MB", text="comment council approved"),
    Case("/h/title.html", later(lambda: respond(200, article("T" * 2_000_000, tag="title"))), True,
         "a 2 MB title, bounded", text="title council approved"),
    Case("/h/escapes.html", respond(200, article("Evil &#27;]0;owned&#7; title", tag="escape")), True,
         "terminal escapes in a title", text="escape council approved"),
    Case("/h/nul.html", respond(200, article("NUL bytes", prose("nul").replace(" ", " \0"))), True,
         "NUL bytes in the text"),
    # --- encodings ----------------------------------------------------------------------------
    Case("/h/ar-meta-1256.html", respond(200, article(
        "خبر عاجل", native(AR, "meta"), head='<meta charset="windows-1256">').decode().encode("cp1256"),
        ctype="text/html"), True, "Arabic in windows-1256, declared in <meta> only", text=AR),
    Case("/h/ar-latin1-header.html", respond(200, article(
        "خبر الحديقة", native(AR, "header"), head='<meta charset="windows-1256">').decode().encode("cp1256"),
        ctype="text/html; charset=iso-8859-1"), True,
         "Arabic in windows-1256 under a server's default ISO-8859-1 header", text=AR),
    Case("/h/tr-8859-9.html", respond(200, article("Yağış uyarısı", native(TR, "latin")).decode().encode(
        "iso-8859-9"), ctype="text/html; charset=iso-8859-9"), True, "Turkish in ISO-8859-9", text=TR),
    Case("/h/fa-1256-undeclared.html", respond(200, article("گزارش تهران", native(FA, "plain")).decode().encode(
        "cp1256"), ctype="text/html"), True, "Persian in windows-1256, declared nowhere", text=FA),
    Case("/h/bom-vs-meta.html", respond(200, b"\xef\xbb\xbf" + article(
        "خبر المدينة", native(AR, "bom"), head='<meta charset="windows-1256">'),
        ctype="text/html; charset=windows-1256"), True,
         "a UTF-8 byte-order mark under a windows-1256 header and <meta>", text=AR),
    Case("/h/utf8-bad-byte.html", respond(200, article(
        "Bad byte", native(TR, "stray")).replace(b"(stray first)", b"(stray first)\xe9")), True,
         "one stray invalid byte in UTF-8", text=TR),
    Case("/h/utf16be.html", respond(200, article("Sixteen big", native(TR, "big")).decode().encode("utf-16-be"),
                                    ctype="text/html"), True, "UTF-16BE without a BOM or label", text=TR),
    Case("/h/utf16le.html", respond(200, article("Sixteen little", native(TR, "little")).decode().encode(
        "utf-16-le"), ctype="text/html; charset=utf-16"), True, "UTF-16LE labelled without a BOM", text=TR),
    Case("/h/utf8-meta-utf16.html", respond(200, article(
        "Lying meta", native(TR, "lying"), head='<meta charset="utf-16">')), True,
         "UTF-8 whose <meta> claims UTF-16", text=TR),
    Case("/h/bogus-charset.html", respond(200, article("Bogus charset", native(TR, "bogus")),
                                          ctype="text/html; charset=x-no-such-charset"), True,
         "a charset nobody knows", text=TR),
    Case("/h/utf7.html", respond(200, article("Seven", "<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"
                                              + prose("seven")), ctype="text/html; charset=utf-7"), True,
         "UTF-7 declared (an old XSS trick): read as the ASCII it is", text="+ADw-script+AD4-"),
    Case("/h/bad-%FF-url.html", respond(200, article("Bad URL", tag="percent")), True,
         "a URL with an invalid UTF-8 escape", text="percent council approved"),
    # --- absurd dates -------------------------------------------------------------------------
    Case("/h/absurd-dates.html", respond(200, article(
        "Absurd dates", "<p>Published 31 February 2019 at 25:61.</p>" + prose("absurd"),
        meta_date("99999-13-45T99:99:99Z"))), True,
         "dates that cannot be: stored without a date", undated=True),
    Case("/h/date-year-0.html", respond(200, article("Year zero", head=meta_date("0000-01-01T00:00:00Z"))),
         True, "year 0 in metadata", undated=True, text="year zero council"),
    Case("/h/date-epoch.html", respond(200, article("Epoch", head=meta_date("1970-01-01T00:00:00Z"))),
         True, "1 January 1970 00:00 UTC, a CMS's empty timestamp", undated=True, text="epoch council"),
    Case("/h/date-future.html", respond(200, article("Future", head=meta_date("2999-05-05T10:00:00Z"))),
         True, "a date 1,000 years ahead", undated=True, text="future council"),
    Case("/h/date-hijri-1700.html", respond(200, article("هجري", byline("4 شوال 1700 هـ") + native(AR, "hijri"))),
         True, "Hijri year 1700 (Gregorian 2274)", undated=True, text=AR),
    Case("/h/date-jalali-1500.html", respond(200, article("شمسی", byline("۱۵ مهر ۱۵۰۰") + native(FA, "jalali"))),
         True, "Solar Hijri year 1500 (Gregorian 2121)", undated=True, text=FA),
    Case("/h/date-feb-30.html", respond(200, article("Leap", byline("30 February 2020") + prose("leap"))),
         True, "30 February", undated=True, text="leap council"),
    Case("/h/date-jsonld.html", respond(200, article("Structured", tag="structured", head=(
        '<script type="application/ld+json">{"datePublished": 1e308, '
        '"@graph": [[[{"dateCreated": "2020-13-45"}]]]}</script>'))), True,
         "JSON-LD dates that are a float overflow and month 13", undated=True, text="structured council"),
]
#: The hops of /h/chain.html (followed until REDIRECT_MAX_TIMES, then given up).
CHAIN = {f"/h/chain-{i}.html": respond(302, headers={"Location": f"/h/chain-{i + 1}.html"})
         for i in range(1, 10)}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("catalogue")
    root = tmp / "site"
    manifest = generate_site(root, language="en", n_articles=6, style=0, seed=5)
    good = {a.path for a in manifest.articles}
    sites = tmp / "sites"
    sites.mkdir()
    db = tmp / "t.db"
    log = tmp / "crawl.log"
    for case in CASES:  # made now, not while the crawler waits for them
        getattr(case.hook, "prepare", lambda: None)()
    with LocalSiteServer(root) as server:
        for case in CASES:
            server.hooks[case.path] = case.hook
        server.hooks.update(CHAIN)
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
        proc = tarikh("crawl", "h", "--db", str(db), "--no-throttle", "--log-file", str(log),
                      "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_MAXSIZE=20000000",
                      env={"TARIKH_SITES": str(sites)}, check=False, timeout=240)
        elapsed = time.monotonic() - started
        hits = dict(server.hits)
    stored = {"/" + r["url"].split("/", 3)[3]: r for r in rows(db, "select * from articles")}
    return {"proc": proc, "stored": stored, "good": good, "elapsed": elapsed, "hits": hits,
            "log": log.read_text(encoding="utf-8"), "db": db, "run": rows(db, "select * from runs")[0]}


def test_the_run_ends_and_says_no_traceback(crawled: dict) -> None:
    proc = crawled["proc"]
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in crawled["log"]
    assert crawled["run"]["status"] in ("ok", "unhealthy")
    assert crawled["run"]["exit_code"] == proc.returncode


def test_every_good_article_is_stored(crawled: dict) -> None:
    assert crawled["good"] <= set(crawled["stored"])


def test_the_run_log_agrees_with_the_database(crawled: dict) -> None:
    run = crawled["run"]
    assert run["articles_new"] == len(crawled["stored"])
    assert run["errors"] >= 3  # the 500, the reset, the timeout at least
    # every page the run downloaded is an article, a page it dropped (with a reason), or failed
    dropped = sum(json.loads(run["dropped_reasons"]).values())
    assert dropped == run["pages_dropped"]


@pytest.mark.parametrize("case", CASES, ids=[c.path.rsplit("/", 1)[1] for c in CASES])
def test_each_hostile_case(crawled: dict, case: Case) -> None:
    record = crawled["stored"].get(case.path)
    if not case.stored:
        assert record is None, case.why
        assert (case.logged or case.path) in crawled["log"], f"the log never names it: {case.why}"
        return
    if case.text:
        assert record is not None, f"lost: {case.why}"
    if record is None:  # a case allowed to be stored may also be dropped, never garbled
        return
    title, text = record["title"] or "", record["text"] or ""
    assert len(title) <= 1000, case.why
    assert "\x1b" not in title and "\0" not in text, case.why
    assert case.text in title + "\n" + text, case.why
    if case.text and not case.text.isascii():  # the page's own script, not mojibake
        assert not any(mark in title + text for mark in ("Ã", "Ø", "Ù", "Ä±", "\ufffd\ufffd")), case.why
    if case.undated:
        assert record["published"] is None, case.why


def test_a_redirect_chain_stops_at_the_limit(crawled: dict) -> None:
    hops = sum(n for path, n in crawled["hits"].items() if path.startswith("/h/chain-"))
    assert hops <= 5  # REDIRECT_MAX_TIMES


def test_nothing_outside_http_was_fetched(crawled: dict) -> None:
    skipped = json.loads(crawled["run"]["skipped_reasons"])
    assert not any(k.startswith("refused_") and k not in (
        "refused_not_http", "refused_offsite", "refused_other_port") for k in skipped)
    assert skipped.get("refused_offsite", 0) >= 2  # the metadata address and the <meta refresh>
    assert "passwd" not in json.dumps(crawled["stored"])
    assert not any("stolen" in path for path in crawled["hits"])  # <base href> was not followed
