#!/usr/bin/env bash
# Same seed, same output under MPI (issue 6): runs a scenario once with `kervan simulate` and
# once with kervan_sim_mpi under mpirun, for each number of ranks given, and requires every
# output file, the printed report and the exit status to be the same, byte for byte; then once
# more on the first number of ranks with the results gathered in rounds of 1,000 bytes.
#
#   mpi_same_output.sh KERVAN KERVAN_SIM_MPI MPIRUN SCENARIO WORK_DIR RANKS...
#
# mpirun is set up to run anywhere a test may (a CI container as root, two cores, no ssh, no
# network fabric): --allow-run-as-root, --oversubscribe (more ranks than cores), --bind-to none
# (a container's cpuset may not allow binding), the local launcher only (plm isolated: no ssh),
# shared memory and self transports only (btl self,vader; pml ob1, not UCX), and no
# cross-memory attach (ptrace is often forbidden in containers). Each run is bounded by timeout.
set -euo pipefail

if [ $# -lt 6 ]; then
  echo "usage: $0 KERVAN KERVAN_SIM_MPI MPIRUN SCENARIO WORK_DIR RANKS..." >&2
  exit 2
fi
kervan=$1 sim_mpi=$2 mpirun=$3 scenario=$4 work=$5
shift 5

rm -rf "$work"
mkdir -p "$work"

# The report as printed, without the last line (it names the output folder).
report() { grep -v '^Outputs: ' "$1"; }

single_status=0
timeout 60 "$kervan" simulate --scenario "$scenario" --out "$work/single" --quiet \
  > "$work/single.stdout" || single_status=$?
if [ ! -s "$work/single/report.txt" ]; then
  echo "FAIL: kervan simulate wrote no report (status $single_status)" >&2
  exit 1
fi

failed=0
# compare LABEL RANKS [VARIABLE=VALUE...]: one MPI run against the single process.
compare() {
  local label=$1 ranks=$2 out="$work/$1" mpi_status=0
  shift 2
  env "$@" OMPI_MCA_plm=isolated OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1 \
    OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1 \
    OMPI_MCA_hwloc_base_binding_policy=none OMPI_MCA_btl_base_warn_component_unused=0 \
    timeout 60 "$mpirun" --allow-run-as-root --oversubscribe --bind-to none -np "$ranks" \
      "$sim_mpi" --scenario "$scenario" --out "$out" --quiet \
      > "$out.stdout" 2> "$out.stderr" || mpi_status=$?
  if [ "$mpi_status" -ne "$single_status" ]; then
    echo "FAIL: $label: exit status $mpi_status, kervan simulate $single_status" >&2
    cat "$out.stderr" >&2
    failed=1
    return
  fi
  # The same files, and each the same bytes.
  if ! diff <(cd "$work/single" && find . -type f | sort) <(cd "$out" && find . -type f | sort) \
      >&2; then
    echo "FAIL: $label: not the same files" >&2
    failed=1
  fi
  local file
  for file in $(cd "$work/single" && find . -type f | sort); do
    if ! cmp -s "$work/single/$file" "$out/$file"; then
      echo "FAIL: $label: $file differs" >&2
      failed=1
    fi
  done
  if ! diff <(report "$work/single.stdout") <(report "$out.stdout") >&2; then
    echo "FAIL: $label: the printed report differs" >&2
    failed=1
  fi
  if [ -s "$out.stderr" ]; then
    echo "FAIL: $label: printed on stderr with --quiet:" >&2
    cat "$out.stderr" >&2
    failed=1
  fi
  local files
  files=$(cd "$out" && find . -type f | wc -l)
  echo "$label: $files files, status $mpi_status: as kervan simulate"
}

for ranks in "$@"; do
  compare "ranks$ranks" "$ranks"
done
# Results gathered in many small rounds (sim/mpi_main.cc) rather than one.
compare "ranks$1-rounds1000" "$1" KERVAN_SIM_MPI_ROUND_BYTES=1000
exit "$failed"
