# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KB     ?= knowledge_base
INDEX  ?= var/index

.PHONY: install run index test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: pip then takes the CPU build instead of a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Exit code 3 means "built, but some files were skipped" (they are listed): serve anyway.
index: install
	$(PY) -m indexer build --kb $(KB) --index $(INDEX) || [ $$? -eq 3 ]

run: index
	$(PY) -m bot serve --local --kb $(KB) --index $(INDEX)

test: lint
	$(PY) -m pytest

# The fast lane: no real model, no browser (a minute instead of several).
test-fast: lint
	$(PY) -m pytest -m "not integration and not browser"

lint: install
	$(PY) -m ruff check bot indexer tests bench scripts
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var
