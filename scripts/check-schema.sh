#!/usr/bin/env bash
# Checks that crates/postgres/src/schema.rs is what `diesel print-schema` gives for the migrated
# database: migrates a fresh database on the running cluster, prints its schema with the
# settings of diesel.toml (and its patch), and diffs. Installs diesel_cli (and libpq, which only
# this check needs; the binary never links it) when missing.
#
#   scripts/check-schema.sh [ADMIN_URL]   # default: $SWITCHBOARD_TEST_DATABASE_URL, else
#                                         # `scripts/db.sh url --admin`
#   scripts/check-schema.sh --write [ADMIN_URL]   # rewrite schema.rs instead (after a migration)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

write=false
if [ "${1:-}" = "--write" ]; then write=true; shift; fi
admin_url=${1:-${SWITCHBOARD_TEST_DATABASE_URL:-$(scripts/db.sh url --admin)}}
schema=crates/postgres/src/schema.rs

if ! command -v diesel >/dev/null 2>&1; then
  if ! dpkg -s libpq-dev >/dev/null 2>&1; then
    echo "check-schema: installing libpq-dev (diesel_cli links libpq)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq libpq-dev >/dev/null
  fi
  echo "check-schema: installing diesel_cli (a few minutes, once)" >&2
  cargo install diesel_cli --no-default-features --features postgres --locked --quiet
fi

# A database of our own, named after this process, dropped whatever happens.
db="switchboard_schema_check_$$"
base=${admin_url%%\?*}
query=${admin_url#"$base"}
db_url="${base%/*}/${db}${query}"
printed=$(mktemp)
psql "$admin_url" -qAtX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null
trap 'rm -f "$printed"; psql "$admin_url" -qAtX -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
# `migration run` with diesel.toml would rewrite schema.rs itself: it runs with an empty
# configuration, so the diff below compares the committed file.
printf '' >"$printed"
diesel migration run --config-file "$printed" --migration-dir migrations \
  --database-url "$db_url" >/dev/null
diesel print-schema --database-url "$db_url" >"$printed"

if $write; then
  cp "$printed" "$schema"
  echo "check-schema: $schema rewritten from the migrated database"
elif ! diff -u --label "$schema (committed)" --label "diesel print-schema (migrations/)" \
    "$schema" "$printed"; then
  echo >&2
  echo "check-schema: $schema differs from the schema the migrations create (diff above)." >&2
  echo "  Regenerate it with: scripts/check-schema.sh --write" >&2
  exit 1
else
  echo "check-schema: $schema matches the migrations"
fi
