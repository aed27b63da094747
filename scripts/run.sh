#!/usr/bin/env bash
# First README command: set up, build, and run the main job on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/api/kervan scenario
