"""Where the project's bundled data lives (profiles, demo site, Datasette metadata)."""

from pathlib import Path

#: The repository's `data/` folder.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
