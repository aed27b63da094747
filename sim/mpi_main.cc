// kervan_sim_mpi: `kervan simulate` with its replications split over MPI ranks, on one machine
// or many (docs/simulator_mpi.md). Each rank loads the scenario itself, runs a contiguous block
// of the replications (on --threads threads), and sends them, coded (sim/result_coding.h), to
// rank 0; rank 0 puts them in replication order and summarizes and writes them as a single
// process does (sim/output.h): the same files, byte for byte. Ranks other than 0 print only
// errors. Every rank exits with the same status, that of `kervan simulate`: 0 when every check
// held, 1 when one did not (or the outputs or the results could not be handled), 2 on bad usage
// or a scenario that does not load.
//
// MPI's C API only, errors fatal (MPI's default handler: a failed call aborts every rank).
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "core/assert.h"
#include "core/int128.h"
#include "sim/output.h"
#include "sim/result_coding.h"
#include "sim/runner.h"
#include "sim/scenario_echo.h"
#include "sim/scenario_file.h"
#include "sim/simulate_args.h"
#include "sim/summary.h"

namespace kervan {
namespace {

constexpr int root_rank = 0;
// Bytes a rank sends to rank 0 per gather round: rounds keep MPI's int counts and displacements
// in range whatever the results weigh, and rank 0's round buffer bounded. Rank 0's environment
// may set fewer (KERVAN_SIM_MPI_ROUND_BYTES, for tests of many rounds on small results).
constexpr uint64_t gather_round_bytes_max = uint64_t{64} << 20;
static_assert(gather_round_bytes_max <= INT_MAX);
constexpr const char* round_bytes_variable = "KERVAN_SIM_MPI_ROUND_BYTES";

struct Ranks {
  int rank = 0;
  int size = 1;
  bool root() const { return rank == root_rank; }
};

void mpi(int code) { KERVAN_ASSERT(code == MPI_SUCCESS); }

int agree_max(int status) {
  int all = 0;
  mpi(MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
  return all;
}

void usage(std::FILE* err) {
  std::fprintf(err,
               "usage: mpirun [-np N] [--hostfile FILE] kervan_sim_mpi [--scenario FILE]\n"
               "         [--out DIR] [--replications N] [--threads N] [--seed N]\n"
               "         [--horizon-days N] [--verify-ledger] [--quiet]\n"
               "  runs the scenario (default: the embedded CAREC scenario) with its replications\n"
               "  split over the ranks (--threads N per rank, default one per core); rank 0\n"
               "  writes what `kervan simulate` writes to DIR (default var/simulation)\n");
}

// Parses the arguments and loads the scenario on this rank: 0, or 2 with the error printed by
// rank 0, or by another rank when only it failed (a file missing on its machine). Every rank
// takes the same collective steps whatever fails, so none waits for another.
int load(const Ranks& ranks, int argc, const char* const* argv, SimulateArgs* args,
         Scenario* scenario) {
  int bad = 0;
  SimulateArgsError parsed = parse_simulate_args(argc, argv, args, &bad);
  if (parsed == SimulateArgsError::ok &&
      (args->through_server || args->movement_log || args->event_log)) {
    // `kervan simulate`'s alone: no server port here, and each rank has only its plans.
    parsed = SimulateArgsError::flag_unknown;
    for (int i = 0; i < argc; ++i) {
      const std::string_view flag = argv[i];
      if (flag == "--through" || flag == "--movement-log" || flag == "--event-log") bad = i;
    }
  }
  LoadError error;
  LoadErrorCode loaded = LoadErrorCode::ok;
  if (parsed == SimulateArgsError::ok) {
    loaded = args->scenario_path.empty()
                 ? load_default_scenario(scenario, &error)
                 : load_scenario_file(args->scenario_path, scenario, &error);
  }
  const int status = parsed == SimulateArgsError::ok && loaded == LoadErrorCode::ok ? 0 : 2;
  int root_status = status;
  mpi(MPI_Bcast(&root_status, 1, MPI_INT, root_rank, MPI_COMM_WORLD));
  const bool speak = ranks.root() || root_status == 0;
  if (speak && parsed != SimulateArgsError::ok) {
    std::fprintf(stderr, "kervan_sim_mpi: %s\n",
                 describe_simulate_args_error(parsed, argc, argv, bad).c_str());
    usage(stderr);
  } else if (speak && loaded != LoadErrorCode::ok) {
    std::fprintf(stderr, "kervan_sim_mpi: rank %d: %s\n", ranks.rank, error.to_string().c_str());
  }
  if (status == 0) apply_simulate_args(*args, scenario);
  return status;
}

// 0 when this rank resolved the scenario exactly as rank 0 did (the same file, binary and C
// library: fitted parameters compared as text with every digit), else 2 with an error printed.
int check_same_scenario(const Ranks& ranks, const Scenario& scenario) {
  const std::string mine = scenario_json(scenario);
  KERVAN_ASSERT(mine.size() <= INT_MAX);
  int size = static_cast<int>(mine.size());
  mpi(MPI_Bcast(&size, 1, MPI_INT, root_rank, MPI_COMM_WORLD));
  std::string roots = ranks.root() ? mine : std::string(static_cast<size_t>(size), '\0');
  mpi(MPI_Bcast(roots.data(), size, MPI_CHAR, root_rank, MPI_COMM_WORLD));
  if (roots == mine) return 0;
  std::fprintf(stderr, "kervan_sim_mpi: rank %d: the resolved scenario differs from rank 0's "
                       "(another scenario file, binary or C library on this machine?)\n",
               ranks.rank);
  return 2;
}

// The contiguous block of replications a rank runs: the first `replications % size` ranks run
// one more than the others.
struct Share {
  uint32_t first = 0;
  uint32_t count = 0;
};

Share share_of(uint32_t replications, const Ranks& ranks) {
  const uint32_t size = static_cast<uint32_t>(ranks.size);
  const uint32_t rank = static_cast<uint32_t>(ranks.rank);
  const uint32_t base = replications / size, extra = replications % size;
  return {.first = rank * base + std::min(rank, extra), .count = base + (rank < extra ? 1 : 0)};
}

std::vector<ReplicationResult> run_share(const Ranks& ranks, const Scenario& scenario,
                                         const SimulateArgs& args) {
  const Share share = share_of(scenario.replications, ranks);
  if (share.count == 0) return {};  // More ranks than replications (count 0 would mean all).
  SimulationOptions options;
  options.threads = args.threads;
  options.first_replication = share.first;
  options.replication_count = share.count;
  if (args.verify_ledger) options.ledger_check = LedgerCheck::full;
  if (ranks.root() && !args.quiet) {
    options.progress = [](const ReplicationResult& r, uint32_t done, uint32_t total) {
      std::fprintf(stderr, "  replication %u done (%u/%u on rank 0): %llu trucks, %.2f s\n",
                   r.replication, done, total, static_cast<unsigned long long>(r.trucks),
                   r.seconds);
    };
  }
  std::vector<ReplicationResult> results = run_replications(scenario, options);
  KERVAN_ASSERT(results.size() == share.count);
  return results;
}

// On rank 0: gather_round_bytes_max, or fewer from the environment (ignored unless a number
// from 1 to gather_round_bytes_max).
uint64_t round_bytes_from_environment() {
  const char* text = std::getenv(round_bytes_variable);
  u128 value = 0;
  if (text == nullptr || !parse_u128(text, text + std::strlen(text), &value)) {
    return gather_round_bytes_max;
  }
  return value >= 1 && value <= gather_round_bytes_max ? static_cast<uint64_t>(value)
                                                       : gather_round_bytes_max;
}

// Sends every rank's block to rank 0, which gets them in *blocks (one per rank, in rank order).
// Sizes first (every rank learns them, so all agree on the number of rounds), then the bytes in
// rounds of at most gather_round_bytes_max per rank (rank 0 says how many bytes).
void gather_blocks(const Ranks& ranks, std::span<const uint8_t> mine,
                   std::vector<std::vector<uint8_t>>* blocks) {
  const uint64_t mine_size = mine.size();
  std::vector<uint64_t> sizes(static_cast<size_t>(ranks.size));
  mpi(MPI_Allgather(&mine_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD));
  KERVAN_ASSERT(sizes[static_cast<size_t>(ranks.rank)] == mine_size);
  uint64_t round_bytes_max = ranks.root() ? round_bytes_from_environment() : 0;
  mpi(MPI_Bcast(&round_bytes_max, 1, MPI_UINT64_T, root_rank, MPI_COMM_WORLD));
  KERVAN_ASSERT(round_bytes_max >= 1 && round_bytes_max <= gather_round_bytes_max);
  const uint64_t chunk = std::min(round_bytes_max, static_cast<uint64_t>(INT_MAX / ranks.size));
  uint64_t rounds = 0;
  for (const uint64_t size : sizes) rounds = std::max(rounds, (size + chunk - 1) / chunk);
  auto piece = [chunk](uint64_t size, uint64_t offset) {
    return offset < size ? std::min(chunk, size - offset) : 0;
  };
  std::vector<int> counts, displacements;
  std::vector<uint8_t> round_bytes;
  if (ranks.root()) {
    blocks->assign(sizes.size(), {});
    for (size_t r = 0; r < sizes.size(); ++r) (*blocks)[r].resize(sizes[r]);
    counts.resize(sizes.size());
    displacements.resize(sizes.size());
  }
  for (uint64_t round = 0; round < rounds; ++round) {
    const uint64_t offset = round * chunk;
    int total = 0;
    for (size_t r = 0; ranks.root() && r < sizes.size(); ++r) {
      counts[r] = static_cast<int>(piece(sizes[r], offset));
      displacements[r] = total;
      total += counts[r];
    }
    round_bytes.resize(static_cast<size_t>(total));
    const uint8_t* send = mine.data() + std::min(offset, mine_size);
    mpi(MPI_Gatherv(send, static_cast<int>(piece(mine_size, offset)), MPI_BYTE,
                    round_bytes.data(), counts.data(), displacements.data(), MPI_BYTE, root_rank,
                    MPI_COMM_WORLD));
    for (size_t r = 0; ranks.root() && r < sizes.size(); ++r) {
      std::copy_n(round_bytes.begin() + displacements[r], counts[r],
                  (*blocks)[r].begin() + static_cast<std::ptrdiff_t>(offset));
    }
  }
}

// On rank 0: the blocks decoded and checked to be replications 0..n-1 in order, each with every
// scheme of the scenario. False, with the error printed, otherwise.
bool decode_blocks(const std::vector<std::vector<uint8_t>>& blocks, const Scenario& scenario,
                   std::vector<ReplicationResult>* results) {
  for (size_t r = 0; r < blocks.size(); ++r) {
    if (!decode_replication_block(blocks[r], results)) {
      std::fprintf(stderr, "kervan_sim_mpi: the results of rank %zu do not decode\n", r);
      return false;
    }
  }
  bool in_order = results->size() == scenario.replications;
  for (size_t i = 0; in_order && i < results->size(); ++i) {
    in_order = (*results)[i].replication == i &&
               (*results)[i].schemes.size() == scenario.schemes.size();
  }
  if (!in_order) {
    std::fprintf(stderr, "kervan_sim_mpi: the gathered results are not replications 0 to %u "
                         "of every scheme, in order\n", scenario.replications - 1);
  }
  return in_order;
}

// On rank 0: as `kervan simulate` ends (sim/simulate_command.cc): report, outputs, status.
int finish(const Scenario& scenario, const SimulateArgs& args,
           const std::vector<ReplicationResult>& results) {
  const SimulationSummary summary = summarize(results);
  std::fprintf(stdout, "%s", simulation_report(scenario, summary).c_str());
  std::string write_error;
  if (!write_outputs(args.folder, scenario, results, summary, &write_error)) {
    std::fprintf(stderr, "kervan_sim_mpi: %s\n", write_error.c_str());
    return 1;
  }
  std::fprintf(stdout, "Outputs: %s/ (report.txt, scenario.json, summary.json, summary.csv, "
                       "runs.csv, daily_cover.csv, and four SVG plots)\n", args.folder.c_str());
  return summary.ledger_agrees ? 0 : 1;
}

int run(const Ranks& ranks, int argc, const char* const* argv) {
  SimulateArgs args;
  Scenario scenario;
  int status = agree_max(load(ranks, argc, argv, &args, &scenario));
  if (status == 0) status = agree_max(check_same_scenario(ranks, scenario));
  if (status != 0) return status;
  if (ranks.root() && !args.quiet) {
    std::fprintf(stderr, "kervan_sim_mpi: %s, %u replication(s) over %d rank(s), %zu scheme(s), "
                         "output %s\n", scenario.name.c_str(), scenario.replications, ranks.size,
                 scenario.schemes.size(), args.folder.c_str());
  }
  std::vector<uint8_t> block;
  {
    const std::vector<ReplicationResult> mine = run_share(ranks, scenario, args);
    block = encode_replication_block(mine);
  }
  std::vector<std::vector<uint8_t>> blocks;
  gather_blocks(ranks, block, &blocks);
  block = {};
  if (ranks.root()) {
    std::vector<ReplicationResult> results;
    status = decode_blocks(blocks, scenario, &results) ? 0 : 1;
    blocks = {};
    if (status == 0 && !args.quiet) {
      std::fprintf(stderr, "  gathered %zu replication(s) from %d rank(s)\n", results.size(),
                   ranks.size);
    }
    if (status == 0) status = finish(scenario, args, results);
  }
  std::fflush(stdout);
  return agree_max(status);
}

}  // namespace
}  // namespace kervan

int main(int argc, char** argv) {
  kervan::mpi(MPI_Init(&argc, &argv));
  kervan::Ranks ranks;
  kervan::mpi(MPI_Comm_rank(MPI_COMM_WORLD, &ranks.rank));
  kervan::mpi(MPI_Comm_size(MPI_COMM_WORLD, &ranks.size));
  KERVAN_ASSERT(ranks.size >= 1 && ranks.rank >= 0 && ranks.rank < ranks.size);
  const int status = kervan::run(ranks, argc - 1, argv + 1);
  kervan::mpi(MPI_Finalize());
  return status;
}
