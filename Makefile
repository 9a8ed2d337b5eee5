# rnnbench: the two commands of the README, and their parts.
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= ../shared/data/aclImdb-labeled.tar.gz

.PHONY: setup setup-dev browser run run-offline budget check test screenshot bench bench-compare bench-save bench-spread bench-ab bench-ab-calibrate faults speed plain-keras progress scaling estimate ratings own

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# pip compiles every module at install, and it must: where PYTHONDONTWRITEBYTECODE is set (as on
# this project's machines), a module not compiled then is compiled again at every import. With
# --no-compile the install took 45 s instead of 84, and importing TensorFlow, Keras, SciPy, pandas,
# Matplotlib and Snakemake 20 s instead of 7.5, every time (AMD EPYC, 2026-12-02).
setup: $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt -e .

setup-dev: $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt -e .

# Debian's Chromium for the report's browser test (skipped where it is missing).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium not installed: the browser test will be skipped"

# The whole default grid on the article's data (keras.datasets.imdb, downloaded once).
run: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake

# The same grid from a local aclImdb archive or directory, without network.
run-offline: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake --config source=aclimdb aclimdb_path=$(DATA)

# A tuning budget (docs/budget.md): every model trained to its best and a random search, about an
# hour on 2 cores, in results/budget/ beside the default grid's results.
budget: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake --configfile config/budget.yaml --config source=aclimdb aclimdb_path=$(DATA)

# The star ratings of the same reviews (docs/own-data.md): eight classes, in results/ratings/.
ratings: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake --configfile config/ratings.yaml --config source=aclimdb aclimdb_path=$(DATA)

# One's own labelled texts: a table (TEXTS=path.csv, .tsv, .jsonl or .parquet with text and label
# columns) through the default grid, in results/own/ (docs/own-data.md).
TEXTS ?=
own: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake --config source=table data_path=$(TEXTS) results=results/own

# Learning curves (docs/scaling.md): accuracy against training reviews, in results/scaling/.
scaling: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake --configfile config/scaling.yaml --config source=aclimdb aclimdb_path=$(DATA)

# How long a config will take here, before any training: the probes and the plan, then stop.
# CONFIGFILE=config/scaling.yaml for another experiment.
CONFIGFILE ?=
estimate: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/snakemake --until plan $(if $(CONFIGFILE),--configfile $(CONFIGFILE)) --config source=aclimdb aclimdb_path=$(DATA)

# The quick loop: unit tests only (no Snakemake end to end, no SLURM, no fault trials, no browser,
# not the timing suite run as tests: make test runs all of those).
check: setup-dev
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m pytest -q -m "not e2e" --ignore=tests/benchmarks --durations=5 tests

# Everything (what CI runs), with the slowest tests named so that the time budget stays watched.
test: setup-dev browser
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m pytest -q --durations=15 tests

# The README's picture: the report of a finished grid (results/report.html), as a browser shows it.
REPORT ?= results/report.html
screenshot: setup-dev browser
	$(PY) -m rnnbench.report.screenshot $(REPORT) docs/report.png

# Random faults against the DAG on tiny data (Ctrl-C, kill -9 of a job, of Snakemake, mid-write),
# half of them beside a busy core; the same command again; nothing may be lost. 1-2 min a trial.
# The grid holds a search of one trial per run too (SEARCH=0: the grid alone).
TRIALS ?= 100
SEARCH ?= 1
faults: setup-dev
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) tests/faults.py --trials $(TRIALS) --search $(SEARCH) --out results/faults

# Timing regression suite: time it, compare with the committed baseline of this machine kind.
BASELINE ?= tests/benchmarks/baseline.json
SPREAD ?= tests/benchmarks/spread.json
TIME_SUITE := TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m pytest -q tests/benchmarks --benchmark-enable
bench: setup-dev
	mkdir -p results/bench
	$(TIME_SUITE) --benchmark-json=results/bench/latest.json

# A regression must show twice: when the first comparison fails, the suite is timed again and
# each benchmark's better run of the two counts.
bench-compare: bench
	$(PY) -m rnnbench.timing.bench $(BASELINE) results/bench/latest.json --spread-file $(SPREAD) || { \
	  echo "timing the suite again: a regression must show in both runs"; \
	  $(TIME_SUITE) --benchmark-json=results/bench/again.json && \
	  $(PY) -m rnnbench.timing.bench $(BASELINE) results/bench/latest.json results/bench/again.json --spread-file $(SPREAD); }

# This change against a revision (default: the merge-base with main), timed side by side in
# alternating fresh processes; exit 1 when a benchmark is slower. SET=quick: four benchmarks, ~3 min.
REF ?=
SET ?= all
bench-ab: setup-dev
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m rnnbench.timing.bench ab --set $(SET) $(if $(REF),--ref $(REF))

# False alarms and power of bench-ab on this machine (about 2.5 min a run; see the README).
CALIBRATION ?= results/bench/calibration
bench-ab-calibrate: setup-dev
	$(PY) -m rnnbench.timing.calibration run $(CALIBRATION)

bench-save: bench
	cp results/bench/latest.json $(BASELINE)

# Run-to-run spread of unchanged code: three timed runs, compared with each other; the spreads
# become the per-benchmark thresholds (tests/benchmarks/spread.json).
bench-spread: setup-dev
	mkdir -p results/bench
	for i in 1 2 3; do $(TIME_SUITE) --benchmark-json=results/bench/spread-$$i.json || exit 1; done
	$(PY) -m rnnbench.timing.bench --spread results/bench/spread-1.json results/bench/spread-2.json \
	  results/bench/spread-3.json --save $(SPREAD)

# The pipeline's own speed, from the last full grid under results/ (prints figures).
speed:
	$(PY) -m rnnbench.timing.speed results

# The article's plain Keras code on the pipeline's padded data: the yardstick for s/epoch.
MODEL ?= lstm
MAXLEN ?= 500
JIT ?= auto
plain-keras:
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m rnnbench.timing.plain_keras $$(ls results/data/*/maxlen$(MAXLEN).npz | head -1) \
	  --model $(MODEL) --jit $(JIT)

# Where the running workflow stands, in minutes: each run's epoch and time left, and the plan's.
# RESULTS=results/budget for another config's folder; watch -n 30 make -s progress to follow it.
RESULTS ?= results
progress:
	@$(PY) -m rnnbench.training.progress $(RESULTS)
