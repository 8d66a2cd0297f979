#!/usr/bin/env bash
# tools/flagship_report.py on the flagship cut to nine months (the scarcer NVIDIA supply delivers after 240 days): the report has its sections, a ratio for
# tokens trained and served, a sensitivity row per input, and the tornado chart; a missing binary exits 2.
source "$(dirname "$0")/lib.sh" "$@"
expect_rc 0 /usr/bin/python3 "$SRC/tools/flagship_report.py" --gigasim "$BIN" --years 0.75 --out "$WORK/r"
md="$WORK/r/flagship-5gw-10y.md"
for s in "## Does Trainium cut the cost per token by 50%?" "## Every choice" "## Sensitivity" "## What this does not capture" \
         "| metric | mixed | nvidia | rent | trainium |" "![tornado](flagship-tornado.png)"; do
  grep -qF "$s" "$md" || fail "report lacks: $s"
done
grep -Eq "trained\*\* is [0-9.]+x NVIDIA's, and per million tokens \*\*served\*\* [0-9.]+x" "$md" || fail "report lacks the two ratios"
[ "$(grep -c '^| .* | [0-9.-]* | [0-9.-]* | [0-9.-]* | [0-9.-]* |$' "$md")" -ge 10 ] || fail "fewer than 10 sensitivity rows"
for f in flagship-tornado.png flagship-tornado.svg flagship-comparison.csv flagship-plots/cost_cumulative.png; do
  [ -s "$WORK/r/$f" ] || fail "missing $f"
done
expect_rc 2 /usr/bin/python3 "$SRC/tools/flagship_report.py" --gigasim "$WORK/none" --out "$WORK/x"
grep -q "not found" "$WORK/stderr" || fail "missing binary message"
finish
