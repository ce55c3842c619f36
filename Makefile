# The two commands of the README: `make demo` and `make test`.
# Both create .venv when missing and install the project (with its test extras) into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.tarikh-installed

.PHONY: demo test browser lint bench-throughput bench-cluster bench-extraction bench-dates bench-dupes clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tarikh demo

# Headless Chromium for the Datasette browser tests (Debian's package); when it cannot be
# installed the browser tests skip with a message saying so, the rest still runs.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "make browser: could not install chromium; the browser tests will be skipped"

test: $(STAMP) browser
	.ci/services
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench-throughput: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

bench-cluster: $(STAMP)
	.ci/services
	$(BIN)/python benchmarks/cluster.py

bench-extraction: $(STAMP)
	$(BIN)/python benchmarks/extraction.py

bench-dates: $(STAMP)
	$(BIN)/python benchmarks/dates.py
	$(BIN)/python benchmarks/date_speed.py

bench-dupes: $(STAMP)
	$(BIN)/python benchmarks/dupes.py

clean:
	rm -rf $(VENV) data/tarikh.db data/tarikh.db-wal data/tarikh.db-shm data/tarikh.db.locks
