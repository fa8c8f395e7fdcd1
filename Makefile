# The few commands a newcomer needs; CI calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := out/demo
TIME_LIMIT ?= 30

.PHONY: setup demo test lint typecheck bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/pionir demo-data $(DEMO)/scenario --xlsx
	$(BIN)/pionir plan $(DEMO)/scenario --out $(DEMO)/plan --time-limit $(TIME_LIMIT)

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

test: setup lint typecheck
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/plan_scaling.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
