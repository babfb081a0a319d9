#!/usr/bin/env bash
# The API contract, checked from outside: the built server on a free port against a fresh
# database, schemathesis with every check (signed in, and not), then a Python client generated
# from /openapi.json by openapi-python-client (no operation skipped, no unexplained warning),
# which scripts/api-contract/client_test.py drives. `make test` runs it after the cargo tests.
#
# The database cluster: SWITCHBOARD_TEST_DATABASE_URL (an admin URL; `make test` sets it), else
# `scripts/db.sh url --admin`. A database is created for the run and dropped after it.
# The Python tools live in a venv under /var/tmp (SWITCHBOARD_CONTRACT_VENV), built once from
# scripts/api-contract/requirements.txt and reused while that file is unchanged.
# SWITCHBOARD_CONTRACT_SECONDS: schemathesis's time budget per run (default 75; two runs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
here=scripts/api-contract
log() { printf 'api-contract: %s\n' "$*" >&2; }

# Python with venv (Debian ships it apart), then the pinned tools.
venv=${SWITCHBOARD_CONTRACT_VENV:-/var/tmp/switchboard-api-contract/venv}
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    log "python3 venv support is missing: apt-get install -y python3-venv"
    exit 1
  fi
  log "installing python3-venv"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq python3 python3-venv >&2
fi
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
  log "building the Python tools' venv in $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" </dev/null
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi

cargo build --locked -q -p switchboard-app
bin="${CARGO_TARGET_DIR:-target}/debug/switchboard"

work=$(mktemp -d /var/tmp/switchboard-api-contract.XXXXXX)
admin_url=${SWITCHBOARD_TEST_DATABASE_URL:-$(scripts/db.sh url --admin)}
db="switchboard_contract_$$"
db_url="${admin_url%/*}/$db"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; fi
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# The caller's settings must not leak in. Providers: Slack at a closed local port and no private
# networks, so generated tokens and URLs reach no real service and fail fast.
for v in $(env | grep -o '^SWITCHBOARD__[A-Z_]*' || true); do unset "$v"; done
SWITCHBOARD_PROFILE=test DATABASE_URL="$db_url" SWITCHBOARD__SERVER__PORT="$port" \
  SWITCHBOARD__SERVER__WORKERS=2 \
  SWITCHBOARD__CHAT__SLACK_BASE_URL="http://127.0.0.1:9/api" \
  SWITCHBOARD__CHAT__ALLOW_PRIVATE_NETWORKS=false SWITCHBOARD__CHAT__REQUEST_TIMEOUT_SECS=3 \
  "$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; log "the server stopped"; exit 1; }
  sleep 0.5
done
curl -sf "$base/readyz" >/dev/null || { cat "$work/server.log" >&2; log "the server is not ready"; exit 1; }
curl -sf "$base/openapi.json" >"$work/openapi.json"

# A signed-in user for the authenticated run.
email="contract-$$@example.org"
password="contract password $$"
json() { python3 -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' "$@"; }
curl -sf -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d "$(json email "$email" password "$password")" >/dev/null
token=$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d "$(json email "$email" password "$password")" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["access_token"])')

status=0
# First the generated client, while the per-address throttles have seen nothing.
log "generating a Python client with openapi-python-client"
python3 "$here/json_bodies.py" "$work/openapi.json" "$work/openapi-json-bodies.json"
(cd "$work" && "$venv/bin/openapi-python-client" generate --path openapi-json-bodies.json \
  --config "$OLDPWD/$here/generator.yaml" --meta none --output-path client/switchboard_client --overwrite \
  </dev/null >generate.log 2>&1) || { cat "$work/generate.log" >&2; status=1; }
# Every warning must be listed, with its reason, in generator-warnings.txt.
allowed=$(grep -v '^#' "$here/generator-warnings.txt" | sed 's/ # .*//' | grep -v '^$' || true)
unexplained=$(grep -iE 'warning|skipp|unable|unsupported|could not' "$work/generate.log" |
  grep -vF "${allowed:-@@none@@}" || true)
if [ -n "$unexplained" ]; then
  cat "$work/generate.log" >&2
  log "openapi-python-client warned, and generator-warnings.txt does not explain it:"
  printf '%s\n' "$unexplained" >&2
  status=1
fi
operations=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(sum(len(i) for i in d["paths"].values()))' "$work/openapi.json")
generated=$(find "$work/client/switchboard_client/api" -name '*.py' ! -name '__init__.py' 2>/dev/null | wc -l)
if [ "$generated" -ne "$operations" ]; then
  log "the client has $generated operations of the document's $operations"
  status=1
fi
PYTHONPATH="$work/client" "$venv/bin/python" "$here/client_test.py" "$base" || status=1

seconds=${SWITCHBOARD_CONTRACT_SECONDS:-75}
# From the run's directory, where schemathesis keeps its cache. One worker: with two, its
# threads parse Python sources concurrently and CPython 3.11 can crash inside schemathesis
# ("AST constructor recursion depth mismatch"), an error of the tool, not a finding.
schemathesis() {
  (cd "$work" && "$venv/bin/st" --config-file "$OLDPWD/$here/schemathesis.toml" \
    run openapi.json --url "$base" --checks all --max-time "$seconds" \
    --request-timeout 10 --workers 1 --no-color --generation-database none \
    --report junit --report-dir reports "$@" </dev/null)
}
log "schemathesis, signed in (${seconds} s)"
# Logging out would end the session the rest of the run uses; the other run covers it. The
# event stream, opened with a credential, never ends (the app tests read it); unauthenticated,
# the other run checks its refusals.
schemathesis -H "Authorization: Bearer $token" --exclude-path-regex '^/api/(auth/logout|stream)$' \
  || status=1
log "schemathesis, without credentials (${seconds} s)"
schemathesis || status=1

if [ "$status" -ne 0 ]; then
  log "FAILED (server log: last lines below)"
  tail -n 40 "$work/server.log" >&2
  exit 1
fi
log "passed: schemathesis signed in and not, and a generated client with all $operations operations"
