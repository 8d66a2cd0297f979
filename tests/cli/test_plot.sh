#!/usr/bin/env bash
# tools/plot on a quick-start run: four plots in PNG and SVG; bad input exits 2 with a message.
source "$(dirname "$0")/lib.sh" "$@"
expect_rc 0 "$BIN" run "$SRC/scenarios/quickstart.yaml" --out "$WORK/run" --quiet
expect_rc 0 "$SRC/tools/plot" "$WORK/run"
for name in cost_cumulative throughput energy chips; do
  png="$WORK/run/plots/$name.png" svg="$WORK/run/plots/$name.svg"
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$name.png is not a PNG"
  grep -q "<svg" "$svg" || fail "$name.svg is not an SVG"
  grep -q "$name" "$WORK/stdout" || fail "plot did not list $name"
done
# The cumulative cost plot carries both choices' labels.
grep -q "h100" "$WORK/run/plots/cost_cumulative.svg" && grep -q "trn2" "$WORK/run/plots/cost_cumulative.svg" || fail "legend lacks a choice"
# A run with --samples: the cost plot shades each choice's p5-p95 band (a filled path per choice).
expect_rc 0 "$BIN" run "$SRC/scenarios/quickstart.yaml" --set 'site.electricity_usd_per_kwh={uniform: [0.02, 0.3]}' --samples 4 \
  --out "$WORK/banded" --quiet
expect_rc 0 "$SRC/tools/plot" "$WORK/banded" --out "$WORK/banded/plots"
[ "$(grep -c 'PolyCollection' "$WORK/banded/plots/cost_cumulative.svg")" -ge 2 ] || fail "no band in the cost plot of a sampled run"
[ "$(grep -c 'PolyCollection' "$WORK/run/plots/cost_cumulative.svg")" -eq 0 ] || fail "a band in the cost plot of a plain run"
expect_rc 2 "$SRC/tools/plot" "$WORK/nowhere"
grep -q "nowhere: not a directory" "$WORK/stderr" || fail "missing directory message"
mkdir -p "$WORK/bad" && printf 'choice,month,metric,value,unit\nh100,zero,tokens_trained,1,tokens\n' > "$WORK/bad/timeseries.csv"
expect_rc 2 "$SRC/tools/plot" "$WORK/bad"
grep -q "timeseries.csv:2: expected an integer month" "$WORK/stderr" || fail "bad row message"
printf 'a,b\n1,2\n' > "$WORK/bad/timeseries.csv"
expect_rc 2 "$SRC/tools/plot" "$WORK/bad"
grep -q "expected the columns choice,month,metric,value,unit" "$WORK/stderr" || fail "bad header message"
finish
