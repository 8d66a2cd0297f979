#!/usr/bin/env bash
# A run never silently overwrites another scenario's results; --force allows it.
source "$(dirname "$0")/lib.sh" "$@"
scn="$SRC/scenarios/quickstart.yaml"
expect_rc 0 "$BIN" run "$scn" --out "$WORK/o" --quiet
cp "$WORK/o/summary.json" "$WORK/before.json"
expect_rc 2 "$BIN" run "$scn" --out "$WORK/o" --quiet --set name=other
grep -q "holds results of scenario 'quickstart', not 'other'" "$WORK/stderr" || fail "message: $(cat "$WORK/stderr")"
cmp -s "$WORK/o/summary.json" "$WORK/before.json" || fail "the refused run changed the previous results"
expect_rc 0 "$BIN" run "$scn" --out "$WORK/o" --quiet --set name=other --force
grep -q '"scenario": "other"' "$WORK/o/summary.json" || fail "--force did not overwrite"
expect_rc 0 "$BIN" run "$scn" --out "$WORK/o" --quiet --set name=other
finish
