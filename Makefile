# RedVest 红马甲 — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
export DJANGO_SETTINGS_MODULE := redvest.settings

.PHONY: run test venv lock sysdeps lint typecheck test-sqlite test-postgres bench bench-quick bench-pg clean cluster cluster-stop cluster-test cluster-clean

# The development venv: runtime (requirements.lock) plus the test and lint tools (requirements-dev.lock,
# which includes every runtime pin). A production install takes requirements.lock alone (README).
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || "$$(scripts/python.sh)" -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9
	@$(VENV)/bin/uv pip install -q --python $(PY) -r requirements-dev.lock
	@touch $@

venv: $(VENV)/.installed

# Re-pin after changing pyproject.toml: the runtime lock first, then the dev lock constrained by it so that
# both agree on every shared package.
lock:
	@test -x $(VENV)/bin/uv || { "$$(scripts/python.sh)" -m venv $(VENV) && $(PY) -m pip install -q --disable-pip-version-check uv==0.13.9; }
	$(VENV)/bin/uv pip compile -q pyproject.toml -o requirements.lock --python $(PY)
	$(VENV)/bin/uv pip compile -q pyproject.toml --group dev -c requirements.lock -o requirements-dev.lock --python $(PY)

sysdeps:
	@scripts/system-deps.sh

run: venv sysdeps
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py seed_demo
	@$(PY) manage.py demo_logins
	@echo "RedVest 红马甲 on http://$(HOST):$(PORT)/  (API docs: /api/docs)"
	@ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost}" scripts/serve.sh "$(HOST)" "$(PORT)"

lint: venv
	$(VENV)/bin/ruff check redvest bench conftest.py scripts
	$(VENV)/bin/ruff format --check redvest bench conftest.py scripts
	$(VENV)/bin/lint-imports --no-logo

typecheck: venv
	$(VENV)/bin/mypy redvest

test-sqlite: venv sysdeps
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

test-postgres: venv
	@scripts/postgres-ready.sh "$(PG_TEST_URL)"; rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "PostgreSQL does not answer at $(PG_TEST_URL): PostgreSQL run skipped"; exit 0; fi; \
	if [ $$rc -ne 0 ]; then exit $$rc; fi; \
	DATABASE_URL="$(PG_TEST_URL)" $(VENV)/bin/pytest -q -n 2 --dist loadfile -m "not browser and not db_independent"

test: lint typecheck test-sqlite test-postgres

# The production layout on this machine (scripts/cluster.sh): PostgreSQL primary + streaming replica, Redis,
# two gunicorn app servers behind nginx, the worker and the scheduler, all under var/cluster/.
cluster: venv
	@scripts/cluster.sh up

cluster-stop:
	@scripts/cluster.sh down

cluster-clean:
	@scripts/cluster.sh clean

# Brings the cluster up, proves its figures (scripts/cluster_test.py), and takes it down again.
cluster-test: venv
	$(PY) scripts/cluster_test.py

# Benchmarks (bench/README.md): SQLite files under var/ by default; a postgres:// BENCH_DATABASE_URL (or
# DATABASE_URL) puts every part on its own database `<name>_<part>` on that server, never the named one.
BENCH_DB = $(or $(BENCH_DATABASE_URL),$(filter postgres%,$(DATABASE_URL)))

bench: venv
	BENCH_DATABASE_URL="$(BENCH_DB)" PYTHONPATH=. $(PY) -m bench.suite

bench-quick: venv
	BENCH_DATABASE_URL="$(BENCH_DB)" PYTHONPATH=. $(PY) -m bench.suite --quick

# Province scale on PostgreSQL (issue 13 item 6); BENCH_PG_SCALE=0.01 for a quick try.
bench-pg: venv
	@test -n "$(BENCH_DB)" || { echo "make bench-pg 需要 DATABASE_URL=postgres://…（或 BENCH_DATABASE_URL）"; exit 2; }
	BENCH_DATABASE_URL="$(BENCH_DB)" PYTHONPATH=. $(PY) -m bench.province_bench

clean:
	rm -rf $(VENV) var/static
