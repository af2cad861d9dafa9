# Prima: `make run` and `make test` do all set-up on a fresh machine (Python 3.11).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)

.PHONY: setup run console test lint typecheck compose-tool nlu-eval nlu-compare bench bench-webhook bench-escalation clean

## setup: the app's virtualenv (.venv) and the Rasa environment (cached, built once)
setup: $(STAMP)
	@$(BIN)/prima nlu-env >/dev/null

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Prima needs Python 3.11 (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## run: train the NLU model if missing or stale, start it, and run the bot
run: setup
	$(BIN)/prima train
	$(BIN)/prima run

console: setup
	$(BIN)/prima train
	$(BIN)/prima console

## compose-tool: Debian's docker-compose 1.29.2, which checks docker-compose.yml without an engine
APT_INSTALL := apt-get install -y -qq --no-install-recommends docker-compose
compose-tool:
	@command -v docker-compose >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO $(APT_INSTALL) >/dev/null 2>&1 || { $$SUDO apt-get update -qq && $$SUDO $(APT_INSTALL) >/dev/null; }; }

## test: set-up, then lint, type checks, the template check and the whole test suite
test: setup compose-tool lint typecheck
	$(BIN)/prima train
	$(BIN)/prima lint-templates
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

## nlu-eval: cross-validation, held-out scores, baseline and latency -> reports/nlu/
##   `make nlu-eval CV_REPEATS=3` repeats cross-validation with new folds (≈3 min each)
CV_REPEATS ?= 1
nlu-eval: setup
	$(BIN)/prima nlu-eval --cv-repeats $(CV_REPEATS)

## nlu-compare: pipelines and the baseline cross-validated on the same folds, compared pairwise
##   `make nlu-compare CONFIGS="nlu/config.yml /tmp/variant.yml" SEEDS=0,1,2` (≈2.5 min per config and seed)
CONFIGS ?= nlu/config.yml
SEEDS ?= 0,1,2
nlu-compare: setup
	$(BIN)/prima nlu-compare $(CONFIGS) --seeds $(SEEDS)

## bench: simulated customers through the fake Bot API, the real bot and Rasa: polling (no Redis,
##   Redis), then webhook mode with 1 and 2 bot processes on PostgreSQL + Redis (bench-webhook)
##   `make bench CUSTOMERS=300 THINK=0 ROUNDS=1` saturates the bot; each customer holds ROUNDS
##   conversations one after another (steadier figures than one short burst)
CUSTOMERS ?= 130
THINK ?= 1
ROUNDS ?= 4
bench: setup
	$(BIN)/prima train
	$(BIN)/python -m bench.conversation --customers $(CUSTOMERS) --think $(THINK) --rounds $(ROUNDS)
	$(BIN)/python -m bench.webhook --customers $(WEBHOOK_CUSTOMERS) --think $(WEBHOOK_THINK) --instances $(INSTANCES)

## bench-webhook: webhook mode, 1 and 2 bot processes on PostgreSQL + Redis, simulated customers
##   `make bench-webhook WEBHOOK_CUSTOMERS=500 WEBHOOK_THINK=5 INSTANCES=1,2` (THINK=0: saturation)
WEBHOOK_CUSTOMERS ?= 500
WEBHOOK_THINK ?= 5
INSTANCES ?= 1,2
bench-webhook: setup
	$(BIN)/prima train
	$(BIN)/python -m bench.webhook --customers $(WEBHOOK_CUSTOMERS) --think $(WEBHOOK_THINK) --instances $(INSTANCES)

## bench-escalation: 100,000 open cases on the local PostgreSQL: due-scan plan and time, a burst
bench-escalation: $(STAMP)
	$(BIN)/python -m bench.escalation

clean:
	rm -rf $(VENV) .prima reports .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
