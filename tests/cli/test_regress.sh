#!/usr/bin/env bash
# tools/regress (docs/regression.md) itself: on copies of the committed baselines with values perturbed,
# removed or added, the checker fails (exit 1) naming the metric, the choice and the month, and passes within
# tolerance; the tolerance rules apply in order; percentile columns are compared when present; bad input
# exits 2 with the file, line and key; `run` checks fresh runs and `--update` rewrites baselines elsewhere
# (never the committed ones, whose bytes this test checks before and after). The gate over every case is
# tests/cli/test_regress_cases.sh.
source "$(dirname "$0")/lib.sh" "$@"
R="$SRC/tools/regress"
B="$SRC/tests/regress/baselines"
# Byte digest of the committed baselines: the test must leave them as they were.
digest() { (cd "$B" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum); }
before=$(digest)

# edit.py OP [+ OP]...: each OP is `ts FILE CHOICE METRIC MONTH|all EXPR [COLUMN]` or `json FILE A/B/C EXPR`;
# EXPR is a Python expression of v (the old value), or DELETE.
cat >"$WORK/edit.py" <<'PY'
import csv, json, math, sys
def new(v, expr):
    return eval(expr, {"v": v, "math": math})
def edit(kind, f, *args):
    if kind == "ts":
        ch, metric, month, expr = args[:4]
        with open(f, newline="") as fh:
            rows = list(csv.reader(fh))
        head, out, hit = rows[0], [rows[0]], 0
        col = head.index(args[4] if len(args) > 4 else "value")
        for r in rows[1:]:
            if r[0] == ch and r[2] == metric and (month == "all" or r[1] == month):
                hit += 1
                if expr == "DELETE":
                    continue
                r[col] = repr(new(float(r[col]), expr))
            out.append(r)
        assert hit, ("no such row", ch, metric, month)
        with open(f, "w", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(out)
    else:
        path, expr = args
        s = json.load(open(f))
        *parents, last = path.split("/")
        d = s
        for p in parents:
            d = d[p]
        if expr == "DELETE":
            del d[last]
        else:
            d[last] = new(d.get(last), expr)
        json.dump(s, open(f, "w"), indent=2)
ops, cur = [], []
for a in sys.argv[1:] + ["+"]:
    if a == "+":
        ops.append(cur)
        cur = []
    else:
        cur.append(a)
for op in ops:
    edit(*op)
PY
PY3=/usr/bin/python3
[ -x "$PY3" ] || PY3=python3
ed() { "$PY3" "$WORK/edit.py" "$@" || fail "edit.py $*"; }
fresh() { rm -rf "$WORK/run"; cp -r "$B/quickstart" "$WORK/run"; }
check() { expect_rc "$1" "$R" check "$WORK/run" --baseline "$B/quickstart" --name qs "${@:2}"; }
has() { grep -qF -- "$1" "$WORK/stdout" || { fail "output lacks '$1'"; cat "$WORK/stdout"; }; }
errhas() { grep -qF -- "$1" "$WORK/stderr" || { fail "stderr lacks '$1'"; cat "$WORK/stderr"; }; }

# An identical copy passes.
fresh
check 0
has "qs: ok ("

# Beyond tolerance (1e-6 relative against 1e-9): one monthly value and one summary value.
ed ts "$WORK/run/timeseries.csv" h100 cost_cumulative_usd 3 "v * (1 + 1e-6)" \
   + json "$WORK/run/summary.json" choices/trn2/cost/total_usd "v * (1 + 1e-6)"
check 1
has "qs: h100: cost_cumulative_usd month 3: "
has "(+0.0001%; tolerance relative 1e-09, absolute 1e-12)"
has "qs: trn2: summary cost.total_usd: "
has "qs: REGRESSION: 2 value(s)"
[ "$(grep -c '^qs: ' "$WORK/stdout")" -eq 3 ] || fail "exactly the two moved values and the verdict: $(cat "$WORK/stdout")"

# Within tolerance (1e-11 relative): passes.
fresh
ed ts "$WORK/run/timeseries.csv" h100 cost_cumulative_usd 3 "v * (1 + 1e-11)" \
   + json "$WORK/run/summary.json" choices/trn2/cost/total_usd "v * (1 + 1e-11)"
check 0
# A value that is zero may move by the absolute tolerance only.
fresh
ed ts "$WORK/run/timeseries.csv" h100 cost_rent_usd 0 "v + 1e-13"
check 0
ed ts "$WORK/run/timeseries.csv" h100 cost_rent_usd 0 "v + 1e-11"
check 1
has "qs: h100: cost_rent_usd month 0: 0 -> 1.01e-11 (+1.01e-11 absolute"

# A metric that moves in several months: one line, from the first month it moved, and the largest move.
fresh
ed ts "$WORK/run/timeseries.csv" trn2 energy_it_mwh all "v * 1.01" \
   + ts "$WORK/run/timeseries.csv" trn2 energy_it_mwh 2 "v * 1.05"
check 1
has "qs: trn2: energy_it_mwh month 0: "
has "moved in 4 months (0-3), most at month 2: "
has "qs: REGRESSION: 4 value(s) moved, added or removed, in 1 metric(s)"

# A metric removed (every month of one choice), a summary value removed, one added, a text changed, a unit
# changed, a choice added: each a regression, named.
fresh
ed ts "$WORK/run/timeseries.csv" trn2 pue all DELETE
check 1
has "qs: trn2: pue: removed in months 0-3 (4 values)"
fresh
ed json "$WORK/run/summary.json" choices/h100/training/preemptions DELETE \
   + json "$WORK/run/summary.json" choices/h100/training/restarts "7" \
   + json "$WORK/run/summary.json" choices/h100/fleet/refresh "'upgrade'"
check 1
has "qs: h100: summary training.preemptions: removed (baseline 0)"
has "qs: h100: summary training.restarts: added (run 7)"
has "qs: h100: summary fleet.refresh: 'keep' -> 'upgrade'"
fresh
sed -i 's/^h100,1,energy_it_mwh,\(.*\),MWh$/h100,1,energy_it_mwh,\1,GWh/' "$WORK/run/timeseries.csv"
grep -q "^h100,1,energy_it_mwh,.*,GWh$" "$WORK/run/timeseries.csv" || fail "unit edit"
check 1
has "qs: h100: energy_it_mwh unit month 1: 'MWh' -> 'GWh'"
fresh
grep "^trn2," "$B/quickstart/timeseries.csv" | sed 's/^trn2,/trn3,/' >>"$WORK/run/timeseries.csv"
check 1
has "qs: trn3: choice added to timeseries.csv"

# Provenance is not compared (version, scenario hash, where an assumption came from); its value is.
fresh
ed json "$WORK/run/summary.json" gigasim_version "'9.9.9'" \
   + json "$WORK/run/summary.json" scenario_sha256 "'0' * 64" \
   + json "$WORK/run/summary.json" choices/h100/assumptions/site.pue/source "'elsewhere.yaml:1:1'"
check 0
ed json "$WORK/run/summary.json" choices/h100/assumptions/site.pue/value "1.2"
check 1
has "qs: h100: summary assumptions.site.pue.value: 1.15 -> 1.2"

# Rules: the first match wins, by file and choice; the line names the rule that applied.
fresh
ed ts "$WORK/run/timeseries.csv" h100 cost_cumulative_usd 3 "v * (1 + 1e-6)"
cat >"$WORK/loose.yaml" <<'EOF'
default: {relative: 1.0e-9, absolute: 1.0e-12}
rules:
  - {match: "cost_*", file: timeseries, relative: 1e-5}
EOF
check 0 --config "$WORK/loose.yaml"
cat >"$WORK/order.yaml" <<'EOF'
default: {relative: 1.0e-9, absolute: 1.0e-12}
rules:
  - {match: cost_cumulative_usd, choice: "h1*", relative: 1.0e-7}
  - {match: "cost_*", relative: 1.0e-5}
EOF
check 1 --config "$WORK/order.yaml"
has "tolerance relative 1e-07, absolute 1e-12 ($WORK/order.yaml:3:5)"
cat >"$WORK/other.yaml" <<'EOF'
default: {relative: 1.0e-9, absolute: 1.0e-12}
rules:
  - {match: "cost_*", file: summary, relative: 1.0e-5}
  - {match: "cost_*", choice: trn2, relative: 1.0e-5}
  - {match: "cost_cumulative_usd", ignore: true, choice: trn2}
EOF
check 1 --config "$WORK/other.yaml"
cat >"$WORK/ign.yaml" <<'EOF'
default: {relative: 1.0e-9, absolute: 1.0e-12}
rules:
  - {match: "cost_cumulative_*", ignore: true}
EOF
check 0 --config "$WORK/ign.yaml"

# Percentile columns (runs with --samples): compared when both sides have them; one side only is a regression.
cp -r "$B/quickstart" "$WORK/pbase"
"$PY3" - "$WORK/pbase/timeseries.csv" <<'PY' || fail "adding percentile columns"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
out = [rows[0] + ["p5", "p50", "p95"]] + [r + ([str(0.9 * float(r[3])), r[3], str(1.1 * float(r[3]))] if r[3] else ["", "", ""]) for r in rows[1:]]
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows(out)
PY
rm -rf "$WORK/run" && cp -r "$WORK/pbase" "$WORK/run"
expect_rc 0 "$R" check "$WORK/run" --baseline "$WORK/pbase" --name qs
ed ts "$WORK/run/timeseries.csv" trn2 cost_usd 2 "v * 1.5" p95
expect_rc 1 "$R" check "$WORK/run" --baseline "$WORK/pbase" --name qs
has "qs: trn2: cost_usd p95 month 2: "
expect_rc 1 "$R" check "$B/quickstart" --baseline "$WORK/pbase" --name qs
has "qs: timeseries.csv: column p5 removed"
# Empty and NaN values compare as themselves.
rm -rf "$WORK/run" && cp -r "$WORK/pbase" "$WORK/run"
sed -i 's/^trn2,2,cost_usd,\([^,]*\),\([^,]*\),[^,]*,/trn2,2,cost_usd,\1,\2,nan,/' "$WORK/run/timeseries.csv" "$WORK/pbase/timeseries.csv"
expect_rc 0 "$R" check "$WORK/run" --baseline "$WORK/pbase" --name qs
sed -i 's/^trn2,2,cost_usd,\([^,]*\),\([^,]*\),nan,/trn2,2,cost_usd,\1,\2,,/' "$WORK/run/timeseries.csv"
expect_rc 1 "$R" check "$WORK/run" --baseline "$WORK/pbase" --name qs
has "qs: trn2: cost_usd p5 month 2: nan -> empty"

# Estimate outputs.
rm -rf "$WORK/est" && cp -r "$B/estimate-llama3-405b-8k" "$WORK/est"
ed json "$WORK/est/estimate.json" step_time_s "v * 1.02" \
   + json "$WORK/est/estimate.json" layout/pp "v // 2"
expect_rc 1 "$R" check "$WORK/est" --baseline "$B/estimate-llama3-405b-8k"
has "est: estimate step_time_s: "
has "(+2%;"
has "est: estimate layout.pp: $(grep -o '"pp": [0-9]*' "$B/estimate-llama3-405b-8k/estimate.json" | grep -o '[0-9]*$') -> "

# Many moved metrics: the first 20 lines, then a count of the rest.
fresh
for m in cost_capex_usd cost_cumulative_usd cost_depreciation_usd cost_electricity_usd cost_maintenance_usd \
         cost_opex_usd cost_ownership_usd cost_usd energy_facility_mwh energy_it_mwh flops_trained \
         power_facility_avg_w power_it_avg_w tokens_trained utilisation carbon_operational_t; do
  for ch in h100 trn2; do
    sed -i "s/^$ch,1,$m,\([0-9]\)/$ch,1,$m,9\1/" "$WORK/run/timeseries.csv"
  done
done
check 1
has "qs: ... and 12 more moved metrics (--max-lines 0 shows all)"
[ "$(grep -c '^qs: .* month 1: ' "$WORK/stdout")" -eq 20 ] || fail "20 lines shown"
check 1 --max-lines 0
[ "$(grep -c '^qs: .* month 1: ' "$WORK/stdout")" -eq 32 ] || fail "--max-lines 0 shows all 32"

# Bad input: exit 2 with the file, line and key.
expect_rc 2 "$R" check "$WORK/nowhere" --baseline "$B/quickstart"
errhas "RUN_DIR $WORK/nowhere: no such directory"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$WORK/nowhere"
errhas "--baseline $WORK/nowhere: no such directory"
mkdir -p "$WORK/emptydir"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$WORK/emptydir"
errhas "holds none of timeseries.csv, summary.json, estimate.json"
expect_rc 2 "$R" check "$WORK/emptydir" --baseline "$B/quickstart"
errhas "emptydir/timeseries.csv: no such file"
printf 'default: {relative: 1.0e-9, absolute: 1.0e-12}\nrules:\n  - {match: "cost_*", relativ: 1.0e-3}\n' >"$WORK/bad.yaml"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/bad.yaml"
errhas "bad.yaml:3:23: unknown key 'relativ' in rule 1 (expected one of: match, file, choice, relative, absolute, ignore)"
printf 'default: {relative: 1.0e-9, absolute: 1.0e-12}\nrules:\n  - {match: "cost_*", relative: -1}\n' >"$WORK/bad.yaml"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/bad.yaml"
errhas "bad.yaml:3:33: rule 1: relative must be a finite number >= 0 (got '-1')"
printf 'default: {relative: 1.0e-9}\n' >"$WORK/bad.yaml"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/bad.yaml"
errhas "bad.yaml:1:10: default lacks the required key 'absolute'"
printf 'default: {relative: 1.0e-9, absolute: 0}\nrules:\n  - {match: x, file: csv, relative: 1}\n' >"$WORK/bad.yaml"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/bad.yaml"
errhas "bad.yaml:3:22: rule 1: file must be one of: summary, timeseries, estimate (got 'csv')"
printf 'default: {relative: 1.0e-9, absolute: 0}\nrules:\n  - {match: x}\n' >"$WORK/bad.yaml"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/bad.yaml"
errhas "bad.yaml:3:5: rule 1: give relative and/or absolute (or ignore: true)"
printf 'default: {relative: 1.0e-9, absolute: 0}\nrules: [\n' >"$WORK/bad.yaml"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/bad.yaml"
errhas "bad.yaml:3:1: not valid YAML"
expect_rc 2 "$R" check "$B/quickstart" --baseline "$B/quickstart" --config "$WORK/none.yaml"
errhas "none.yaml: cannot read it"
fresh
sed -i '1s/,unit$//; 2,$s/,[^,]*$//' "$WORK/run/timeseries.csv"
check 2
errhas "run/timeseries.csv:1: the header lacks the column(s) unit"
fresh
sed -n 5p "$B/quickstart/timeseries.csv" >>"$WORK/run/timeseries.csv"
IFS=, read -r c5 m5 metric5 _ < <(sed -n 5p "$B/quickstart/timeseries.csv")
check 2
errhas "run/timeseries.csv:$(wc -l <"$WORK/run/timeseries.csv"): a second row for choice $c5, metric $metric5, month $m5 (first at line 5)"
fresh
sed -i '3s/.*/  "choices": {,/' "$WORK/run/summary.json"
check 2
errhas "run/summary.json:3:15: not valid JSON"

# run: unknown case, missing baseline, missing program, a bad cases file.
expect_rc 2 "$R" run no-such-case --gigasim "$BIN"
errhas "unknown case 'no-such-case' (the cases in"
expect_rc 2 "$R" run quickstart --gigasim "$BIN" --baselines "$WORK/emptydir"
errhas "quickstart/timeseries.csv: missing baseline of case 'quickstart'; create it from a run with \`tools/regress run --update --baselines $WORK/emptydir quickstart\`"
expect_rc 2 "$R" run quickstart --gigasim "$WORK/no-gigasim"
errhas "--gigasim $WORK/no-gigasim: no such executable file"
printf 'cases:\n  - {name: a, run: scenarios/quickstart.yaml, sed: 1}\n' >"$WORK/cases.yaml"
expect_rc 2 "$R" run --cases "$WORK/cases.yaml" --gigasim "$BIN"
errhas "cases.yaml:2:47: unknown key 'sed' in case 1 (expected one of:"
printf 'cases:\n  - {name: a, run: scenarios/nope.yaml}\n' >"$WORK/cases.yaml"
expect_rc 2 "$R" run --cases "$WORK/cases.yaml" --gigasim "$BIN"
errhas "cases.yaml:2:20: case 'a': scenarios/nope.yaml: no such file"
printf 'cases:\n  - {name: a, run: scenarios/quickstart.yaml}\n  - {name: a, estimate: scenarios/validation/llama3-405b-8k.yaml}\n' >"$WORK/cases.yaml"
expect_rc 2 "$R" run --cases "$WORK/cases.yaml" --gigasim "$BIN"
errhas "cases.yaml:3:5: case name 'a' is used twice (first at"
printf 'cases:\n  - {name: a, run: scenarios/quickstart.yaml, estimate: scenarios/quickstart.yaml}\n' >"$WORK/cases.yaml"
expect_rc 2 "$R" run --cases "$WORK/cases.yaml" --gigasim "$BIN"
errhas "give exactly one of run"
expect_rc 0 "$R" list
has "quickstart: gigasim run scenarios/quickstart.yaml --seed 1 --out OUT/quickstart --quiet  -> timeseries.csv, summary.json"

# run against baselines elsewhere: a perturbed copy fails with the names, an intact one passes.
mkdir -p "$WORK/b"
cp -r "$B/quickstart" "$B/estimate-llama3-405b-8k" "$WORK/b/"
ed ts "$WORK/b/quickstart/timeseries.csv" trn2 cost_cumulative_usd 2 "v * 1.001"
expect_rc 1 "$R" run quickstart estimate-llama3-405b-8k --gigasim "$BIN" --baselines "$WORK/b" --out "$WORK/kept"
has "quickstart: trn2: cost_cumulative_usd month 2: "
has "quickstart: REGRESSION: 1 value(s)"
has "estimate-llama3-405b-8k: ok ("
has "regress: 2 case(s), 1 regressed or failed"
[ -s "$WORK/kept/quickstart/summary.json" ] && [ -s "$WORK/kept/estimate-llama3-405b-8k/estimate.json" ] || fail "--out keeps the fresh outputs"
# Per-case rules come first.
# Warnings (stderr): a rule that matched nothing, a baseline without a case.
printf 'cases:\n  - {name: quickstart, run: scenarios/quickstart.yaml, seed: 1, rules: [{match: "cost_cumulative_usd", relative: 1.0e-2}, {match: no_such_metric, relative: 1}]}\n' >"$WORK/cases.yaml"
expect_rc 0 "$R" run --cases "$WORK/cases.yaml" --gigasim "$BIN" --baselines "$WORK/b"
has "quickstart: ok ("
errhas "cases.yaml:2:123: rule 'no_such_metric' matched no value in case 'quickstart'"
errhas "b/estimate-llama3-405b-8k: no case of that name in $WORK/cases.yaml"
# A gigasim that fails is a failed case (exit 1) and --update then writes nothing.
printf '#!/bin/sh\necho "boom: internal error" >&2\nexit 1\n' >"$WORK/broken" && chmod +x "$WORK/broken"
expect_rc 1 "$R" run quickstart --gigasim "$WORK/broken" --baselines "$WORK/b"
has "quickstart: FAILED: gigasim exited 1: run scenarios/quickstart.yaml --seed 1 --out"
has ": boom: internal error"
cp "$WORK/b/quickstart/timeseries.csv" "$WORK/ts.before"
expect_rc 1 "$R" run quickstart --gigasim "$WORK/broken" --baselines "$WORK/b" --update
has "no baseline rewritten"
cmp -s "$WORK/ts.before" "$WORK/b/quickstart/timeseries.csv" || fail "a failed --update rewrote a baseline"

# A gigasim that exits 0 but writes a broken summary and no timeseries: regressions, and --update refuses.
cat >"$WORK/garbage" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --out ] && out=$2; shift; done
mkdir -p "$out" && echo '{"choices": ' >"$out/summary.json"
EOF
chmod +x "$WORK/garbage"
expect_rc 1 "$R" run quickstart --gigasim "$WORK/garbage" --baselines "$WORK/b"
has "quickstart: timeseries.csv: not written by the run"
has "quickstart: summary.json: the run wrote an unreadable file: "
expect_rc 1 "$R" run quickstart --gigasim "$WORK/garbage" --baselines "$WORK/b" --update
has "quickstart: FAILED: the run wrote no timeseries.csv"
has "quickstart: FAILED: the run wrote an unreadable summary.json: "
cmp -s "$WORK/ts.before" "$WORK/b/quickstart/timeseries.csv" || fail "a failed --update rewrote a baseline"

# --update rewrites the perturbed baseline (saying what it accepts), leaves the unchanged one and other
# files alone, creates missing ones with only the compared files; then the runs pass.
echo "not a compared file" >"$WORK/b/quickstart/jobs.csv"
expect_rc 0 "$R" run quickstart estimate-llama3-405b-8k power-cap --gigasim "$BIN" --baselines "$WORK/b" --update
has "quickstart: trn2: cost_cumulative_usd month 2: "
has "quickstart: updated: 1 value(s) beyond tolerance in 1 metric(s) accepted (timeseries.csv, summary.json)"
has "estimate-llama3-405b-8k: unchanged"
has "power-cap: created (timeseries.csv, summary.json)"
[ "$(cat "$WORK/b/quickstart/jobs.csv")" = "not a compared file" ] || fail "--update touched a file it does not compare"
[ "$(ls -A "$WORK/b/power-cap" | LC_ALL=C sort | tr '\n' ' ')" = "summary.json timeseries.csv " ] || fail "a new baseline holds only the compared files: $(ls -A "$WORK/b/power-cap")"
cmp -s "$WORK/kept/quickstart/timeseries.csv" "$WORK/b/quickstart/timeseries.csv" || fail "--update wrote the fresh run"
expect_rc 0 "$R" run quickstart estimate-llama3-405b-8k power-cap --gigasim "$BIN" --baselines "$WORK/b"
has "regress: 3 case(s), all ok"
expect_rc 0 "$R" run quickstart --gigasim "$BIN" --baselines "$WORK/b" --update
has "quickstart: unchanged"

[ "$(digest)" = "$before" ] || fail "the committed baselines changed during the test"
finish
