#!/usr/bin/env bash
# Installs gigasim's system dependencies from Debian 12 packages. Idempotent: a fast no-op when every
# package is already installed. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git python3
  libsimgrid-dev                  # SimGrid 3.32: the discrete-event engine
  libboost-graph-dev              # Boost.Graph: platform topology
  libspdlog-dev libfmt-dev        # logging and formatting
  libyaml-cpp-dev                 # scenario and catalog files
  nlohmann-json3-dev              # summary.json
  libcli11-dev                    # command line
  catch2                          # unit tests (v2)
  libssl-dev                      # SHA-256 of the resolved scenario (libcrypto)
  time bc                         # tools/bench.sh
  python3-matplotlib python3-yaml  # tools/plot, tools/flagship_report.py, tools/sweep, tools/regress
  parallel                        # tools/sweep's local backend (GNU parallel)
  slurm-wlm munge                 # tools/sweep's Slurm backend and its single-node test
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
