# genebank: install | run | test | lint | format | messages | bench
#
#   make run              install, load the demo collection on first start, serve on 127.0.0.1:8000
#   make run PORT=8123    the same on another port
#   make test             lint, type check, migration check and the whole test suite
#   make typecheck        mypy on the modules listed in pyproject.toml ([tool.mypy] files)
#
# GENEBANK_DATA_DIR (default ./data) and the other GENEBANK_* variables pass through unchanged.

PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
BIN := $(VENV)/bin
# Rebuilt whenever pyproject.toml is newer than the last successful install.
STAMP := $(VENV)/.installed
# Absolute, so that commands run from another directory (messages) still use the same data dir.
export GENEBANK_DATA_DIR := $(abspath $(or $(GENEBANK_DATA_DIR),data))

.PHONY: install run test lint typecheck format messages bench

install: $(STAMP)

# The XStatic sdists import pkg_resources in their setup.py. pkg_resources left setuptools in 81,
# and pip's isolated build environment would fetch the newest setuptools, so they are built with
# --no-build-isolation against the "setuptools<81" installed first.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet "setuptools<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation XStatic-Bootstrap==5.3.8.0 XStatic-Leaflet==1.9.3.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/genebank demo --if-empty
	@echo ""
	@echo "Demo accounts (password: genebank-demo)"
	@echo "  curator        curator"
	@echo "  technician     technician"
	@echo "  viewer         viewer"
	@echo "  distribution   distribution officer"
	@echo "  admin          administrator"
	@echo ""
	@echo "Open http://$(HOST):$(PORT)/"
	$(BIN)/genebank serve --host $(HOST) --port $(PORT)

# Lint, the type check and the migration check run first; the target's exit status is pytest's.
test: install
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/mypy
	$(BIN)/genebank makemigrations --check --dry-run
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

# The django-stubs plugin loads genebank.settings (never the database) to learn the models.
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix src tests $(wildcard bench)
	$(BIN)/ruff format src tests $(wildcard bench)

# French and Arabic catalogues for the whole app (src/genebank/locale), then compiled .mo files.
messages: install
	mkdir -p src/genebank/locale
	cd src/genebank && DJANGO_SETTINGS_MODULE=genebank.settings $(abspath $(BIN))/django-admin \
		makemessages -l fr -l ar --ignore=.venv --ignore='*/migrations/*' --ignore='static/*' --no-obsolete
	cd src/genebank && DJANGO_SETTINGS_MODULE=genebank.settings $(abspath $(BIN))/django-admin \
		compilemessages --ignore=.venv

# Every benchmark prints its own figure and a baseline measured in the same run.
bench: install
	@set -e; found=0; for script in bench/*.py; do \
		[ -f "$$script" ] || continue; found=1; \
		echo "== $$script"; $(BIN)/python "$$script"; \
	done; [ $$found = 1 ] || echo "no benchmarks in bench/"
