# Knowledge Bites — `make` sets up and builds the whole series; `make test` sets up and runs the tests.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages WeasyPrint needs (Pango for text, HarfBuzz's subsetter for small, reproducible fonts).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
# Debian packages the tests use on top of those (chromium: the catalogue page is checked in a real browser).
TEST_SYSTEM_PACKAGES := qpdf chromium

.PHONY: all build preview test check lint catalogs goldens system system-test clean

all: build

build: $(VENV)/.installed
	$(PY) build.py

# Write with the series open in your browser: http://127.0.0.1:8000/ shows every sheet, rebuilt as you save.
preview: $(VENV)/.installed
	$(PY) build.py serve

# One test process more than the cores: many tests wait on a command or a browser, and the spare process uses the core.
TEST_PROCESSES ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

test: $(VENV)/.installed-test system-test
	$(VENV)/bin/ruff check knowledge_bites tests benchmarks build.py
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadgroup --no-loadscope-reorder

# Refresh the golden page images in tests/visual/ after an intended change of layout or style: builds the
# shipped series, rasterises the chosen pages, writes them and removes goldens no test uses. Look, then commit.
goldens: $(VENV)/.installed-test
	KB_UPDATE_GOLDENS=1 $(PY) -m pytest tests/test_visual.py -q -s -p no:cacheprovider -p no:xdist

check: $(VENV)/.installed
	$(PY) build.py --check

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check knowledge_bites tests benchmarks build.py

# Refresh the label catalogs after a template change: extract (with the {# Translators: … #} comments that tell
# translators where each label appears), then merge into every language's .po.
catalogs: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F pyproject.toml -o templates/locales/messages.pot \
	  --add-comments=Translators: --no-location --omit-header --sort-output .
	$(VENV)/bin/pybabel update -i templates/locales/messages.pot -d templates/locales \
	  --ignore-obsolete --no-fuzzy-matching

# Install missing Debian packages (needs root or sudo); on other systems, install their equivalents by hand.
define ensure_packages
	@if ! command -v dpkg-query >/dev/null; then echo "Not a Debian system: make sure these are installed: $(1)"; exit 0; fi; \
	missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

system:
	$(call ensure_packages,$(SYSTEM_PACKAGES))

system-test:
	$(call ensure_packages,$(TEST_SYSTEM_PACKAGES))

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python system
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	@touch $@

clean:
	rm -rf output .pytest_cache
