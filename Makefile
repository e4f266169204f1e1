# `make demo` runs the main job on the seed article; `make test` runs the tests (`make test-fast`
# without the slow ones); `make lint` runs ruff and mypy.
# Both create the environment (.venv, system packages) when it is missing.
VENV   ?= .venv
PY     := $(VENV)/bin/python
SEED   := seeds/000_48b0761d22084af5.txt
APT    := apertium apertium-spa-ita apertium-eng-spa apertium-cat-ita apertium-eng-cat apertium-spa-cat apertium-fra-cat cg3 dict-freedict-ita-eng dict-freedict-eng-ita dict-freedict-spa-eng dict-freedict-ita-spa dict-freedict-fra-ita chromium postgresql

.PHONY: demo test test-fast lint env system clean constraints

demo: env
	$(VENV)/bin/briefs run $(SEED)

test: env
	$(VENV)/bin/pytest -q

# The fast lane: everything but the tests marked slow (end-to-end jobs, servers, browsers, wheel build).
test-fast: env
	$(VENV)/bin/pytest -q -m "not slow"

# Lint and type check (configured in pyproject.toml); `ruff format` is configured but not enforced.
lint: env
	$(VENV)/bin/ruff check service tests
	$(VENV)/bin/mypy

env: $(VENV)/.installed system

# After a tested upgrade of .venv: write its versions back (the three comment lines stay).
constraints:
	{ sed -n 1,3p constraints.txt; $(VENV)/bin/pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.tmp
	mv constraints.tmp constraints.txt

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0   # the CPU wheel; an unpinned torch pulls GBs of CUDA
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'   # the versions the suite passed with
	touch $@

# Apertium (offline MT), Chromium (browser test) and PostgreSQL (the shared translation memory; its
# tests start their own server) from Debian; elsewhere, install them by hand.
system:
	@missing=$$(for p in $(APT); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing system packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "note: install these system packages for the offline engine, browser and PostgreSQL tests: $$missing" >&2; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
