#!/usr/bin/env bash
# `make bench`: criterion benches, then an HTTP load run with wrk against a release build.
# Prints requests per second and p50/p99 latency per scenario. Load goes to loopback only.
#   BENCH_DURATION=10s BENCH_CONNECTIONS=32 make bench
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
port=${BENCH_PORT:-18000}
target=${CARGO_TARGET_DIR:-target}

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: installing wrk" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
fi

if [ "${BENCH_SKIP_CRITERION:-0}" != 1 ]; then
  cargo bench --workspace --locked -- --noplot
fi

cargo build --release --locked -p switchboard-app --bin switchboard --example queue_bench
admin=$(scripts/db.sh url --admin)
db_url="${admin%/*}/switchboard_bench"
psql "$admin" -qAtX -c "select 1 from pg_database where datname='switchboard_bench'" | grep -q 1 \
  || psql "$admin" -qX -c "create database switchboard_bench" >/dev/null
export DATABASE_URL=$db_url SWITCHBOARD__SERVER__PORT=$port SWITCHBOARD__LOG__FILTER=warn
# Benchmarks log in far more often than any client may: lift the per-IP limits for this run.
export SWITCHBOARD__AUTH__LIMITS__LOGIN_PER_IP=100000000 SWITCHBOARD__AUTH__LIMITS__REGISTER_PER_IP=1000
"$target/release/switchboard" migrate

echo
echo "Event log and job queue ($(nproc) cores, release build):"
"$target/release/examples/queue_bench"
"$target/release/switchboard" serve &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

# One scenario: name, path, extra wrk arguments. Later issues add theirs below.
scenario() {
  local name=$1 path=$2; shift 2
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@" "http://127.0.0.1:$port$path")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-28s %12s req/s   p50 %-9s p99 %-9s\n' "$name" "$rps" "$p50" "$p99"
  grep -q 'Non-2xx' <<<"$out" && echo "  warning: non-2xx answers: $(grep 'Non-2xx' <<<"$out")"
  return 0
}

echo
echo "HTTP load: wrk, $connections connections, $duration each, release build, $(nproc) cores"
scenario "GET /healthz (json)" /healthz
scenario "GET /version (protobuf)" /version -H "Accept: application/x-protobuf"
scenario "GET /readyz (db round trip)" /readyz

# Identity (issue 3): a user, a token, then GET /api/me, logins, pgbench -S, and /api/me
# during a login storm.
bench_email="bench-$(date +%s)@example.org"
curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/auth/register" \
  -d "{\"email\":\"$bench_email\",\"password\":\"bench password\"}" >/dev/null
login_body="{\"email\":\"$bench_email\",\"password\":\"bench password\"}"
token=$(curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/auth/login" \
  -d "$login_body" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
scenario "GET /api/me (jwt + 1 read)" /api/me -H "Authorization: Bearer $token"
pgbench=/usr/lib/postgresql/15/bin/pgbench
if [ -x "$pgbench" ]; then
  "$pgbench" -i -q "$db_url" >/dev/null 2>&1 || true
  tps=$("$pgbench" -S -n -c "$connections" -j 2 -T "${duration%s}" "$db_url" 2>/dev/null | awk '/^tps/ {print $3; exit}')
  printf '%-28s %12s tps (same cluster, %s clients)\n' "pgbench -S" "$tps" "$connections"
fi
printf 'wrk.method="POST"\nwrk.body=%q\nwrk.headers["Content-Type"]="application/json"\n' "$login_body" >/tmp/sb-login.lua
scenario "POST /api/auth/login" /api/auth/login -s /tmp/sb-login.lua
wrk -t1 -c"$connections" -d"$duration" -s /tmp/sb-login.lua "http://127.0.0.1:$port/api/auth/login" >/dev/null &
storm=$!
scenario "GET /api/me during storm" /api/me -H "Authorization: Bearer $token"
wait $storm || true
