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
