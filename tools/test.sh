#!/usr/bin/env bash
# Installs dependencies, builds gigasim with its tests, and runs the whole suite with ctest.
#   tools/test.sh                  the normal build (RelWithDebInfo)
#   tools/test.sh --sanitize       AddressSanitizer + UndefinedBehaviorSanitizer build, same suite
#   tools/test.sh --only REGEX     run only the tests whose names match (e.g. '^(unit|sim):')
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=normal
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) mode=sanitize; shift ;;
    --only) only=(-R "${2:?--only needs a regular expression}"); shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

tools/setup.sh
jobs=$(nproc)
if [ "$mode" = sanitize ]; then
  build=build/sanitize
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGIGASIM_SANITIZE=ON >/dev/null
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build=build/test
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j "$jobs"
cd "$build"
ctest -j "$jobs" --output-on-failure --timeout 600 "${only[@]}"
