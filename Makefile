# Xinyong: `make demo` runs the system on sample catalogs and a synthetic population;
# `make test` runs the whole suite. Both install what they need first.

SHELL := /bin/bash
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
DEMO_DB ?= demo/xinyong.db
DEMO_PORT ?= 8000

.PHONY: install demo lint test bench clean client

install: $(VENV)/.installed

# What the demo and the command line need: the package with every extra but Spark
# (the server's fast loop, Parquet and DuckDB for batch jobs, PostgreSQL). Bytecode is
# compiled at install, as pip does, and the package's own modules with it: where the
# environment forbids writing it at run time (PYTHONDONTWRITEBYTECODE), every command
# would otherwise compile some 2,900 modules before doing anything (3 s of each start).
$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 \
		|| $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode --extra server --extra batch --extra postgres --extra pdf
	$(VENV)/bin/python -m compileall -q src
	@rm -f $(VENV)/.installed-all
	@touch $@

# Everything, optional extras included (Spark), for the tests and benchmarks.
$(VENV)/.installed-all: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 \
		|| $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode --all-extras
	$(VENV)/bin/python -m compileall -q src
	@touch $(VENV)/.installed $@

demo: install
	$(VENV)/bin/xinyong --db $(DEMO_DB) demo --port $(DEMO_PORT)

# The typed Python client in clients/python, generated from the OpenAPI document
# (docs/api.md, "The Python client"): run after any change to the API, and commit.
client: $(VENV)/.installed-all
	$(VENV)/bin/python -m xinyong.entrypoints.api.client_codegen clients/python

# Style, types and the import contracts between the package's parts (pyproject.toml).
lint: $(VENV)/.installed-all
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The whole suite on SQLite, then everything that touches a database again on a
# throwaway PostgreSQL server the suite starts itself (tests that never open the
# database are marked backend_independent and run once). pyproject.toml adds
# --dist loadgroup: the Spark tests share one worker and one JVM.
test: $(VENV)/.installed-all
	$(VENV)/bin/python -m pytest -n 2
	$(VENV)/bin/python -m pytest -n 2 --backend postgresql -m "not unit and not backend_independent"

# The commands a user runs (import, rescore, checks over HTTP, database size), each
# against its baseline in the same run, on SQLite and a throwaway PostgreSQL; the figures
# go to BENCHMARKS.json and BENCHMARKS.md is rendered from them. 1 M records by default:
# 10 M (BENCH_SIZES=1000000,10000000, as issue 11 asks) takes many hours while intake
# into PostgreSQL runs at today's speed (BENCHMARKS.md, "Running it", extrapolates).
# BENCH_SIZES=20000 tries it in a few minutes; `python -m benchmarks --help` for the rest.
BENCH_SIZES ?= 1000000
bench: $(VENV)/.installed-all
	BENCH_SIZES=$(BENCH_SIZES) $(VENV)/bin/python -m benchmarks

clean:
	rm -rf $(VENV) demo .pytest_cache .hypothesis
