# The few commands a newcomer needs; CI calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := out/demo
TIME_LIMIT ?= 30

# Debian packages the tests drive: Chromium for the browser tests (Playwright uses the
# system browser, it downloads none) and LibreOffice Calc to open the exported workbooks.
SYSTEM_PACKAGES := chromium libreoffice-calc-nogui
SYSTEM_STAMP := $(VENV)/.system-packages
# wrk drives the web benchmark's load; only `make bench-web` needs it, so setup does not.
WRK_STAMP := $(VENV)/.wrk

.PHONY: setup system-packages demo serve test lint typecheck bench bench-web screenshots clean

setup: $(STAMP) system-packages

system-packages: $(SYSTEM_STAMP)

$(SYSTEM_STAMP):
	@mkdir -p $(VENV)
	@if command -v chromium >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q $(SYSTEM_PACKAGES) >/dev/null || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $(SYSTEM_PACKAGES) >/dev/null; }; \
	else echo "Install $(SYSTEM_PACKAGES) with your package manager" >&2; exit 1; fi
	@touch $@

$(WRK_STAMP):
	@mkdir -p $(VENV)
	@if command -v wrk >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q wrk >/dev/null || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q wrk >/dev/null; }; \
	else echo "Install wrk with your package manager" >&2; exit 1; fi
	@touch $@

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/pionir demo-data $(DEMO)/scenario --xlsx
	$(BIN)/pionir plan $(DEMO)/scenario --out $(DEMO)/plan --time-limit $(TIME_LIMIT)
	$(BIN)/pionir import $(DEMO)/scenario --name "Demo 2024" --plan --time-limit $(TIME_LIMIT)
	@echo "Web: $(BIN)/pionir create-admin --username admin && $(BIN)/pionir serve  ->  http://127.0.0.1:8000/"

serve: setup
	$(BIN)/pionir serve

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

test: setup lint typecheck
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python benchmarks/plan_scaling.py

screenshots: setup
	PIONIR_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser

bench-web: setup $(WRK_STAMP)
	$(BIN)/python benchmarks/web_load.py --compare

clean:
	rm -rf $(VENV) out var .pytest_cache .mypy_cache .ruff_cache
