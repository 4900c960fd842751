# Two commands: `make run` (set up, migrate, seed a demo, serve, the demo host page on :8001, a mail sink on :1025) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PAYHUB := $(VENV)/bin/payhub
PYTHON ?= python3

.PHONY: install run test lint bench clean widgets clients copilot-express

# `make run` needs PayHub only; tests also need the dev tools and the Tryton ERP they run against.
$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.base

# The demo may deliver webhooks to receivers on this machine.
run: export PAYHUB_WEBHOOK_ALLOWED_NETWORKS ?= ["127.0.0.0/8"]
run: export PAYHUB_SMTP_URL ?= smtp://127.0.0.1:1025
run: install
	$(PAYHUB) migrate
	$(PAYHUB) demo
	$(PAYHUB) worker & worker=$$!; \
	$(PAYHUB) demo-host --port 8001 --api http://127.0.0.1:8000 & host=$$!; \
	$(PAYHUB) mail-sink --port 1025 --dir build/mail & mail=$$!; \
	trap 'kill $$worker $$host $$mail 2>/dev/null' EXIT INT TERM; \
	$(PAYHUB) serve --host 127.0.0.1 --port 8000

test: $(VENV)/.dev lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check src bench tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The widgets' bundle (src/payhub/web/static/, committed) from their sources, with the machine's Node.js and npm.
widgets:
	cd src/payhub/web/widgets && npm ci && npm run build

# The typed clients (clients/), generated from the app's OpenAPI document by well-kept generators, never by hand:
# openapi-python-client in a venv of its own (its pins differ from PayHub's), openapi-typescript with npm.
CLIENTS_VENV ?= .venv-clients
$(CLIENTS_VENV)/.ok:
	$(PYTHON) -m venv $(CLIENTS_VENV)
	$(CLIENTS_VENV)/bin/pip install -q openapi-python-client==0.29.1
	touch $@

clients: $(VENV)/.dev $(CLIENTS_VENV)/.ok
	$(PY) clients/generate.py
	cd clients && ../$(CLIENTS_VENV)/bin/openapi-python-client generate --path openapi.json \
		--config python-client.yaml --output-path python --overwrite
	cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error && npm run generate && npm run build

# Express, locked, for running the copilot's generated Express webhook handler in tests/copilot.
copilot-express:
	npm ci --prefix tests/copilot/express

# wrk (Debian package) drives the HTTP benchmarks; without it and without apt they print "skipped".
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null 2>&1 \
		|| (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1) \
		|| echo "wrk is not installed and apt-get could not install it: the wrk benchmarks will skip"
	$(PY) bench/payments.py
	@if [ -n "$$PAYHUB_BENCH_POSTGRES_URL" ]; then $(PY) bench/scale.py --url "$$PAYHUB_BENCH_POSTGRES_URL"; \
	else echo "bench/scale.py skipped: set PAYHUB_BENCH_POSTGRES_URL to a PostgreSQL database it may empty"; fi
	$(PY) bench/posting.py

clean:
	rm -rf $(VENV) $(CLIENTS_VENV) payhub.db .payhub-demo-key
