# Two commands: `make run` and `make test`. Both create .venv idempotently.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench docs audit browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the package metadata changes (editable install picks up code edits).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/aiinfra run --out out
	$(BIN)/aiinfra report --out out/report

# The browser test drives Debian's chromium; install it when missing (skipped if impossible).
browser:
	@command -v chromium >/dev/null 2>&1 || (command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  >/dev/null 2>&1) || echo "chromium not available: the browser test will be skipped"

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Known-vulnerability audit of the installed dependencies (queries the PyPI advisory API).
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet 'pip-audit>=2.7'
	$(BIN)/python -m pip freeze --exclude-editable > .venv/requirements-audit.txt
	$(BIN)/pip-audit --strict --progress-spinner off -r .venv/requirements-audit.txt || \
	  $(BIN)/pip-audit --progress-spinner off -r .venv/requirements-audit.txt

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf out site .pytest_cache
