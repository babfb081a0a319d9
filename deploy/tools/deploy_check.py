"""Offline checks of deploy/, run by scripts/deploy-check.sh with the project-local venv.

  render DIR             print a kustomization built by the small renderer below
  same A B               fail unless two multi-document YAML files hold the same objects
  validate VERSION FILE  validate every object of FILE (Kubernetes schemas, strict)
  env-keys FILE...       fail on a SWITCHBOARD__ variable that names no configuration key
                         (in config/default.toml), wherever a deploy file names one

Rendering: `kubectl kustomize` is the real thing and the script uses it when kubectl is
installed. Without it, `render` builds the overlays itself, supporting exactly what deploy/k8s
uses (resources, components, namespace, labels, images, replicas, strategic-merge patches by
kind and name); the script then also compares the two renderings wherever kubectl exists, so
the fallback cannot drift from kustomize unnoticed. Anything else in a kustomization is refused.

Validation: kubernetes-validate's strict schemas reject unknown fields (a typo) and wrong types.
The ServiceMonitor is no built-in kind: it is checked against servicemonitor.schema.json here,
a strict subset of the Prometheus Operator's CRD covering the fields a ServiceMonitor of ours
may use. Any other kind without a schema fails.
"""

import copy
import json
import pathlib
import re
import sys
import tomllib

import jsonschema
import kubernetes_validate
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SUPPORTED = {"apiVersion", "kind", "resources", "components", "namespace", "labels", "images",
             "replicas", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}
SCALABLE = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}
TEMPLATED = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}


def load_docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def merge(base, patch):
    """A strategic merge patch, as far as deploy/k8s needs: maps merge, null deletes, lists of
    named maps (containers, volumes, env) merge by name, other lists are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
        return out
    named = lambda items: all(isinstance(i, dict) and "name" in i for i in items)  # noqa: E731
    if isinstance(base, list) and isinstance(patch, list) and named(base) and named(patch):
        out = [copy.deepcopy(i) for i in base]
        for item in patch:
            match = next((i for i, b in enumerate(out) if b["name"] == item["name"]), None)
            if match is None:
                out.append(copy.deepcopy(item))
            else:
                out[match] = merge(out[match], item)
        return out
    return copy.deepcopy(patch)


def key(obj):
    return (obj["kind"], obj["metadata"]["name"])


def pod_specs(obj):
    spec = obj.get("spec", {})
    if obj["kind"] in TEMPLATED:
        yield spec["template"]["spec"]


def build(directory):
    directory = pathlib.Path(directory)
    kust = load_docs(directory / "kustomization.yaml")[0]
    unknown = set(kust) - SUPPORTED
    if unknown:
        sys.exit(f"{directory}: the fallback renderer does not support {sorted(unknown)}")
    objects = []
    for entry in kust.get("resources", []):
        path = directory / entry
        objects += build(path) if path.is_dir() else load_docs(path)
    for entry in kust.get("components", []):
        objects = apply(directory / entry, objects)
    return apply(directory, objects, kust)


def apply(directory, objects, kust=None):
    """Applies a kustomization's (or a component's) transformations to `objects`."""
    directory = pathlib.Path(directory)
    if kust is None:
        kust = load_docs(directory / "kustomization.yaml")[0]
        unknown = set(kust) - SUPPORTED
        if unknown:
            sys.exit(f"{directory}: the fallback renderer does not support {sorted(unknown)}")
        for entry in kust.get("resources", []):
            objects = objects + load_docs(directory / entry)
    by_key = {key(o): o for o in objects}
    if len(by_key) != len(objects):
        sys.exit(f"{directory}: two resources share a kind and name")
    for patch in kust.get("patches", []):
        if set(patch) != {"path"}:
            sys.exit(f"{directory}: only `patches: - path:` is supported")
        for doc in load_docs(directory / patch["path"]):
            if key(doc) not in by_key:
                sys.exit(f"{directory}/{patch['path']}: no resource {key(doc)} to patch")
            by_key[key(doc)] = merge(by_key[key(doc)], doc)
    objects = [by_key[key(o)] for o in objects]
    for entry in kust.get("replicas", []):
        targets = [o for o in objects
                   if o["metadata"]["name"] == entry["name"] and o["kind"] in SCALABLE]
        if not targets:
            sys.exit(f"{directory}: replicas of unknown {entry['name']}")
        for obj in targets:
            obj.setdefault("spec", {})["replicas"] = entry["count"]
    for image in kust.get("images", []):
        for obj in objects:
            for spec in pod_specs(obj):
                for container in spec.get("containers", []) + spec.get("initContainers", []):
                    name = container["image"].split("@")[0].rsplit(":", 1)[0]
                    if name == image["name"]:
                        container["image"] = f"{image.get('newName', name)}:{image['newTag']}"
    for label in kust.get("labels", []):
        if label.get("includeSelectors"):
            sys.exit(f"{directory}: labels with includeSelectors are not supported")
        for obj in objects:
            obj["metadata"].setdefault("labels", {}).update(label["pairs"])
            if label.get("includeTemplates") and obj["kind"] in TEMPLATED:
                meta = obj["spec"]["template"].setdefault("metadata", {})
                meta.setdefault("labels", {}).update(label["pairs"])
    if "namespace" in kust:
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = kust["namespace"]
    return objects


def same(a, b):
    left = {key(o): o for o in load_docs(a)}
    right = {key(o): o for o in load_docs(b)}
    if left == right:
        return 0
    for k in sorted(set(left) | set(right)):
        if left.get(k) != right.get(k):
            print(f"differs: {k}\n  {a}: {json.dumps(left.get(k), sort_keys=True)}\n"
                  f"  {b}: {json.dumps(right.get(k), sort_keys=True)}", file=sys.stderr)
    return 1


QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")


def bad_quantities(obj):
    """Resource quantities the schemas accept as any string (`128Mb`), as kubectl would not."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("requests", "limits") and isinstance(v, dict) and path.endswith("resources"):
                    found.extend(f"{path}.{k}.{n}: {q!r}" for n, q in v.items()
                                 if not QUANTITY.match(str(q)))
                walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}.{i}")
    walk(obj, "")
    return found


def validate(version, path):
    schema = json.loads((HERE / "servicemonitor.schema.json").read_text(encoding="utf-8"))
    failures = 0
    for obj in load_docs(path):
        name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
        try:
            if obj.get("apiVersion") == "monitoring.coreos.com/v1" and obj["kind"] == "ServiceMonitor":
                jsonschema.Draft202012Validator(schema).validate(obj)
                print(f"ok   {path}: {name} (servicemonitor.schema.json)")
            else:
                kubernetes_validate.validate(obj, version, strict=True)
                for problem in bad_quantities(obj):
                    raise jsonschema.ValidationError(f"not a resource quantity: {problem}")
                print(f"ok   {path}: {name} (Kubernetes {version}, strict)")
        except kubernetes_validate.SchemaNotFoundError:
            print(f"FAIL {path}: {name}: no schema for {obj.get('apiVersion')}", file=sys.stderr)
            failures += 1
        except jsonschema.ValidationError as e:
            where = ".".join(str(p) for p in e.path)
            print(f"FAIL {path}: {name}: {where}: {e.message}", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


def config_keys():
    """Every key path of config/default.toml, tables included (`mail.mx_overrides`)."""
    def walk(prefix, table, out):
        for name, value in table.items():
            path = f"{prefix}.{name}" if prefix else name
            out.add(path)
            if isinstance(value, dict) and value:
                walk(path, value, out)
    out = set()
    walk("", tomllib.loads((ROOT / "config/default.toml").read_text(encoding="utf-8")), out)
    return out


def env_names(path):
    """Every SWITCHBOARD__ variable a deploy file names (set, or mentioned in a comment)."""
    text = pathlib.Path(path).read_text(encoding="utf-8")
    names = set(re.findall(r"SWITCHBOARD__[A-Z0-9_]*[A-Z0-9]", text))
    return names - {"SWITCHBOARD__SECTION__KEY"}


def env_keys(paths):
    known = config_keys()
    bad = []
    for path in paths:
        for name in sorted(env_names(path)):
            if not name.startswith("SWITCHBOARD__"):
                continue
            parts = name[len("SWITCHBOARD__"):].lower().split("__")
            prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
            # A key under a map such as mail.mx_overrides is free-form below the map.
            ok = ".".join(parts) in known or any(p in known and p.endswith("mx_overrides")
                                                 for p in prefixes)
            if not ok:
                bad.append(f"{path}: {name} names no key of config/default.toml")
    for line in bad:
        print(f"FAIL {line}", file=sys.stderr)
    if not bad:
        print(f"ok   every SWITCHBOARD__ variable of {len(paths)} files names a configuration key")
    return 1 if bad else 0


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "render":
        yaml.safe_dump_all(build(args[0]), sys.stdout, sort_keys=True)
        return 0
    if command == "same":
        return same(*args)
    if command == "validate":
        return max(validate(args[0], path) for path in args[1:])
    if command == "env-keys":
        return env_keys(args)
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
