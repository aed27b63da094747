// kervan_crash_child <store-path> <seed> <checkpoint_every> <batches_max>
//
// The process crash_test.cc kills. Opens the store, continues the workload of `seed` from
// batch last_sequence() + 1 (one batch is one journal record, so sequence k is batch k) up to
// batch `batches_max`, keeping up to in_flight_max batches applied ahead of the durable
// sequence, and writes each acknowledgement to stdout once its batch is durable, never before.
// Starts a checkpoint every `checkpoint_every` batches (written by the store's background
// thread, so kills land during checkpoint writes too). Exits 0 when done, 2 on a store error,
// 3 when stdout is gone, 64 on bad usage.
#include <unistd.h>

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string_view>

#include "tests/ledger/child_process.h"
#include "tests/ledger/crash_protocol.h"

namespace kervan::testing::crash {
namespace {

constexpr int exit_store_error = 2;
constexpr int exit_stdout_gone = 3;
constexpr int exit_usage = 64;

bool parse_u64(const char* text, uint64_t* out) {
  const std::string_view view(text);
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), *out);
  return error == std::errc() && end == view.data() + view.size();
}

bool send(MessageKind kind, uint64_t sequence) {
  return write_all(STDOUT_FILENO, encode_message({.kind = kind, .sequence = sequence}));
}

int store_error(const char* what, const StoreStatus& status) {
  std::fprintf(stderr, "kervan_crash_child: %s: %s\n", what, status.to_string().c_str());
  return exit_store_error;
}

// Applies batches up to `batches_max`, acknowledging each one as it becomes durable.
int run(Store& store, const Workload& workload, uint64_t checkpoint_every, uint64_t batches_max) {
  uint64_t applied = store.last_sequence();
  uint64_t acked = applied;  // Recovered batches were acknowledged by an earlier process.
  // Each pass acknowledges, applies one batch or waits for one commit: bounded by 2 per batch.
  for (uint64_t pass = 0; pass <= 2 * batches_max + 2; ++pass) {
    for (const uint64_t durable = store.durable_sequence(); acked < durable;) {
      if (!send(MessageKind::ack, ++acked)) return exit_stdout_gone;
    }
    if (acked == batches_max) return 0;
    if (applied < batches_max && applied - acked < in_flight_max) {
      uint64_t sequence = 0;
      const StoreStatus status = apply(store, workload.batch(applied + 1), &sequence);
      if (!status.ok()) return store_error("apply", status);
      if (sequence != applied + 1) {
        std::fprintf(stderr, "kervan_crash_child: batch %" PRIu64 " got sequence %" PRIu64 "\n",
                     applied + 1, sequence);
        return exit_store_error;
      }
      applied = sequence;
      if (applied % checkpoint_every == 0) {
        const StoreStatus started = store.checkpoint();
        if (!started.ok()) return store_error("checkpoint", started);
        if (!send(MessageKind::checkpoint_started, applied)) return exit_stdout_gone;
      }
      continue;
    }
    const StoreStatus durable = store.wait_durable(acked + 1);
    if (!durable.ok()) return store_error("wait_durable", durable);
  }
  std::fprintf(stderr, "kervan_crash_child: no progress\n");
  return exit_store_error;
}

int main_of(int argc, char** argv) {
  uint64_t seed = 0;
  uint64_t checkpoint_every = 0;
  uint64_t batches_max = 0;
  if (argc != 5 || !parse_u64(argv[2], &seed) || !parse_u64(argv[3], &checkpoint_every) ||
      !parse_u64(argv[4], &batches_max) || checkpoint_every == 0 || batches_max == 0) {
    std::fprintf(stderr,
                 "usage: kervan_crash_child <store-path> <seed> <checkpoint_every> "
                 "<batches_max>\n");
    return exit_usage;
  }
  if (!send(MessageKind::started, 0)) return exit_stdout_gone;
  std::unique_ptr<Store> store;
  const StoreStatus opened = Store::open(store_options(argv[1], seed, batches_max), &store);
  if (!opened.ok()) return store_error("open", opened);
  if (!send(MessageKind::opened, store->last_sequence())) return exit_stdout_gone;
  const int result = run(*store, workload_of(seed), checkpoint_every, batches_max);
  if (result != 0) return result;
  store.reset();  // Waits for the checkpoint in flight.
  return 0;
}

}  // namespace
}  // namespace kervan::testing::crash

int main(int argc, char** argv) {
  return kervan::testing::crash::main_of(argc, argv);
}
