#!/usr/bin/env bash
# gigasim compare: on two real runs of the quick-start scenario (once with electricity at twice the price),
# the Markdown and CSV agree with the summaries; bad directories and baselines exit 2 and write nothing.
source "$(dirname "$0")/lib.sh" "$@"
S="$SRC/scenarios/quickstart.yaml"
expect_rc 0 "$BIN" run "$S" --set horizon_days=90 --out "$WORK/base" --quiet
expect_rc 0 "$BIN" run "$S" --set horizon_days=90 --set site.electricity_usd_per_kwh=0.14 --out "$WORK/dear" --quiet
expect_rc 0 "$BIN" compare "$WORK/base" --baseline h100
grep -q "| metric | h100 | trn2 |" "$WORK/stdout" || fail "compare prints the Markdown table"
[ -f "$WORK/base/comparison.md" ] && [ -f "$WORK/base/comparison.csv" ] || fail "comparison.md/csv written into the run's directory"
expect_rc 0 "$BIN" compare "$WORK/base" "$WORK/dear" --baseline base/trn2 --out "$WORK/cmp" --quiet
[ -s "$WORK/stdout" ] && fail "--quiet printed something"
python3 - "$WORK" <<'PY' || fail "comparison values"
import csv, json, sys
w = sys.argv[1]
rows = list(csv.DictReader(open(f"{w}/cmp/comparison.csv")))
assert {r["label"] for r in rows} == {"base/h100", "base/trn2", "dear/h100", "dear/trn2"}, {r["label"] for r in rows}
val = {(r["label"], r["metric"]): r for r in rows}
for run in ("base", "dear"):
    s = json.load(open(f"{w}/{run}/summary.json"))["choices"]
    for ch, c in s.items():
        r = val[(f"{run}/{ch}", "total_usd")]
        assert float(r["value"]) == c["cost"]["total_usd"], r
        assert float(val[(f"{run}/{ch}", "tokens_trained")]["value"]) == c["training"]["tokens"]
        assert val[(f"{run}/{ch}", "tokens_served")]["value"] == ""  # no inference in the quick start
base = json.load(open(f"{w}/base/summary.json"))["choices"]["trn2"]["cost"]["total_usd"]
dear = json.load(open(f"{w}/dear/summary.json"))["choices"]["trn2"]["cost"]["total_usd"]
assert abs(float(val[("dear/trn2", "total_usd")]["ratio_to_baseline"]) - dear / base) < 1e-12
assert float(val[("base/trn2", "total_usd")]["ratio_to_baseline"]) == 1.0
assert dear > base  # dearer electricity
print("comparison ok")
PY
grep -q "(scenario \`quickstart\`)" "$WORK/cmp/comparison.md" || fail "comparison.md names the runs"

# Bad input: exit 2, one message, nothing written.
expect_rc 2 "$BIN" compare "$WORK/nowhere"
grep -q "nowhere: not a directory" "$WORK/stderr" || fail "missing directory message"
mkdir -p "$WORK/empty"
expect_rc 2 "$BIN" compare "$WORK/empty"
grep -q "empty/summary.json: cannot read it" "$WORK/stderr" || fail "no summary message"
mkdir -p "$WORK/broken" && echo '{"choices": {' > "$WORK/broken/summary.json"
expect_rc 2 "$BIN" compare "$WORK/broken"
grep -q "broken/summary.json: not valid JSON" "$WORK/stderr" || fail "broken JSON message"
expect_rc 2 "$BIN" compare "$WORK/base" --baseline tpu --out "$WORK/x"
grep -q "\-\-baseline 'tpu' names no choice (the choices are: h100, trn2)" "$WORK/stderr" || fail "bad baseline message"
[ -e "$WORK/x" ] && fail "a bad baseline left an output directory"
expect_rc 2 "$BIN" compare "$WORK/base" "$WORK/dear" --baseline h100
grep -q "is ambiguous" "$WORK/stderr" || fail "ambiguous baseline message"
expect_rc 2 "$BIN" compare
finish
