# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crm
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1

.PHONY: run test audit screenshots lint format lock messages vendor-css clean

$(VENV)/.installed: pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed; set PYTHON=python3.x")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

## run: migrate, load the demo data once, and start web, worker and beat (Ctrl-C stops all)
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --organisations $${DEMO_ORGANISATIONS:-300}
	$(PY) manage.py demo_logins --quiet
	$(VENV)/bin/honcho start -f Procfile

# Spectral (the API Design Rules linter) for the tests; the app itself needs no Node.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
/usr/bin/chromium:
	DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

## test: lint and run the whole suite against real PostgreSQL and Redis
test: $(VENV)/.installed node_modules/.installed /usr/bin/chromium
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		$(PY) manage.py check_services --server-only
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit --quiet --recursive crm accounts mail privacy stakeholders surveys demo --exclude '*/migrations/*' --severity-level high
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		CACHE_URL=$${CACHE_URL:-$(TEST_CACHE_URL)} $(VENV)/bin/pytest

## audit: the locked dependencies against the Python Packaging Advisory Database (needs the PyPI JSON API)
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit --strict --progress-spinner off --requirement requirements.lock --requirement requirements-dev.lock

## screenshots: run the browser tests and keep their screenshots in docs/screenshots
screenshots: $(VENV)/.installed node_modules/.installed /usr/bin/chromium
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		CACHE_URL=$${CACHE_URL:-$(TEST_CACHE_URL)} SCREENSHOT_DIR=docs/screenshots $(VENV)/bin/pytest tests/browser

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## lock: pin every dependency again after a change to pyproject.toml
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --extra dev \
		-o requirements-dev.lock pyproject.toml

## messages: refresh the Dutch translations and compile them (needs GNU gettext)
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale nl --ignore '.venv/*' --ignore 'tests/*' --ignore 'node_modules/*' --ignore 'benchmarks/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

## vendor-css: copy the NL Design System's built CSS (pinned in package-lock.json) into the static files
vendor-css: node_modules/.installed
	mkdir -p crm/static/vendor/utrecht
	cp node_modules/@utrecht/component-library-css/dist/index.css crm/static/vendor/utrecht/component-library.css
	cp node_modules/@utrecht/component-library-css/LICENSE.md crm/static/vendor/utrecht/LICENSE.md

clean:
	rm -rf $(VENV) node_modules .run db.sqlite3 staticfiles
