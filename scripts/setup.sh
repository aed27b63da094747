#!/usr/bin/env bash
# Installs, from Debian's packages, whatever Kervan needs that is missing. Idempotent: when
# everything is present it changes nothing and needs no network. Run as root (or with sudo).
set -euo pipefail

packages=(
  cmake g++ make pkg-config ccache          # toolchain
  libboost-dev                              # Boost.Multiprecision (header-only)
  libabsl-dev                               # Abseil
  libsodium-dev                             # BLAKE2b digests (and Argon2id for access codes)
  liblmdb-dev lmdb-utils                    # the durable store
  libtomlplusplus-dev                       # toml++ (header-only): reference data files
  libzmq3-dev cppzmq-dev                    # the API transport
  libgtest-dev libgmock-dev                 # tests
  libbenchmark-dev                          # benchmarks
  python3-zmq                               # the Python client (for /usr/bin/python3)
  clang libclang-rt-14-dev                  # the libFuzzer target of the protocol decoder
  libopenmpi-dev openmpi-bin                # MPI: kervan_sim_mpi, replications across machines
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
