# Two commands do all the set-up: `make run` and `make test`. Production: `make serve`
# (gunicorn, see docs/deploy.md); `make test-postgres` runs the suite on PostgreSQL.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CATALOGS := $(wildcard participa/translations/*/LC_MESSAGES/messages.po)

.PHONY: run serve test test-postgres install install-test install-bench translations db lint \
	extract-messages clean bench bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations
install-bench: $(VENV)/.installed-bench translations

# Compiled catalogs are build products, not sources: made here from the .po files.
translations: $(CATALOGS:.po=.mo)
%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ --statistics 2>&1 | tail -n 1

db: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# The development server (one process, reloads nothing, debug off). Data goes to instance/,
# or to the folder in PARTICIPA_INSTANCE_PATH: `PARTICIPA_INSTANCE_PATH=/tmp/datos make run`.
run: db
	$(FLASK) run --host $(HOST) --port $(PORT)

# The production server: migrations, then gunicorn with gunicorn.conf.py (settings from the
# environment: GUNICORN_BIND, WEB_CONCURRENCY, DATABASE_URL, REDIS_URL ...). Never seeds.
serve: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole suite again with the `app` fixtures and the browser's live server on PostgreSQL.
test-postgres: install-test
	PARTICIPA_TEST_DATABASE=postgresql \
	PARTICIPA_TEST_POSTGRES_URL="$${PARTICIPA_TEST_POSTGRES_URL:-$(TEST_POSTGRES_URL)}" \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks print figures, never assert (docs/benchmarks.md). The throughput bench needs wrk.
bench: install-bench
	$(BIN)/python -m bench.run_all

bench-quick: install-bench
	$(BIN)/python -m bench.run_all --quick

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Refresh the message catalogs after changing interface text.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d participa/translations --no-fuzzy-matching
	rm messages.pot

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
