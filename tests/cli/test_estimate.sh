#!/usr/bin/env bash
# gigasim estimate: the documented JSON keys, fixed vs searched layouts, inference (keys, batch auto, refusals), and
# docs/validation.md is current.
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
# Inference (estimate: inference): the documented JSON keys and the serving model's identities.
cat >"$WORK/inference.yaml" <<'YAML'
estimate: inference
model: {layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn_hidden: 14336, mlp: swiglu, vocab: 128256}
hardware: h100-x8
chips: 1
precision: bf16
input_tokens: 1000
output_tokens: 200
batch: 16
YAML
expect_rc 0 "$BIN" estimate "$WORK/inference.yaml"
python3 - "$WORK/stdout" <<'PY' || fail "inference estimate JSON shape"
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("tokens_per_s", "decode_tokens_per_s", "ttft_s", "tpot_s", "batch", "max_batch", "power_w", "chip_power_w",
          "energy_per_token_j", "objectives_met", "activity", "memory", "breakdown"):
    assert k in j, k
assert j["estimate"] == "inference" and j["hardware"] == "h100-x8" and j["chips"] == 1 and j["precision"] == "bf16", j
assert j["batch"] == 16 and j["max_batch"] > 16, (j["batch"], j["max_batch"])
assert j["objectives_met"] is True  # no objectives
for k in ("compute", "memory"):
    assert 0 <= j["activity"][k] <= 1, j["activity"]
for k in ("weights_bytes_per_chip", "kv_bytes_per_request_per_chip", "capacity_bytes"):
    assert j["memory"][k] > 0, j["memory"]
for k in ("decode_weights_s", "decode_attention_s", "decode_tp_comm_s", "prefill_compute_s", "prefill_tp_comm_s"):
    assert k in j["breakdown"], k
def close(a, b): return abs(a - b) <= 1e-9 * abs(b)
assert close(j["tokens_per_s"], 200 / (j["prefill_s"] + 199 * j["decode_step_s"] / 16)), j["tokens_per_s"]
assert close(j["decode_tokens_per_s"], 16 / j["decode_step_s"])
assert close(j["ttft_s"], j["prefill_s"] + j["decode_step_s"])
assert close(j["tpot_s"], j["decode_step_s"] + 16 * j["prefill_s"] / 199)  # the prefill makes the first of 200 tokens
assert close(j["energy_per_token_j"], j["power_w"] / j["tokens_per_s"])
assert 74 <= j["chip_power_w"] <= 700, j["chip_power_w"]
assert close(j["power_w"], j["chip_power_w"] + 4600 / 8)
assert j["memory"]["kv_bytes_per_request_per_chip"] == 1200 * 32 * 2 * 8 * 128 * 2
PY
# batch: auto with TTFT and TPOT objectives meets both, at the largest batch that does.
expect_rc 0 "$BIN" estimate "$WORK/inference.yaml" --set batch=auto --set ttft_s=0.5 --set tpot_s=0.03
python3 - "$WORK/stdout" <<'PY' || fail "inference batch auto"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["objectives_met"] is True, j
assert j["ttft_s"] <= 0.5 and j["tpot_s"] <= 0.03, (j["ttft_s"], j["tpot_s"])
assert 1 < j["batch"] < j["max_batch"], (j["batch"], j["max_batch"])
PY
cp "$WORK/stdout" "$WORK/auto.json"
expect_rc 0 "$BIN" estimate "$WORK/inference.yaml" --set batch="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["batch"] + 1)' "$WORK/auto.json")" \
  --set ttft_s=0.5 --set tpot_s=0.03
python3 - "$WORK/stdout" <<'PY' || fail "inference batch auto + 1 misses an objective"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["objectives_met"] is False, j
PY
# An explicit batch beyond what the KV cache holds, and an objective no batch meets, are bad input.
expect_rc 2 "$BIN" estimate "$WORK/inference.yaml" --set batch=100000
grep -q "KV cache of 100000 requests needs" "$WORK/stderr" || fail "KV cache message: $(cat "$WORK/stderr")"
expect_rc 2 "$BIN" estimate "$WORK/inference.yaml" --set batch=auto --set tpot_s=0.001
grep -q "no batch meets the objectives: at batch 1 TPOT is" "$WORK/stderr" || fail "objectives message: $(cat "$WORK/stderr")"
# The validation page is what the code produces now.
python3 "$SRC/tools/validation.py" --gigasim "$BIN" --check || fail "docs/validation.md is not current: run tools/validation.py"
finish
