#!/usr/bin/env bash
# gigasim run on scenarios/inference.yaml (serving and training on one fleet), shortened to 60 days: the
# serving outputs have their documented shape and agree with each other (months add up to the summary,
# requests are conserved, serving energy is inside the IT energy, replicas fit in one system), reruns are
# byte-identical, another seed changes the demand noise, and
# the partition policy keeps training off its share. With ../shared/traces present, the Azure replay
# scenario runs too (its requests follow the trace's count times the scaling).
source "$(dirname "$0")/lib.sh" "$@"
S="$SRC/scenarios/inference.yaml"
expect_rc 0 "$BIN" run "$S" --set horizon_days=60 --out "$WORK/a" --quiet
python3 - "$WORK/a" <<'PY' || fail "inference outputs"
import csv, json, sys
from collections import defaultdict
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
ts = defaultdict(dict)
for r in csv.DictReader(open(f"{d}/timeseries.csv")):
    ts[(r["choice"], int(r["month"]))][r["metric"]] = (float(r["value"]), r["unit"])
for name, c in s["choices"].items():
    i = c["inference"]
    for k in ("policy", "requests_arrived", "requests_served", "requests_late", "requests_dropped", "attainment", "tokens_served",
              "input_tokens_served", "serving_chip_hours", "serving_chips_mean", "energy_serving_mwh", "energy_per_token_served_j",
              "cost_serving_usd", "usd_per_million_tokens_served", "training_preemptions_for_serving", "replicas"):
        assert k in i, (name, k)
    assert i["policy"] == "inference-first"
    assert i["requests_arrived"] > 0 and i["tokens_served"] > 0, i
    # conservation with max_delay_s 0: every request is served in its step or dropped
    assert i["requests_late"] == 0, i
    assert abs(i["requests_served"] + i["requests_dropped"] - i["requests_arrived"]) <= 1e-6 * i["requests_arrived"], i
    assert 0 < i["attainment"] <= 1 + 1e-12, i
    # two streams x one generation, each valid, with replicas inside one system
    reps = i["replicas"]
    assert {r["stream"] for r in reps} == {"chat", "code"} and all(r["valid"] for r in reps), reps
    system_chips = {"h100-x8": 8, "trn2-x16": 16}[c["system"]]
    for r in reps:
        assert 1 <= r["chips"] <= system_chips and r["batch"] >= 1, r
        assert abs(r["energy_per_token_j"] - r["power_w"] / r["tokens_per_s"]) <= 1e-9 * r["energy_per_token_j"], r
    months = sorted(m for (ch, m) in ts if ch == name)
    assert len(months) == 2, months
    def total(metric):
        return sum(ts[(name, m)][metric][0] for m in months)
    for metric, key in (("requests_arrived", "requests_arrived"), ("requests_served", "requests_served"),
                        ("requests_dropped", "requests_dropped"), ("tokens_served", "tokens_served"),
                        ("input_tokens_served", "input_tokens_served"), ("training_preemptions_for_serving", "training_preemptions_for_serving")):
        assert abs(total(metric) - i[key]) <= 1e-6 * max(1.0, abs(i[key])), (metric, total(metric), i[key])
    assert abs(total("energy_serving_mwh") - i["energy_serving_mwh"]) <= 1e-6 * i["energy_serving_mwh"]
    assert abs(total("cost_serving_usd") - i["cost_serving_usd"]) <= 1e-6 * i["cost_serving_usd"]
    for m in months:
        row = ts[(name, m)]
        assert row["tokens_served"][1] == "tokens" and row["energy_serving_mwh"][1] == "MWh", row
        # serving energy is part of the IT energy; serving chips fit in the fleet
        assert row["energy_serving_mwh"][0] < row["energy_it_mwh"][0], row
        assert 0 < row["serving_chips_mean"][0] <= row["chips_installed"][0], row
        assert 0 <= row["attainment"][0] <= 1 + 1e-12, row
    # the serving cost per token lies between the cheapest and the dearest replica's energy-only cost
    # and above zero; the energy per token served is at least the best replica's at full load
    best = min(r["energy_per_token_j"] for r in reps)
    assert i["energy_per_token_served_j"] >= best * (1 - 1e-9), (i["energy_per_token_served_j"], best)
print("inference outputs ok")
PY

expect_rc 0 "$BIN" validate "$S"
expect_rc 0 "$BIN" run "$S" --set horizon_days=60 --out "$WORK/b" --quiet
for f in summary.json timeseries.csv jobs.csv fleet.csv; do
  cmp -s "$WORK/a/$f" "$WORK/b/$f" || fail "$f differs between identical runs"
done
expect_rc 0 "$BIN" run "$S" --set horizon_days=60 --seed 2 --out "$WORK/c" --quiet
python3 - "$WORK/a" "$WORK/c" <<'PY' || fail "another seed"
import json, sys
a, c = (json.load(open(f"{d}/summary.json"))["choices"]["h100"]["inference"] for d in sys.argv[1:])
assert a["requests_arrived"] != c["requests_arrived"], "the demand noise does not follow the seed"
assert abs(a["requests_arrived"] - c["requests_arrived"]) < 0.05 * a["requests_arrived"], "noise of 5% moved the total by more than 5%"
PY

# Partition: training never holds more than (1 - partition) of the installed chips.
expect_rc 0 "$BIN" run "$S" --set horizon_days=60 --set inference.policy=partition --set inference.partition=0.25 --out "$WORK/p" --quiet
python3 - "$WORK/p" <<'PY' || fail "partition"
import csv, json, sys
from collections import defaultdict
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
ts = defaultdict(dict)
for r in csv.DictReader(open(f"{d}/timeseries.csv")):
    ts[(r["choice"], int(r["month"]))][r["metric"]] = float(r["value"])
for name, c in s["choices"].items():
    assert c["inference"]["policy"] == "partition" and c["inference"]["training_preemptions_for_serving"] == 0, c["inference"]
    for (ch, m), row in ts.items():
        if ch != name:
            continue
        assert row["serving_chips"] <= 0.25 * row["chips_installed"] + 1e-9, row
        # utilisation counts serving and training; training alone stays within 75%
        training = row["utilisation"] - row["serving_chips_mean"] / row["chips_installed"]
        assert training <= 0.75 + 1e-6, (name, m, training)
print("partition ok")
PY

# A bad value in the new section exits 2 with the key path.
expect_rc 2 "$BIN" run "$S" --set inference.partition=0.5 --out "$WORK/x"
grep -q "inference.partition" "$WORK/stderr" || fail "partition without policy partition: message lacks the key path"
[ -e "$WORK/x" ] && fail "an output directory was left behind"

# The Azure trace replay (needs ../shared/traces).
AZ="$SRC/../shared/traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv"
if [ -f "$AZ" ] && [ -f "$SRC/../shared/traces/azure_llm_2023/AzureLLMInferenceTrace_code.csv" ]; then
  expect_rc 0 "$BIN" run "$SRC/scenarios/inference-azure.yaml" --set horizon_days=10 --set hardware_choices.1.chips=1024 \
    --set hardware_choices.0.chips=1024 --out "$WORK/az" --quiet
  python3 - "$WORK/az" "$SRC/../shared/traces/azure_llm_2023" <<'PY' || fail "azure replay"
import csv, datetime, json, math, sys
i = json.load(open(f"{sys.argv[1]}/summary.json"))["choices"]["h100"]["inference"]
# Each trace repeats with its period (span + one mean gap) stretched 24x, scaled x14,400, for 10 days, growing
# 2x a year (applied at each hourly step's midpoint: over 10 days about +1%).
expected = 0.0
for name in ("conv", "code"):
    rows = list(csv.reader(open(f"{sys.argv[2]}/AzureLLMInferenceTrace_{name}.csv")))[1:]
    t = [datetime.datetime.fromisoformat(r[0][:26]) for r in (rows[0], rows[-1])]
    span = (t[1] - t[0]).total_seconds()
    period = span + span / (len(rows) - 1)
    expected += len(rows) * (10 * 86400 / (24 * period)) * 14400
growth = sum(2 ** ((h + 0.5) * 3600 / (365.25 * 86400)) for h in range(240)) / 240
expected *= growth
assert abs(i["requests_arrived"] / expected - 1) < 0.005, (i["requests_arrived"], expected)
print("azure replay ok")
PY
else
  echo "skipping the Azure replay: ../shared/traces not found"
fi
finish
