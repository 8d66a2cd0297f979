#!/usr/bin/env bash
# Reproduces the figures in docs/performance.md: each benchmark runs 3 times; prints the median wall time
# and the largest peak RSS (GNU time's %M includes the waited-for child processes).
# Usage: tools/bench.sh [GIGASIM]   (default: build/release/sim/gigasim; build it with tools/quickstart.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/sim/gigasim}
[ -x "$bin" ] || { echo "bench: $bin not found; run tools/quickstart.sh first" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bench() {  # bench NAME CMD...
  local name=$1; shift
  local walls=() peak=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall kb <"$work/t"
    walls+=("$wall")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n 2p)
  printf '%-44s %8.2f s %8.1f MB\n' "$name" "$median" "$(echo "$peak / 1024" | bc -l)"
}

cd "$root"
bench "quickstart run (2 choices)" "$bin" run scenarios/quickstart.yaml --out "$work/qs" --quiet --force
for site in platforms/sites/*.yaml; do
  bench "platform generate+load $(basename "$site" .yaml)" "$bin" platform "$site" -o "$work/p.xml" --load
done
bench "platform generate+load nvidia-5gw at rack (72)" "$bin" platform platforms/sites/nvidia-5gw-pod.yaml -o "$work/p.xml" --load \
  --set hardware_choices.nvidia.block_chips=72
# Issue D: the 5 GW, ten-year fleet scenario at pod granularity, then wall time against simulated years
# and against the number of jobs (the job classes' arrival rates scaled).
fleet=scenarios/bench/fleet-5gw-10y.yaml
bench "fleet 5 GW x 10 years (pods of 4,608)" "$bin" run "$fleet" --out "$work/f" --quiet --force
jobs_of() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['choices']['nvidia']['training']['jobs_submitted'])" "$1/summary.json"; }
echo "fleet: wall time against simulated years"
for years in 1 2 5 10; do
  "$bin" run "$fleet" --set horizon_years=$years --out "$work/y" --quiet --force
  bench "  $years years ($(jobs_of "$work/y") jobs)" "$bin" run "$fleet" --set horizon_years=$years --out "$work/y" --quiet --force
done
echo "fleet: wall time against jobs (ten years; job-class arrivals x k)"
for k in 0.25 0.5 1 2 4; do
  sets=(--set "workload.job_classes.research.arrivals_per_day=$(echo "6 * $k" | bc -l)" --set "workload.job_classes.finetune.arrivals_per_day=$(echo "20 * $k" | bc -l)")
  "$bin" run "$fleet" "${sets[@]}" --out "$work/k" --quiet --force
  bench "  x$k ($(jobs_of "$work/k") jobs)" "$bin" run "$fleet" "${sets[@]}" --out "$work/k" --quiet --force
done
# Issue E: the same fleet with inference demand served at hourly steps (87,600 steps), and the
# overhead of the serving actor itself.
bench "fleet 5 GW x 10 years + serving (hourly)" "$bin" run scenarios/bench/fleet-5gw-10y-serving.yaml --out "$work/s" --quiet --force
bench "  the same, serving demand ~0 (its overhead)" "$bin" run scenarios/bench/fleet-5gw-10y-serving.yaml --out "$work/s0" --quiet --force \
  --set inference.demand.frontier.tokens_per_s=1 --set inference.demand.chat.tokens_per_s=1 --set inference.demand.code.tokens_per_s=1
bench "  the same at 15-minute steps" "$bin" run scenarios/bench/fleet-5gw-10y-serving.yaml --out "$work/s15" --quiet --force --set inference.step_s=900
# Issue F: the power cap. The small scenario, then a site 10x larger with 10x the jobs (a queue thousands
# deep), with the cap binding (1.2x oversubscribed, throttled) and never binding (not oversubscribed, no
# curtailment); then the issue-D fleet with a cap that never binds (the controller's bookkeeping alone).
bench "power-cap.yaml (2 choices, 120 days)" "$bin" run scenarios/power-cap.yaml --out "$work/pc" --quiet --force
big=(--set site.power_w=4.0e7 --set workload.job_classes.research.arrivals_per_day=400)
bench "  40 MW, 400 jobs/day, cap binding" "$bin" run scenarios/power-cap.yaml "${big[@]}" --out "$work/pc1" --quiet --force
bench "  40 MW, 400 jobs/day, cap never binding" "$bin" run scenarios/power-cap.yaml "${big[@]}" --set site.power_cap.oversubscription=1 \
  --set site.power_cap.curtailment.0.fraction=1 --out "$work/pc2" --quiet --force
bench "fleet 5 GW x 10 years, throttle cap not binding" "$bin" run "$fleet" --set site.power_cap.policy=throttle \
  --set site.power_cap.oversubscription=1.2 --out "$work/fc" --quiet --force
# Issue G: the flagship, all four choices, and its Azure-trace variant (needs ../shared/traces).
bench "flagship 5 GW x 10 years (4 choices)" "$bin" run scenarios/flagship-5gw-10y.yaml --out "$work/fl" --quiet --force
if [ -f ../shared/traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv ]; then
  bench "  the Azure-trace variant" "$bin" run scenarios/flagship-5gw-10y-azure.yaml --out "$work/fla" --quiet --force
fi
# Issue H: 100 samples of the quick start's uncertain inputs (101 runs of 2 choices), and 10 of the flagship
# cut to one year.
bench "quickstart-uncertainty --samples 100" "$bin" run scenarios/quickstart-uncertainty.yaml --samples 100 --out "$work/u" --quiet --force
bench "flagship 1 year, 4 uncertain inputs --samples 10" "$bin" run scenarios/flagship-5gw-10y.yaml --set horizon_years=1 \
  --set 'site.pue={triangular: [1.1, 1.15, 1.4]}' --set 'finance.interest_rate={uniform: [0.04, 0.08]}' \
  --set 'hardware_choices.trainium.roadmap.0.price_usd={triangular: [2.0e6, 2.6e6, 3.5e6]}' \
  --set 'workload.frontier.growth_per_year={uniform: [2, 6]}' --samples 10 --out "$work/fu" --quiet --force
planner=$(dirname "$bin")/../tests/bench_planner
if [ -x "$planner" ]; then
  echo "planner (one core, >= 1 s per case):"
  "$planner" "$root/platforms/catalog"
else
  echo "bench: $planner not built (configure with -DGIGASIM_BUILD_TESTS=ON to measure the planner)"
fi
