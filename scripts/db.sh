#!/usr/bin/env bash
# Project-local PostgreSQL cluster for `make run` and `make test`.
#
#   scripts/db.sh start   start (or reuse) the cluster, create the database, print its URL
#   scripts/db.sh stop    stop the cluster
#   scripts/db.sh status  say whether it runs
#   scripts/db.sh url     print the URL (the admin URL with --admin)
#
# When DATABASE_URL is set, nothing is started: that database is used as it is.
# The cluster lives in .data/postgres and listens on 127.0.0.1:${SWITCHBOARD_PG_PORT:-54329}
# and on a Unix socket beside its data directory (.data/postgres-socket); the URLs printed name
# the socket when it exists: a query over it costs client and server about a quarter less CPU
# than over loopback TCP (no TCP stack on either side).
# PostgreSQL refuses to run as root, so as root every server command runs as the `postgres`
# OS user, which must own the data directory and traverse every parent of it. When it cannot
# (a checkout under a private home), the cluster is kept under /var/tmp, keyed by the
# checkout's path, and .data/postgres is a link to it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${SWITCHBOARD_PG_PORT:-54329}
db_name=${SWITCHBOARD_DB_NAME:-switchboard}
data_link="$root/.data/postgres"
log() { printf 'db: %s\n' "$*" >&2; }

tcp_base="postgres://postgres@127.0.0.1:${port}"

# The socket's directory: beside the data directory (its owner can write there), when its path
# fits a Unix socket's 107 bytes and needs no escaping in a URL but for its slashes.
socket_dir() {
  local dir
  dir="$(readlink -f "$data_link" 2>/dev/null || echo "$data_link")-socket"
  if [ $((${#dir} + 16)) -le 100 ] && [[ "$dir" =~ ^[A-Za-z0-9/._-]+$ ]]; then echo "$dir"; fi
}

# The cluster's base URL: through its socket when it listens there, else loopback TCP.
base_url() {
  local dir
  dir=$(socket_dir)
  if [ -n "$dir" ] && [ -S "$dir/.s.PGSQL.$port" ]; then
    echo "postgres://postgres@${dir//\//%2F}:${port}"
  else
    echo "$tcp_base"
  fi
}
set_urls() {
  local base
  base=$(base_url)
  admin_url="$base/postgres"
  app_url="$base/${db_name}"
}
set_urls

find_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}

ensure_installed() {
  bindir=$(find_bindir)
  if [ -z "$bindir" ] || ! command -v psql >/dev/null 2>&1; then
    log "PostgreSQL server binaries not found: installing the postgresql package"
    if [ "$(id -u)" -ne 0 ]; then
      log "not root: install PostgreSQL yourself (apt-get install -y postgresql) or set DATABASE_URL"
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql postgresql-client >&2
    bindir=$(find_bindir)
  fi
  [ -n "$bindir" ] || { log "no initdb/pg_ctl found after install"; exit 1; }
}

# Runs a server command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Picks the real data directory: .data/postgres itself, or a /var/tmp directory linked from it
# when the postgres user cannot reach the checkout.
resolve_datadir() {
  mkdir -p "$root/.data"
  if [ -L "$data_link" ]; then
    datadir=$(readlink -f "$data_link")
    mkdir -p "$datadir"
  elif [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$root/.data"; then
    local key
    key=$(printf '%s' "$root" | sha256sum | cut -c1-16)
    datadir="/var/tmp/switchboard-pg-$key"
    mkdir -p "$datadir"
    ln -sfn "$datadir" "$data_link"
    log "checkout not reachable by the postgres user: cluster kept in $datadir"
  else
    datadir="$data_link"
    mkdir -p "$datadir"
  fi
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$datadir"
  fi
  chmod 700 "$datadir"
}

is_running() {
  [ -f "$datadir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1
}

is_running_at() {
  local dir
  dir=$(readlink -f "$1")
  [ -f "$dir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

ensure_database() {
  if [ -z "$(psql_admin -c "select 1 from pg_database where datname = '$db_name'")" ]; then
    psql_admin -c "create database \"$db_name\"" >/dev/null 2>&1 || true
    log "created database $db_name"
  fi
}

psql_admin() {
  psql "$admin_url" -v ON_ERROR_STOP=1 -qAtX "$@"
}

start() {
  if [ -n "${DATABASE_URL:-}" ]; then
    log "DATABASE_URL is set: using it, starting nothing"
    echo "$DATABASE_URL"
    return
  fi
  ensure_installed
  # Another checkout's cluster (same project, same port) already answering: share it.
  if psql "$tcp_base/postgres" -qAtX -c 'select 1' >/dev/null 2>&1 \
    && ! { [ -e "$data_link" ] && is_running_at "$data_link"; }; then
    log "a PostgreSQL already answers on 127.0.0.1:$port: using it"
    admin_url="$tcp_base/postgres"
    app_url="$tcp_base/${db_name}"
    ensure_database
    echo "$app_url"
    return
  fi
  resolve_datadir
  # Two `make` runs may start the cluster at once: one does it, the other waits.
  exec 9>"$root/.data/postgres.lock"
  flock 9
  if [ ! -f "$datadir/PG_VERSION" ]; then
    log "initdb in $datadir"
    as_owner "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # A development and test cluster: durability traded for speed, enough connections for
    # parallel test processes each with their own pool.
    cat >>"$datadir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 400
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if ! is_running; then
    local sockets options=""
    sockets=$(socket_dir)
    if [ -n "$sockets" ]; then
      mkdir -p "$sockets"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$sockets"
      options="-k $sockets"
    fi
    log "starting PostgreSQL on 127.0.0.1:$port${sockets:+ and in $sockets}"
    as_owner "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -o "$options" -w -t 60 start >/dev/null
  fi
  set_urls
  for _ in $(seq 1 50); do
    psql_admin -c 'select 1' >/dev/null 2>&1 && break
    sleep 0.2
  done
  psql_admin -c 'select 1' >/dev/null
  ensure_database
  flock -u 9
  echo "$app_url"
}

stop() {
  [ -n "${DATABASE_URL:-}" ] && { log "DATABASE_URL is set: nothing to stop"; return; }
  bindir=$(find_bindir)
  [ -n "$bindir" ] || { log "PostgreSQL is not installed"; return; }
  [ -e "$data_link" ] || { log "no cluster in $data_link"; return; }
  datadir=$(readlink -f "$data_link")
  if is_running; then
    as_owner "$bindir/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null
    log "stopped"
  else
    log "not running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status)
    bindir=$(find_bindir); datadir=$(readlink -f "$data_link" 2>/dev/null || echo "$data_link")
    if [ -n "$bindir" ] && is_running; then echo "running on 127.0.0.1:$port"; else echo "stopped"; exit 3; fi ;;
  url)
    if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"
    elif [ "${2:-}" = "--admin" ]; then echo "$admin_url"
    else echo "$app_url"; fi ;;
  *) echo "usage: $0 start|stop|status|url [--admin]" >&2; exit 2 ;;
esac
