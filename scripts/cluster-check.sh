#!/usr/bin/env bash
# `make cluster-check` and `make soak`: builds the binary and the driver
# (crates/app/examples/cluster_check.rs), starts the local cluster (scripts/cluster.sh), runs the
# driver, and stops the cluster whatever the outcome. The driver's exit status is this script's.
#
#   scripts/cluster-check.sh          the scale-out checks and figures
#   scripts/cluster-check.sh soak     the soak: SOAK_SECS (600), SOAK_RATE (100 requests/s),
#                                     SOAK_SAMPLE_SECS (60)
#
# CLUSTER_PROFILE=release builds and runs release binaries (figures worth quoting); the default
# is the debug build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=${CLUSTER_PROFILE:-debug}
flags=(--locked -p switchboard-app --bin switchboard --example cluster_check)
if [ "$profile" = release ]; then flags+=(--release); fi
cargo build "${flags[@]}"
target=${CARGO_TARGET_DIR:-target}/$profile
export SWITCHBOARD_BIN="$target/switchboard"

scripts/cluster.sh stop >/dev/null 2>&1 || true
trap 'scripts/cluster.sh stop' EXIT
scripts/cluster.sh start
"$target/examples/cluster_check" "$@"
