# The two commands of the README. Each sets up whatever a fresh machine lacks, then runs.
#   make build   build every industry into dist/
#   make test    run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: build test check lint system-build system-test

build: system-build $(VENV)/.runtime node_modules/.runtime
	$(PY) build.py

# Tests run on every CPU (at most 4 workers: each test's builds use every CPU too).
test: system-test $(VENV)/.dev node_modules/.installed
	$(PY) -m pytest -n auto --maxprocesses 4

check: $(VENV)/.runtime
	$(PY) build.py check

system-build:
	@scripts/install-system-deps.sh build

system-test:
	@scripts/install-system-deps.sh test

# package-lock.json pins the Node packages. The build needs iframe-worker (its shim goes into every
# site so search works from disk); the tests also need axe-core (accessibility checks in Chromium).
node_modules/.runtime: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ node_modules/.runtime

# requirements*.lock pin every package with its hashes (regenerate after editing requirements*.txt:
#   uv pip compile requirements-dev.txt --generate-hashes --python-version 3.11.7 -o requirements-dev.lock)
$(VENV)/.runtime: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.runtime
