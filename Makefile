# Set-up and everyday commands. Each target creates .venv on first use.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres bench venv static messages clean lock audit

# Front-end libraries come from npm (frontend/package-lock.json) and are copied into
# omvarld/static/vendor; the site serves them itself.
STATIC_STAMP := omvarld/static/vendor/.built
$(STATIC_STAMP): frontend/package-lock.json scripts/build-static
	npm ci --prefix frontend --no-audit --no-fund --silent
	python3 scripts/build-static
	touch $(STATIC_STAMP)

static: $(STATIC_STAMP)

# Python dependencies come from requirements.lock (exact versions with hashes, from pyproject.toml:
# `make lock`); the project itself is then installed on top without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 -o requirements.lock

# Known vulnerabilities in the locked dependencies (needs a vulnerability database on the network).
audit: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict -r requirements.lock --require-hashes --disable-pip --progress-spinner off

venv: $(STAMP)

run: $(STAMP) $(STATIC_STAMP)
	$(BIN)/omvarld migrate --no-input
	$(BIN)/omvarld loaddemo
	$(BIN)/omvarld serve --with-worker

# The suite runs on SQLite, then on PostgreSQL when DATABASE_URL (or TEST_DATABASE_URL) names one.
test: $(STAMP) $(STATIC_STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -q -n 2
	@if [ -n "$(TEST_DATABASE_URL)" ]; then DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest -p no:cacheprovider -q -n 2 -m "not browser"; fi

bench: $(STAMP)
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

messages: $(STAMP)
	cd omvarld && ../$(BIN)/omvarld makemessages -l sv --no-obsolete --ignore "*/tests/*" $(foreach app,accounts api editorial monitoring newsdesk subscriptions personal trends,--ignore "$(app)/*")
	for app in accounts api editorial monitoring newsdesk subscriptions personal trends; do (cd omvarld/$$app && ../../$(BIN)/omvarld makemessages -l sv --no-obsolete --ignore "tests/*"); done
	cd omvarld && ../$(BIN)/omvarld compilemessages

clean:
	rm -rf $(VENV) var frontend/node_modules omvarld/static/vendor
