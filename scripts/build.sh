#!/usr/bin/env bash
# Configures and builds Kervan (Release) into build/. Two jobs: the machines have two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${KERVAN_BUILD_TYPE:-Release}" >/dev/null
cmake --build build -j "${KERVAN_JOBS:-2}"
