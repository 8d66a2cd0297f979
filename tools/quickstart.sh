#!/usr/bin/env bash
# Quick start: install dependencies, build gigasim (Release), run scenarios/quickstart.yaml and print
# the per-choice comparison.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGIGASIM_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target gigasim
echo
build/release/sim/gigasim run scenarios/quickstart.yaml --out out/quickstart --force
echo
echo "The program is build/release/sim/gigasim; try: build/release/sim/gigasim run --help"
