#!/usr/bin/env bash
# Regenerates the committed SimGrid platforms (platforms/*.xml) from their site files
# (platforms/sites/*.yaml). tests/cli/test_platforms.sh checks that the committed files are current.
# Usage: tools/gen-platforms.sh [GIGASIM]   (default: build/release/sim/gigasim, then build/test/sim/gigasim)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-}
for b in "$root/build/release/sim/gigasim" "$root/build/test/sim/gigasim" "$root/build/sim/gigasim"; do
  [ -n "$bin" ] || { [ -x "$b" ] && bin=$b; }
done
[ -n "$bin" ] || { echo "gen-platforms: build gigasim first (tools/quickstart.sh)" >&2; exit 2; }
for site in "$root"/platforms/sites/*.yaml; do
  name=$(basename "$site" .yaml)
  "$bin" platform "$site" -o "$root/platforms/$name.xml" >/dev/null
  echo "platforms/$name.xml"
done
