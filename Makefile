# Efficacy: the two commands a person needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast bench lint lint-imports typecheck messages-check format messages clean

# What mypy checks: the access rules, the privacy and tabular policies, the charts, the coverage
# scheduler and its command line, the dashboards' builders (not their views), the pooled,
# gap and district impact functions, the API's tokens, errors, pages and endpoints, the audit
# log's model and middleware, the data-rights registries, sign-in with a provider and the
# second factor, the production server, worker, health, logs and backups (efficacy/ops),
# background runs' progress, score uploads and story PDFs in the worker, school time
# zones, the configuration readers, and every domain service module (efficacy/<app>/services.py,
# one level deeper, or a services/ package). A file that lands later is picked up by the globs.
TYPED := efficacy/access $(wildcard efficacy/privacy.py) efficacy/tabular efficacy/charts \
	efficacy/practice/schedule efficacy/schedule_cli.py \
	$(filter-out %/urls.py %/apps.py $(wildcard efficacy/dashboards/views_*.py),$(wildcard efficacy/dashboards/*.py)) \
	$(wildcard efficacy/cycles/impact/pooled.py efficacy/cycles/impact/gaps.py efficacy/cycles/impact/district.py) \
	$(filter-out efficacy/demo/%,$(wildcard efficacy/*/services.py efficacy/*/*/services.py efficacy/*/services/*.py efficacy/*/*/services/*.py)) \
	efficacy/api/tokens.py efficacy/api/problems.py efficacy/api/auth.py efficacy/api/pagination.py \
	efficacy/api/ratelimit.py efficacy/api/routers efficacy/cycles/evidence/batches.py \
	efficacy/audit/models.py efficacy/audit/middleware.py efficacy/audit/student_level.py \
	efficacy/rights/retention.py efficacy/rights/export.py efficacy/rights/collectors.py \
	efficacy/front/oidc efficacy/front/second_factor.py \
	efficacy/ops efficacy/progress.py efficacy/config.py efficacy/cli.py \
	efficacy/cycles/evidence/uploads.py efficacy/cycles/evidence/tasks.py \
	efficacy/roster/time.py efficacy/front/time_zone.py \
	efficacy/cycles/stories/pdf.py efficacy/cycles/stories/tasks.py

install: $(STAMP)

# The environment is rebuilt only when the lock or the package metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Imports, recomputes and reports run in the background worker beside the web server.
demo: install
	$(BIN)/efficacy migrate --noinput
	$(BIN)/efficacy demo
	@echo "Serving on http://127.0.0.1:8000 with a background worker (Ctrl-C stops both)."
	@LOG_FORMAT=$${LOG_FORMAT:-text} LOG_LEVEL=$${LOG_LEVEL:-WARNING} \
	  $(BIN)/efficacy worker --no-startup-delay -v 0 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/efficacy runserver --noreload 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# Everything but the browser tests (they carry the `browser` marker).
test-fast: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not browser"

bench: install
	$(BIN)/python -m bench

# ruff, the arrows between apps (import-linter) and the types (mypy): CI runs all three.
lint: install
	$(BIN)/ruff check efficacy tests bench
	$(BIN)/ruff format --check efficacy tests bench
	@$(MAKE) --no-print-directory lint-imports typecheck

# The contracts are in pyproject.toml ([tool.importlinter]).
lint-imports: install
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy $(TYPED)

# The French catalogue is well-formed (CI runs it; `make messages` also compiles it).
messages-check:
	msgfmt --check --output-file=/dev/null efficacy/locale/fr/LC_MESSAGES/django.po

format: install
	$(BIN)/ruff check --fix efficacy tests bench
	$(BIN)/ruff format efficacy tests bench

# Refresh the French catalogue from the code, then compile it: django.mo is committed so
# the app needs no gettext at run time (tests/web/test_french.py fails when it is stale).
# Locations name only the file, so moving code does not churn the catalogue.
messages: install
	cd efficacy && ../$(BIN)/efficacy makemessages -l fr --no-obsolete --add-location=file
	cd efficacy && ../$(BIN)/efficacy compilemessages -l fr

clean:
	rm -rf $(VENV) data/*.sqlite3* .pytest_cache
