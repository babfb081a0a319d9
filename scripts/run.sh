#!/usr/bin/env bash
# `make run`: the project-local PostgreSQL (or DATABASE_URL), migrations, then the server with
# the development profile: the fake Slack and Mattermost (the sandbox) run inside it, and a demo
# account connected to both is created and synced. Its credentials are printed once seeded.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

url=$(scripts/db.sh start)
cargo build --locked -p switchboard-app
bin="${CARGO_TARGET_DIR:-target}/debug/switchboard"
export DATABASE_URL="$url"
export SWITCHBOARD_PROFILE=${SWITCHBOARD_PROFILE:-development}
"$bin" migrate
host=${SWITCHBOARD__SERVER__HOST:-127.0.0.1}
port=${SWITCHBOARD__SERVER__PORT:-8000}
cat <<MSG

  Switchboard is starting (profile $SWITCHBOARD_PROFILE).
    API:      http://$host:$port/          (try: curl http://$host:$port/readyz)
    Docs:     http://$host:$port/docs/
    OpenAPI:  http://$host:$port/openapi.json
  The sandbox (fake Slack, Mattermost, Microsoft and Google) starts inside the server; the demo user's
  credentials and ready-to-paste curl lines follow once it is connected.
  Stop with Ctrl-C; stop the database with 'make db-stop'.

MSG
exec "$bin" serve
