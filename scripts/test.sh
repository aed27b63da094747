#!/usr/bin/env bash
# Second README command: set up, build, and run every test (ctest). .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure -j 2 --timeout 300
