# The two commands of the README. Each creates .venv when missing and installs the project.
#   make study   run the quick study on the synthetic mini-DFDC, write figures/quick/
#                (PROFILE=paper for the paper's values; STUDY_ARGS="--rerun STAGE" etc. are passed on)
#   make test    every check: clean notebooks, exported package in sync, notebooks run (as nbdev-test)
#                with their committed outputs current, pytest
#   make readme-results   rewrite README.md's results paragraph from figures/quick/ (only on request)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PROFILE ?= quick
STUDY_ARGS ?=

.PHONY: study readme-results test venv check-clean check-export nbtest pytest clean-venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

study: $(STAMP)
	$(BIN)/mri-gan-nb study --profile $(PROFILE) $(STUDY_ARGS)

# Never part of `make study`: the README's numbers change only when someone means to commit new quick figures.
readme-results: $(STAMP)
	$(BIN)/python tools/readme_results.py && echo "README.md results rewritten from figures/quick/"

# nbdev-clean and nbdev-export must change nothing: the committed notebooks are clean and the
# committed package is what the notebooks export.
check-clean: $(STAMP)
	@$(BIN)/python tools/unchanged.py nbs -- $(BIN)/nbdev-clean

check-export: $(STAMP)
	@$(BIN)/python tools/unchanged.py mri_gan_nb -- $(BIN)/nbdev-export

# Runs every library notebook as nbdev-test does (same skipped cells) and fails when a cell raises or
# when a committed output is not what the notebook now prints (tools/notebook_outputs.py says how to refresh).
nbtest: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python tools/notebook_outputs.py --check --workers 2

pytest: $(STAMP)
	$(BIN)/python -m pytest -q tests

test: check-clean check-export nbtest pytest
