# Liandong: `make demo` serves the platform on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE   := node_modules/.installed-stamp
SCOPE  ?= 320200

.PHONY: install demo test lint unit bench clean browser go-verifier softhsm wrk audit nats-server federation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end assets (ECharts, htmx; axe-core for the browser tests) from the npm registry.
$(NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE)

# The browser tests drive Debian's Chromium (installed here when missing; CJK fonts for screenshots).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends chromium fonts-wqy-microhei >/dev/null; }

# The independent tlog-tiles verifier of the log's tests is a small Go program on Debian's
# golang.org/x/mod (sumdb/tlog, sumdb/note), built offline by the test: installed here when missing.
GOCODE := /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog
go-verifier:
	@{ command -v go >/dev/null 2>&1 && [ -d $(GOCODE) ]; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends golang-go golang-golang-x-mod-dev >/dev/null; }

# The PKCS#11 key store's tests (decision 0042) make their tokens in Debian's SoftHSM2 (softhsm2),
# installed here when missing.
softhsm:
	@command -v softhsm2-util >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends softhsm2 >/dev/null; }

# The federation's tests and `make federation` run a nats-server per node (Debian's nats-server,
# installed here when missing; decision 0049).
nats-server:
	@{ command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends nats-server >/dev/null; }

# bench/bench_tiles.py loads the server with Debian's wrk (installed here when missing).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends wrk >/dev/null; }

install: $(STAMP) $(NODE)

demo: $(STAMP) $(NODE)
	$(BIN)/liandong demo --scope $(SCOPE)

# Three nodes (centre, Jiangsu, Zhejiang) on loopback, a Taihu case walked across, kept running.
federation: $(STAMP) nats-server
	$(BIN)/liandong federation up --keep

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole suite, with the coverage floor of domain/ and ledger/ ([tool.coverage.report] fail_under).
test: lint $(NODE) browser go-verifier softhsm nats-server
	$(BIN)/pytest -n 2 --dist loadfile --cov --cov-report=term --durations=30

# Known vulnerabilities in the installed Python packages and the npm assets (needs the advisory
# services: PyPI/OSV and the npm registry; run it where they are reachable, not in the test suite).
audit: $(STAMP) $(NODE)
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --local --progress-spinner off
	npm audit

bench: $(STAMP) wrk
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .ruff_cache
