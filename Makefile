# egov: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements/dev.txt package-lock.json | sha1sum | cut -c1-12)
UV_VERSION := 0.13.9
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install lock demo otp serve test lint typecheck pytest messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.txt package-lock.json
	@command -v msgfmt >/dev/null || { echo "GNU gettext (msgfmt) is needed: apt-get install gettext"; exit 1; }
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements/dev.txt
	npm ci --no-audit --no-fund --silent
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the pinned dependencies (requirements/*.txt, package-lock.json)

lock: install ## Re-pin requirements/*.txt from requirements/*.in (then commit both)
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 requirements/base.in -o requirements/base.txt
	$(VENV)/bin/uv pip compile --quiet --python-version 3.11 requirements/dev.in -o requirements/dev.txt

messages: install ## Compile the translations (locale/*/LC_MESSAGES/django.mo)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

demo: install messages ## Migrate the SQLite demo database, load Lâm Đồng sample data, serve on http://127.0.0.1:8000
	mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

otp: install ## The current second-factor code of a demo official (make otp ACCOUNT=motcua.tinh)
	@$(PY) manage.py otp_code $(or $(ACCOUNT),motcua.tinh)

serve: install ## Serve the existing demo database without reloading data
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: install ## ruff (lint and format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install ## mypy with django-stubs
	$(VENV)/bin/mypy egov config

pytest: install messages ## The pytest suite only (DATABASE_URL picks the database; SQLite by default)
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest ## Everything CI runs: ruff, mypy, migrations check, pytest

bench: install ## Catalogue search benchmark (bench/catalog_search.py; set DATABASE_URL for PostgreSQL)
	$(PY) bench/catalog_search.py

clean: ## Remove the virtual environment, node_modules and the demo database
	rm -rf $(VENV) node_modules var
