# Tandem's two commands: `make run` (serve the demo CRM) and `make test` (the whole suite).
# Everything else here is the bootstrap they share; each step is skipped when nothing changed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Parallel test workers (pytest-xdist); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input

export PORT

.PHONY: run test bootstrap python-deps frontend-deps migrate demo lint format lock bench clean help

help:
	@echo "make run    - install, migrate, load the demo on first run, serve http://127.0.0.1:$(PORT)"
	@echo "make test   - install, then run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   - ruff check"
	@echo "make bench  - list-view and report benchmarks on large data (slow the first time)"
	@echo "make lock   - rewrite requirements.lock from the virtual environment"

run: bootstrap
	$(BIN)/tandem migrate
	$(BIN)/tandem demo --size small --first-run
	exec $(BIN)/tandem serve --port $(PORT)

test: bootstrap
	@status=0; \
	workers=""; if [ "$(PYTEST_WORKERS)" != "0" ]; then workers="-n $(PYTEST_WORKERS)"; fi; \
	echo "Running the test suite on $${DATABASE_URL:+PostgreSQL ($${DATABASE_URL})}$${DATABASE_URL:-SQLite}"; \
	$(BIN)/python -m pytest $$workers $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests - that is a failure here" >&2; fi; \
	exit $$status

bootstrap: python-deps frontend-deps

python-deps: $(VENV)/.tandem-installed

frontend-deps: node_modules/.tandem-installed

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.tandem-installed: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install -q -r requirements.lock
	$(PIP) install -q --no-deps -e .
	@touch $@

node_modules/.tandem-installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (Node.js 18+): apt-get install nodejs npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

migrate: bootstrap
	$(BIN)/tandem migrate

demo: bootstrap
	$(BIN)/tandem migrate
	$(BIN)/tandem demo --size small

lint: python-deps
	$(BIN)/ruff check tandem tests bench

format: python-deps
	$(BIN)/ruff format tandem tests bench

bench: bootstrap
	$(BIN)/python bench/list_view.py
	$(BIN)/python bench/reports.py

# Pins every installed distribution except Tandem itself (installed editable on top).
lock: python-deps
	$(PIP) freeze --exclude-editable | grep -v '^tandem==' > requirements.lock

clean:
	rm -rf $(VENV) node_modules
