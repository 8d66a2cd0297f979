#!/usr/bin/env bash
# tools/flagship_report.py on the flagship cut to nine months (the scarcer NVIDIA supply delivers after 240 days), with
# --samples 3 for the joint uncertainty: the report has its sections, a ratio for tokens trained and served, a
# sensitivity row per input and the tornado chart; the utilisation table agrees with the base run; the joint ratios'
# p5/p50/p95 and the count at or below 0.5 are what the sampled run's samples.csv gives, and the figure is written;
# bad options and a missing binary exit 2.
source "$(dirname "$0")/lib.sh" "$@"
expect_rc 0 /usr/bin/python3 "$SRC/tools/flagship_report.py" --gigasim "$BIN" --years 0.75 --samples 3 -j 2 --out "$WORK/r" \
  --keep-runs "$WORK/runs"
md="$WORK/r/flagship-5gw-10y.md"
for s in "## Does Trainium cut the cost per token by 50%?" "## Every choice" "## How much of each fleet is used" "## Sensitivity" \
         "## How sure are we? (the estimated inputs drawn together)" "## What this does not capture" \
         "| metric | mixed | nvidia | rent | trainium |" "![tornado](flagship-tornado.png)" "![joint](flagship-joint.png)" \
         "a Latin hypercube of 3 samples" "The central run (every input at its base value) gives the base ratios exactly."; do
  grep -qF "$s" "$md" || fail "report lacks: $s"
done
grep -Eq "trained\*\* is [0-9.]+x NVIDIA's, and per million tokens \*\*served\*\* [0-9.]+x" "$md" || fail "report lacks the two ratios"
[ "$(sed -n '/^## Sensitivity/,/^## /p' "$md" | grep -c '^| .* | [0-9.-]* | [0-9.-]* | [0-9.-]* | [0-9.-]* |$')" -ge 10 ] \
  || fail "fewer than 10 sensitivity rows"
for f in flagship-tornado.png flagship-tornado.svg flagship-joint.png flagship-joint.svg flagship-joint-samples.csv \
         flagship-comparison.csv flagship-plots/cost_cumulative.png; do
  [ -s "$WORK/r/$f" ] || fail "missing $f"
done
/usr/bin/python3 - "$md" "$WORK/runs" "$WORK/r" <<'PY' || fail "the report's figures do not match its runs"
import csv, json, re, statistics, sys
md, runs, out = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(md).read()
def rows(section):
    body = text.split(section, 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in l.strip().strip("|").split("|")] for l in body.splitlines() if l.startswith("| ") and not l.startswith("|---")][1:]
base = json.load(open(f"{runs}/base/summary.json"))["choices"]
keys = ("usd_per_million_tokens_trained", "usd_per_million_tokens_served")
# Utilisation: one row per choice; the held share is the run's training.utilisation; the shares add up; paying for
# the held share only costs less.
util = {r[0]: r for r in rows("## How much of each fleet is used")}
assert sorted(util) == ["mixed", "nvidia", "rent", "trainium"], util
for name, r in util.items():
    pct = lambda s: float(s.rstrip("%"))
    held, train, serve, idle = map(pct, r[2:6])
    assert f"{100 * base[name]['training']['utilisation']:.1f}" == r[2].rstrip("%"), (name, r)
    assert abs(held + idle - 100) < 0.11 and abs(train + serve - held) < 0.11, (name, r)
    assert serve > 0 and train > 0, (name, r)
    for rep, ill, k in ((r[6], r[7], keys[0]), (r[8], r[9], keys[1])):
        assert rep == f"${base[name]['cost'][k]:.3f}", (name, rep)
        assert float(ill[1:]) <= float(rep[1:]), (name, rep, ill)
# Joint: recompute each sample's trainium / nvidia ratio from the sampled run's samples.csv.
m = {}
for r in csv.DictReader(open(f"{runs}/joint/samples.csv")):
    if r["kind"] == "metric":
        m[(int(r["sample"]), r["choice"], r["name"])] = float(r["value"])
samples = sorted({k[0] for k in m})
assert samples == [0, 1, 2], samples
joint = {r[0]: r for r in rows("## How sure are we?") if r[0].startswith("per token")}
for k, label in zip(keys, ("per token trained", "per token served")):
    ratios = [m[(s, "trainium", f"cost.{k}")] / m[(s, "nvidia", f"cost.{k}")] for s in samples]
    q = statistics.quantiles(ratios, n=20, method="inclusive")  # Hyndman-Fan 7
    r = joint[label]
    want = [f"{base['trainium']['cost'][k] / base['nvidia']['cost'][k]:.3f}", f"{q[0]:.3f}", f"{q[9]:.3f}", f"{q[18]:.3f}",
            f"{sum(ratios) / 3:.3f}", f"{sum(x <= 0.5 for x in ratios)} of 3"]
    assert r[1:7] == want, (label, r, want)
    assert float(r[2]) <= float(r[3]) <= float(r[4]), r
    assert len(set(ratios)) == 3, ratios  # the draws moved the ratio
# The kept CSV is the sampled run's parameter rows and costs per token.
kept = list(csv.reader(open(f"{out}/flagship-joint-samples.csv")))
run = set(tuple(r) for r in csv.reader(open(f"{runs}/joint/samples.csv")))
assert kept[0] == ["sample", "kind", "choice", "name", "value"] and all(tuple(r) in run for r in kept[1:])
params = {r[3] for r in kept[1:] if r[1] == "parameter"}
assert len(params) == 15 and "site.pue" in params, params
assert sum(r[1] == "metric" for r in kept[1:]) == 3 * 2 * 2
PY
expect_rc 2 /usr/bin/python3 "$SRC/tools/flagship_report.py" --gigasim "$BIN" --samples 1 --out "$WORK/x"
grep -q "at least 2" "$WORK/stderr" || fail "--samples 1 message"
expect_rc 2 /usr/bin/python3 "$SRC/tools/flagship_report.py" --gigasim "$WORK/none" --out "$WORK/x"
grep -q "not found" "$WORK/stderr" || fail "missing binary message"
finish
