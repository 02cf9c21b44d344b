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

# TORCH_INDEX: a package index to take torch from, e.g. the CPU-only builds:
#   make venv TORCH_INDEX=https://download.pytorch.org/whl/cpu
# Without it pip takes torch==2.13.0 from the default index (on Linux x86_64 PyPI's build
# is the CUDA one, several GB).
TORCH_INDEX ?=
# jupyter-cache keys a notebook's outputs on its code cells only; this stamp records the
# utils/ the outputs were made with, and `make book` drops the cache when utils/ changes.
UTILS_STAMP := _build/.utils-hash
UTILS_HASH = $(shell find utils -name '*.py' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)

.PHONY: help venv book book-zh i18n-update notebooks-zh test-i18n test test-unit test-notebooks test-html test-assign test-latest quick lab bench bench-report clean vendor assign book-student nbgrader plain colab-branch pdf pdf-student test-pdf

help:
	@echo "make book   build the HTML book into _build/html (open _build/html/index.html)"
	@echo "make test   run every test: utils unit tests, notebook lint, notebooks, book build, HTML checks"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make bench  time every notebook and measure its peak memory (_build/bench.md)"
	@echo "make assign CHAPTERS='chapters/04_*.ipynb' COURSE=_build/course ASSIGNMENT=week4 [ONLY=4.1,4.3]"
	@echo "            nbgrader source and student notebooks for a course (book/instructors.md)"
	@echo "make book-student  the HTML book without solutions, into _build/student/html"
	@echo "make book-zh  the Chinese edition into _build/html-zh (after make book nothing executes again)"
	@echo "make i18n-update  carry English changes into the Chinese catalogues (locales/zh_CN)"
	@echo "make notebooks-zh  the chapters as Chinese notebooks, from the catalogues, into _build/notebooks-zh"
	@echo "make pdf    the PDF edition, _build/latex/deep-learning-executed.pdf (needs TeX Live; see README)"
	@echo "make pdf-student  the PDF without solutions, into _build/student/"
	@echo "make nbgrader ARGS='autograde week4'  nbgrader, run inside the book's environment"
	@echo "make quick  unit tests + only the chapters that import a module changed since main"
	@echo "make test-latest  every chapter in a fresh venv with the newest allowed versions (torch pinned)"
	@echo "make plain  the chapters as plain notebooks for Colab and plain Jupyter, into _build/plain/chapters"
	@echo "make colab-branch  commit them onto the local branch colab, which the Colab buttons open"

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(if $(TORCH_INDEX),$(BIN)/python -m pip install --quiet torch -c constraints.txt --index-url $(TORCH_INDEX))
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The HTML book and the PDF share the executed outputs: both drop them when utils/ changed,
# then add the chapters that test-notebooks executed from the chapter and utils/ as they are
# now (tools/executed.py), so that those do not execute again.
define cached_outputs
	@mkdir -p _build
	@if [[ "$$(cat $(UTILS_STAMP) 2>/dev/null)" != "$(UTILS_HASH)" ]]; then \
	    echo "utils/ changed since the last build: dropping the cached outputs"; rm -rf _build/.jupyter_cache; fi
	$(BIN)/python -m tools.executed --cache _build/.jupyter_cache
endef

book: $(STAMP)
	$(cached_outputs)
	@# A second build re-executes only the notebooks whose run failed (the others are cached):
	@# it absorbs the rare kernel stall (tools/bench.py) and fails again on any real error.
	$(TEST_ENV) $(BIN)/jupyter-book build -W -n --keep-going . || \
	    { echo "make book: the build failed; building once more (only failed notebooks run again)"; \
	      $(TEST_ENV) $(BIN)/jupyter-book build -W -n --keep-going .; }
	@echo "$(UTILS_HASH)" > $(UTILS_STAMP)

# The Chinese edition (tools/i18n.py): the same notebooks and cached outputs, the text from
# locales/zh_CN; -W -n as for the English. A second try absorbs a rare kernel stall, as above.
book-zh: $(STAMP)
	$(cached_outputs)
	$(TEST_ENV) $(BIN)/python -m tools.i18n build || \
	    { echo "make book-zh: the build failed; building once more"; $(TEST_ENV) $(BIN)/python -m tools.i18n build; }
	@echo "$(UTILS_HASH)" > $(UTILS_STAMP)

i18n-update: $(STAMP)
	$(BIN)/python -m tools.i18n update

# The chapters as Chinese notebooks (same code, prose from the catalogues), for learners and,
# through `make assign CHAPTERS=_build/notebooks-zh/...`, Chinese student notebooks.
notebooks-zh: $(STAMP)
	$(BIN)/python -m tools.translate_notebooks --out _build/notebooks-zh

# The catalogues are in step with the English text and completely translated; the statistics
# go to _build/i18n.md and the log.
test-i18n: $(STAMP)
	$(BIN)/python -m tools.i18n check
	$(BIN)/python -m tools.i18n stats

# The PDF edition, _build/latex/deep-learning-executed.pdf (tools/pdf.py): the same sources
# through Jupyter Book's LaTeX builder and XeLaTeX; after `make book` nothing executes again.
# It needs TeX Live: `python -m tools.pdf check` says in one line what is missing.
pdf: $(STAMP)
	@$(BIN)/python -m tools.pdf check
	$(cached_outputs)
	$(TEST_ENV) $(BIN)/python -m tools.pdf build .
	@echo "$(UTILS_HASH)" > $(UTILS_STAMP)

# The student PDF: the student edition's sources (no solutions; executed as for book-student).
pdf-student: $(STAMP)
	@$(BIN)/python -m tools.pdf check
	$(BIN)/python -m tools.student_edition _build/student-src
	$(TEST_ENV) $(BIN)/python -m tools.pdf build _build/student-src --publish-to _build/student/html
	mkdir -p _build/student && cp _build/student-src/_build/latex/*.pdf _build/student/

# Checks on the PDF (tests/test_pdf.py); it prints the page count and the build time.
test-pdf: pdf
	$(BIN)/pytest -m pdf tests
	@cat _build/pdf.md

# The fast tier: unit tests and the notebook lint (what a bare `pytest` runs).
test-unit: $(STAMP)
	$(BIN)/pytest tests

# Every notebook executes once, alone in an empty folder, from the package's wheel in a fresh
# venv, two at a time; the same run is measured for the bench table, and its executed
# notebooks (_build/executed) serve the round trip and the book (tools/executed.py).
test-notebooks: $(STAMP)
	$(TEST_ENV) $(BIN)/pytest -m notebooks tests

# The unit tests, then nbval on only the chapters that import a module changed since main.
quick: $(STAMP)
	$(BIN)/pytest -q tests
	@chapters="$$($(BIN)/python -m tools.affected main)"; \
	if [[ -n $$chapters ]]; then $(TEST_ENV) $(NBVAL) --nbval-cell-timeout=$(NBVAL_TIMEOUT) $$chapters; \
	else echo "quick: no chapter imports a module changed since main"; fi

# Drift: the newest versions the package allows of everything but torch, in a fresh venv.
test-latest:
	rm -rf _build/latest-venv && $(PYTHON) -m venv _build/latest-venv
	_build/latest-venv/bin/python -m pip install --quiet --upgrade pip
	_build/latest-venv/bin/python -m pip install --quiet --upgrade ".[test]" "torch==$$(grep '^torch==' constraints.txt | cut -d= -f3)"
	_build/latest-venv/bin/python -m pip freeze > _build/latest-versions.txt
	cd _build && $(TEST_ENV) latest-venv/bin/pytest --nbval-lax --nbval-current-env -p no:cacheprovider -n 2 --dist loadfile \
	    --nbval-cell-timeout=$(NBVAL_TIMEOUT) --rootdir=.. ../chapters

test-html: $(STAMP)
	$(BIN)/pytest -m html tests

# The nbgrader round trip of every chapter (tests/test_assign_roundtrip.py), two chapters at
# a time; it writes a summary per chapter to _build/roundtrip.md. One chapter:
#   .venv/bin/pytest -m roundtrip -k 04_backprop tests
test-assign: $(STAMP)
	mkdir -p _build && $(BIN)/python -c "from tests.test_assign_roundtrip import REPORT, REPORT_HEADER; REPORT.write_text(REPORT_HEADER)"
	$(TEST_ENV) $(BIN)/pytest -m roundtrip -n 2 --dist loadscope tests

test: test-unit test-i18n test-notebooks test-assign book book-zh test-html test-pdf bench-report

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

bench: $(STAMP)
	$(BIN)/python -m tools.bench chapters/*.ipynb --out _build/bench.md

# Instructors: chapters -> nbgrader source (and student) notebooks in $(COURSE).
assign: $(STAMP)
	@test -n "$(CHAPTERS)" -a -n "$(ASSIGNMENT)" || { echo "usage: make assign CHAPTERS='chapters/04_*.ipynb' ASSIGNMENT=week4 [COURSE=_build/course] [ONLY=4.1,4.3]"; exit 2; }
	$(BIN)/python -m tools.assign $(CHAPTERS) --course $(or $(COURSE),_build/course) --assignment $(ASSIGNMENT) $(if $(ONLY),--only $(ONLY)) --release

# nbgrader inside the book's environment: its gradebook calls `alembic` from PATH, which
# only an activated environment provides.
nbgrader: $(STAMP)
	@test -n "$(ARGS)" || { echo "usage: make nbgrader ARGS='autograde week4 --course-dir _build/course'"; exit 2; }
	source $(BIN)/activate && nbgrader $(ARGS)

# The student edition: the book with every solution left out (tools/student_edition.py).
book-student: $(STAMP)
	$(BIN)/python -m tools.student_edition _build/student-src
	$(TEST_ENV) $(BIN)/jupyter-book build -W -n --keep-going _build/student-src
	rm -rf _build/student/html && mkdir -p _build/student && cp -r _build/student-src/_build/html _build/student/html

# The bench table from the measurements test-notebooks just made (nothing runs again).
# Over-budget rows are flagged, not failed: wall time on a shared CI runner is noisy.
bench-report: $(STAMP)
	$(BIN)/python -m tools.bench chapters/*.ipynb --reuse --warn-only --out _build/bench.md

# The chapters as plain notebooks (no MyST: Colab and plain Jupyter show it as source), and
# the branch the Colab launch buttons open (_config.yml colab_branch); publish it with
# `git push origin colab`. tools/plain_notebooks.py says what changes.
plain: $(STAMP)
	$(BIN)/python -m tools.plain_notebooks --out _build/plain

colab-branch: $(STAMP)
	$(BIN)/python -m tools.plain_notebooks --out _build/plain --branch $$($(BIN)/python -c "from tools.chapter_format import colab_branch; print(colab_branch())")

# Maintainers: refresh the committed web assets in book/_vendor from npm (needs Node.js).
vendor: $(STAMP)
	book/_vendor/fetch.sh

clean:
	rm -rf _build
