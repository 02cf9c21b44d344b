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

.PHONY: help venv book test test-unit test-notebooks test-html test-assign lab bench bench-report clean vendor assign book-student

help:
	@echo "make book   build the HTML book into _build/html (open _build/html/index.html)"
	@echo "make test   run every test: utils unit tests, notebook lint, notebooks, book build, HTML checks"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make bench  time every notebook and measure its peak memory (_build/bench.md)"
	@echo "make assign CHAPTERS='chapters/04_*.ipynb' COURSE=_build/course ASSIGNMENT=week4 [ONLY=4.1,4.3]"
	@echo "            nbgrader source and student notebooks for a course (book/instructors.md)"
	@echo "make book-student  the HTML book without solutions, into _build/student/html"

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
	$(BIN)/pytest -p no:cacheprovider -m "not html and not roundtrip" tests

# nbval runs every notebook in this venv and compares; the `notebooks` test runs each one
# alone, from the package's wheel in a fresh venv, and measures it for the bench table.
test-notebooks: $(STAMP)
	$(TEST_ENV) $(NBVAL) --nbval-cell-timeout=$(NBVAL_TIMEOUT) chapters
	$(BIN)/pytest -p no:cacheprovider -m notebooks tests

test-html: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -m html tests

# The nbgrader round trip of every chapter (tests/test_assign_roundtrip.py), two chapters at
# a time; it writes a summary per chapter to _build/roundtrip.md. One chapter:
#   .venv/bin/pytest -m roundtrip -k 04_backprop tests
test-assign: $(STAMP)
	mkdir -p _build && $(BIN)/python -c "from tests.test_assign_roundtrip import REPORT, REPORT_HEADER; REPORT.write_text(REPORT_HEADER)"
	$(TEST_ENV) $(BIN)/pytest -p no:cacheprovider -m roundtrip -n 2 --dist loadscope tests

test: test-unit test-notebooks test-assign book test-html bench-report

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python -m utils.bench chapters/*.ipynb --out _build/bench.md

# Instructors: chapters -> nbgrader source (and student) notebooks in $(COURSE).
assign: $(STAMP)
	@test -n "$(CHAPTERS)" -a -n "$(ASSIGNMENT)" || { echo "usage: make assign CHAPTERS='chapters/04_*.ipynb' ASSIGNMENT=week4 [COURSE=_build/course] [ONLY=4.1,4.3]"; exit 2; }
	$(BIN)/python -m utils.assign $(CHAPTERS) --course $(or $(COURSE),_build/course) --assignment $(ASSIGNMENT) $(if $(ONLY),--only $(ONLY)) --release

# The student edition: the book with every solution left out (utils/student_edition.py).
book-student: $(STAMP)
	$(BIN)/python -m utils.student_edition _build/student-src
	$(TEST_ENV) $(BIN)/jupyter-book build -W -n --keep-going _build/student-src
	rm -rf _build/student/html && mkdir -p _build/student && cp -r _build/student-src/_build/html _build/student/html

# The bench table from the measurements test-notebooks just made (nothing runs again).
# Over-budget rows are flagged, not failed: wall time on a shared CI runner is noisy.
bench-report: $(STAMP)
	$(BIN)/python -m utils.bench chapters/*.ipynb --reuse --warn-only --out _build/bench.md

# Maintainers: refresh the committed web assets in book/_vendor from npm (needs Node.js).
vendor: $(STAMP)
	book/_vendor/fetch.sh

clean:
	rm -rf _build
