# Atelier: `make run` serves the demo, `make test` runs the suite. See CONTRIBUTING.md for the rest.
SHELL := bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The packages bandit scans (tests, bench and scripts are not shipped code).
APPS := project forms workflows aftersales reports bridges training
# Where `make run` serves; honcho sets PORT itself, hence another name.
ATELIER_ADDR ?= 127.0.0.1:8000
export ATELIER_ADDR

.PHONY: help install run serve test test-browser lint format bench migrations check clean

help:
	@echo "make run     set up everything and serve the demo on http://$(ATELIER_ADDR)/admin/ with a worker"
	@echo "make test    run the test suite (browser tests too when Chromium is installed)"
	@echo "make lint    ruff check + ruff format --check + lint-imports (layers) + bandit + Django checks"
	@echo "make format  ruff format and safe fixes"
	@echo "make bench   run every benchmark in bench/"
	@echo "make test-browser  only the browser tests;  make migrations  new migrations;  make clean"

$(INSTALLED): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

install: $(INSTALLED)

# Links the demo builds (the customer's decision page) point at the address served, unless
# ATELIER_BASE_URL is set in the environment or in .env.
run: install
	@if [ -z "$${ATELIER_BASE_URL:-}" ] && ! grep -qs '^ATELIER_BASE_URL=' .env; then \
	  export ATELIER_BASE_URL="http://$(ATELIER_ADDR)"; fi; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo && \
	echo "Serving http://$(ATELIER_ADDR)/admin/ with a huey worker. Ctrl-C stops both." && \
	exec $(VENV)/bin/honcho --no-prefix -f Procfile.dev start

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: install
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -c pyproject.toml -r $(APPS) -ll
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	@shopt -s nullglob; files=(bench/[!_]*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "No benchmarks yet (bench/*.py)."; exit 0; fi; \
	status=0; for f in "$${files[@]}"; do echo "== $$f"; $(PY) "$$f" || status=1; done; exit $$status

migrations: install
	$(PY) manage.py makemigrations

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache .import_linter_cache
