# Decision Portal. `make run` serves the demo at http://127.0.0.1:5000; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export FLASK_APP := wsgi

.PHONY: run demo-accounts serve install test test-fast test-db lint fmt i18n-extract i18n-update i18n-compile bench clean i18n

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) i18n-compile

# Plain HTTP on the loopback address: the session cookie cannot be Secure-only here.
# Quiet on purpose: once the server is ready it prints where the site is and the demo accounts
# (gunicorn.conf.py when_ready); `.venv/bin/flask portal demo-accounts` prints them again.
run: export PORTAL_SESSION_COOKIE_SECURE ?= false
run: export PORTAL_RUN_BANNER = 1
run: install
	@out=$$($(BIN)/flask db upgrade 2>&1) || { echo "$$out"; exit 1; }; \
	  echo "Database schema up to date."
	@$(BIN)/flask portal seed-demo --quiet
	@if [ ! -d "$${PORTAL_SEARCH_DIR:-$${PORTAL_INSTANCE_PATH:-instance}/search}" ]; then $(BIN)/flask portal reindex; fi
	@$(BIN)/flask portal drain-outbox
	@$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# The demo staff accounts and passwords of the loaded demo.
demo-accounts: install
	@$(BIN)/flask portal demo-accounts

# Whole suite on SQLite (rules, services, web, search, e2e), then the database layers again on
# every URL in PORTAL_TEST_DATABASE_URLS (space separated; .ci/run sets PostgreSQL and MariaDB).
test: install
	$(BIN)/pytest -q -p no:cacheprovider -n 2
	@for url in $$PORTAL_TEST_DATABASE_URLS; do \
	  echo "== database layers on $${url%%://*} =="; \
	  PORTAL_TEST_DATABASE_URL=$$url $(BIN)/pytest -q -p no:cacheprovider \
	    tests/services tests/web tests/search tests/test_migrations.py || exit 1; \
	done

test-fast: install
	$(BIN)/pytest -q -p no:cacheprovider -m "not e2e"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

i18n-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k json_error:2 --no-location --ignore-dirs=".* .venv instance" \
	  --sort-by-file -o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

i18n-compile: $(STAMP)
	$(BIN)/pybabel compile -d translations --use-fuzzy --statistics 2>&1 | grep -v "^compiling" || true

bench: install
	@echo "See bench/README.md; benchmarks are run by hand."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache translations/*/LC_MESSAGES/*.mo

# Extract, merge, fill the Chinese catalogue from translations/incoming/*.json, compile.
i18n: i18n-update
	$(BIN)/python scripts/i18n_fill.py || true
	$(MAKE) --no-print-directory i18n-compile
