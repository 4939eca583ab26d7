# EcoProd — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := ECOPROD_ENV=development $(BIN)/flask --app ecoprod
HOST ?= 127.0.0.1
PORT ?= 5000
SANDBOX_PORT ?= 5050

.PHONY: run test lint format install install-test migrate seed messages bench load clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11+ is needed ($(PYTHON) not found; try make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed demo --if-empty

run: seed
	@$(FLASK) seed logins
	@echo "\nEcoProd is served on http://$(HOST):$(PORT)/ (Ctrl+C to stop)\n"
	$(FLASK) serve --host $(HOST) --port $(PORT) --sandbox-port $(SANDBOX_PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "\n=== The same suite on PostgreSQL ($$TEST_DATABASE_URL) ==="; \
		ECOPROD_TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Translations: extract, update the catalogues, compile (the .mo files are committed).
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _nl:1,2 -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -o ecoprod/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i ecoprod/translations/messages.pot -d ecoprod/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d ecoprod/translations --statistics

bench: install-test
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/invoicing.py

load: $(VENV)/.installed-bench
	$(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
