from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.app.localserver import LocalSiteServer
from tests.helpers import DEMO_SITE


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled demo site that a test may change."""
    root = tmp_path / "site"
    shutil.copytree(DEMO_SITE, root)
    return root


@pytest.fixture
def demo_server(demo_copy: Path) -> Iterator[LocalSiteServer]:
    with LocalSiteServer(demo_copy) as server:
        yield server


# Screenshots taken by the browser tests: saved under build/screenshots/, listed at the end.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
_screenshots: list[Path] = []


def record_screenshot(path: Path) -> None:
    """Remember a screenshot so the run's summary prints its path."""
    print(f"screenshot: {path}")
    _screenshots.append(path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _screenshots:
        terminalreporter.section("screenshots")
        for path in _screenshots:
            terminalreporter.write_line(str(path))


@pytest.fixture
def sites(tmp_path: Path) -> Path:
    """An empty profiles folder for a test's own site profiles (`TARIKH_SITES`)."""
    folder = tmp_path / "sites"
    folder.mkdir()
    return folder
