# Two commands do all the set-up: `make run` and `make test`. Production: `make serve`
# (gunicorn and the jobs' worker, see docs/deploy.md); `make test-postgres` runs the suite on PostgreSQL.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CATALOGS := $(wildcard participa/translations/*/LC_MESSAGES/messages.po)
# Every install takes the exact versions of constraints.txt, build backend included, so two
# servers installed on different days run the same libraries. `make constraints` renews it.
PIP_INSTALL := $(BIN)/pip install --quiet -c constraints.txt --build-constraint constraints.txt

.PHONY: run serve test test-postgres install install-test install-bench translations db lint \
	extract-messages clean bench bench-quick bench-lighthouse constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip itself at the version of constraints.txt (which --build-constraint needs).
$(VENV)/.pip: constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt pip
	touch $@

$(VENV)/.installed: pyproject.toml constraints.txt $(VENV)/.pip
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.pip
	$(PIP_INSTALL) -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml constraints.txt $(VENV)/.pip
	$(PIP_INSTALL) -e '.[test,bench]'
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
# When jobs go to a queue (`flask jobs-mode` says rq: REDIS_URL, or JOBS_REDIS_URL in the
# instance config or PARTICIPA_JOBS_REDIS_URL), `flask worker` runs them beside it (stopped
# with it); else they run in gunicorn's own processes (docs/deploy.md, "Background jobs").
serve: install
	$(FLASK) db upgrade
	@if [ "$$($(FLASK) jobs-mode)" = rq ]; then \
	  $(FLASK) worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn -c gunicorn.conf.py; \
	else \
	  $(BIN)/gunicorn -c gunicorn.conf.py; \
	fi

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

# Lighthouse's mobile run (slow 4G, 4x CPU slowdown) on every public page of a fresh demo.
# Needs Node 18+ (npm installs the pinned Lighthouse) and Debian's Chromium (CHROME_PATH,
# default /usr/bin/chromium). LIGHTHOUSE_ARGS='--only resultados' picks pages.
bench-lighthouse: install-bench bench/lighthouse/node_modules/.package-lock.json
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)

bench/lighthouse/node_modules/.package-lock.json: bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Renew constraints.txt: the newest versions that pyproject.toml's ranges allow, for every
# extra and every Python from 3.11 on; then `make test`, read the diff, commit both (see
# docs/deploy.md, "Upgrading the libraries"). Besides the app: pip, the build backend (its
# range is [build-system] requires) and uv, which does the resolving. `make constraints UPGRADE=`
# keeps every pin and adds only what is new; UPGRADE='--upgrade-package flask' moves one.
UPGRADE ?= --upgrade
constraints: $(VENV)/.pip
	$(BIN)/pip install --quiet -c constraints.txt uv
	printf 'pip\nsetuptools>=77,<85\nuv\n' | $(BIN)/uv pip compile --quiet $(UPGRADE) \
		--all-extras --universal --python-version 3.11 --custom-compile-command 'make constraints' \
		-o constraints.txt pyproject.toml -

# Refresh the message catalogs after changing interface text.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d participa/translations --no-fuzzy-matching
	rm messages.pot

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
