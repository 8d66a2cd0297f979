#!/usr/bin/env bash
# gigasim estimate: the documented JSON keys, fixed vs searched layouts, and docs/validation.md is current.
source "$(dirname "$0")/lib.sh" "$@"
V="$SRC/scenarios/validation"
expect_rc 0 "$BIN" estimate "$V/megatron-175b-full.yaml"
python3 - "$WORK/stdout" <<'PY' || fail "estimate JSON shape"
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("step_time_s", "tokens_per_s", "mfu", "memory_per_chip_bytes", "layout", "breakdown"):
    assert k in j, k
assert j["layout"] == {"tp": 8, "pp": 8, "dp": 1, "ep": 1, "micro_batch_sequences": 1, "pp_interleave": 3,
                       "recompute": "full", "sequence_parallel": False, "micro_batches": 64}, j["layout"]
for k in ("compute_s", "tp_comm_s", "pp_comm_s", "dp_comm_s", "bubble_s"):
    assert k in j["breakdown"], k
b = j["breakdown"]
assert abs(sum(b.values()) - j["step_time_s"]) <= 1e-9 * j["step_time_s"]
assert abs(j["tokens_per_s"] * j["step_time_s"] - 64 * 2048) < 1e-6 * 64 * 2048
assert j["planner"]["evaluated"] == 1
PY
# layout: auto searches, and never does worse than the published layout.
expect_rc 0 "$BIN" estimate "$V/megatron-175b-full.yaml" --set layout=auto --set recompute=full
python3 - "$WORK/stdout" <<'PY' || fail "layout auto"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["planner"]["evaluated"] > 100 and j["step_time_s"] <= 19.2509 * 1.0000001, j["planner"]
PY
# A layout that does not fit is bad input with the reason.
expect_rc 2 "$BIN" estimate "$V/megatron-175b-full.yaml" --set recompute=none --set sequence_parallel=false
grep -q "layout: no layout fits 64 chips of a100-80gb-x8 (1 candidates): needs .* GB per chip, more than the 73 GB usable" "$WORK/stderr" \
  || fail "no-fit message: $(cat "$WORK/stderr")"
# The validation page is what the code produces now.
python3 "$SRC/tools/validation.py" --gigasim "$BIN" --check || fail "docs/validation.md is not current: run tools/validation.py"
finish
