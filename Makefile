# Efficacy: the two commands a person needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast bench lint format messages clean

install: $(STAMP)

# The environment is rebuilt only when the lock or the package metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: install
	$(BIN)/efficacy migrate --noinput
	$(BIN)/efficacy demo
	$(BIN)/efficacy runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check efficacy tests bench
	$(BIN)/ruff format --check efficacy tests bench

format: install
	$(BIN)/ruff check --fix efficacy tests bench
	$(BIN)/ruff format efficacy tests bench

messages: install
	cd efficacy && ../$(BIN)/efficacy makemessages -l fr --ignore=tests

clean:
	rm -rf $(VENV) data/*.sqlite3* .pytest_cache
