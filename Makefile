# Two-command set-up: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# compileall: the bytecode a wheel install would leave (an editable install gets none where
# PYTHONDONTWRITEBYTECODE is set, and each run would compile every module again)
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	$(BIN)/python -m compileall -q src/plantwarden > /dev/null
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e ".[test,dev,cpsat]"
	$(BIN)/python -m compileall -q src/plantwarden > /dev/null
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/plantwarden demo

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(PIP) install -q -e ".[test,dev,cpsat,bench]"
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache plantwarden.db demo-report.html plantwarden-evidence
