#!/usr/bin/env bash
# `make test`: starts (or reuses) the project-local PostgreSQL, then runs every test.
# Each test that needs a database gets its own (crates/test-support), so they run in parallel.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/db.sh start >/dev/null
  export SWITCHBOARD_TEST_DATABASE_URL=$(scripts/db.sh url --admin)
else
  export SWITCHBOARD_TEST_DATABASE_URL=$DATABASE_URL
fi
# Tests pick their own profile and settings; a developer's environment must not leak in.
unset DATABASE_URL SWITCHBOARD_PROFILE
for v in $(env | grep -o '^SWITCHBOARD__[A-Z_]*' || true); do unset "$v"; done

# schema.rs is diesel's print-schema of the migrated database; a stale one fails here, clearly.
scripts/check-schema.sh "$SWITCHBOARD_TEST_DATABASE_URL"

# nextest does not run doctests: the documented examples run first, so that the test runner's
# summary is the last line of the log.
cargo test --workspace --locked --doc --quiet
# The API contract from outside: schemathesis and a generated client against the built server.
scripts/api-contract.sh
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast --lib --bins --tests
fi
