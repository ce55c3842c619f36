"""Broken profiles are named, with file and line (issue 12.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import tarikh, write_profile

NOWHERE = "http://127.0.0.1:9"
BASE = 'start_urls = ["http://127.0.0.1:9/"]\n'

BROKEN = {
    "syntax": ('name = "syntax"\ntitle = \n' + BASE, "syntax.toml", "line 2"),
    "unknown": ('name = "unknown"\n' + BASE + "colour = 1\n", "unknown.toml:3", "colour"),
    "regex": ('name = "regex"\n' + BASE + "article_url_patterns = ['(']\n", "regex.toml:3", "bad regex"),
    "misnamed": ('name = "other"\n' + BASE, "misnamed.toml:1", "differs from the file name"),
    "zone": ('name = "zone"\n' + BASE + 'timezone = "Riyadh"\n', "zone.toml:3", "not an IANA zone"),
    "cal": ('name = "cal"\n' + BASE + 'calendar = "islamic"\n', "cal.toml:3", "gregorian, hijri, jalali"),
    "css": ('name = "css"\n' + BASE + '[selectors]\ndate = "span..date"\n', "css.toml:4", "span..date"),
    # hostile profiles (issue 15): none may reach a crawl, none may be a traceback
    "binary": (b"\xff\xfe\x00name = \x01", "binary.toml", "can't decode"),
    "nested": ('name = "nested"\n' + BASE + "x = " + "[" * 5000 + "]" * 5000 + "\n", "nested.toml",
               "nested too deeply"),
    "fileurl": ('name = "fileurl"\nstart_urls = ["file:///etc/passwd"]\n', "fileurl.toml:2",
                "not an http(s) URL"),
    "stringlist": ('name = "stringlist"\nstart_urls = "http://127.0.0.1:9/"\n', "stringlist.toml:2",
                   "must be a list of strings"),
    "offset": ('name = "offset"\n' + BASE + "hijri_offset = 99999999999\n", "offset.toml:3",
               "hijri_offset must be a whole number"),
}


def _sites(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    sites = tmp_path / "sites"
    sites.mkdir()
    write_profile(sites / "good.toml", name="good", base=NOWHERE)
    for name, (text, _, _) in BROKEN.items():
        path = sites / f"{name}.toml"
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    return sites, {"TARIKH_SITES": str(sites)}


def test_sites_check_names_each_problem_with_file_and_line(tmp_path: Path) -> None:
    _, env = _sites(tmp_path)
    proc = tarikh("sites", "--check", env=env, check=False)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    for name, (_, where, what) in BROKEN.items():
        assert any(where in line and what in line for line in lines), (name, proc.stdout)
    assert not any("good.toml" in line for line in lines)
    listed = tarikh("sites", env=env, check=False)
    assert listed.returncode == 1 and "good" in listed.stdout.split()
    assert "zone.toml:3" in listed.stderr and "Traceback" not in listed.stderr


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_crawl_stops_on_a_broken_profile_with_one_line(tmp_path: Path, name: str) -> None:
    _, env = _sites(tmp_path)
    db = tmp_path / "t.db"
    _, where, what = BROKEN[name]
    proc = tarikh("crawl", name, "--db", str(db), env=env, check=False, timeout=60)
    assert proc.returncode == 3, (name, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and where in lines[0] and what in lines[0], (name, proc.stderr)
    assert not db.exists()


def test_crawl_all_names_broken_profiles_and_fails(tmp_path: Path) -> None:
    sites, env = _sites(tmp_path)
    (sites / "good.toml").unlink()  # nothing to fetch: only the broken ones
    proc = tarikh("crawl", "--all", "--db", str(tmp_path / "t.db"), env=env, check=False, timeout=60)
    assert proc.returncode == 3
    for name, (_, where, _) in BROKEN.items():
        assert where in proc.stderr, name
