#!/usr/bin/env bash
# Validate everything under deploy/ without a cluster or a container engine:
#   - Prometheus alert rules (promtool check rules) and their unit tests (promtool test rules),
#     the Prometheus config (promtool check config), the Alertmanager config (amtool);
#   - deploy/docker-compose.yml (`docker compose config`, else `docker-compose config`,
#     else a structural YAML check);
#   - deploy/k8s manifests against the Kubernetes OpenAPI schemas (kubernetes-validate,
#     schemas shipped in the PyPI package) and `kubectl kustomize` when kubectl exists;
#   - the Grafana dashboard is the generated one and provisioning files parse.
# Installs what is missing (Debian packages via apt-get when root, PyPI packages into
# the project venv). Exit 0: all passed; 1: a check failed; 2: a tool could not be installed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PY="$ROOT/.venv/bin/python"; else PY="$(command -v python3)"; fi
fi
K8S_VERSION="${HASILA_K8S_VERSION:-1.30}"

failures=0
missing=0
step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
lack() { printf 'MISSING TOOL: %s\n' "$*" >&2; missing=$((missing + 1)); }

apt_updated=0
apt_install() {  # apt_install <command> <package>
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then return 1; fi
  if [[ $apt_updated == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1
  command -v "$1" >/dev/null 2>&1
}

pip_install() {  # pip_install <python module> <package>
  "$PY" -c "import $1" >/dev/null 2>&1 && return 0
  "$PY" -m pip install -q "$2" >/dev/null 2>&1
  "$PY" -c "import $1" >/dev/null 2>&1
}

# --- Prometheus ---------------------------------------------------------------------------
step "prometheus rules, rule unit tests and config (promtool)"
if apt_install promtool prometheus; then
  promtool --version 2>&1 | head -1
  promtool check rules deploy/prometheus/rules/*.yml || fail "promtool check rules"
  promtool test rules deploy/prometheus/tests/*.yml || fail "promtool test rules"
  promtool check config --syntax-only deploy/prometheus/prometheus.yml \
    || fail "promtool check config"
else
  lack "promtool (Debian package prometheus)"
fi

step "alertmanager config (amtool)"
if apt_install amtool prometheus-alertmanager; then
  amtool check-config deploy/alertmanager/alertmanager.yml || fail "amtool check-config"
else
  lack "amtool (Debian package prometheus-alertmanager)"
fi

# --- YAML parser for the structural checks ----------------------------------------------
pip_install yaml pyyaml || lack "PyYAML"

# --- docker compose -------------------------------------------------------------------------
step "docker-compose.yml"
if docker compose version >/dev/null 2>&1; then
  docker compose -f deploy/docker-compose.yml config -q && ok "docker compose config" \
    || fail "docker compose config"
elif apt_install docker-compose docker-compose; then
  docker-compose version 2>/dev/null | head -1
  docker-compose -f deploy/docker-compose.yml config -q && ok "docker-compose config" \
    || fail "docker-compose config"
else
  echo "no compose CLI: structural check only"
fi
# Always: the services, mounts and environment the deployment promises are there.
"$PY" - <<'PYEOF' || fail "compose structure"
import sys, yaml
from pathlib import Path
c = yaml.safe_load(Path("deploy/docker-compose.yml").read_text())
s = c["services"]
need = {"kafka", "worker-1", "worker-2", "prometheus", "alertmanager", "grafana"}
assert need <= set(s), f"missing services: {need - set(s)}"
assert s["kafka"]["image"] == "apache/kafka:3.9.1", s["kafka"]["image"]
for w in ("worker-1", "worker-2"):
    assert s[w]["build"]["dockerfile"] == "deploy/Dockerfile"
    env = s[w]["environment"]
    for k in ("HASILA_BROKER", "HASILA_TOPIC_PREFIX", "HASILA_PARTITIONS", "HASILA_WEB_PORT",
              "HASILA_WEB_BIND", "HASILA_STORE", "HASILA_DATA_DIR"):
        assert k in env, f"{w}: {k} not set"
    assert env["HASILA_WEB_BIND"] == "0.0.0.0"
    assert s[w]["command"] == ["worker"]
for svc, paths in {
    "prometheus": ["./prometheus/prometheus.yml", "./prometheus/rules"],
    "alertmanager": ["./alertmanager/alertmanager.yml"],
    "grafana": ["./grafana/provisioning", "./grafana/dashboards"],
}.items():
    mounts = [v.split(":")[0] for v in s[svc]["volumes"]]
    for p in paths:
        assert p in mounts, f"{svc} does not mount {p}"
        assert (Path("deploy") / p).exists(), f"{p} does not exist"
print("ok: compose structure")
PYEOF

# --- Kubernetes manifests ------------------------------------------------------------------
step "kubernetes manifests (kubernetes-validate, Kubernetes $K8S_VERSION schemas)"
if pip_install kubernetes_validate kubernetes-validate; then
  manifests=(deploy/k8s/configmap.yaml deploy/k8s/service.yaml deploy/k8s/statefulset.yaml
             deploy/k8s/pdb.yaml deploy/k8s/secret.example.yaml)
  "$PY" -m kubernetes_validate --strict --quiet -k "$K8S_VERSION" "${manifests[@]}" \
    && ok "kubernetes-validate (${#manifests[@]} files)" || fail "kubernetes-validate"
else
  lack "kubernetes-validate (PyPI)"
fi
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize deploy/k8s >/dev/null && ok "kubectl kustomize" || fail "kubectl kustomize"
fi
"$PY" - <<'PYEOF' || fail "k8s structure"
import yaml
from pathlib import Path
sts = yaml.safe_load(Path("deploy/k8s/statefulset.yaml").read_text())
assert sts["kind"] == "StatefulSet"
pod = sts["spec"]["template"]
ann = pod["metadata"]["annotations"]
assert ann["prometheus.io/scrape"] == "true" and ann["prometheus.io/path"] == "/metrics"
c = pod["spec"]["containers"][0]
port = {p["name"]: p["containerPort"] for p in c["ports"]}["web"]
assert str(port) == ann["prometheus.io/port"], "scrape port is not the web port"
probe = c["readinessProbe"]["httpGet"]
assert probe["path"] == "/health" and probe["port"] in ("web", port)
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
claims = {t["metadata"]["name"] for t in sts["spec"]["volumeClaimTemplates"]}
assert "data" in claims and mounts["data"] == "/var/lib/hasila"
cm = yaml.safe_load(Path("deploy/k8s/configmap.yaml").read_text())
assert cm["data"]["HASILA_DATA_DIR"] == mounts["data"]
assert cm["data"]["HASILA_WEB_PORT"] == str(port)
print("ok: k8s structure")
PYEOF

# --- Grafana -----------------------------------------------------------------------------
step "grafana dashboard and provisioning"
"$PY" deploy/grafana/build_dashboard.py --check || fail "grafana dashboard out of date"
"$PY" - <<'PYEOF' || fail "grafana provisioning"
import json, yaml
from pathlib import Path
d = json.loads(Path("deploy/grafana/dashboards/hasila.json").read_text())
ds = yaml.safe_load(Path("deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
uids = {x["uid"] for x in ds["datasources"]}
for p in d["panels"]:
    if p["type"] != "row":
        assert p["datasource"]["uid"] in uids, p["title"]
prov = yaml.safe_load(Path("deploy/grafana/provisioning/dashboards/hasila.yml").read_text())
assert prov["providers"][0]["options"]["path"]
print(f"ok: {len(d['panels'])} panels, datasource uids {sorted(uids)}")
PYEOF

printf '\n'
if ((failures)); then echo "check_deploy: $failures check(s) FAILED"; exit 1; fi
if ((missing)); then echo "check_deploy: $missing tool(s) could not be installed"; exit 2; fi
echo "check_deploy: all checks passed"
