#!/usr/bin/env bash
# First README command: set up, build, and run the main job on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
# 1. The scenario starts a Kervan server on loopback with its data under var/scenario (made
#    afresh, kept afterwards for `kervan verify var/scenario/ledger` and inspection), drives every
#    step through the API, prints the statements, and stops the server cleanly.
build/api/kervan scenario --store var/scenario
echo
# 2. The simulation compares guarantee schemes on the default CAREC scenario's traffic, every
#    movement through the real transit ledger, and writes report, CSV, JSON and SVG plots to
#    var/simulation. Three replications of 90 days keep it to about a minute on two cores;
#    `build/api/kervan simulate` alone runs the scenario file's full year and ten replications.
#    --verify-ledger: each run ends checking every invariant of its ledger, not only that the
#    ledger agrees with the simulator and conserved money.
exec build/api/kervan simulate --replications 3 --horizon-days 90 --verify-ledger \
  --out var/simulation
