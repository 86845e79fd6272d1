# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed


.PHONY: run test test-fast bench soak lint forms clean install installer

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,installer]'
	touch $(STAMP)

install: $(STAMP) forms

# Designer forms and the Qt resource file compile into the package; only stale outputs rebuild.
forms: $(STAMP)
	$(PY) ui/compile.py

run: install
	$(VENV)/bin/lpt-desktop --demo

# The type checker, the date-sensitive suites at five other days (tests/date_matrix.py), then every test on the
# frozen day, in four processes (each test file stays in one process: --dist loadfile); the suite mostly waits
# on real servers and the bundle build, so four keep two cores busy. The seeded sync fault run that diverged
# under four processes was a real bug (an edit stored as a whole record by the central store), now fixed.
test: install
	$(PY) -m mypy
	$(PY) tests/date_matrix.py
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 4 --dist loadfile --durations=15

# Everything but the bundle build (about a minute quicker); CI runs `make test`.
test-fast: install
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 4 --dist loadfile -m "not bundle"

# One-folder desktop bundle in dist/lpt-desktop (see installer/README.md).
installer: install
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		installer/lpt-desktop.spec
	QT_QPA_PLATFORM=offscreen dist/lpt-desktop/lpt-desktop --self-test

lint: install
	$(PY) -m ruff check lpt_desktop tests bench ui db
	$(PY) -m mypy

bench: install
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py

# Long sync runs (needs PostgreSQL): 600 officers syncing at once, many seeded fault and kill runs, and the
# stateful and schema-fuzz tests with far more (random) examples than `make test` uses.
soak: install
	$(PY) bench/soak.py
	$(PY) bench/soak.py --servers 2 --workers 1
	$(PY) bench/sync_faults.py --runs 100 --kill-runs 10 --two-server-runs 40
	LPT_STATEFUL_RANDOM=1 LPT_STATEFUL_EXAMPLES=60 LPT_FUZZ_EXAMPLES=100 \
	LPT_TWO_SERVER_RUNS=10 LPT_TWO_SERVER_EXAMPLES=20 LPT_TWO_SERVER_STEPS=20 \
		$(PY) -m pytest -q -p no:cacheprovider tests/sync/test_stateful.py tests/central/test_schema_fuzz.py \
		tests/central/test_two_servers.py

clean:
	rm -rf $(VENV) build dist lpt_desktop/gui/forms/ui_*.py lpt_desktop/gui/resources_rc.py
