"""`python -m crawler.cli` (what `crawl --all` runs for each profile)."""

import sys

from crawler.cli import main

sys.exit(main())
