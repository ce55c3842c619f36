"""The README documents what the code has (sqlite-utils' test_docs.py, for tarikh): every
command, every item pipeline stage, every subpackage of the layout."""

from __future__ import annotations

import pytest

from crawler.cli import COMMANDS
from crawler.settings import ITEM_PIPELINES
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"`tarikh {name}" in README


@pytest.mark.parametrize("path", sorted(ITEM_PIPELINES))
def test_every_stage_is_documented(path: str) -> None:
    module, cls = path.rsplit(".", 1)
    filename = module.replace(".", "/") + ".py"
    assert (ROOT / filename).is_file()
    assert cls in README and filename in README and filename in ARCHITECTURE


@pytest.mark.parametrize("package", sorted(
    p.relative_to(ROOT).as_posix() for base in ("pipelines", "crawler")
    for p in (ROOT / base).iterdir() if p.is_dir() and (p / "__init__.py").exists()))
def test_every_subpackage_is_in_the_layout(package: str) -> None:
    name = package.split("/", 1)[1] + "/"
    assert name in README, f"{package} is missing from the README's Layout"
