#!/usr/bin/env bash
# `make run`: the project-local PostgreSQL (or DATABASE_URL), migrations, then the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

url=$(scripts/db.sh start)
cargo build --locked -p switchboard-app
bin="${CARGO_TARGET_DIR:-target}/debug/switchboard"
export DATABASE_URL="$url"
"$bin" migrate
host=${SWITCHBOARD__SERVER__HOST:-127.0.0.1}
port=${SWITCHBOARD__SERVER__PORT:-8000}
cat <<MSG

  Switchboard is starting.
    API:      http://$host:$port/          (try: curl http://$host:$port/readyz)
    Docs:     http://$host:$port/docs/
    OpenAPI:  http://$host:$port/openapi.json
  Stop with Ctrl-C; stop the database with 'make db-stop'.

MSG
exec "$bin" serve
