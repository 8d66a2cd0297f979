#!/usr/bin/env bash
# gigasim run on scenarios/fleet.yaml (two roadmaps, generated jobs, failures), shortened to 3 years:
# the fleet outputs have their documented shape and agree with each other, reruns are byte-identical
# (also one choice at a time), and another seed changes the random streams.
source "$(dirname "$0")/lib.sh" "$@"
S="$SRC/scenarios/fleet.yaml"
expect_rc 0 "$BIN" run "$S" --set horizon_years=3 --out "$WORK/a"
for f in summary.json timeseries.csv jobs.csv fleet.csv; do [ -s "$WORK/a/$f" ] || fail "missing $f"; done
python3 - "$WORK/a" <<'PY' || fail "fleet outputs"
import csv, json, sys
from collections import defaultdict
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
assert set(s["choices"]) == {"nvidia", "trainium"}, s["choices"].keys()
lots = list(csv.DictReader(open(f"{d}/fleet.csv")))
jobs = list(csv.DictReader(open(f"{d}/jobs.csv")))
ts = defaultdict(dict)
for r in csv.DictReader(open(f"{d}/timeseries.csv")):
    ts[(r["choice"], int(r["month"]))][r["metric"]] = float(r["value"])
for name, c in s["choices"].items():
    t = c["training"]
    for k in ("tokens", "jobs_submitted", "jobs_started", "jobs_completed", "jobs_rejected", "utilisation", "goodput",
              "queue_wait_mean_s", "interruptions", "preemptions", "lost_chip_hours"):
        assert k in t, (name, k)
    assert c["fleet"]["procured"] is True and c["fleet"]["lots"] >= 2, c["fleet"]
    assert 0 < t["goodput"] < 1 and 0 < t["utilisation"] <= 1, t
    assert t["interruptions"] > 0, "failures are on in this scenario"
    mine = [l for l in lots if l["choice"] == name]
    assert len(mine) == c["fleet"]["lots"]
    # capex is the sum of the lots' capex
    capex = sum(float(l["capex_systems_usd"]) + float(l["capex_network_usd"]) + float(l["capex_storage_usd"]) + float(l["capex_facility_usd"])
                for l in mine)
    assert abs(capex - c["cost"]["capex_usd"]) <= 1e-6 * capex, (capex, c["cost"]["capex_usd"])
    # chips installed per generation sum to chips_installed; the peak matches the summary
    months = sorted(m for (ch, m) in ts if ch == name)
    assert len(months) == 36
    peak = 0
    for m in months:
        row = ts[(name, m)]
        gens = [v for k, v in row.items() if k.startswith("chips_installed_")]
        assert gens and abs(sum(gens) - row["chips_installed"]) < 0.5, row
        peak = max(peak, row["chips_installed"])
        for k in ("goodput", "utilisation", "queue_wait_mean_s", "jobs_completed", "interruptions", "jobs_waiting"):
            assert k in row, (k, row)
    # the summary's chips are the plan's peak (just after a delivery); month ends see at most that
    assert peak <= c["chips"] == c["fleet"]["chips_installed_peak"], (peak, c["chips"])
    # the monthly interruptions add up to the jobs' interruptions and the summary's
    mj = [j for j in jobs if j["choice"] == name]
    assert sum(int(j["interruptions"]) for j in mj) == t["interruptions"] == sum(ts[(name, m)]["interruptions"] for m in months)
    assert len(mj) == t["jobs_submitted"]
    kinds = {j["kind"] for j in mj}
    assert {"frontier", "generated"} <= kinds, kinds
    for j in mj:
        if j["end_s"]:
            assert float(j["tokens_done"]) == float(j["tokens_target"]), j
            assert float(j["start_s"]) >= float(j["submit_s"])
print("fleet outputs ok")
PY
expect_rc 0 "$BIN" run "$S" --set horizon_years=3 --out "$WORK/b" --quiet
expect_rc 0 "$BIN" run "$S" --set horizon_years=3 --out "$WORK/c" --quiet -j 1
for f in summary.json timeseries.csv jobs.csv fleet.csv; do
  cmp -s "$WORK/a/$f" "$WORK/b/$f" || fail "$f differs between identical runs"
  cmp -s "$WORK/a/$f" "$WORK/c/$f" || fail "$f differs with -j 1"
done
expect_rc 0 "$BIN" run "$S" --set horizon_years=3 --seed 2 --out "$WORK/d" --quiet
cmp -s "$WORK/a/jobs.csv" "$WORK/d/jobs.csv" && fail "another seed gives the same jobs"
cmp -s "$WORK/a/fleet.csv" "$WORK/d/fleet.csv" || fail "the procurement plan does not depend on the seed, but it changed"
finish
