# Every target sets itself up: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
# Two test processes per core: many tests wait on real processes and sockets, so two keep a
# core busy (measured: 3m00s with 4 workers on 2 cores, 3m55s with 2).
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1))')
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help install migrate test test-fast test-postgres test-chaos demo seed lint check bench clean

help:
	@echo "make demo    offline demo: fake GitHub server + seed_real_projects on SQLite"
	@echo "make test    the test suite on SQLite, in parallel (make test-fast: without the chaos suite)"
	@echo "make test-postgres   the database tests on PostgreSQL (POSTGRES_URL)"
	@echo "make seed    seed_real_projects against real GitHub (ARGS='--project antiwork')"
	@echo "make lint    ruff and the import-layering contracts (pyproject.toml)"
	@echo "make check   Django checks;  make bench: benchmarks"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not chaos" $(PYTEST_ARGS)

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m db $(PYTEST_ARGS)

test-chaos: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m chaos $(PYTEST_ARGS)

demo: migrate
	$(BIN)/python -m tests.demo

seed: migrate
	$(BIN)/python manage.py seed_real_projects $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
