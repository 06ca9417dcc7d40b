#!/usr/bin/env bash
# Offline check of deploy/k8s: `kubectl apply --dry-run=client` needs an API
# server for discovery, so this checks the manifests' structure with
# python3-yaml instead: the kinds and API versions, an Indexed Job with
# completions = parallelism = the --shards N its pods pass, the shard index
# from JOB_COMPLETION_INDEX, results on the shared volume, and a merge Job
# reading the same claim.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$here/deploy/k8s" <<'PY'
import re, sys, yaml
d = sys.argv[1]
docs = list(yaml.safe_load_all(open(f"{d}/apbench-shards.yaml")))
merge = list(yaml.safe_load_all(open(f"{d}/apbench-merge.yaml")))
kinds = {(x["apiVersion"], x["kind"]): x for x in docs + merge}
pvc = kinds[("v1", "PersistentVolumeClaim")]
jobs = [x for x in docs + merge if x["kind"] == "Job"]
assert all(x["apiVersion"] == "batch/v1" for x in jobs)
shards = next(j for j in jobs if j["metadata"]["name"] == "apbench-shards")
spec = shards["spec"]
assert spec["completionMode"] == "Indexed", "not an Indexed Job"
n = spec["completions"]
assert spec["parallelism"] == n, "parallelism != completions"
pod = spec["template"]["spec"]
assert pod["restartPolicy"] in ("Never", "OnFailure")
args = " ".join(pod["containers"][0]["args"])
m = re.search(r"--shards (\d+)", args)
assert m and int(m.group(1)) == n, f"--shards must be {n}: {args}"
assert "${JOB_COMPLETION_INDEX}" in args and "--json /results/" in args
claim = pvc["metadata"]["name"]
for j in jobs:
    p = j["spec"]["template"]["spec"]
    vols = {v["name"]: v for v in p["volumes"]}
    mounts = p["containers"][0]["volumeMounts"]
    assert any(vols[m["name"]]["persistentVolumeClaim"]["claimName"] == claim
               and m["mountPath"] == "/results" for m in mounts), j["metadata"]
mj = next(j for j in jobs if j["metadata"]["name"] == "apbench-merge")
assert "apbench merge /results/shard-*.json" in " ".join(
    mj["spec"]["template"]["spec"]["containers"][0]["args"])
print(f"check-k8s: ok: Indexed Job of {n} shards, merge Job, claim '{claim}'")
PY
