# The two commands of the README: `make demo` and `make test`.
# Both create .venv when missing and install the project (with its test extras) into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.tarikh-installed

.PHONY: demo test lint bench-throughput bench-cluster bench-extraction bench-dates bench-dupes clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tarikh demo

test: $(STAMP)
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
