# `make run` sets everything up and serves the app; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# The interpreter that builds .venv: .python-version picks 3.13 through pyenv;
# elsewhere the newest python3.1x on PATH.
PYTHON ?= $(shell command -v pyenv >/dev/null && pyenv which python 2>/dev/null || command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup serve lint check pytest clean lock help bench bench-reports bench-import

help:
	@echo "make run    set up (venv, dependencies, database, demo data) and serve the app"
	@echo "make test   set up, then lint, check migrations and settings, and run all tests"

# The development venv: production pins plus the test and lint tools.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 12) else f"Python 3.12 or newer is needed; {sys.executable} is {v.major}.{v.minor}.")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (Node.js 18 or newer) to install the front-end assets."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

# Development server on the embedded SQLite database (or DATABASE_URL if set).
run: export DEBUG ?= 1
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_frameworks
	$(PY) manage.py demo_data
	@echo "Serving at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: export DJANGO_SETTINGS_MODULE := outcomes_site.test_settings
test: setup lint check pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	$(BIN)/lint-imports

check: export DJANGO_SETTINGS_MODULE := outcomes_site.test_settings
check: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --fail-level WARNING

# One pytest-xdist worker per core, each with its own test database
# (test_<name>_gw0, ...); PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto
pytest: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Speed measurements (not part of make test); see bench/RESULTS.md.
bench: export DJANGO_SETTINGS_MODULE := outcomes_site.test_settings
bench: setup
	$(PY) bench/person_page.py

# Reports at national size (300,000 people) on PostgreSQL: DATABASE_URL must
# name a scratch database; it is migrated and, if empty, seeded first.
bench-reports: export DJANGO_SETTINGS_MODULE := outcomes_site.test_settings
bench-reports: setup
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "Set DATABASE_URL=postgres://... to a scratch database."; exit 1;; esac
	$(PY) manage.py migrate --noinput -v0
	$(PY) bench/reports.py

# Importing 100,000 people with import_people (dry run, import, the same file again);
# DATABASE_URL must name a scratch database, which is migrated first.
bench-import: export DJANGO_SETTINGS_MODULE := outcomes_site.test_settings
bench-import: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) bench/people_import.py

# Re-pin every Python dependency (direct and indirect) after changing pyproject.toml.
# requirements.lock is what production installs: [project].dependencies and what
# they pull in, resolved in a clean venv. requirements-dev.lock starts with
# `-r requirements.lock` and pins only what the dev group adds on top, resolved
# with the production pins held. To re-lock without upgrading what is already
# pinned, name the old pins: PIP_CONSTRAINT=old-pins.txt make lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(d["project"]["dependencies"]))' > .lock-venv/prod.txt
	.lock-venv/bin/python -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print("\n".join(d["dependency-groups"]["dev"]))' > .lock-venv/dev.txt
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -r .lock-venv/prod.txt
	.lock-venv/bin/pip freeze > .lock-venv/prod.lock
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -c .lock-venv/prod.lock -r .lock-venv/dev.txt
	.lock-venv/bin/pip freeze > .lock-venv/all.lock
	{ echo "-r requirements.lock"; grep -vxFf .lock-venv/prod.lock .lock-venv/all.lock; } > .lock-venv/dev.lock
	mv .lock-venv/prod.lock requirements.lock
	mv .lock-venv/dev.lock requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache test-artifacts
