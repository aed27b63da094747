#!/usr/bin/env bash
# First README command: set up, build, and run the main job on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
# The scenario starts a Kervan server on loopback with its data under var/scenario (made afresh,
# kept afterwards for `kervan verify var/scenario/ledger` and inspection), drives every step
# through the API, prints the statements, and stops the server cleanly.
exec build/api/kervan scenario --store var/scenario
