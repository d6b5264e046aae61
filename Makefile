# RepHome: the two commands. `make run` serves the demo province; `make test` runs the suite.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := FLASK_APP=app:create_app $(VENV)/bin/flask
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo asks no second factor (its login page says so); production refuses SECOND_FACTOR=off.
DEMO_SECOND_FACTOR ?= off

.PHONY: run test test-deps pdf-fonts lint venv clean

# Extra pytest arguments. Without TEST_DATABASE_URL (SQLite) the tests that need PostgreSQL are
# deselected; with it everything runs. `make test PYTEST_ARGS='-k sessions'` narrows a run.
PYTEST_ARGS ?= $(if $(TEST_DATABASE_URL),,-m "not postgres")
# Parallel workers (pytest-xdist), each on its own database; `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: venv pdf-fonts
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo ""
	@echo "  RepHome: http://$(HOST):$(PORT)/   (Ctrl-C stops the web server and the scheduler)"
	@echo ""
	SECOND_FACTOR=$(DEMO_SECOND_FACTOR) $(FLASK) serve --host $(HOST) --port $(PORT)

test: venv test-deps
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Chromium and a CJK font for the browser tests: installed when missing (as root), else one clear line.
test-deps:
	@sh .ci/test-deps

# The TrueType CJK fonts that every PDF embeds (Debian packages; licences in licenses/).
pdf-fonts:
	@sh .ci/pdf-fonts

# ruff for the style, lint-imports for the architecture contracts (.importlinter, docs/architecture.md).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache
