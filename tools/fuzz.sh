#!/usr/bin/env bash
# Fuzzes gigasim's loaders with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer
# (docs/testing.md, "Fuzzing").
#   tools/fuzz.sh [--seconds N] [--target NAME] [--runs N]
#     --seconds N    time budget, split evenly across the targets run (default 60; with --runs and no
#                    --seconds, no time limit)
#     --target NAME  fuzz_scenario, fuzz_catalog, fuzz_override, fuzz_estimate, fuzz_trace_csv or
#                    fuzz_trace_jsonl (repeatable; default: all)
#     --runs N       stop each target after N inputs
# Installs clang 14 and libFuzzer (Debian 12 packages) if missing, builds in build/fuzz, regenerates the
# seed corpora from the repository into build/fuzz/seeds/, keeps a growing corpus per target in
# build/fuzz/corpus/ and writes crash, leak, timeout and out-of-memory inputs to build/fuzz/artifacts/.
# Prints runs, exec/s, coverage and corpus size per target; exits 1 if any target failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

all_targets=(fuzz_scenario fuzz_catalog fuzz_override fuzz_estimate fuzz_trace_csv fuzz_trace_jsonl)
seconds="" runs="" targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --target) targets+=("${2:?--target needs a name}"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  case " ${all_targets[*]} " in *" $t "*) ;; *) echo "fuzz.sh: unknown target '$t' (one of: ${all_targets[*]})" >&2; exit 2 ;; esac
done
for v in "$seconds" "$runs"; do
  [[ -z "$v" || "$v" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: expected a positive integer, got '$v'" >&2; exit 2; }
done
if [ -z "$seconds" ] && [ -z "$runs" ]; then seconds=60; fi

# --- dependencies: the project's (tools/setup.sh) and clang 14 with libFuzzer ---
tools/setup.sh
fuzz_packages=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${fuzz_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz.sh: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- build: a separate clang build, every target sanitized, the loaders coverage-instrumented ---
build=build/fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGIGASIM_FUZZ=ON -DGIGASIM_SANITIZE=ON -DGIGASIM_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

bash tests/fuzz/make_seeds.sh "$root" "$build/seeds"
mkdir -p "$build/artifacts" "$build/logs"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

per_target=""
if [ -n "$seconds" ]; then
  per_target=$((seconds / ${#targets[@]}))
  [ "$per_target" -ge 1 ] || per_target=1
fi

stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }
failed=0
rows=()
for t in "${targets[@]}"; do
  kind=${t#fuzz_}
  dict=tests/fuzz/scenario.dict
  [ "$kind" = catalog ] && dict=tests/fuzz/catalog.dict
  case "$kind" in trace_*) dict=tests/fuzz/trace.dict ;; esac
  corpus=$build/corpus/$t
  mkdir -p "$corpus"
  log=$build/logs/$t.log
  limits=()
  [ -n "$per_target" ] && limits+=(-max_total_time="$per_target")
  [ -n "$runs" ] && limits+=(-runs="$runs")
  echo "fuzz.sh: $t ${limits[*]} (log: $log)" >&2
  start=$(date +%s)
  rc=0
  "$build/tests/fuzz/$t" "${limits[@]}" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -dict="$dict" \
    -artifact_prefix="$root/$build/artifacts/$t-" -print_final_stats=1 "$corpus" "$build/seeds/$kind" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))
  status=ok
  if [ "$rc" -ne 0 ]; then
    status="FAILED (exit $rc)"
    failed=1
    grep -E "^(SUMMARY|==[0-9]+== ?ERROR)|gigasim fuzz: BUG|runtime error|Test unit written to" "$log" | head -8 >&2 || true
  fi
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED|RELOAD)' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
  rows+=("$(printf '%-14s %-16s %10s %8s %6s %6s %7s %-14s %8s' "$t" "$status" "$(stat number_of_executed_units "$log")" \
    "$(stat average_exec_per_sec "$log")" "$elapsed" "${cov:--}" "${ft:--}" "${corp:--}" "$(stat peak_rss_mb "$log")")")
done

printf '\n%-14s %-16s %10s %8s %6s %6s %7s %-14s %8s\n' target status runs exec/s secs cov ft corpus rss_mb
printf '%s\n' "${rows[@]}"
echo "(corpus: units/bytes)"
if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: FAILED; crash inputs in $build/artifacts/ (reproduce: $build/tests/fuzz/TARGET FILE)" >&2
  exit 1
fi
echo "fuzz.sh: no crash, leak, timeout or undefined behaviour"
