# Two commands do all the set-up: `make run` and `make test`.
VENV   := .venv
PYTHON := $(VENV)/bin/python
PIP    := $(PYTHON) -m pip --disable-pip-version-check -q

.PHONY: run test test-fast bench load-test clean

run: $(VENV)/.requirements
	$(VENV)/bin/streamlit run app.py

test: $(VENV)/.requirements-test
	bash tests/install_browser.sh
	$(PYTHON) -m pytest

# The edit-test loop: every test but the browser ones and the few slowest (no Chromium, no apt).
test-fast: $(VENV)/.requirements-test
	$(PYTHON) -m pytest -m "not browser and not slow"

# Every figure against its floor, a minimal Streamlit app, in one run; BENCH_ARGS="--only find" runs one section.
bench: $(VENV)/.requirements-test
	bash tests/install_browser.sh
	$(PYTHON) -m benchmarks.bench $(BENCH_ARGS)

# 20 headless browser sessions on every page for 60 s, on loopback; stops by itself.
load-test: $(VENV)/.requirements-test
	bash tests/install_browser.sh
	$(PYTHON) -m benchmarks.load_test

$(PYTHON):
	python3 -m venv $(VENV)

# Reinstall only when a requirements file changed (the stamp is older than it).
$(VENV)/.requirements: requirements.txt | $(PYTHON)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.requirements-test: requirements-test.txt $(VENV)/.requirements
	$(PIP) install -r requirements-test.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache
