"""Revisions through a real crawl (#13): a re-fetch whose only change is the page's counter and
header date keeps no version; an edited paragraph keeps one, shown by `tarikh history`."""

from __future__ import annotations

import json
import time
from pathlib import Path

from crawler.app.localserver import LocalSiteServer
from tests.helpers import ROOT, rows, tarikh, write_profile

MANIFEST = json.loads((ROOT / "data" / "demo-site" / "manifest.json").read_text(encoding="utf-8"))


def test_recrawl_keeps_a_version_for_an_edit_and_none_for_furniture(tmp_path: Path, demo_copy: Path) -> None:
    db, sites = tmp_path / "t.db", tmp_path / "sites"
    sites.mkdir()
    env = {"TARIKH_SITES": str(sites)}
    english = [a for a in MANIFEST["articles"] if a["language"] == "en"]
    furnished, edited = english[0], english[1]
    with LocalSiteServer(demo_copy) as server:
        write_profile(sites / "news.toml", name="news", base=server.base_url)
        tarikh("crawl", "news", "--db", str(db), "--no-throttle", env=env)
        time.sleep(1.1)  # Last-Modified has one-second resolution
        page = demo_copy / furnished["path"].lstrip("/")
        html = page.read_text(encoding="utf-8")
        assert "Total: 158,616 content" in html
        page.write_text(html.replace("Total: 158,616 content", "Total: 171,204 content")
                        .replace(furnished["header_today"], "21 December 2016 - Wednesday - 22 Rabi al-Awwal 1438"),
                        encoding="utf-8")
        page = demo_copy / edited["path"].lstrip("/")
        sentence = edited["paragraphs"][1]
        html = page.read_text(encoding="utf-8")
        assert sentence in html
        page.write_text(html.replace(sentence, sentence.rstrip(".") + ", the agency said later."),
                        encoding="utf-8")
        tarikh("crawl", "news", "--db", str(db), "--no-throttle", "--refresh-after", "0", env=env)
    versions = rows(db, "select url, reason, text from article_versions")
    assert len(versions) == 1 and versions[0]["url"].endswith(edited["path"])
    assert versions[0]["reason"] == "site" and sentence in versions[0]["text"]
    out = tarikh("history", versions[0]["url"], "--db", str(db)).stdout
    last = sentence.rstrip(".").split()[-1]
    assert f"[-{last}.-] {{+{last}, the agency said later.+}}" in out
    assert "(edited on the site)" in out
    assert rows(db, "select count(*) as n from recently_edited")[0]["n"] == 1
