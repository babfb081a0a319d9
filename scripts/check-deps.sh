#!/usr/bin/env bash
# Enforces the hexagon's dependency rule on the resolved dependency graph (cargo tree), so a
# forbidden crate reached transitively fails too. Exits non-zero, naming each violation.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

adapters=(switchboard-postgres switchboard-memory switchboard-sandbox switchboard-crypto)
for c in slack mattermost graph gmail; do
  [ -f "crates/$c/Cargo.toml" ] && adapters+=("switchboard-$c")
done

failures=0
# Normal (non-dev) dependencies of a package, transitively, as bare crate names.
deps_of() {
  cargo tree -q -p "$1" -e normal,build --prefix none --no-dedupe 2>/dev/null \
    | awk '{print $1}' | sort -u
}
forbid() { # package, crates...
  local pkg=$1; shift
  local deps; deps=$(deps_of "$pkg")
  [ -n "$deps" ] || { echo "check-deps: cannot resolve $pkg"; failures=$((failures + 1)); return; }
  for bad in "$@"; do
    [ "$bad" = "$pkg" ] && continue
    if grep -qx "$bad" <<<"$deps"; then
      echo "check-deps: $pkg must not depend on $bad"
      echo "  path: $(cargo tree -q -p "$pkg" -e normal,build -i "$bad" --prefix none 2>/dev/null | tr '\n' ' ' | cut -c1-300)"
      failures=$((failures + 1))
    fi
  done
}

forbid switchboard-domain actix-web diesel diesel-async tokio-postgres reqwest tokio
forbid switchboard-ports actix-web diesel diesel-async
forbid switchboard-services actix-web diesel diesel-async
forbid switchboard-http switchboard-postgres diesel diesel-async "${adapters[@]}"
for a in "${adapters[@]}"; do
  forbid "$a" switchboard-http "${adapters[@]}"
done

if [ "$failures" -gt 0 ]; then
  echo "check-deps: $failures violation(s) of the dependency rule (docs/architecture.md)"
  exit 1
fi
echo "check-deps: the dependency rule holds"
