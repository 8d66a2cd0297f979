#!/usr/bin/env bash
# gigasim run --samples N: numbers given as distributions, drawn N times (Latin hypercube), reported as
# p5/p50/p95 bands in summary.json and timeseries.csv, and every draw and number in samples.csv.
# - a run without --samples uses the central values: the same outputs as writing those numbers;
# - the bands are ordered, the central run's values stay in `value`, the draws cover every stratum;
# - every choice sees the same draw in a sample (the PUE each reports is the sample's PUE);
# - results do not depend on how many samples run at once;
# - a later run without --samples removes samples.csv and the band columns;
# - a draw that breaks a cross-check is bad input naming the sample; SIGTERM leaves nothing behind.
source "$(dirname "$0")/lib.sh" "$@"
S="$SRC/scenarios/quickstart.yaml"
PUE='site.pue={triangular: [1.1, 1.15, 1.4]}'
PRICE='site.electricity_usd_per_kwh={uniform: [0.04, 0.10]}'

expect_rc 0 "$BIN" validate "$S" --set "$PUE" --set "$PRICE"
grep -q "2 numbers as distributions (central values" "$WORK/stdout" || fail "validate does not count the distributions"
expect_rc 0 "$BIN" run "$S" --set "$PUE" --set "$PRICE" --out "$WORK/central" --quiet
expect_rc 0 "$BIN" run "$S" --set site.pue=1.15 --set site.electricity_usd_per_kwh=0.07 --out "$WORK/plain" --quiet
cmp -s "$WORK/central/timeseries.csv" "$WORK/plain/timeseries.csv" || fail "central values differ from the same numbers written plainly"

expect_rc 0 "$BIN" run "$S" --set "$PUE" --set "$PRICE" --samples 20 -j 2 --out "$WORK/s2"
grep -q "uncertainty: 20 samples" "$WORK/stdout" || fail "no band table printed"
expect_rc 0 "$BIN" run "$S" --set "$PUE" --set "$PRICE" --samples 20 -j 1 --out "$WORK/s1" --quiet
for f in summary.json timeseries.csv samples.csv; do
  cmp -s "$WORK/s1/$f" "$WORK/s2/$f" || fail "$f depends on -j"
done
python3 - "$WORK/s2" "$WORK/central" <<'PY' || fail "sampled outputs"
import csv, json, math, sys
d, central = sys.argv[1], sys.argv[2]
s = json.load(open(f"{d}/summary.json"))
u = s["uncertainty"]
assert u["samples"] == 20, u
keys = [p["key"] for p in u["parameters"]]
assert keys == ["site.pue", "site.electricity_usd_per_kwh"], keys
assert u["parameters"][0]["central"] == 1.15 and u["parameters"][1]["central"] == 0.07
# The central run is the run without --samples: its values, unchanged.
c = json.load(open(f"{central}/summary.json"))
for name in ("h100", "trn2"):
    assert s["choices"][name]["cost"] == c["choices"][name]["cost"], name
    b = s["choices"][name]["uncertainty"]["cost.total_usd"]
    assert b["p5"] < b["p50"] < b["p95"], b
    assert "assumptions.site.pue" not in s["choices"][name]["uncertainty"]
rows = list(csv.DictReader(open(f"{d}/timeseries.csv")))
crows = list(csv.DictReader(open(f"{central}/timeseries.csv")))
assert [r["value"] for r in rows] == [r["value"] for r in crows]
assert all(float(r["p5"]) <= float(r["p50"]) <= float(r["p95"]) for r in rows)
moved = [r for r in rows if r["metric"] == "cost_electricity_usd" and float(r["p95"]) > float(r["p5"])]
assert moved, "electricity cost has no band"
# samples.csv: each sample's draws; the uniform's 20 draws use each twentieth of [0.04, 0.10] once.
draws = {}
metrics = {}
for r in csv.DictReader(open(f"{d}/samples.csv")):
    if r["kind"] == "parameter":
        draws[(int(r["sample"]), r["name"])] = float(r["value"])
    else:
        metrics[(int(r["sample"]), r["choice"], r["name"])] = float(r["value"])
strata = sorted(int((draws[(k, "site.electricity_usd_per_kwh")] - 0.04) / 0.06 * 20) for k in range(20))
assert strata == list(range(20)), strata
assert all(1.1 <= draws[(k, "site.pue")] <= 1.4 for k in range(20))
# Common random numbers: both choices ran sample k with its PUE.
for k in range(20):
    for name in ("h100", "trn2"):
        assert math.isclose(metrics[(k, name, "energy.pue")], draws[(k, "site.pue")], rel_tol=1e-12), (k, name)
print("samples ok")
PY

# A later plain run into the same directory: no samples.csv, no band columns.
expect_rc 0 "$BIN" run "$S" --out "$WORK/s2" --quiet
[ ! -e "$WORK/s2/samples.csv" ] || fail "a stale samples.csv was left"
head -1 "$WORK/s2/timeseries.csv" | grep -q p50 && fail "a plain run kept the band columns"

# A draw that breaks a catalog cross-check (idle above busy power) is bad input naming the sample.
mkdir -p "$WORK/cat" && cp "$SRC"/platforms/catalog/*.yaml "$WORK/cat/"
python3 - "$WORK/cat/h100-x8.yaml" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p).read()
t2 = re.sub(r"power_idle_w: \{value: [0-9.e+]+", "power_idle_w: {value: {uniform: [50, 1300]}", t, count=1)
assert t2 != t
open(p, "w").write(t2)
PY
sed "s#^catalog: .*#catalog: $WORK/cat#" "$S" > "$WORK/q.yaml"
expect_rc 2 "$BIN" run "$WORK/q.yaml" --samples 20 --out "$WORK/bad" --quiet
grep -q -- "--samples: sample [0-9]* of 20: .*busy power 700 W is below idle power" "$WORK/stderr" || { fail "bad draw message"; cat "$WORK/stderr"; }
[ ! -e "$WORK/bad" ] || fail "a failed sampled run left an output directory"

# SIGTERM during the samples: exit 143, nothing written, no process left running.
mkdir -p "$WORK/tmp"
TMPDIR="$WORK/tmp" "$BIN" run "$S" --set "$PUE" --samples 400 -j 2 --out "$WORK/killed" --quiet 2>"$WORK/kill.err" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 143 ] || fail "exit $rc after SIGTERM, expected 143"
[ ! -e "$WORK/killed" ] || fail "an interrupted sampled run left an output directory"
sleep 0.5
pgrep -f -- "--out $WORK/killed" >/dev/null && fail "processes left running after SIGTERM"
[ -z "$(ls -A "$WORK/tmp")" ] || fail "temporary files left after SIGTERM: $(ls "$WORK/tmp")"
finish
