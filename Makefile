# `make book` builds the HTML book, `make test` runs every test. Both create the virtual
# environment in .venv and install into it on first use (or when the requirements change).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two workers; --dist loadfile keeps each notebook's cells on one worker.
NBVAL := $(BIN)/pytest --nbval-lax --nbval-current-env -p no:cacheprovider -n 2 --dist loadfile
NBVAL_TIMEOUT ?= 600
# The book's networks are small: one thread per notebook kernel is faster than several
# competing for the two cores while two notebooks execute at once.
TEST_ENV := OMP_NUM_THREADS=1

.PHONY: help venv book test test-unit test-notebooks test-html lab bench bench-report clean vendor

help:
	@echo "make book   build the HTML book into _build/html (open _build/html/index.html)"
	@echo "make test   run every test: utils unit tests, notebook lint, notebooks, book build, HTML checks"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make bench  time every notebook and measure its peak memory (_build/bench.md)"

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(TEST_ENV) $(BIN)/jupyter-book build -W -n --keep-going .

test-unit: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -m "not html" tests

# nbval runs every notebook in this venv and compares; the `notebooks` test runs each one
# alone, from the package's wheel in a fresh venv, and measures it for the bench table.
test-notebooks: $(STAMP)
	$(TEST_ENV) $(NBVAL) --nbval-cell-timeout=$(NBVAL_TIMEOUT) chapters
	$(BIN)/pytest -p no:cacheprovider -m notebooks tests

test-html: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -m html tests

test: test-unit test-notebooks book test-html bench-report

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python -m utils.bench chapters/*.ipynb --out _build/bench.md

# The bench table from the measurements test-notebooks just made (nothing runs again).
# Over-budget rows are flagged, not failed: wall time on a shared CI runner is noisy.
bench-report: $(STAMP)
	$(BIN)/python -m utils.bench chapters/*.ipynb --reuse --warn-only --out _build/bench.md

# Maintainers: refresh the committed web assets in book/_vendor from npm (needs Node.js).
vendor: $(STAMP)
	book/_vendor/fetch.sh

clean:
	rm -rf _build
