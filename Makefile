# Two commands do everything on a fresh Debian machine: `make run` and
# `make test`. Each installs the system packages pip cannot bring (as root;
# otherwise it prints the apt command), builds .venv and installs the package.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TEST_ENV := QT_QPA_PLATFORM=offscreen

.PHONY: run test bench lint setup system clean

setup: system $(STAMP)

system:
	@bash tools/system-packages.sh

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	@bash tools/run-console.sh $(VENV)

test: setup
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(TEST_ENV) $(PY) -m benchmarks $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check desktop tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
