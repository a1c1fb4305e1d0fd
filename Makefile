# Two commands do all the set-up: `make run` (the bot) and `make test` (every check).
# Both create .venv on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint typecheck validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --editable '.[dev,semantic]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

chat: $(STAMP)
	$(BIN)/python -m bot chat

lint: $(STAMP)
	$(BIN)/ruff check bot tests benchmarks
	$(BIN)/ruff format --check bot tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/python -m bot validate

test: lint typecheck validate
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/external.py
	$(BIN)/python benchmarks/bench_handoff.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
