# The README's commands. Every install step lives here: a fresh clone needs only python3 (3.11+).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test lint format bench bench-full bench-smoke schemas demo-data clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## run: the main job on the embedded default (SQLite + ./m2c-data) over the demo data in examples/demo
run: $(STAMP)
	$(BIN)/meter2cash run

## test: lint, types, import contracts, then the whole suite (PostgreSQL runs included)
test: lint
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

## bench: quick benchmarks (< 10 min on 2 cores): bench/results/*.json and the table in docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python -m bench

## bench-full: the same figures on larger data (about 1.5 h; converting 1 GB is most of it)
bench-full: $(STAMP)
	$(BIN)/python -m bench --full

## bench-smoke: every figure at a tiny size (< 60 s), writes no file; exit 1 if a figure failed
bench-smoke: $(STAMP)
	$(BIN)/python -m bench --smoke

## schemas: regenerate the JSON Schemas of the canonical events into schemas/events
schemas: $(STAMP)
	$(BIN)/meter2cash schemas --write

## demo-data: regenerate the synthetic part of examples/demo (deterministic by seed)
demo-data: $(STAMP)
	$(BIN)/python scripts/make_demo_data.py

clean:
	rm -rf m2c-data .pytest_cache .mypy_cache .ruff_cache
