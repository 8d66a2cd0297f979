#!/usr/bin/env bash
# ctest entry (tests/fuzz/CMakeLists.txt): runs one fuzz target for RUNS inputs from a fresh seed corpus.
#   run_smoke.sh BINARY KIND SOURCE_DIR WORK_DIR DICT RUNS      KIND: scenario | catalog | override
# Exit status: libFuzzer's (non-zero on a crash, leak, timeout, undefined behaviour or unexpected
# exception); crash inputs are saved as WORK_DIR/artifacts/fuzz_KIND-*.
set -euo pipefail
bin=$1 kind=$2 src=$3 work=$4 dict=$5 runs=$6
mkdir -p "$work/artifacts"
seeds=$work/seeds-$kind
corpus=$work/corpus-$kind
rm -rf "$corpus"
mkdir -p "$corpus"
# Each test writes only its own seed directory (ctest -j runs the three in parallel).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$corpus"' EXIT
bash "$src/tests/fuzz/make_seeds.sh" "$src" "$tmp" >/dev/null
rm -rf "$seeds"
mv "$tmp/$kind" "$seeds"
"$bin" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -dict="$dict" \
  -artifact_prefix="$work/artifacts/fuzz_$kind-" -print_final_stats=1 "$corpus" "$seeds"
