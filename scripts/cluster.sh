#!/usr/bin/env bash
# A local scale-out: 3 `switchboard serve` processes (no job loops inside) and 2
# `switchboard worker` processes on one PostgreSQL, with the sandbox's fake providers.
#
#   scripts/cluster.sh start|stop|status
#
# serve-1 runs the sandbox (fake Slack, Mattermost, Microsoft, Google) and seeds the demo
# account; every process shares the development keys, so a token from one server is good on
# the others. Logs (JSON lines) and pids go to .data/cluster/; `status` prints each process,
# its pid and whether it answers.
#
# DATABASE_URL picks the database (default: the project-local cluster of scripts/db.sh, database
# switchboard_cluster). SWITCHBOARD_BIN picks the binary (default: the debug build of
# CARGO_TARGET_DIR or target/). Ports: CLUSTER_PORT (first API port, 8101..8103),
# CLUSTER_SANDBOX_PORT (8190), CLUSTER_METRICS_PORT (first worker metrics port, 9201..9202).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir=.data/cluster
bin=${SWITCHBOARD_BIN:-${CARGO_TARGET_DIR:-target}/debug/switchboard}
api_port=${CLUSTER_PORT:-8101}
sandbox_port=${CLUSTER_SANDBOX_PORT:-8190}
metrics_port=${CLUSTER_METRICS_PORT:-9201}
serves=3
workers=2
demo_password=${CLUSTER_DEMO_PASSWORD:-cluster demo password}

log() { printf 'cluster: %s\n' "$*" >&2; }

# The project-local cluster's database is made afresh at each start: every run begins from the
# same state (a demo account left by an earlier run would have its sources replaced while the
# checks already read them).
database_url() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  scripts/db.sh start >/dev/null
  psql "$(scripts/db.sh url --admin)" -qX -c "DROP DATABASE IF EXISTS switchboard_cluster WITH (FORCE)" >/dev/null
  SWITCHBOARD_DB_NAME=switchboard_cluster scripts/db.sh start
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The settings every process shares: one database, JSON logs, short leases (a killed worker's
# jobs run again soon), limits high enough for a load run from one address.
common_env() {
  export SWITCHBOARD_PROFILE=development
  export DATABASE_URL="$1"
  export SWITCHBOARD__LOG__FORMAT=json
  export SWITCHBOARD__LOG__FILTER="${CLUSTER_LOG_FILTER:-info,switchboard_services::jobs=debug}"
  export SWITCHBOARD__DATABASE__MIGRATE_ON_START=false
  export SWITCHBOARD__DATABASE__POOL_SIZE=${CLUSTER_POOL_SIZE:-4}
  export SWITCHBOARD__SERVER__WORKERS=${CLUSTER_SERVER_WORKERS:-1}
  export SWITCHBOARD__JOBS__WORKERS_IN_SERVE=0
  export SWITCHBOARD__JOBS__LEASE_SECS=${CLUSTER_LEASE_SECS:-5}
  export SWITCHBOARD__AUTH__LIMITS__LOGIN_PER_IP=1000000
  export SWITCHBOARD__AUTH__LIMITS__REGISTER_PER_IP=1000000
  export SWITCHBOARD__SANDBOX__ENABLED=false
  # The statistics update (which runs the event consumers) often, so they keep up in a run.
  export SWITCHBOARD__STATS__UPDATE_INTERVAL_SECS=${CLUSTER_STATS_INTERVAL_SECS:-5}
  # Mail through serve-1's sandbox, with its fake apps' public credentials (serve-1 sets the
  # same on itself when its sandbox starts).
  local sandbox="http://127.0.0.1:$sandbox_port"
  export SWITCHBOARD__MAIL__MICROSOFT__CLIENT_ID=5b1e0c3a-7d2f-4e8a-9c61-0a4d5e6f7a81
  export SWITCHBOARD__MAIL__MICROSOFT__CLIENT_SECRET='sbx8Q~sandbox-microsoft-client-secret'
  export SWITCHBOARD__MAIL__MICROSOFT__LOGIN_BASE_URL="$sandbox/microsoft/login"
  export SWITCHBOARD__MAIL__MICROSOFT__GRAPH_BASE_URL="$sandbox/microsoft/graph/v1.0"
  export SWITCHBOARD__MAIL__GOOGLE__CLIENT_ID=418934710385-sandbox0halden0mail0client0a1b2.apps.googleusercontent.com
  export SWITCHBOARD__MAIL__GOOGLE__CLIENT_SECRET=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
  export SWITCHBOARD__MAIL__GOOGLE__AUTHORIZE_URL="$sandbox/google/oauth/o/oauth2/v2/auth"
  export SWITCHBOARD__MAIL__GOOGLE__TOKEN_URL="$sandbox/google/oauth/token"
  export SWITCHBOARD__MAIL__GOOGLE__REVOKE_URL="$sandbox/google/oauth/revoke"
  export SWITCHBOARD__MAIL__GOOGLE__GMAIL_BASE_URL="$sandbox/google/"
  export SWITCHBOARD__CHAT__SLACK_BASE_URL="$sandbox/slack/api"
  export SWITCHBOARD__CHAT__MATTERMOST_BASE_URL="$sandbox/mattermost"
}

start() {
  [ -x "$bin" ] || { log "no binary at $bin (cargo build -p switchboard-app, or set SWITCHBOARD_BIN)"; exit 1; }
  mkdir -p "$dir"
  local url
  url=$(database_url)
  echo "$url" >"$dir/database_url"
  (common_env "$url"; "$bin" migrate >"$dir/migrate.log" 2>&1) || {
    log "migrate failed: see $dir/migrate.log"; exit 1; }
  for n in $(seq 1 $serves); do
    if alive "$dir/serve-$n.pid"; then log "serve-$n already running"; continue; fi
    (
      common_env "$url"
      export SWITCHBOARD__SERVER__PORT=$((api_port + n - 1))
      if [ "$n" = 1 ]; then
        export SWITCHBOARD__SANDBOX__ENABLED=true
        export SWITCHBOARD__SANDBOX__PORT=$sandbox_port
        export SWITCHBOARD__SANDBOX__DEMO__PASSWORD="$demo_password"
      fi
      exec "$bin" serve >"$dir/serve-$n.log" 2>&1
    ) &
    echo $! >"$dir/serve-$n.pid"
  done
  for n in $(seq 1 $workers); do
    if alive "$dir/worker-$n.pid"; then log "worker-$n already running"; continue; fi
    (
      common_env "$url"
      export SWITCHBOARD__METRICS__WORKER_LISTEN=127.0.0.1:$((metrics_port + n - 1))
      exec "$bin" worker >"$dir/worker-$n.log" 2>&1
    ) &
    echo $! >"$dir/worker-$n.pid"
  done
  for n in $(seq 1 $serves); do
    wait_for "http://127.0.0.1:$((api_port + n - 1))/readyz" "serve-$n"
  done
  for n in $(seq 1 $workers); do
    wait_for "http://127.0.0.1:$((metrics_port + n - 1))/metrics" "worker-$n"
  done
  status
}

# Waits up to a minute for `url` to answer 200 (a fresh debug build starts in a second or two).
wait_for() {
  local url=$1 name=$2
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return; fi
    if ! alive "$dir/$name.pid"; then log "$name exited: see $dir/$name.log"; tail -n 5 "$dir/$name.log" >&2; exit 1; fi
    sleep 0.1
  done
  log "$name does not answer at $url"; exit 1
}

stop() {
  for pid_file in "$dir"/*.pid; do
    [ -f "$pid_file" ] || continue
    if alive "$pid_file"; then kill -TERM "$(cat "$pid_file")" 2>/dev/null || true; fi
  done
  for pid_file in "$dir"/*.pid; do
    [ -f "$pid_file" ] || continue
    for _ in $(seq 1 300); do alive "$pid_file" || break; sleep 0.1; done
    if alive "$pid_file"; then kill -KILL "$(cat "$pid_file")" 2>/dev/null || true; fi
    rm -f "$pid_file"
  done
  log "stopped"
}

status() {
  local port name
  for n in $(seq 1 $serves); do
    name=serve-$n port=$((api_port + n - 1))
    report "$name" "http://127.0.0.1:$port/readyz"
  done
  for n in $(seq 1 $workers); do
    name=worker-$n port=$((metrics_port + n - 1))
    report "$name" "http://127.0.0.1:$port/metrics"
  done
}

report() {
  local name=$1 url=$2 state=down pid=-
  if alive "$dir/$name.pid"; then
    pid=$(cat "$dir/$name.pid")
    state=running
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then state=answering; fi
  fi
  printf '%-9s pid %-8s %-10s %s\n' "$name" "$pid" "$state" "$url"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
