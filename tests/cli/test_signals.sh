#!/usr/bin/env bash
# SIGINT and SIGTERM during a run: exit 128 + signal, previous results untouched, no temporary file left
# in the output directory or in $TMPDIR, no child process left behind.
source "$(dirname "$0")/lib.sh" "$@"
python3 - "$WORK/slow.yaml" "$SRC/platforms/catalog" <<'PY'
import sys
jobs = "\n".join(f"    - {{name: j{i}, params: 1.0e9, tokens: 5.0e13, chips: 8, submit_day: {i}, global_batch_tokens: 1048576}}" for i in range(64))
# Choices of different sizes: identical ones would share one simulation.
choices = "\n".join(f"  - {{name: c{i}, system: h100-x8, chips: {512 + 8 * i}}}" for i in range(24))
open(sys.argv[1], "w").write(f"""name: slow
horizon_years: 10
catalog: {sys.argv[2]}
site: {{power_w: 2.0e6, pue: 1.15, electricity_usd_per_kwh: 0.07, facility_capex_usd_per_w: 10}}
workload:
  pretraining:
{jobs}
hardware_choices:
{choices}
""")
PY
# Previous results of the same scenario (a shorter horizon, so it is quick).
expect_rc 0 "$BIN" run "$WORK/slow.yaml" --out "$WORK/out" --quiet --set horizon_years=0.2
cp -r "$WORK/out" "$WORK/before"
for sig in INT TERM; do
  # Its own temporary directory: other tests running at the same time make and remove theirs in /tmp.
  mkdir -p "$WORK/tmp"
  TMPDIR="$WORK/tmp" "$BIN" run "$WORK/slow.yaml" --out "$WORK/out" --quiet -j 1 2>"$WORK/stderr" &
  pid=$!
  # Wait until a simulation child exists, then interrupt the parent.
  for _ in $(seq 1 200); do pgrep -P "$pid" >/dev/null && break; sleep 0.05; done
  pgrep -P "$pid" >/dev/null || fail "SIG$sig: the run ended before it could be interrupted"
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  want=$((128 + $(kill -l "$sig")))
  [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want"
  grep -q "interrupted by signal" "$WORK/stderr" || fail "SIG$sig: no message: $(cat "$WORK/stderr")"
  diff -r "$WORK/before" "$WORK/out" >/dev/null || fail "SIG$sig: the previous results changed"
  [ -z "$(ls -A "$WORK/out" | grep -v -E '^(summary.json|timeseries.csv|jobs.csv|fleet.csv)$')" ] || fail "SIG$sig: stray files in the output directory"
  [ -z "$(ls -A "$WORK/tmp")" ] || fail "SIG$sig: a temporary file or directory was left in \$TMPDIR: $(ls -A "$WORK/tmp")"
  pgrep -P "$pid" >/dev/null && fail "SIG$sig: a child process survived"
done
finish
