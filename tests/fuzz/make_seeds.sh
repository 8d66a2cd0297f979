#!/usr/bin/env bash
# Writes the fuzzers' seed corpora from the repository's own inputs (no copies are committed):
#   tests/fuzz/make_seeds.sh SOURCE_DIR OUT_DIR
#   OUT_DIR/scenario/  scenarios/*.yaml, platforms/sites/*.yaml, tests/bad/*/*.yaml, with their relative
#                      paths rewritten for a file in scenarios/ (the path fuzz_scenario loads them as)
#   OUT_DIR/catalog/   platforms/catalog/*.yaml and the defective entries in tests/bad/catalog/data/
#   OUT_DIR/estimate/  scenarios/validation/*.yaml, tests/bad/estimate/*.yaml, the docs' estimate examples
#   OUT_DIR/trace_csv/, OUT_DIR/trace_jsonl/  the bad-input traces (CSVs once per format byte) and the
#                      head of each real trace in ../shared/traces when present
#   OUT_DIR/override/  the `# set:` lines of tests/bad/*/*.yaml, the --set examples in tests/cli/ and
#                      docs/, and a few hand-written assignments
# Existing files in OUT_DIR/<target>/ are replaced; the run is deterministic.
set -euo pipefail
src=${1:?usage: make_seeds.sh SOURCE_DIR OUT_DIR}
out=${2:?usage: make_seeds.sh SOURCE_DIR OUT_DIR}
rm -rf "$out/scenario" "$out/catalog" "$out/override" "$out/estimate" "$out/trace_csv" "$out/trace_jsonl"
mkdir -p "$out/scenario" "$out/catalog" "$out/override" "$out/estimate" "$out/trace_csv" "$out/trace_jsonl"
shopt -s nullglob

# --- scenario: rewrite paths so that they resolve from scenarios/ ---
for f in "$src"/scenarios/*.yaml; do
  cp "$f" "$out/scenario/scenarios-$(basename "$f")"
done
for f in "$src"/platforms/sites/*.yaml; do
  sed -e 's#^\( *catalog: *\)\.\./catalog#\1../platforms/catalog#' "$f" >"$out/scenario/sites-$(basename "$f")"
done
for f in "$src"/tests/bad/*/*.yaml; do
  cat=$(basename "$(dirname "$f")")
  sed -e 's#\.\./\.\./\.\./platforms/#../platforms/#g' \
      -e "s#\\(: *\\)data/#\\1../tests/bad/$cat/data/#g" "$f" >"$out/scenario/bad-$cat-$(basename "$f")"
done

# --- catalog ---
for f in "$src"/platforms/catalog/*.yaml; do
  cp "$f" "$out/catalog/catalog-$(basename "$f")"
done
for f in "$src"/tests/bad/catalog/data/*/*.yaml; do
  cp "$f" "$out/catalog/bad-$(basename "$(dirname "$f")")-$(basename "$f")"
done

# --- override: one assignment per line ---
n=0
for f in "$src"/tests/bad/*/*.yaml; do
  lines=$(sed -n 's/^# set: *//p' "$f")
  [ -n "$lines" ] || continue
  printf '%s\n' "$lines" >"$out/override/bad-$(basename "$(dirname "$f")")-$(basename "$f" .yaml).txt"
done
{ grep -rhoE -- "--set [A-Za-z0-9_.-]+=[^ \"'\`]+" "$src"/tests/cli "$src"/docs 2>/dev/null || true; } |
  sed -e 's/^--set //' -e 's/[:,.)]*$//' | sort -u |
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s\n' "$line" >"$out/override/doc-$(printf '%03d' "$n").txt"
  done
cat >"$out/override/hand-site.txt" <<'SEEDS'
site.pue=1.3
site.power_w=4e6
site.electricity_usd_per_kwh={value: 0.05, label: estimate, source: eia}
site.layout.buildings=2
site.layout.halls_per_building=2
SEEDS
cat >"$out/override/hand-choices.txt" <<'SEEDS'
hardware_choices.h100.chips=512
hardware_choices.1.block_chips=32
hardware_choices.trn2.system=trn2-x64
hardware_choices.0.platform=../platforms/h100-1024-node.xml
SEEDS
cat >"$out/override/hand-workload.txt" <<'SEEDS'
workload.pretraining.0.tokens=1e12
workload.pretraining.llama-70b.chips=512
workload.pretraining.ft-8b.precision=fp8
workload.pretraining.1.submit_day=119
horizon_years=1
seed=42
SEEDS
cat >"$out/override/hand-structure.txt" <<'SEEDS'
workload.pretraining=[]
hardware_choices=[{name: a, system: h100-x8, chips: 8}]
description=a b c
start_date=2026-02-29
SEEDS

# --- estimate ---
for f in "$src"/scenarios/validation/*.yaml "$src"/tests/bad/estimate/*.yaml; do
  cp "$f" "$out/estimate/$(basename "$(dirname "$f")")-$(basename "$f")"
done

# --- traces: the first byte picks the format in fuzz_trace_csv (see fuzz_trace_csv.cpp) ---
for f in "$src"/tests/bad/trace/*.csv; do
  for b in 0 1 2 3 4; do { printf "\\$(printf '%03o' "$b")"; cat "$f"; } >"$out/trace_csv/$b-$(basename "$f")"; done
done
for f in "$src"/tests/bad/trace/*.jsonl; do cp "$f" "$out/trace_jsonl/"; done
shared="$src/../shared/traces"
if [ -d "$shared" ]; then
  for f in "$shared"/azure_llm_2023/*.csv; do { printf '\000'; head -n 200 "$f"; } >"$out/trace_csv/azure-$(basename "$f")"; done
  for f in "$shared"/alibaba_gpu_v2023/openb_pod_list_default.csv; do { printf '\004'; head -n 200 "$f"; } >"$out/trace_csv/openb.csv"; done
  for f in "$shared"/mooncake_fast25/*.jsonl; do head -n 100 "$f" >"$out/trace_jsonl/$(basename "$f")"; done
fi
