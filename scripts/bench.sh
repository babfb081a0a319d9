#!/usr/bin/env bash
# `make bench`: criterion benches, then an HTTP load run with wrk against a release build.
# Prints requests per second and p50/p99 latency per scenario. Load goes to loopback only.
# Then chat ingest (posts/s into PostgreSQL), mail (first sync, list and search, attachment
# streaming; crates/app/examples/mail_bench), chat posts read over HTTP (posts_bench), the hashing priority under a read storm and a login
# storm (scripts/bench-priority.sh) and, with BENCH_QUALITY=1, the analytics compared
# with sumy and YAKE (needs pip; SUMY_FULL=1 times sumy on all 10,000 posts, about 10-40 min).
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
  cargo bench --workspace --locked --bench '*' -- --noplot
fi

cargo build --release --locked -p switchboard-app --bin switchboard --example queue_bench \
  --example ingest_bench --example mail_bench --example posts_bench --example events_bench
scripts/db.sh start >/dev/null
admin=$(scripts/db.sh url --admin)
db_url="${admin%/*}/switchboard_bench"
# A new database per run: every figure comes from the same starting state.
psql "$admin" -qX -c "drop database if exists switchboard_bench with (force)" >/dev/null
psql "$admin" -qX -c "create database switchboard_bench" >/dev/null
export DATABASE_URL=$db_url SWITCHBOARD__SERVER__PORT=$port SWITCHBOARD__LOG__FILTER=warn
# The bench loads its own data: without the sandbox, the demo's ingest and the first analytics
# of its channels do not run inside the measurements.
export SWITCHBOARD__SANDBOX__ENABLED=false
# One client address sends every request here: lift the per-IP limits (they are tested elsewhere).
export SWITCHBOARD__AUTH__LIMITS__LOGIN_PER_IP=1000000000 SWITCHBOARD__AUTH__LIMITS__REGISTER_PER_IP=1000000000
export SWITCHBOARD__AUTH__LIMITS__FAILED_PER_IP=1000000000
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

# One scenario: name, path, extra wrk arguments. Each part adds its own below.
scenario() {
  local name=$1 path=$2; shift 2
  local out
  # One unmeasured second first: each connection of the server's pools prepares the route's
  # statements once, and that one-off cost is not what the figures are about.
  wrk -t2 -c"$connections" -d1s "$@" "http://127.0.0.1:$port$path" >/dev/null
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@" "http://127.0.0.1:$port$path")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-28s %12s req/s   p50 %-9s p99 %-9s\n' "$name" "$rps" "$p50" "$p99"
  LAST_RPS=$rps
  LAST_P99=$p99
  grep -q 'Non-2xx' <<<"$out" && echo "  warning: non-2xx answers: $(grep 'Non-2xx' <<<"$out")"
  return 0
}

echo
echo "HTTP load: wrk, $connections connections, $duration each, release build, $(nproc) cores"
scenario "GET /healthz (json)" /healthz
scenario "GET /version (protobuf)" /version -H "Accept: application/x-protobuf"
scenario "GET /readyz (db round trip)" /readyz

# Identity: a user, a token, then GET /api/me, logins, pgbench -S, and /api/me
# during a login storm.
bench_email="bench-$(date +%s)@example.org"
curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/auth/register" \
  -d "{\"email\":\"$bench_email\",\"password\":\"bench password\"}" >/dev/null
login_body="{\"email\":\"$bench_email\",\"password\":\"bench password\"}"
token=$(curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/auth/login" \
  -d "$login_body" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
scenario "GET /api/me (jwt + 1 read)" /api/me -H "Authorization: Bearer $token"
me_rps=$LAST_RPS
me_p99=$LAST_P99
pgbench=/usr/lib/postgresql/15/bin/pgbench
if [ -x "$pgbench" ]; then
  "$pgbench" -i -q "$db_url" >/dev/null 2>&1 || true
  tps=$("$pgbench" -S -n -c "$connections" -j 2 -T "${duration%s}" "$db_url" 2>/dev/null | awk '/^tps/ {print $3; exit}')
  printf '%-28s %12s tps (same cluster and connection as the server, %s clients)\n' "pgbench -S" "$tps" "$connections"
  # The same over loopback TCP, when the server reaches the cluster through its Unix socket.
  tcp_url=$(sed -E 's#@%2F[^:/]*:([0-9]+)/#@127.0.0.1:\1/#' <<<"$db_url")
  if [ "$tcp_url" != "$db_url" ]; then
    tcp_tps=$("$pgbench" -S -n -c "$connections" -j 2 -T "${duration%s}" "$tcp_url" 2>/dev/null | awk '/^tps/ {print $3; exit}')
    printf '%-28s %12s tps (over loopback TCP instead)\n' "pgbench -S" "$tcp_tps"
  fi
fi
# A Lua string in single quotes: the JSON body has none.
printf "wrk.method=\"POST\"\nwrk.body='%s'\nwrk.headers[\"Content-Type\"]=\"application/json\"\n" "$login_body" >/tmp/sb-login.lua
scenario "POST /api/auth/login" /api/auth/login -s /tmp/sb-login.lua
login_rps=$LAST_RPS
# The storm lasts the measured scenario and its unmeasured second.
wrk -t1 -c"$connections" -d"$((${duration%s} + 1))s" -s /tmp/sb-login.lua "http://127.0.0.1:$port/api/auth/login" >/dev/null &
storm=$!
scenario "GET /api/me during storm" /api/me -H "Authorization: Bearer $token"
wait $storm || true
storm_p99=$LAST_P99

# The targets, from the figures above and criterion's argon2id hash time.
estimates="$target/criterion/argon2id/hash_owasp_m19456_t2_p1/new/estimates.json"
python3 - "$me_rps" "${tps:-0}" "$login_rps" "$me_p99" "$storm_p99" "$estimates" "$(nproc)" "${tcp_tps:-0}" <<'PY'
import json, sys
me, tps, login, p99, storm, estimates, cores, tcp_tps = sys.argv[1:9]
def ms(v):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if v.endswith(unit):
            return float(v[: -len(unit)]) * f
    return float("nan")
print()
if float(tps) > 0:
    print(f"GET /api/me / pgbench -S:       {100 * float(me) / float(tps):5.0f} %   (target >= 60 %)")
if float(tcp_tps) > 0:
    print(f"  against pgbench -S over TCP:  {100 * float(me) / float(tcp_tps):5.0f} %")
try:
    hash_s = json.load(open(estimates))["median"]["point_estimate"] / 1e9
    bound = int(cores) / hash_s
    print(f"login / (cores / hash time):    {100 * float(login) / bound:5.0f} %   (target >= 85 %; one hash {hash_s * 1e3:.1f} ms, bound {bound:.0f}/s)")
except (OSError, KeyError, ValueError):
    print("login ratio: no argon2id criterion estimate (run without BENCH_SKIP_CRITERION)")
print(f"/api/me p99 storm / no storm:   {ms(storm) / ms(p99):5.2f} x   (target <= 2 x; {storm} vs {p99})")
PY

# Channel analytics: a channel of 1,000,000 posts owned by the bench user, written
# through the store (the hourly rollup's triggers included); its pulse timed through the
# service the routes call (target: <= 50 ms), against counting the posts with GROUP BY; its
# statistics computed once and stored; then wrk on the stored GETs (target: p99 < 10 ms with
# 32 connections, as long as the other scenarios). BENCH_STATS_POSTS and BENCH_STATS_DURATION
# change it.
stats_duration=${BENCH_STATS_DURATION:-$duration}
cargo build --release --locked -p switchboard-app --example stats_bench
echo
echo "Channel analytics (release build, $(nproc) cores):"
stats_out=$("$target/release/examples/stats_bench" --email "$bench_email" --posts "${BENCH_STATS_POSTS:-1000000}")
grep -v '^channel=' <<<"$stats_out"
channel=$(sed -n 's/^channel=//p' <<<"$stats_out")
# The original backend's login (POST /api/auth) gives a fresh token.
token=$(curl -fs -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/auth" \
  -d "{\"username\":\"$bench_email\",\"password\":\"bench password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
duration=$stats_duration
echo
echo "HTTP load, stored statistics: wrk, $connections connections, $duration each"
stats_p99=()
for route in hot_topics representative_messages summary most_active pulse; do
  scenario "GET /api/stats/$route/{id}" "/api/stats/$route/$channel" -H "Authorization: Bearer $token"
  stats_p99+=("$LAST_P99")
done
python3 - "${stats_p99[@]}" <<'PY'
import sys
def ms(v):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if v.endswith(unit):
            return float(v[: -len(unit)]) * f
    return float("nan")
worst = max(ms(v) for v in sys.argv[1:])
print(f"\nstored stats GETs, worst p99:   {worst:5.2f} ms (target < 10 ms)")
PY
# Ingest: the sandbox's default workspaces (about 27,700 readable posts per provider)
# backfilled through the adapters, the service and the store into a fresh database on the bench
# cluster (created for the run, dropped after); median of 3 rounds per provider, a few seconds.
# The server is done: stop it (and its exit trap, whose kill would now fail under set -e).
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
trap - EXIT
echo
echo "Ingest (target: >= 20,000 posts/s for each provider)"
SWITCHBOARD_TEST_DATABASE_URL=$admin SWITCHBOARD__LOG__FILTER=warn "$target/release/examples/ingest_bench"

# Mail: a first sync of a 20,000-message Outlook mailbox from the in-process sandbox (median of 3
# rounds; target >= 2,000 messages/s) and of a Gmail one, the list route with its filters and
# full-text search, then the mail analytics GETs, at $connections clients over 100,000 stored
# messages, saturated and paced at MAIL_BENCH_RATE (1,000) requests/s (target p99 < 10 ms), and a
# 25 MB attachment streamed through the server while its memory is sampled (target: < 5 MB more at
# the peak). A fresh database on the bench cluster, the server in the bench's own process.
# MAIL_BENCH_MESSAGES, MAIL_BENCH_STORED, MAIL_BENCH_ROUNDS and MAIL_BENCH_ATTACHMENT_MB change it.
echo
SWITCHBOARD_TEST_DATABASE_URL=$admin SWITCHBOARD__LOG__FILTER=warn \
  MAIL_BENCH_CLIENTS=$connections MAIL_BENCH_SECS=${duration%s} "$target/release/examples/mail_bench"

# Chat posts: a channel of 1,000,000 posts written through the store, then the post routes
# (first page flat and nested, cursor pages, author, q with a rare and a common word, a thread,
# single posts) at $connections clients, saturated and paced at POSTS_BENCH_RATE (1,000)
# requests/s (target p99 < 10 ms; crates/app/examples/posts_bench).
# A fresh database on the bench cluster. POSTS_BENCH_POSTS changes the size; POSTS_BENCH_DB
# keeps the database between runs.
echo
SWITCHBOARD_TEST_DATABASE_URL=$admin SWITCHBOARD__LOG__FILTER=warn \
  POSTS_BENCH_CLIENTS=$connections POSTS_BENCH_SECS=${duration%s} "$target/release/examples/posts_bench"

# Events to clients: 1,000 streams of one user and events committed by another process, commit →
# arrival at every stream (target p99 < 50 ms) and memory per stream; then 10 webhooks and 1,000
# events delivered by one worker process (target >= 500 deliveries/s). A fresh database; the
# release binary as subprocesses. EVENTS_BENCH_STREAMS, _EVENTS, _RATE, _WEBHOOKS, _DELIVERIES.
echo
SWITCHBOARD_TEST_DATABASE_URL=$admin "$target/release/examples/events_bench"

# The password-hashing priority (auth.argon2.priority): a storm of reads and a storm of logins at
# once against a server per priority; its default rests on these figures (docs/identity.md).
scripts/bench-priority.sh "$target/release/switchboard" "$admin" "$((port + 100))"

# Analytics quality and speed against sumy and YAKE: optional, pip must reach PyPI.
if [ "${BENCH_QUALITY:-0}" = 1 ]; then
  echo
  echo "Analytics vs sumy LexRank and YAKE (BENCH_QUALITY=1)"
  CARGO_TARGET_DIR=$target scripts/quality/compare.py \
    || echo "quality: compare.py failed (no network for pip?); see docs/analytics.md for recorded figures"
fi
