# The two commands a new machine needs:
#   make demo   set everything up, start Kafka and a worker, replay sample articles, show the live table
#   make test   set everything up and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the extraction hot path compiled with mypyc (optional, skipped without a C compiler; streams/compiled.py)
COMPILED := $(VENV)/.compiled
HOT_SOURCES := $(wildcard streams/text/*.py streams/extract/*.py streams/places/*.py) streams/compiled.py

.PHONY: demo test setup compiled system-deps lint unit check-deploy clean bench

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

$(COMPILED): $(STAMP) $(HOT_SOURCES) scripts/build_compiled.py
	$(BIN)/python scripts/build_compiled.py
	touch $(COMPILED)

compiled: $(COMPILED)

setup: $(STAMP) system-deps $(COMPILED)  # the compiler comes with system-deps

system-deps:
	PYTHON=$(PYTHON) bash scripts/install_system_deps.sh
	bash scripts/install_browser.sh

demo: setup
	$(BIN)/hasila demo --duration $${DEMO_SECONDS:-60}

lint: $(STAMP)
	$(BIN)/ruff check streams tests bench scripts

unit: $(STAMP) $(COMPILED)
	$(BIN)/pytest -q -m "not kafka and not browser"

test: setup
	$(BIN)/ruff check streams tests bench scripts
	$(BIN)/pytest -q -ra
	bash scripts/check_deploy.sh
	$(BIN)/pip-audit --progress-spinner off --no-deps --disable-pip -r requirements.lock || { \
		echo "pip-audit: see above (a known vulnerability in a pinned dependency, or no index)"; \
		test -n "$${HASILA_AUDIT_REQUIRED:-}" && exit 1 || true; }

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	-$(BIN)/hasila broker stop
	rm -rf .hasila
