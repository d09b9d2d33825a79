# Pharos: `make demo` installs and runs the demo; `make test` runs the checks and the suite.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell (pyenv root >/dev/null 2>&1 && ls $$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python 2>/dev/null) || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PHAROS_HOME := $(CURDIR)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
LINT_PATHS := $(wildcard src tests bench scripts conftest.py)

.PHONY: install demo test lint typecheck pytest messages vendor bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; assert sys.version_info >= (3, 12), "Pharos needs Python 3.12: install it (pyenv install $(PYTHON_VERSION))"'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: install
	DJANGO_SETTINGS_MODULE=pharos.settings.dev $(BIN)/pharos demo --host $(HOST) --port $(PORT)

test: install lint typecheck pytest

lint:
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck:
	$(BIN)/mypy

pytest:
	DJANGO_SETTINGS_MODULE=pharos.settings.test $(BIN)/pytest $(PYTEST_ARGS)

# Regenerate translation catalogues after changing user-facing text, then translate and compile.
messages: install
	cd src/pharos && ../../$(BIN)/pharos makemessages -l fr -l pt_BR -l ru -l ar --no-obsolete --no-location
	cd src/pharos && ../../$(BIN)/pharos compilemessages

# Re-vendor front-end assets from npm (needs the npm registry; the runtime never does).
vendor:
	cd frontend && npm ci --no-audit --no-fund && node vendor.mjs

clean:
	rm -rf $(VENV) var
