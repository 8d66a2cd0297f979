#!/usr/bin/env bash
# The same fleet at node granularity (blocks of 8) and at pod granularity (blocks of 1,024) gives the same
# results on a non-blocking fabric: job times within 1e-6 relative, tokens and IT energy within 1e-9.
# Communication inside a block is in the step model either way; only the traffic between blocks is
# simulated, and on a non-blocking fabric it never outlasts the step. (On an oversubscribed fabric the
# node-granularity run sees contention that a pod-granularity run cannot: granularity then matters.)
source "$(dirname "$0")/lib.sh" "$@"
cat >"$WORK/g.yaml" <<YAML
name: granularity
horizon_days: 40
catalog: $SRC/platforms/catalog
site: {power_w: 8.0e6, pue: 1.1, electricity_usd_per_kwh: 0.07, facility_capex_usd_per_w: 10}
workload:
  pretraining:
    - {name: a, params: 7.0e9, tokens: 6.0e11, chips: 2048, global_batch_tokens: 16777216}
    - {name: b, params: 1.0e9, tokens: 3.0e11, chips: 512, submit_day: 1, global_batch_tokens: 4194304}
    - {name: c, params: 1.3e10, tokens: 2.0e11, chips: 1536, submit_day: 2, global_batch_tokens: 16777216}
    - {name: d, params: 7.0e9, tokens: 4.0e11, chips: 4096, submit_day: 3, global_batch_tokens: 16777216}
hardware_choices:
  - {name: node, system: h100-x8, chips: 4096, block_chips: 8}
  - {name: pod, system: h100-x8, chips: 4096, block_chips: 1024}
YAML
expect_rc 0 "$BIN" run "$WORK/g.yaml" --out "$WORK/out" --quiet
python3 - "$WORK/out" <<'PY' || fail "node and pod granularity disagree"
import csv, json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))["choices"]
n, p = s["node"], s["pod"]
assert n["hosts"] == 512 and p["hosts"] == 4, (n["hosts"], p["hosts"])
def close(a, b, rel): return abs(a - b) <= rel * max(abs(a), abs(b))
assert close(n["training"]["tokens"], p["training"]["tokens"], 1e-9)
assert close(n["energy"]["it_mwh"], p["energy"]["it_mwh"], 1e-9), (n["energy"], p["energy"])
jobs = {}
for r in csv.DictReader(open(f"{d}/jobs.csv")): jobs[(r["choice"], r["job"])] = r
for j in "abcd":
    a, b = jobs[("node", j)], jobs[("pod", j)]
    for k in ("start_s", "end_s"):
        assert close(float(a[k]), float(b[k]), 1e-6), (j, k, a[k], b[k])
PY
finish
