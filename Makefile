# AWSIAM SOAR integration: local environment, tests, demo and the import package.
# Needs only GNU make and Python 3.11 (with its venv module); everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# Remade (from scratch) whenever the declared requirements change.
VENV_STAMP := $(VENV)/.installed

.PHONY: venv test demo package widgets screenshots check-mp validate bench clean distclean

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml devtools/requirements.py
	@test -n "$(PYTHON)" || { echo "error: python3.11 not found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "error: $(PYTHON) is not Python 3.11; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	rm -rf $(VENV)
	"$(PYTHON)" -m venv $(VENV)
	$(VENV_PYTHON) devtools/requirements.py runtime dev > $(VENV)/requirements.txt
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q -r $(VENV)/requirements.txt
	touch $@

test: venv
	$(VENV_PYTHON) -m pytest

demo: venv
	$(VENV_PYTHON) devtools/demo.py

package: venv widgets
	$(VENV_PYTHON) devtools/build_package.py

# Widgets/<Stem>.json from the pages in Widgets/src/ (their CSS and JS inlined).
widgets: venv
	$(VENV_PYTHON) devtools/widgets.py

# docs/images/widget-*.png: each widget rendered in headless Chromium with a real JSON result.
screenshots: venv widgets
	$(VENV_PYTHON) devtools/widget_screenshots.py

# Google's mp tool on the built ZIP, unzipped. mp lives in a virtualenv of its own (MPVENV), never
# in .venv: see docs/development.md, "Check the package with Google's validator". check-mp comes
# first, and validate's prerequisites are made one after the other, so a missing mp is told in one
# sentence before anything is built.
MPVENV ?= $(HOME)/.mpvenv
check-mp:
	@"$(MPVENV)/bin/python" -c 'import mp' 2>/dev/null || { echo "error: mp's Python was not found at $(MPVENV) (no $(MPVENV)/bin/python that can import mp); install it once with 'python3.11 -m venv $(MPVENV) && $(MPVENV)/bin/pip install <the mp wheel, or the packages/mp folder of a content-hub clone>' (see docs/development.md), or set MPVENV to the virtualenv that holds it." >&2; exit 1; }

.NOTPARALLEL: validate
validate: check-mp package
	rm -rf build/unzipped
	$(VENV_PYTHON) -m zipfile -e $$(ls dist/*.zip) build/unzipped
	"$(MPVENV)/bin/python" devtools/mp_validate.py build/unzipped

# Wall time, import time, peak memory and AWS calls per action; the bulk actions at 0 and 100 ms
# per call, at concurrency 1 and the default, and under faults; Enrich User on ten users at 0 and
# 100 ms per call; Disable User Access on a hundred users over five accounts against one account.
# A measurement, not a test.
bench: venv
	$(VENV_PYTHON) devtools/benchmark.py

clean:
	rm -rf build dist .pytest_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
