"""Hostile entry points, crawled in one run (issue 15; tests/hostile_cases.md numbers them):
sitemaps and feeds that are gone, garbage, endless or elsewhere, and robots.txt files that are
garbage, huge, slow or point somewhere they must not — each robots.txt on a server of its own
(robots.txt is read once per origin), all of them named by one profile.

What the user sees: the run ends, each entry point that yields nothing is an error of the run
named in its log (`tarikh runs --json`), every article a good entry point lists is stored,
nothing offsite or outside http(s) is fetched, no file is read, no traceback.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.app.localserver import LocalSiteServer, SiteHandler
from crawler.spiders.site import MAX_SITEMAP_DEPTH, MAX_SITEMAP_ENTRIES
from tests.helpers import respond, rows, tarikh, write_profile

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
WORDS = ("amber", "basalt", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo",
         "juniper", "kestrel", "lagoon")


def page(word: str) -> str:
    paragraphs = "".join(f"<p>The {word} council approved the {w} budget for the {word} library "
                         f"after a long debate.</p>" for w in ("first", "second", "third", "fourth"))
    return (f"<html><head><title>The {word} story</title></head><body><article>"
            f"<h1>The {word} story</h1>{paragraphs}</article></body></html>")


def urlset(*locs: str, lastmod: str = "") -> str:
    stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return (f'<?xml version="1.0"?><urlset {NS}>'
            + "".join(f"<url><loc>{loc}</loc>{stamp}</url>" for loc in locs) + "</urlset>")


def deep_index(handler: SiteHandler) -> bool:
    """/deep/N.xml: a sitemap index naming /deep/N+1.xml, for ever."""
    n = int(handler.path.rsplit("/", 1)[1].split(".")[0])
    body = (f'<?xml version="1.0"?><sitemapindex {NS}><sitemap><loc>{handler.server.base_url}'
            f"/deep/{n + 1}.xml</loc></sitemap></sitemapindex>").encode()
    return respond(200, body, ctype="application/xml")(handler)


def slow_robots(handler: SiteHandler) -> bool:
    time.sleep(5)  # past the run's DOWNLOAD_TIMEOUT
    return respond(200, b"User-agent: *\nDisallow:\n", ctype="text/plain")(handler)


@dataclass(frozen=True)
class Entry:
    """A declared sitemap or feed (`path`), what it must do to the run, and the article it
    lists that must be stored (when it lists one)."""

    path: str
    why: str
    error: str = ""  # the run's error line naming it ("" when it is no error of the run)
    stores: str = ""  # the word of an article it lists that must be stored


@dataclass(frozen=True)
class Robots:
    """A server whose robots.txt is hostile; `stored`: whether its one article is fetched."""

    name: str
    hook: object
    why: str
    stored: bool
    error: str = ""  # the run's error line naming it


SITEMAPS = [
    Entry("/missing.xml", "a declared sitemap that is not there (404)", error="HTTP 404"),
    Entry("/gone.xml", "a declared sitemap that is gone (410)", error="HTTP 410"),
    Entry("/error.xml", "a declared sitemap answering 500", error="HTTP 500"),
    Entry("/html-sitemap.xml", "an HTML page (a soft 404) where the sitemap should be",
          error="not a sitemap"),
    Entry("/garbage-locs.xml", "<loc>s relative, blank, 'http://', an unclosed IPv6 literal, a "
          "bad escape, beside a good one", stores="amber"),
    Entry("/lastmod-99999.xml", "<lastmod> in the year 99999", stores="basalt"),
    Entry("/lastmod-garbage.xml", "<lastmod> that is no date, with a control character",
          stores="cedar"),
    Entry("/offsite-only.xml", "a sitemap of other sites' URLs only",
          error="sitemap lists no URLs of this site"),
    Entry("/big.xml", f"{MAX_SITEMAP_ENTRIES + 10:,} entries, past the protocol's limit",
          error="sitemap lists no URLs of this site"),
    Entry("/deep/0.xml", "an endless chain of sitemap indexes, each naming the next"),
    Entry("/bomb.xml.gz", "a gzip sitemap that inflates to 60 MB", error="not a sitemap"),
    Entry("/huge-loc.xml", "a <loc> of 2 MB beside a good one", stores="delta"),
]
FEEDS = [
    Entry("/missing-feed.rss", "a declared feed that is not there", error="HTTP 404"),
    Entry("/feed-cdata.rss", "CDATA links: javascript:, control characters, a good one",
          stores="ember"),
    Entry("/feed-html.rss", "an HTML page where the feed should be", error="feed lists no items"),
    Entry("/feed-xxe.rss", "an external entity naming /etc/passwd", stores="fjord"),
    Entry("/feed-offsite.atom", "an Atom feed of other sites' links only",
          error="feed lists no items of this site"),
]
ROBOTS = [
    Robots("garbage", respond(200, bytes(range(256)) * 64, ctype="text/plain"),
           "a robots.txt of binary garbage: no rules", stored=True),
    Robots("huge", respond(200, b"User-agent: *\nDisallow: /nothing\n" * 700_000, ctype="text/plain"),
           "a robots.txt of 24 MB, past DOWNLOAD_MAXSIZE: counted, no rules", stored=True,
           error="robots.txt"),
    Robots("slow", slow_robots, "a robots.txt slower than the timeout: counted, no rules",
           stored=True, error="robots.txt"),
    Robots("to-file", respond(302, headers={"Location": "file:///etc/passwd"}),
           "a robots.txt redirecting to file://: refused, no rules", stored=True),
    Robots("forbids", respond(200, b"User-agent: *\nDisallow: /\n", ctype="text/plain"),
           "a robots.txt that forbids everything: obeyed", stored=False),
]


def _site(root: Path) -> None:
    (root / "a").mkdir(parents=True)
    for word in WORDS:
        (root / "a" / f"{word}.html").write_text(page(word), encoding="utf-8")
    files = {
        "garbage-locs.xml": urlset("/a/zzz.html", "   ", "http://", "http://[::1", "{{BASE}}/a/%zz.html",
                                   "{{BASE}}/a/amber.html"),
        "lastmod-99999.xml": urlset("{{BASE}}/a/basalt.html", lastmod="99999-01-01T00:00:00Z"),
        "lastmod-garbage.xml": urlset("{{BASE}}/a/cedar.html", lastmod="yesterday-ish \x01"),
        "html-sitemap.xml": "<html><body><h1>Page not found</h1></body></html>",
        "offsite-only.xml": urlset(*[f"http://other{i}.example/x.html" for i in range(50)]),
        "big.xml": urlset(*[f"http://o.example/{i}.html" for i in range(MAX_SITEMAP_ENTRIES + 10)]),
        "huge-loc.xml": urlset("{{BASE}}/a/" + "x" * 2_000_000 + ".html", "{{BASE}}/a/delta.html"),
        "feed-cdata.rss": ('<?xml version="1.0"?><rss><channel>'
                           "<item><link><![CDATA[ javascript:alert(1) ]]></link></item>"
                           "<item><link><![CDATA[\x01\x02 garbage ]]></link></item>"
                           "<item><link><![CDATA[ {{BASE}}/a/ember.html ]]></link></item>"
                           "</channel></rss>"),
        "feed-html.rss": "<html><body><p>Our feed has moved.</p></body></html>",
        "feed-xxe.rss": ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                         "<rss><channel><item><title>&x;</title><link>{{BASE}}/a/fjord.html?&x;</link>"
                         "</item></channel></rss>"),
        "feed-offsite.atom": ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
                              + "".join(f'<entry><link href="http://other{i}.example/x"/></entry>'
                                        for i in range(20)) + "</feed>"),
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    bomb = f'<?xml version="1.0"?><urlset {NS}>'.encode() + b" " * 60_000_000 + b"</urlset>"
    (root / "bomb.xml.gz").write_bytes(gzip.compress(bomb))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("entry")
    root = tmp / "site"
    _site(root)
    sites = tmp / "sites"
    sites.mkdir()
    db = tmp / "t.db"
    log = tmp / "crawl.log"
    with ExitStack() as stack:
        site = stack.enter_context(LocalSiteServer(root))
        for n in range(40):
            site.hooks[f"/deep/{n}.xml"] = deep_index
        site.hooks["/gone.xml"] = respond(410, b"gone")
        site.hooks["/error.xml"] = respond(500, b"oops")
        site.hooks["/bomb.xml.gz"] = respond(200, (root / "bomb.xml.gz").read_bytes(),
                                             ctype="application/x-gzip")
        servers = {}
        for robots in ROBOTS:
            other = tmp / robots.name
            (other / "a").mkdir(parents=True)
            (other / "a" / f"{robots.name}.html").write_text(page(robots.name), encoding="utf-8")
            server = stack.enter_context(LocalSiteServer(other))
            server.hooks["/robots.txt"] = robots.hook  # type: ignore[assignment]
            servers[robots.name] = server
        write_profile(sites / "e.toml", name="e", base=site.base_url, start=("/a/garnet.html",),
                      sitemaps=tuple(e.path for e in SITEMAPS), feeds=tuple(e.path for e in FEEDS),
                      article_pattern=r"/a/[^/]+\.html$", listing_pattern="^/$")
        profile = (sites / "e.toml").read_text(encoding="utf-8")
        starts = "".join(f', "{s.base_url}/a/{name}.html"' for name, s in servers.items())
        (sites / "e.toml").write_text(profile.replace("/a/garnet.html\"", "/a/garnet.html\"" + starts, 1),
                                      encoding="utf-8")
        proc = tarikh("crawl", "e", "--db", str(db), "--no-throttle", "--log-file", str(log),
                      "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=0",
                      env={"TARIKH_SITES": str(sites)}, check=False, timeout=240)
        hits = dict(site.hits)
        robot_hits = {name: dict(s.hits) for name, s in servers.items()}
    yield {"proc": proc, "run": rows(db, "select * from runs")[0], "hits": hits, "robot_hits": robot_hits,
           "log": log.read_text(encoding="utf-8"), "servers": {n: s.base_url for n, s in servers.items()},
           "stored": {r["url"]: r for r in rows(db, "select * from articles")}}


def _samples(crawled: dict) -> str:
    return " ".join(json.loads(crawled["run"]["error_samples"]))


def test_the_run_ends_unhealthy_and_says_no_traceback(crawled: dict) -> None:
    proc, run = crawled["proc"], crawled["run"]
    assert proc.returncode == 1 and run["status"] == "unhealthy", proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Traceback" not in crawled["log"]
    assert run["articles_new"] == len(crawled["stored"])
    assert run["errors"] == len(json.loads(run["error_samples"]))  # fewer than 20: all named


@pytest.mark.parametrize("entry", SITEMAPS + FEEDS, ids=[e.path.strip("/") for e in SITEMAPS + FEEDS])
def test_each_entry_point(crawled: dict, entry: Entry) -> None:
    samples = _samples(crawled)
    named = [s for s in json.loads(crawled["run"]["error_samples"]) if s.endswith(entry.path)
             or entry.path + " " in s or entry.path + ":" in s]
    if entry.error:
        assert named and entry.error in named[0], (entry.why, samples)
    else:
        assert not named, (entry.why, samples)
    if entry.stores:
        stored = [r for url, r in crawled["stored"].items() if url.endswith(f"/a/{entry.stores}.html")
                  or f"/a/{entry.stores}.html?" in url]
        assert stored and f"{entry.stores} council approved" in stored[0]["text"], entry.why


@pytest.mark.parametrize("robots", ROBOTS, ids=[r.name for r in ROBOTS])
def test_each_robots_txt(crawled: dict, robots: Robots) -> None:
    base = crawled["servers"][robots.name]
    stored = f"{base}/a/{robots.name}.html" in crawled["stored"]
    assert stored == robots.stored, robots.why
    if robots.error:
        assert f"{base}/robots.txt" in _samples(crawled), robots.why
    if not robots.stored:
        assert crawled["robot_hits"][robots.name].get(f"/a/{robots.name}.html", 0) == 0


def test_sitemaps_are_bounded(crawled: dict) -> None:
    skipped = json.loads(crawled["run"]["skipped_reasons"])
    assert skipped[f"sitemap_over_{MAX_SITEMAP_ENTRIES}_entries"] == 10
    assert sum(1 for p in crawled["hits"] if p.startswith("/deep/")) == MAX_SITEMAP_DEPTH + 1
    assert skipped["sitemap_nested_too_deep"] == 1


def test_nothing_outside_the_site_and_no_file_is_read(crawled: dict) -> None:
    assert not any("passwd" in p or "root:" in p for p in crawled["hits"])
    assert not any("root:" in (r["title"] or "") + r["text"] for r in crawled["stored"].values())
    skipped = json.loads(crawled["run"]["skipped_reasons"])
    assert not any(k.startswith("refused_") and k not in ("refused_not_http", "refused_offsite")
                   for k in skipped)
