#!/usr/bin/env bash
# The committed platforms are current (regenerating them from platforms/sites gives the same bytes), and
# each loads in a plain SimGrid program with the hosts, cores and full-load power gigasim reports.
source "$(dirname "$0")/lib.sh" "$@"
: "${LOAD_PLATFORM:?LOAD_PLATFORM must name the plain SimGrid loader}"
for site in "$SRC"/platforms/sites/*.yaml; do
  name=$(basename "$site" .yaml)
  committed="$SRC/platforms/$name.xml"
  [ -f "$committed" ] || { fail "$committed is missing (run tools/gen-platforms.sh)"; continue; }
  expect_rc 0 "$BIN" platform "$site" -o "$WORK/$name.xml" --json --load
  cp "$WORK/stdout" "$WORK/$name.json"
  cmp -s "$committed" "$WORK/$name.xml" || fail "$committed differs from what $site generates (run tools/gen-platforms.sh)"
  "$LOAD_PLATFORM" "$committed" >"$WORK/$name.plain" 2>"$WORK/stderr" || { fail "plain SimGrid cannot load $committed"; cat "$WORK/stderr"; continue; }
  python3 - "$WORK/$name.json" "$WORK/$name.plain" <<'PY' || fail "$name: plain SimGrid disagrees with gigasim platform"
import json, sys
g = json.load(open(sys.argv[1]))
plain = dict(kv.split("=") for kv in open(sys.argv[2]).read().split())
assert int(plain["hosts"]) == g["hosts"] == g["simgrid"]["hosts"], (plain, g)
assert int(plain["cores"]) == g["chips"] == g["simgrid"]["cores"], (plain, g)
assert abs(float(plain["busy_w"]) - g["it_power_busy_w"]) <= 1e-9 * g["it_power_busy_w"], (plain, g)
assert g["facility_power_busy_w"] <= g["site_power_w"], g
PY
done
# The 5 GW campuses exist and are near their envelope.
python3 - "$WORK" <<'PY' || fail "5 GW campuses"
import json, sys
for n in ("nvidia-5gw-pod", "trainium-5gw-pod"):
    g = json.load(open(f"{sys.argv[1]}/{n}.json"))
    assert g["site_power_w"] == 5e9 and 0.95 * 5e9 < g["facility_power_busy_w"] <= 5e9, g
PY
finish
