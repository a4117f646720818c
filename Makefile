# The two commands of the README. Each creates .venv when missing and installs the project.
#   make study   run the quick study on the synthetic mini-DFDC, write figures/
#   make test    every check: clean notebooks, exported package in sync, nbdev-test, pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PROFILE ?= quick

.PHONY: study test venv check-clean check-export nbtest pytest clean-venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

study: $(STAMP)
	$(BIN)/mri-gan-nb study --profile $(PROFILE)
	@if [ "$(PROFILE)" != smoke ]; then $(BIN)/python tools/readme_results.py && echo "README.md results updated from figures/"; fi

# nbdev-clean and nbdev-export must change nothing: the committed notebooks are clean and the
# committed package is what the notebooks export.
check-clean: $(STAMP)
	@$(BIN)/python tools/unchanged.py nbs -- $(BIN)/nbdev-clean

check-export: $(STAMP)
	@$(BIN)/python tools/unchanged.py mri_gan_nb -- $(BIN)/nbdev-export

nbtest: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/nbdev-test --n-workers 2 --skip-folder-re '^(experiments|\..*)$$'

pytest: $(STAMP)
	$(BIN)/python -m pytest -q tests

test: check-clean check-export nbtest pytest
