# Every target bootstraps .venv from a fresh clone. `make run` serves the demo, `make test` tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB := clients/web
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench soak web clean

$(STAMP): pyproject.toml clients/python/pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q -e clients/python
	@touch $(STAMP)

web:
	@if [ -f $(WEB)/package.json ]; then \
		cd $(WEB) && (npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error) && npm run build --silent; \
	fi

run: $(STAMP) web
	$(BIN)/scraptrace db upgrade
	$(BIN)/scraptrace seed demo --if-empty
	@echo "serving on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	$(BIN)/scraptrace serve --host $(HOST) --port $(PORT)

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
