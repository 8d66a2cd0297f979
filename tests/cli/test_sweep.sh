#!/usr/bin/env bash
# tools/sweep, local backend (GNU parallel): spec expansion, the merged CSV against the points' own
# summaries, resuming (a deleted point, a failed point, a sweep killed with SIGTERM), bad specs, a point
# gigasim refuses, and a changed spec refused in an existing directory.
source "$(dirname "$0")/lib.sh" "$@"
set -o pipefail
SWEEP=$SRC/tools/sweep
command -v parallel >/dev/null || { echo "FAIL: GNU parallel is missing (tools/setup.sh installs it)"; exit 1; }
scn=$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$SRC/scenarios/quickstart.yaml" "$WORK")

# 2 (product) x 2 (zip) x 3 (seeds) = 12 points of the quick start, cut to 30 days to keep the test short.
# The scenario path is relative to the spec.
cat >"$WORK/spec.yaml" <<EOF
scenario: $scn
product:
  site.pue: [1.1, 1.3]
zip:
  site.electricity_usd_per_kwh: [0.05, 0.09]
  site.facility_capex_usd_per_w: [10, 12.5]
seeds: [1, 2, 3]
set:
  horizon_days: 30
  workload.pretraining.llama-70b.submit_day: 2
  workload.pretraining.ft-8b.submit_day: 1
EOF
runs() { if [ -f "$1/runs.log" ]; then wc -l <"$1/runs.log"; else echo 0; fi; }

# --- the sweep, and its merged CSV checked against every point's summary.json
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/a" --gigasim "$BIN" -j 2
A=$WORK/a
[ "$(runs "$A")" -eq 12 ] || fail "expected 12 point runs, runs.log has $(runs "$A")"
[ "$(ls "$A/points" | wc -l)" -eq 12 ] || fail "expected 12 point directories"
python3 - "$A" <<'PY' || fail "merged.csv does not match the points' summaries"
import csv, json, sys
d = sys.argv[1]
cols = ["site.pue", "site.electricity_usd_per_kwh", "site.facility_capex_usd_per_w", "seed"]
pts = list(csv.reader(open(f"{d}/points.csv")))
assert pts[0] == ["point"] + cols + ["dir"], pts[0]
# product outermost (last key fastest), then the zip, then the seeds innermost
want = [[str(i), p, e, c, s, f"points/{i:04d}"] for i, (p, (e, c), s) in enumerate(
    (p, z, s) for p in ("1.1", "1.3") for z in (("0.05", "10"), ("0.09", "12.5")) for s in ("1", "2", "3"))]
assert pts[1:] == want, pts[1:]
text = open(f"{d}/merged.csv").read()
rows = list(csv.reader(text.splitlines()))
assert rows[0] == ["point"] + cols + ["choice", "metric", "value"], rows[0]
rows = rows[1:]
assert [r[:1 + len(cols) + 2] for r in rows] == sorted((r[:1 + len(cols) + 2] for r in rows),
                                                         key=lambda r: (int(r[0]), r[5], r[6])), "order"
by = {(int(r[0]), r[5], r[6]): r for r in rows}
assert len(by) == len(rows), "duplicate rows"
per = {}
for r in rows:
    per.setdefault((int(r[0]), r[5]), set()).add(r[6])
assert len(per) == 24 and len({frozenset(m) for m in per.values()}) == 1, "every point and choice has the same metrics"
metrics = next(iter(per.values()))
assert {"chips", "cost.total_usd", "carbon.total_t", "energy.pue"} <= metrics, metrics
assert not any(m.startswith("assumptions") for m in metrics), "assumptions merged"
for i, p in enumerate(pts[1:]):
    s = json.load(open(f"{d}/points/{i:04d}/summary.json"))
    assert s["seed"] == int(p[4]), (i, s["seed"])
    assert set(s["choices"]) == {"h100", "trn2"}
    for ch, c in s["choices"].items():
        r = by[(i, ch, "cost.total_usd")]
        assert r[1:5] == p[1:5], (r, p)
        assert float(r[7]) == c["cost"]["total_usd"], (r, c["cost"]["total_usd"])
        assert float(by[(i, ch, "energy.pue")][7]) == float(p[1]) == c["energy"]["pue"]
        a = c["assumptions"]
        assert a["site.electricity_usd_per_kwh"]["value"] == float(p[2]), "zip value not applied to its point"
        assert a["site.facility_capex_usd_per_w"]["value"] == float(p[3])
        assert by[(i, ch, "chips")][7] == str(c["chips"])
        assert by[(i, ch, "cost.usd_per_million_tokens_served")][7] == "", "null should merge as an empty value"
print(len(rows), "rows checked")
PY
cp "$A/merged.csv" "$WORK/reference.csv"

# --- resume: a deleted point reruns, and only it
rm -rf "$A/points/0005"
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$A" --gigasim "$BIN"
[ "$(runs "$A")" -eq 13 ] || fail "rerun after deleting one point: expected 1 new run, got $(($(runs "$A") - 12))"
tail -n 1 "$A/runs.log" | grep -q "point 0005 exit 0" || fail "the rerun did not run point 0005: $(tail -n 1 "$A/runs.log")"
cmp -s "$A/merged.csv" "$WORK/reference.csv" || fail "merged.csv changed after resuming"
# Nothing left to do: no run, the same CSV; the program found through $GIGASIM this time.
GIGASIM=$BIN expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$A"
[ "$(runs "$A")" -eq 13 ] || fail "a finished sweep ran points again"
grep -q "12 already done, 0 to run" "$WORK/stdout" || fail "finished sweep: $(cat "$WORK/stdout")"
cmp -s "$A/merged.csv" "$WORK/reference.csv" || fail "merged.csv changed on a no-op rerun"

# --- a changed spec into the same directory is refused, and nothing there changes
sed 's/1.3\]/1.4]/' "$WORK/spec.yaml" >"$WORK/spec2.yaml"
expect_rc 2 "$SWEEP" "$WORK/spec2.yaml" --out "$A" --gigasim "$BIN"
grep -q "holds the results of a different sweep (point 0006 had site.pue=1.3, now site.pue=1.4" "$WORK/stderr" \
  || fail "changed spec: $(cat "$WORK/stderr")"
[ "$(runs "$A")" -eq 13 ] && cmp -s "$A/merged.csv" "$WORK/reference.csv" || fail "a refused spec changed the directory"
# ... and so is a directory holding something else
mkdir -p "$WORK/other" && touch "$WORK/other/notes.txt"
expect_rc 2 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/other" --gigasim "$BIN"
grep -q "exists and is not a sweep directory" "$WORK/stderr" || fail "foreign directory: $(cat "$WORK/stderr")"

# --- a point that fails (exit 1) is reported by index; the others are kept and merged as partial;
# rerunning retries only the failed points. The stand-in gigasim fails every point with seed 2; the sweep
# starts from a copy of the finished one without those points (fewer runs, the same checks).
cat >"$WORK/flaky" <<EOF
#!/bin/bash
prev=""
for a in "\$@"; do
  [ "\$prev" = --seed ] && [ "\$a" = 2 ] && { echo "gigasim: internal error: stand-in failure" >&2; exit 1; }
  prev=\$a
done
exec "$BIN" "\$@"
EOF
chmod +x "$WORK/flaky"
cp -r "$A" "$WORK/f"
rm -rf "$WORK/f/points/"{0001,0004,0007,0010} "$WORK/f/runs.log"
expect_rc 1 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/f" --gigasim "$WORK/flaky"
[ "$(runs "$WORK/f")" -eq 4 ] || fail "expected the 4 missing points to run, got $(runs "$WORK/f")"
for p in 0001 0004 0007 0010; do
  grep -q "point $p (site.pue=.*seed=2): failed, exit 1: gigasim: internal error: stand-in failure (log $WORK/f/logs/$p.log)" \
    "$WORK/stderr" || fail "failed point $p not reported: $(cat "$WORK/stderr")"
done
grep -q "4 of 12 points have no result" "$WORK/stderr" || fail "failure count: $(cat "$WORK/stderr")"
[ ! -e "$WORK/f/merged.csv" ] || fail "merged.csv written although points failed"
awk -F, '$5 != "2"' "$WORK/reference.csv" | cmp -s - "$WORK/f/merged.partial.csv" \
  || fail "merged.partial.csv is not the reference without the seed-2 points"
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/f" --gigasim "$BIN"
[ "$(runs "$WORK/f")" -eq 8 ] || fail "retry: expected 4 new runs, got $(($(runs "$WORK/f") - 4))"
cmp -s "$WORK/f/merged.csv" "$WORK/reference.csv" || fail "merged.csv after retrying the failed points differs"
[ ! -e "$WORK/f/merged.partial.csv" ] || fail "merged.partial.csv left behind"

# --- SIGTERM midway: finished points survive whole, no gigasim keeps running, a rerun completes the rest
K=$WORK/k
"$SWEEP" "$WORK/spec.yaml" --out "$K" --gigasim "$BIN" -j 2 >"$WORK/kill.out" 2>&1 &
pid=$!
# Wait (however long the machine takes) until three points are done; a sweep that ended first is a failure.
while [ "$(ls "$K"/points/*/summary.json 2>/dev/null | wc -l)" -lt 3 ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done
# Meanwhile a second sweep into the same directory is refused (it would run the same points twice).
expect_rc 2 "$SWEEP" "$WORK/spec.yaml" --out "$K" --gigasim "$BIN"
grep -q "another sweep is running into it" "$WORK/stderr" || fail "concurrent sweep: $(cat "$WORK/stderr")"
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ "$rc" -eq 143 ] || fail "killed sweep exited $rc, expected 143: $(cat "$WORK/kill.out")"
grep -q "interrupted; the finished points are kept" "$WORK/kill.out" || fail "no interruption message: $(cat "$WORK/kill.out")"
pgrep -f -- "--out $K/points" >/dev/null && fail "gigasim still running after the sweep was killed"
done_k=$(ls "$K"/points/*/summary.json | wc -l)
[ "$done_k" -ge 3 ] && [ "$done_k" -lt 12 ] || fail "expected 3 to 11 finished points after the kill, got $done_k"
for d in "$K"/points/*/; do
  if [ -e "$d/summary.json" ]; then
    for f in summary.json timeseries.csv jobs.csv fleet.csv; do [ -s "$d/$f" ] || fail "$d$f missing or empty"; done
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$d/summary.json" || fail "$d/summary.json is not whole"
  fi
done
[ ! -e "$K/merged.csv" ] || fail "merged.csv written by a killed sweep"
before=$(runs "$K")
expect_rc 0 "$SWEEP" "$WORK/spec.yaml" --out "$K" --gigasim "$BIN"
grep -q "$done_k already done, $((12 - done_k)) to run" "$WORK/stdout" || fail "resume after kill: $(cat "$WORK/stdout")"
[ $(($(runs "$K") - before)) -eq $((12 - done_k)) ] || fail "resume after kill ran $(($(runs "$K") - before)) points, expected $((12 - done_k))"
cmp -s "$K/merged.csv" "$WORK/reference.csv" || fail "merged.csv after kill and resume differs from the uninterrupted sweep's"

# --- a point gigasim refuses (exit 2) stops the sweep with gigasim's message: with -j 1, after one point
sed 's/^  horizon_days: 30/  horizon_days: 30\n  site.power_w: -5/' "$WORK/spec.yaml" >"$WORK/refused.yaml"
expect_rc 2 "$SWEEP" "$WORK/refused.yaml" --out "$WORK/r" --gigasim "$BIN" -j 1
grep -q "point 0000 (site.pue=1.1, .*seed=1): gigasim refused its input, so the sweep stopped" "$WORK/stderr" \
  || fail "refused point: $(cat "$WORK/stderr")"
grep -q "gigasim: error: .*site.power_w" "$WORK/stderr" || fail "gigasim's own message not shown: $(cat "$WORK/stderr")"
[ "$(runs "$WORK/r")" -eq 1 ] || fail "the sweep went on after a refused point ($(runs "$WORK/r") runs)"
[ ! -e "$WORK/r/merged.csv" ] && [ ! -e "$WORK/r/merged.partial.csv" ] || fail "merged a refused sweep"

# --- expansion: a list of zip groups and seeds {count, start}, printed by --dry-run (nothing written)
cat >"$WORK/groups.yaml" <<EOF
scenario: $scn
product: {site.pue: [1.1, 1.2]}
zip:
  - {site.electricity_usd_per_kwh: [0.05, 0.06, 0.07], site.facility_capex_usd_per_w: [10, 11, 12]}
  - {hardware_choices.h100.chips: [512, 1024], hardware_choices.trn2.chips: [512, 1024]}
seeds: {count: 2, start: 7}
EOF
expect_rc 0 "$SWEEP" "$WORK/groups.yaml" --dry-run
[ "$(wc -l <"$WORK/stdout")" -eq 25 ] || fail "dry run: expected 24 points and a header: $(cat "$WORK/stdout")"
head -n 1 "$WORK/stdout" | grep -qx "point,site.pue,site.electricity_usd_per_kwh,site.facility_capex_usd_per_w,hardware_choices.h100.chips,hardware_choices.trn2.chips,seed" \
  || fail "dry run header: $(head -n 1 "$WORK/stdout")"
grep -qx "0,1.1,0.05,10,512,512,7" "$WORK/stdout" && grep -qx "23,1.2,0.07,12,1024,1024,8" "$WORK/stdout" \
  || fail "dry run points: $(cat "$WORK/stdout")"

# --scenario replaces the spec's scenario (relative to the working directory)
(cd "$SRC" && "$SWEEP" "$WORK/groups.yaml" --dry-run --scenario scenarios/power-cap.yaml) >"$WORK/stdout" 2>"$WORK/stderr" \
  && grep -q "^sweep: 24 points of $SRC/scenarios/power-cap.yaml$" "$WORK/stderr" || fail "--scenario: $(cat "$WORK/stderr")"

# The example spec in docs/sweeps.md (from a copy of docs/, for its relative scenario path) has 36 points.
mkdir -p "$WORK/doccopy/docs" && ln -s "$SRC/scenarios" "$WORK/doccopy/scenarios"
python3 - "$SRC/docs/sweeps.md" "$WORK/doccopy/docs/sweep.yaml" <<'PY' || fail "no yaml example in docs/sweeps.md"
import re, sys
open(sys.argv[2], "w").write(re.findall(r"```yaml\n(.*?)```", open(sys.argv[1]).read(), re.S)[0])
PY
expect_rc 0 "$SWEEP" "$WORK/doccopy/docs/sweep.yaml" --dry-run
[ "$(wc -l <"$WORK/stdout")" -eq 37 ] || fail "docs/sweeps.md example: expected 36 points, got $(cat "$WORK/stdout")"

# --- bad specs: exit 2, file:line:column: key: what was expected, and no directory left behind
bad() {  # bad NAME "MESSAGE FRAGMENT" < spec text
  cat >"$WORK/$1.yaml"
  expect_rc 2 "$SWEEP" "$WORK/$1.yaml" --out "$WORK/bad-$1" --gigasim "$BIN"
  grep -qF -- "$2" "$WORK/stderr" || fail "$1: expected '$2', got: $(cat "$WORK/stderr")"
  [ ! -e "$WORK/bad-$1" ] || fail "$1: left $WORK/bad-$1 behind"
}
bad unknown_key "$WORK/unknown_key.yaml:2:1: prodcut: unknown key (expected one of scenario, product, zip, seeds, set)" <<EOF
scenario: $scn
prodcut: {site.pue: [1.1]}
EOF
bad zip_lengths "$WORK/zip_lengths.yaml:4:34: zip.site.facility_capex_usd_per_w: expected 2 values like zip.site.electricity_usd_per_kwh (line 3)" <<EOF
scenario: $scn
zip:
  site.electricity_usd_per_kwh: [0.05, 0.07]
  site.facility_capex_usd_per_w: [10, 12, 14]
EOF
bad empty_list "$WORK/empty_list.yaml:3:13: product.site.pue: expected a non-empty list of values" <<EOF
scenario: $scn
product:
  site.pue: []
EOF
bad non_scalar "$WORK/non_scalar.yaml:3:19: product.site.pue: expected a scalar value" <<EOF
scenario: $scn
product:
  site.pue: [1.1, {a: 1}]
EOF
bad no_scenario "$WORK/no_scenario.yaml: scenario: missing" <<EOF
product: {site.pue: [1.1]}
EOF
bad missing_scenario "$WORK/missing_scenario.yaml:1:11: scenario: $WORK/nope.yaml: no such file" <<EOF
scenario: nope.yaml
EOF
bad bad_seed "$WORK/bad_seed.yaml:2:12: seeds: expected an integer in [0, 9007199254740992], got '-1'" <<EOF
scenario: $scn
seeds: [1, -1]
EOF
bad twice "$WORK/twice.yaml:3:11: product: 'site.pue' is also given at line 2" <<EOF
scenario: $scn
set: {site.pue: 1.2}
product: {site.pue: [1.1]}
EOF
bad malformed "$WORK/malformed.yaml:3:1: malformed YAML" <<EOF
scenario: $scn
product: {site.pue: [1.1
EOF
# Bad options are refused too.
expect_rc 2 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/o" --gigasim "$BIN" --backend pbs
grep -q "backend: expected local or slurm, got 'pbs'" "$WORK/stderr" || fail "bad backend: $(cat "$WORK/stderr")"
expect_rc 2 "$SWEEP" "$WORK/spec.yaml" --out "$WORK/o" --gigasim "$WORK/nope"
grep -q "nope: not found or not executable" "$WORK/stderr" || fail "bad --gigasim: $(cat "$WORK/stderr")"
[ ! -e "$WORK/o" ] || fail "a refused command line created its --out"
finish
