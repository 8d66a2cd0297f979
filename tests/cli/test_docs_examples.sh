#!/usr/bin/env bash
# Every example in the docs loads: "```yaml scenario" blocks (docs/scenarios.md) are validated as
# scenarios (from a copy of docs/ so their relative catalog path works), "```yaml catalog" blocks as
# catalog entries used by a small scenario, "```yaml estimate" blocks (docs/estimate.md) are estimated.
source "$(dirname "$0")/lib.sh" "$@"
mkdir -p "$WORK/docs" "$WORK/cat"
ln -s "$SRC/platforms" "$WORK/platforms"
python3 - "$SRC/docs/scenarios.md" "$WORK" <<'PY' || fail "could not extract examples"
import re, sys
text = open(sys.argv[1]).read()
w = sys.argv[2]
blocks = re.findall(r"```yaml (scenario|catalog)\n(.*?)```", text, re.S)
assert blocks, "no examples found"
n = {"scenario": 0, "catalog": 0}
for kind, body in blocks:
    n[kind] += 1
    if kind == "scenario":
        open(f"{w}/docs/example-{n[kind]}.yaml", "w").write(body)
    else:
        ident = re.search(r"^id: (\S+)", body, re.M).group(1)
        open(f"{w}/cat/{ident}.yaml", "w").write(body)
        open(f"{w}/docs/catalog-example-{n[kind]}.yaml", "w").write(
            "name: catalog-example\nhorizon_days: 1\ncatalog: ../cat\n"
            "site: {power_w: 1.0e9, pue: 1.1, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10}\n"
            "workload: {}\nhardware_choices:\n  - {name: x, system: %s, chips: 64}\n" % ident)
print(n)
PY
python3 - "$SRC/docs/estimate.md" "$WORK" <<'PY' || fail "could not extract estimate examples"
import re, sys
blocks = re.findall(r"```yaml estimate\n(.*?)```", open(sys.argv[1]).read(), re.S)
assert blocks, "no estimate examples found"
for i, body in enumerate(blocks):
    open(f"{sys.argv[2]}/estimate-{i}.yaml", "w").write(body)
PY
for f in "$WORK"/estimate-*.yaml; do
  expect_rc 0 "$BIN" estimate "$f"
  if grep -q '^estimate: inference' "$f"; then
    grep -q '"ttft_s"' "$WORK/stdout" || fail "$f: no ttft_s"
  else
    grep -q '"step_time_s"' "$WORK/stdout" || fail "$f: no step_time_s"
  fi
done
count=0
for f in "$WORK"/docs/*.yaml; do
  count=$((count + 1))
  expect_rc 0 "$BIN" validate "$f"
done
[ "$count" -ge 2 ] || fail "expected at least one scenario and one catalog example, found $count"
finish
