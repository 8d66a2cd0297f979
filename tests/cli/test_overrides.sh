#!/usr/bin/env bash
# --set and --seed change what they name and nothing else; paths resolve relative to the scenario.
source "$(dirname "$0")/lib.sh" "$@"
scn="$SRC/scenarios/quickstart.yaml"
expect_rc 0 "$BIN" run "$scn" --out "$WORK/base" --quiet
expect_rc 0 "$BIN" run "$scn" --out "$WORK/pue" --quiet --set site.pue=1.3 --set hardware_choices.trn2.chips=512 \
  --set workload.pretraining.llama-70b.chips=512 --seed 7
python3 - "$WORK" <<'PY' || fail "overrides not applied"
import json, sys
w = sys.argv[1]
a = json.load(open(f"{w}/base/summary.json")); b = json.load(open(f"{w}/pue/summary.json"))
assert b["seed"] == 7 and a["seed"] == 1
assert a["scenario_sha256"] != b["scenario_sha256"]
assert abs(b["choices"]["h100"]["energy"]["pue"] - 1.3) < 1e-12
assert b["choices"]["trn2"]["chips"] == 512
ea, eb = a["choices"]["h100"]["energy"], b["choices"]["h100"]["energy"]
assert abs(eb["facility_mwh"] / eb["it_mwh"] - 1.3) < 1e-12
PY
# Run from another directory: the catalog path inside the scenario is relative to the scenario file.
mkdir -p "$WORK/elsewhere" && cd "$WORK/elsewhere"
expect_rc 0 "$BIN" run "$scn" --quiet
[ -s "$WORK/elsewhere/out/quickstart/summary.json" ] || fail "default output directory out/<scenario name>/ not used"
finish
