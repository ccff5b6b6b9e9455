# The portal's commands. `make run` and `make test` do all their own set-up.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000

# Development defaults; anything set in the environment wins.
export DJANGO_DEBUG ?= true

.PHONY: help run test test-fast e2e lint format migrate content demo stack bench check-deploy clean

help: ## List the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: ## Set up (venv, install, migrate, load content) and serve on http://127.0.0.1:8000 (PORT=...)
	@scripts/bootstrap
	$(MANAGE) migrate --no-input
	$(MANAGE) load_cnca_content
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: ## Install what the tests need and run the whole suite
	@scripts/bootstrap test
	npm ci --no-audit --no-fund --silent
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: ## The suite without the browser journeys
	@scripts/bootstrap test
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

e2e: ## Only the browser journeys (Chromium at /usr/bin/chromium)
	@scripts/bootstrap test
	npm ci --no-audit --no-fund --silent
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: ## ruff check and format check
	@scripts/bootstrap test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: ## Format the code with ruff
	@scripts/bootstrap test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: ## Apply migrations
	@scripts/bootstrap
	$(MANAGE) migrate --no-input

content: ## Load the alliance's real content (idempotent)
	@scripts/bootstrap
	$(MANAGE) load_cnca_content

demo: ## Create the demo accounts and submitted demo LOIs for the committee: make demo PASSWORD=...
	@scripts/bootstrap
	@test -n "$(PASSWORD)" || { echo "usage: make demo PASSWORD=a-long-password"; exit 2; }
	$(MANAGE) create_demo_accounts --password "$(PASSWORD)"
	$(MANAGE) create_demo_proposals

stack: ## web (gunicorn), Celery worker and beat against local Postgres and Redis
	@scripts/bootstrap test
	@test -n "$$DATABASE_URL" || { echo "make stack needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/cnca)"; exit 2; }
	@test -n "$$REDIS_URL" || { echo "make stack needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)"; exit 2; }
	$(MANAGE) migrate --no-input
	$(MANAGE) load_cnca_content
	$(MANAGE) collectstatic --no-input --verbosity 0
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start --port $(PORT)

bench: ## The benchmarks in bench/
	@scripts/bootstrap test
	$(PY) -m bench

check-deploy: ## manage.py check --deploy with production-like variables
	@scripts/bootstrap
	DJANGO_DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  REDIS_URL=redis://redis.example.org:6379/0 \
	  ALLOWED_HOSTS=portal.example.org SITE_URL=https://portal.example.org \
	  EMAIL_URL=smtp+tls://mailer@smtp.example.org:587 \
	  $(MANAGE) check --deploy --fail-level WARNING

clean: ## Remove the venv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules .pytest_cache
