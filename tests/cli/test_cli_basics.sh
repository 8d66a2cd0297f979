#!/usr/bin/env bash
# --help, --version, usage errors, validate.
source "$(dirname "$0")/lib.sh" "$@"
expect_rc 0 "$BIN" --help
grep -q "run" "$WORK/stdout" || fail "--help does not list run"
expect_rc 0 "$BIN" --version
grep -qE "^gigasim [0-9]+\.[0-9]+\.[0-9]+" "$WORK/stdout" || fail "--version output: $(cat "$WORK/stdout")"
for sub in run validate; do
  expect_rc 0 "$BIN" "$sub" --help
  grep -q -- "--set" "$WORK/stdout" || fail "$sub --help does not document --set"
done
expect_rc 2 "$BIN"
expect_rc 2 "$BIN" frobnicate
expect_rc 2 "$BIN" run
expect_rc 2 "$BIN" run "$SRC/scenarios/quickstart.yaml" --no-such-option
expect_rc 2 "$BIN" run "$SRC/scenarios/quickstart.yaml" --log-level chatty
expect_rc 2 "$BIN" run "$WORK/does-not-exist.yaml" --out "$WORK/x"
grep -q "does-not-exist.yaml: file not found" "$WORK/stderr" || fail "missing file message: $(cat "$WORK/stderr")"
[ -e "$WORK/x" ] && fail "an output directory was created for a missing scenario"
cd "$WORK"
expect_rc 0 "$BIN" validate "$SRC/scenarios/quickstart.yaml"
grep -q "^ok: " "$WORK/stdout" || fail "validate did not say ok"
[ -e "$WORK/out" ] && fail "validate created an output directory"
finish
