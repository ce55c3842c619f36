"""The command line as a user runs it: `extract`, `date`, `sites`, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import ROOT, json_lines, tarikh

SEED = ROOT / "tests" / "data" / "seed_page.txt"
VECTORS = [json.loads(line) for line in (ROOT / "tests" / "data" / "date_vectors.jsonl").open(encoding="utf-8")]


def test_extract_the_seed_page() -> None:
    [record] = json_lines(tarikh("extract", str(SEED)).stdout)
    assert record["title"] == "ISIL Left with Only 34 Bases in Iraq, Syria"
    assert record["published"] == "2015-11-21T10:37"
    assert record["language"] == "en"
    text = record["text"]
    assert text.startswith("The Syrian and Iraqi forces’ advances")
    assert text.endswith("deploy its central command in Deir Ezzur.")
    for furniture in ("Islamic Invitation Turkey", "Shawwal", "Total: 138,993", "Facebook",
                      "Scroll Up", "18/06/2018", "21 November 2015 10:37"):
        assert furniture not in text
    assert set(record) >= {"url", "title", "published", "text", "language", "site"}


def test_extract_html_with_url_and_several_inputs(tmp_path: Path) -> None:
    page = ROOT / "data" / "demo-site" / "en" / "2015" / "11"
    html_file = next(page.glob("*.html"))
    out = json_lines(tarikh("extract", str(html_file), str(SEED),
                            "--url", "https://news.example.com/en/2015/11/x.html").stdout)
    assert len(out) == 2
    assert out[0]["site"] == "news.example.com" and out[0]["published"].startswith("2015-11")
    assert out[0]["title"] and out[0]["text"]


def test_extract_reports_a_missing_file_and_goes_on(tmp_path: Path) -> None:
    proc = tarikh("extract", str(tmp_path / "nope.html"), str(SEED), check=False)
    assert proc.returncode == 1
    lines = json_lines(proc.stdout)
    assert "error" in lines[0] and lines[1]["title"].startswith("ISIL")


def test_date_command_reads_every_vector_from_stdin() -> None:
    stdin = "\n".join(v["text"] for v in VECTORS) + "\n"
    out = json_lines(tarikh("date", "-", stdin=stdin).stdout)
    assert len(out) == len(VECTORS)
    for vector, got in zip(VECTORS, out, strict=True):
        assert got["iso"] == vector["expected"], vector
        assert got["calendar"] == vector["calendar"], vector


def test_date_command_single_string_and_conflict() -> None:
    [got] = json_lines(tarikh("date", "18 June 2018 - Monday - 4 Shawwal 1439").stdout)
    assert got["iso"] == "2018-06-18" and got["calendar"] == "gregorian+hijri"
    assert got["conflict"] is None
    [bad] = json_lines(tarikh("date", "19 June 2018 - Tuesday - 4 Shawwal 1439").stdout)
    assert bad["iso"] == "2018-06-19" and bad["conflict"]
    [none] = json_lines(tarikh("date", "31 Shawwal 1439").stdout)
    assert none["iso"] is None and none["calendar"] == "none"


def test_sites_lists_the_bundled_profiles() -> None:
    out = tarikh("sites").stdout
    assert out.split()[0] == "demo"


def test_usage_errors_are_exit_2_and_missing_profile_exit_3(tmp_path: Path) -> None:
    assert tarikh("crawl", check=False).returncode == 2
    proc = tarikh("crawl", "no-such-site", "--db", str(tmp_path / "x.db"), check=False)
    assert proc.returncode == 3 and "no site profile 'no-such-site'" in proc.stderr
    assert tarikh("backfill", "demo", "--db", str(tmp_path / "x.db"), check=False).returncode == 2
