#!/usr/bin/env bash
# The flagship scenario (scenarios/flagship-5gw-10y.yaml), cut to one year:
# - four choices; the mixed choice's two tracks each install chips, training runs only on its training
#   track's systems and serving replicas only on its serving track's;
# - the rent choice, which differs from nvidia only in how it is paid for, shares nvidia's simulation
#   (the same jobs and work) and owns nothing; and that shared result equals a run of rent alone;
# - the Azure variant extends the flagship, replaces only its demand (and name), and runs when the trace
#   is there.
source "$(dirname "$0")/lib.sh" "$@"
S="$SRC/scenarios/flagship-5gw-10y.yaml"
expect_rc 0 "$BIN" validate "$S"
expect_rc 0 "$BIN" run "$S" --set horizon_years=1 --out "$WORK/f" --quiet
python3 - "$WORK/f" <<'PY' || fail "flagship outputs"
import csv, json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))["choices"]
assert set(s) == {"nvidia", "trainium", "mixed", "rent"}, set(s)
m = s["mixed"]
tracks = {t["name"]: t for t in m["fleet"]["tracks"]}
assert tracks["trainium-training"]["use"] == "training" and tracks["gpu-serving"]["use"] == "serving", tracks
assert all(t["chips_installed_peak"] > 0 for t in tracks.values()), tracks
train_sys, serve_sys = set(tracks["trainium-training"]["systems"]), set(tracks["gpu-serving"]["systems"])
jobs = [r for r in csv.DictReader(open(f"{d}/jobs.csv")) if r["choice"] == "mixed" and r["start_s"] not in ("", "-1")]
assert jobs and all(r["system"] in train_sys for r in jobs if float(r["start_s"]) >= 0), {r["system"] for r in jobs}
reps = [r for r in m["inference"]["replicas"]]
assert reps and all(r["system"] in serve_sys for r in reps), reps
assert m["inference"]["tokens_served"] > 0 and m["training"]["tokens"] > 0
# rent: nvidia's simulation, paid by the chip-hour
r, n = s["rent"], s["nvidia"]
assert r["training"] == n["training"] and r["inference"]["tokens_served"] == n["inference"]["tokens_served"]
assert r["cost"]["capex_usd"] == 0 and r["cost"]["opex_rent_usd"] > 0 and n["cost"]["capex_usd"] > 0
a = [row[1:] for row in csv.reader(open(f"{d}/jobs.csv")) if row[0] == "rent"]
b = [row[1:] for row in csv.reader(open(f"{d}/jobs.csv")) if row[0] == "nvidia"]
assert a == b and len(a) > 100, (len(a), len(b))
print("flagship ok")
PY
# The rent choice alone (nothing to share with) simulates to the same jobs.
python3 - "$S" "$WORK/rent.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
head, choices = s.split("hardware_choices:\n")
rent = re.search(r"(  - name: rent\n(?:    .*\n?)*)", choices).group(1)
base = sys.argv[1].rsplit("/", 1)[0]
head = head.replace("../platforms/", base + "/../platforms/")
open(sys.argv[2], "w").write(head + "hardware_choices:\n" + rent)
PY
expect_rc 0 "$BIN" run "$WORK/rent.yaml" --set horizon_years=1 --out "$WORK/r" --quiet
cmp -s <(grep "^rent," "$WORK/f/jobs.csv") <(grep "^rent," "$WORK/r/jobs.csv") || fail "the shared simulation differs from rent simulated alone"
python3 - "$WORK/f" "$WORK/r" <<'PY' || fail "rent alone"
import json, sys
a = json.load(open(f"{sys.argv[1]}/summary.json"))["choices"]["rent"]
b = json.load(open(f"{sys.argv[2]}/summary.json"))["choices"]["rent"]
assert a["cost"] == b["cost"] and a["training"] == b["training"] and a["energy"] == b["energy"], "shared and alone differ"
PY
# The Azure variant extends the flagship and replaces only its demand list (keeping the frontier stream).
python3 - "$S" "$SRC/scenarios/flagship-5gw-10y-azure.yaml" <<'PY' || fail "the Azure variant is more than the flagship's demand"
import sys, yaml
a, b = (yaml.safe_load(open(f)) for f in sys.argv[1:])
assert b["extends"] == "flagship-5gw-10y.yaml", b.get("extends")
assert set(b) == {"extends", "name", "description", "inference"}, set(b)
assert set(b["inference"]) == {"demand"}, set(b["inference"])
fa = [d for d in a["inference"]["demand"] if d["name"] == "frontier"]
fb = [d for d in b["inference"]["demand"] if d["name"] == "frontier"]
assert fa == fb and len(fa) == 1, (fa, fb)
assert all("file" in d for d in b["inference"]["demand"] if d["name"] != "frontier")
PY
if [ -f "$SRC/../shared/traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv" ]; then
  expect_rc 0 "$BIN" run "$SRC/scenarios/flagship-5gw-10y-azure.yaml" --set horizon_years=0.5 --out "$WORK/az" --quiet
  python3 - "$WORK/az" <<'PY' || fail "the Azure variant serves"
import json, sys
for name, c in json.load(open(f"{sys.argv[1]}/summary.json"))["choices"].items():
    assert c["inference"]["tokens_served"] > 0, name
PY
fi
finish
