#!/usr/bin/env bash
# The password-hashing priority under load (part of `make bench`): for each priority of
# `auth.argon2.priority`, a server is started and two storms run against it at once for the
# same time: 16 clients of mixed authenticated reads (GET /api/me, /api/events, /api/chat/sources,
# /readyz in turn) and 8 clients logging in. Prints reads/s and their p99, logins/s and their p99,
# per priority: the default must keep the reads steady and the logins alive.
#
#   scripts/bench-priority.sh BINARY ADMIN_URL [PORT]
#   BENCH_PRIORITIES="idle low normal" BENCH_DURATION=10s BENCH_READERS=16 BENCH_LOGINS=8
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

binary=$1
admin=$2
port=${3:-18100}
duration=${BENCH_DURATION:-10s}
readers=${BENCH_READERS:-16}
logins=${BENCH_LOGINS:-8}
base=${admin%%\?*}
db="switchboard_bench_priority"
db_url="${base%/*}/$db"
psql "$admin" -qX -c "drop database if exists $db with (force)" >/dev/null
psql "$admin" -qX -c "create database $db" >/dev/null
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  rm -rf "$work"
  psql "$admin" -qX -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

export DATABASE_URL=$db_url SWITCHBOARD__SERVER__PORT=$port SWITCHBOARD__LOG__FILTER=error
export SWITCHBOARD__SANDBOX__ENABLED=false
# Every request comes from one address: lift the per-address limits (tested elsewhere).
export SWITCHBOARD__AUTH__LIMITS__LOGIN_PER_IP=1000000000
export SWITCHBOARD__AUTH__LIMITS__REGISTER_PER_IP=1000000000
export SWITCHBOARD__AUTH__LIMITS__FAILED_PER_IP=1000000000
"$binary" migrate >/dev/null

url="http://127.0.0.1:$port"
email="priority-$(date +%s)@example.org"
login_body="{\"email\":\"$email\",\"password\":\"bench password\"}"
printf "wrk.method=\"POST\"\nwrk.body='%s'\nwrk.headers[\"Content-Type\"]=\"application/json\"\n" \
  "$login_body" >"$work/login.lua"

# p99 of a wrk --latency report, in milliseconds.
p99_ms() {
  awk '$1 == "99%" {v = $2
    if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.1f", v}'
}

echo
echo "Hashing priority: $readers clients of mixed reads and $logins clients logging in at once," \
  "$duration, release build, $(nproc) cores"
printf '%-8s %12s %12s %12s %12s\n' priority "reads/s" "reads p99" "logins/s" "logins p99"
for priority in ${BENCH_PRIORITIES:-idle low normal}; do
  SWITCHBOARD__AUTH__ARGON2__PRIORITY=$priority "$binary" serve &
  server=$!
  for _ in $(seq 1 100); do
    curl -fs "$url/healthz" >/dev/null && break
    sleep 0.1
  done
  curl -fs -X POST -H 'Content-Type: application/json' "$url/api/auth/register" \
    -d "$login_body" >/dev/null 2>&1 || true
  token=$(curl -fs -X POST -H 'Content-Type: application/json' "$url/api/auth/login" \
    -d "$login_body" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  cat >"$work/reads.lua" <<LUA
local paths = {"/api/me", "/api/events?limit=20", "/api/chat/sources", "/readyz"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % #paths + 1], {["Authorization"] = "Bearer $token"})
end
LUA
  # One unmeasured second: the pools' connections prepare their statements.
  wrk -t1 -c"$readers" -d1s -s "$work/reads.lua" "$url" >/dev/null
  wrk -t1 -c"$logins" -d"$duration" --latency -s "$work/login.lua" "$url/api/auth/login" \
    >"$work/logins.txt" &
  storm=$!
  wrk -t1 -c"$readers" -d"$duration" --latency -s "$work/reads.lua" "$url" >"$work/reads.txt"
  wait "$storm" || true
  printf '%-8s %12s %10s ms %12s %10s ms\n' "$priority" \
    "$(awk '/^Requests\/sec/ {print $2}' "$work/reads.txt")" "$(p99_ms <"$work/reads.txt")" \
    "$(awk '/^Requests\/sec/ {print $2}' "$work/logins.txt")" "$(p99_ms <"$work/logins.txt")"
  for f in reads logins; do
    if grep -q 'Non-2xx' "$work/$f.txt"; then
      echo "  $priority $f: $(grep 'Non-2xx' "$work/$f.txt")"
    fi
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
done
