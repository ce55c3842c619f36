"""The hostile-case catalogue (tests/hostile_cases.md) cannot rot: its cases are numbered
without a gap, there are at least the 93 of issue 15, every test it names is collected by
pytest, every case of the crawl catalogues is listed, and the README gives its count."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache

import pytest

from tests.helpers import ROOT

CATALOGUE = ROOT / "tests" / "hostile_cases.md"
README = (ROOT / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| (\d+) \| (.+?) \| (.+?) \| (.+) \|$")
REF = re.compile(r"`(tests/[^`]+?\.py::[^`]+)`")
#: The parametrized tests whose every case must have a row.
CRAWL_CATALOGUES = (
    "tests/e2e/test_hostile_catalogue.py::test_each_hostile_case",
    "tests/e2e/test_hostile_entry_points.py::test_each_entry_point",
    "tests/e2e/test_hostile_entry_points.py::test_each_robots_txt",
)


@cache
def cases() -> dict[int, list[str]]:
    """Case number → the tests named in its row."""
    found: dict[int, list[str]] = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if (m := ROW.match(line)) is not None:
            number = int(m.group(1))
            assert number not in found, f"case {number} is numbered twice"
            found[number] = REF.findall(m.group(4))
    return found


@cache
def collected() -> frozenset[str]:
    """The node ids pytest collects from every file the catalogue names."""
    files = sorted({ref.split("::", 1)[0] for refs in cases().values() for ref in refs}
                   | {c.split("::", 1)[0] for c in CRAWL_CATALOGUES})
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           *files], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return frozenset(line for line in proc.stdout.splitlines() if "::" in line)


def test_at_least_the_93_cases_of_issue_15_numbered_without_a_gap() -> None:
    numbers = sorted(cases())
    assert len(numbers) >= 93
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_case_names_a_test() -> None:
    assert [n for n, refs in cases().items() if not refs] == []


def test_every_named_test_exists() -> None:
    """A name is a collected node id, or a test function whose parametrized cases are."""
    ids = collected()
    missing = [ref for refs in cases().values() for ref in refs
               if ref not in ids and not any(i.startswith(ref + "[") for i in ids)]
    assert missing == []


@pytest.mark.parametrize("function", CRAWL_CATALOGUES)
def test_every_case_of_the_crawl_catalogues_is_listed(function: str) -> None:
    named = {ref for refs in cases().values() for ref in refs}
    params = sorted(i for i in collected() if i.startswith(function + "["))
    assert params, f"{function} collects no cases"
    assert [p for p in params if p not in named] == []


def test_the_readme_gives_the_count() -> None:
    assert f"{len(cases())} cases" in README and "tests/hostile_cases.md" in README
