# Two commands matter: `make run` (everything on embedded defaults) and `make test` (the whole suite on SQLite).
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-realtime install clean

run: $(STAMP)
	PORT=$(PORT) $(BIN)/python manage.py serve

test: $(STAMP)
	env -u DATABASE_URL -u ANALYTICS_DATABASE_URL -u REDIS_URL -u TASK_BACKEND $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Issue 11's goals in one run (~15 min; bench/README.md, "Goals"). BENCH_ARGS="--scenario endpoints" for the table alone.
bench: $(STAMP)
	$(BIN)/python -m bench --scenario goals $(BENCH_ARGS)

# Real-time: 1,000 Socket.IO clients, connect time, memory, REST-write-to-delivery latency (needs Redis).
bench-realtime: $(STAMP)
	$(BIN)/python -m bench.realtime $(BENCH_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "trackbase needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
