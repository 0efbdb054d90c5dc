# Every target bootstraps .venv from a fresh clone. `make run` serves the demo, `make test` tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB := clients/web
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo's transparency-log key, beside its database (docs/transparency.md); never committed.
LOG_KEY ?= scraptrace-log.key
# -qq: errors only (pip's -q still prints a warning per package for unreachable index locations).
PIP_QUIET ?= -qq

.PHONY: run test lint bench soak web clean

$(STAMP): pyproject.toml clients/python/pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "installing into $(VENV) (a minute on a fresh clone)…"
	@$(BIN)/pip install $(PIP_QUIET) --upgrade pip
	@$(BIN)/pip install $(PIP_QUIET) -e '.[dev]' -e clients/python
	@touch $(STAMP)

web:
	@if [ -f $(WEB)/package.json ]; then \
		echo "building the web app…"; \
		cd $(WEB) && (npm ci --silent --no-audit --no-fund || npm install --silent --no-audit --no-fund) \
		&& npm run build --silent -- --logLevel warn; \
	fi

run: $(STAMP) web
	@$(BIN)/scraptrace db upgrade
	@test -n "$$SCRAPTRACE_LOG_KEY_FILE" || test -f $(LOG_KEY) || SCRAPTRACE_PUBLIC_URL=$${SCRAPTRACE_PUBLIC_URL:-http://$(HOST):$(PORT)} $(BIN)/scraptrace log keygen $(LOG_KEY)
	@SCRAPTRACE_LOG_KEY_FILE=$${SCRAPTRACE_LOG_KEY_FILE:-$(LOG_KEY)} $(BIN)/scraptrace seed demo --if-empty
	@SCRAPTRACE_LOG_KEY_FILE=$${SCRAPTRACE_LOG_KEY_FILE:-$(LOG_KEY)} $(BIN)/scraptrace serve --host $(HOST) --port $(PORT)

test: $(STAMP) web
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

soak: $(STAMP)
	$(BIN)/python -m benchmarks.soak

clean:
	rm -rf $(VENV) scraptrace.db scraptrace.db-wal scraptrace.db-shm
