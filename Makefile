# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install migrate demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

## install: the venv, and the trimmed CJK fonts for PDF notices into var/fonts (skipped when up to date; required in CI)
install: $(STAMP)
	$(PY) manage.py prepare_fonts $(if $(CI),--require)

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

## run: install, migrate SQLite, load the demo data and serve http://127.0.0.1:8000/ (tasks run in-process)
run: demo
	@echo "\n打开 http://$(HOST):$(PORT)/ 用上面的演示账号登录。"
	$(PY) manage.py runserver $(HOST):$(PORT)

## lint: ruff, and models that match their migrations
lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run -v0

## test: the whole suite (PostgreSQL/Redis/worker/browser tests run when those are reachable; in CI they must)
test: lint
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

## bench: import a generated 100,000-row voter roll on PostgreSQL (DATABASE_URL, else the huanjie_bench database,
## created when missing) and print each phase's seconds and the peak memory against the targets (≤ 5 s, ≤ 500 MB);
## then time a one-page Chinese PDF notice against the same page in a Latin font (target ≤ 2×)
.PHONY: bench
bench: install
	$(PY) manage.py make_voter_file --rows 100000 --output var/bench/voters-100000.xlsx
	$(PY) manage.py bench_import var/bench/voters-100000.xlsx
	$(PY) manage.py bench_pdf

clean:
	rm -rf $(VENV) var
