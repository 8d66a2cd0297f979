#!/usr/bin/env bash
# gigasim run on the quick-start scenario: outputs exist, have the documented shape, and reruns are
# byte-identical.
source "$(dirname "$0")/lib.sh" "$@"
expect_rc 0 "$BIN" run "$SRC/scenarios/quickstart.yaml" --out "$WORK/a"
grep -q "^h100 " "$WORK/stdout" || fail "the comparison table lacks the h100 row"
grep -q "^trn2 " "$WORK/stdout" || fail "the comparison table lacks the trn2 row"
grep -q "results: $WORK/a/summary.json" "$WORK/stdout" || fail "the run does not say where its files are"
for f in summary.json timeseries.csv jobs.csv fleet.csv; do [ -s "$WORK/a/$f" ] || fail "missing $f"; done
python3 - "$WORK/a" <<'PY' || fail "summary/timeseries shape"
import csv, json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
for k in ("scenario", "seed", "scenario_sha256", "gigasim_version", "choices"):
    assert k in s, k
assert s["scenario"] == "quickstart" and len(s["scenario_sha256"]) == 64
assert set(s["choices"]) == {"h100", "trn2"}
for name, c in s["choices"].items():
    for path in ("training.tokens", "training.jobs_completed", "energy.it_mwh", "energy.facility_mwh",
                 "cost.capex_usd", "cost.opex_usd", "cost.total_usd", "horizon_s"):
        v = c
        for p in path.split("."): v = v[p]
        assert v is not None, (name, path)
    assert c["training"]["jobs_completed"] == 4, c["training"]
    assert abs(c["cost"]["total_usd"] - c["cost"]["capex_usd"] - c["cost"]["opex_usd"]) <= 1e-6 * c["cost"]["total_usd"]
rows = list(csv.DictReader(open(f"{d}/timeseries.csv")))
assert list(rows[0].keys()) == ["choice", "month", "metric", "value", "unit"]
metrics = {r["metric"] for r in rows}
assert {"cost_cumulative_usd", "energy_facility_mwh"} <= metrics, metrics
for name, c in s["choices"].items():
    cum = [float(r["value"]) for r in rows if r["choice"] == name and r["metric"] == "cost_cumulative_usd"]
    assert len(cum) == 4 and cum == sorted(cum)
    assert abs(cum[-1] - c["cost"]["total_usd"]) <= 1e-6 * cum[-1]
    fac = sum(float(r["value"]) for r in rows if r["choice"] == name and r["metric"] == "energy_facility_mwh")
    assert abs(fac - c["energy"]["facility_mwh"]) <= 1e-9 * fac
jobs = list(csv.DictReader(open(f"{d}/jobs.csv")))
assert len(jobs) == 8 and all(j["end_s"] for j in jobs)
PY
expect_rc 0 "$BIN" run "$SRC/scenarios/quickstart.yaml" --out "$WORK/b" --quiet
[ -s "$WORK/stdout" ] && fail "--quiet printed something"
for f in summary.json timeseries.csv jobs.csv fleet.csv; do cmp -s "$WORK/a/$f" "$WORK/b/$f" || fail "$f differs between identical runs"; done
expect_rc 0 "$BIN" run "$SRC/scenarios/quickstart.yaml" --out "$WORK/c" --quiet -j 1
for f in summary.json timeseries.csv jobs.csv fleet.csv; do cmp -s "$WORK/a/$f" "$WORK/c/$f" || fail "$f differs with -j 1"; done
ls -A "$WORK/a" | grep -q tmp && fail "temporary files left in the output directory"
finish
