# mushroom-s2pg: see README.md. Recipes are plain POSIX sh (they run under dash).
SHELL := /bin/sh

PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0

# make run: a short SAC_RS training (about 3 minutes on 2 cores).
RUN_DIR ?= results/make_run
RUN_SEED ?= 0
RUN_HYPERPARAMETERS := {"initial_replay_size": 500, "warmup_transitions": 1000, "max_replay_size": 10000}

# The documentation tools: the docs extra of setup.py (pinned in constraints.txt).
DOCS_TOOLS := 'mkdocs>=1.6,<2' 'mkdocs-material>=9.5,<10' 'mkdocstrings[python]>=1.0'
SITE_DIR ?= site

# make data: loco-mujoco's offline mini datasets (imitation tasks), from outside this repository.
MINI_DATA ?= ../shared/data/loco_mujoco_mini

.PHONY: help venv data docs test test-slow test-slurm slurm-start slurm-stop run benchmark reproduce-small clean distclean

help:
	@echo "make venv        create .venv (torch CPU first, then the pinned requirements, then this package)"
	@echo "make data        install loco-mujoco's mini datasets from $(MINI_DATA) (else: how to download)"
	@echo "make test        run the fast test suite and the strict documentation build (after make data)"
	@echo "make docs        build the documentation site strictly into $(SITE_DIR)/ (mkdocs build --strict)"
	@echo "make test-slow   run the slow learning tests (-m slow)"
	@echo "make test-slurm  run the grids on a local single-node SLURM (-m slurm; installs it as root if missing)"
	@echo "make slurm-start / slurm-stop   start or stop that local SLURM (launchers/grids/local_slurm.sh)"
	@echo "make run         short SAC_RS training on HalfCheetahPOMDP-v5 into $(RUN_DIR)/$(RUN_SEED)/"
	@echo "make benchmark   training-time benchmark (benchmarks/training_time.py)"
	@echo "make reproduce-small  reduced-budget reproduction + report into results/small (about 1 h on 2 cores, resumable)"
	@echo "make clean       remove results/, logs/ and caches; make distclean also removes .venv"

venv: $(STAMP)

# torch goes first and alone: a resolver that picks torch itself pulls a CUDA build of several GB.
$(STAMP): requirements.txt constraints.txt setup.py
	test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PIP) install $(TORCH)
	$(PIP) install -c constraints.txt -r requirements.txt
	$(PIP) install --no-deps -e .
	$(PIP) install -c constraints.txt $(DOCS_TOOLS)
	touch $(STAMP)

# Copies $(MINI_DATA)/real/*.npz into the installed loco-mujoco (never into this repository); idempotent.
data: venv
	$(PY) -W ignore -m environments.loco_data install --source $(MINI_DATA)

# A broken link, a missing page, an unreadable docstring or an excluded file in the nav fails the build.
docs: venv
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet --site-dir $(SITE_DIR)

test: venv data docs
	$(PY) -m pytest -q

test-slow: venv
	$(PY) -m pytest -q -m slow

# The slurm tests start the local SLURM themselves (and stop it again if it was not running).
test-slurm: venv
	$(PY) -m pytest -q -m slurm

slurm-start:
	launchers/grids/local_slurm.sh start

slurm-stop:
	launchers/grids/local_slurm.sh stop

run: venv
	$(PY) -m launchers.run.experiment --env_id HalfCheetahPOMDP-v5 --algorithm SAC_RS \
		--n_epochs 3 --n_steps_per_epoch 2000 --n_eval_episodes 3 \
		--hyperparameters '$(RUN_HYPERPARAMETERS)' \
		--seed $(RUN_SEED) --results_dir $(RUN_DIR) --resume False
	@echo ""
	@echo "make run: progress.csv:       $(RUN_DIR)/$(RUN_SEED)/progress.csv"
	@echo "make run: learning_curve.png: $(RUN_DIR)/$(RUN_SEED)/learning_curve.png"

benchmark: venv
	$(PY) benchmarks/training_time.py

# The reduced grids of launchers/grids/reproduce_small.py, then the report (results/small/report/report.md).
# Resumable: run it again after an interruption.
reproduce-small: venv
	$(PY) -m launchers.grids.reproduce_small --base_dir results/small

clean:
	rm -rf results logs .pytest_cache $(SITE_DIR)
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
