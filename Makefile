# Startpakket: `make demo` to try it, `make test` to test it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo runs with made-up data on a development server; never use these settings in production.
# SITE_URL: the links in e-mails and on delivery slips lead to this demo.
DEMO_ENV := DEMO=1 DEBUG=1 TWO_FACTOR_REQUIRED=0 SITE_URL=http://127.0.0.1:$(PORT)

.PHONY: demo test bench install lint messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Startpakket needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo "Startpakket runs at http://127.0.0.1:$(PORT)/ (stop with Ctrl+C)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python scripts/run_tests.py

# Every benchmark at national scale and one table of figures and targets (scripts/bench.py):
# SQLite by default; DATABASE_URL=postgres://… for that database, POSTGRES=1 for a throwaway one.
bench: install
	$(BIN)/python scripts/bench.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Extract translatable texts into locale/nl and compile them (needs GNU gettext).
messages: install
	$(DEMO_ENV) $(BIN)/python manage.py makemessages --locale nl --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/static
