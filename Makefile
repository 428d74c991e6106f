# finnews: the two commands a new user needs.
#   make demo   set up, start Elasticsearch, crawl a local Eastmoney replica, search, export
#   make test   set up, lint, start Elasticsearch, run the whole test suite
#   make test-fast   the tests that need no node and no browser (a change's first check)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup system-deps bytecode demo test test-fast lint format es-start es-stop bench bench-all clean

setup: system-deps $(VENV)/.installed

system-deps:
	@bash scripts/ensure-system-deps.sh

# The project's own modules compiled once, as pip does for the installed packages: where Python may
# not write bytecode (PYTHONDONTWRITEBYTECODE, a read-only checkout) every command would compile them
# from source again (0.3 s a process; the suite starts a few hundred). Up-to-date files are skipped.
PACKAGES := core finnews crawler pipelines tagging store replica api alerts ingest scheduler tests
bytecode: setup
	@$(PY) -m compileall -q -j 0 $(PACKAGES)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

demo: setup bytecode
	$(PY) -m finnews demo

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

es-start: setup
	$(PY) -m finnews es start

es-stop: setup
	$(PY) -m finnews es stop

# The whole suite, its files spread over TEST_WORKERS processes (pytest-xdist, --dist loadfile: a
# module and its fixtures stay in one worker; the modules that start nodes of their own use ports
# of their own). The node is started once, before the workers. Three workers on two cores: a
# quarter of the suite's time is spent waiting (nodes starting, crawls held by their replicas,
# schedules timing out), which a third worker fills (6:22 on two workers, 4:52 on three).
TEST_WORKERS ?= 3
test: lint bytecode es-start
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# Every test that needs no Elasticsearch node and no browser (about half a minute on 2 cores).
test-fast: setup bytecode
	$(PY) -m pytest -q -m "not node and not browser and not slow"

bench: setup
	$(PY) bench/accuracy.py
	$(PY) bench/tagging.py

bench-all: bench es-start
	$(PY) bench/crawl.py
	$(PY) bench/index.py
	$(PY) bench/query.py

clean:
	-$(PY) -m finnews es stop
	rm -rf $(VENV) .finnews
