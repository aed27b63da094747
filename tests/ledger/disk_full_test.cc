// Out of space at the operating-system level: a forked child (so that the limit stays out of
// the test process) applies batches under an RLIMIT_FSIZE that the journal's data file soon
// outgrows, until a store call fails, and reports on a pipe what was durable and the error.
// The parent reopens the store without the limit and checks that nothing durable was lost,
// nothing else is there, and that the store takes batches again.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>

#include "core/bytes.h"
#include "ledger/invariants.h"
#include "tests/ledger/child_process.h"
#include "tests/ledger/workload.h"

namespace kervan {
namespace {

using testing::ChildProcess;
using testing::Pipe;
using testing::ReadOutcome;
using testing::TempDir;
using testing::Workload;

constexpr uint64_t batches_before_limit = 10;  // Applied by the parent, without a limit.
constexpr uint64_t batches_max = 400;          // Far more than fit under any limit below.
constexpr size_t message_bytes_max = 4096;
constexpr int report_timeout_ms = 20'000;

StoreOptions options_for(const TempDir& dir, const Workload& workload) {
  return StoreOptions{.path = dir.store(),
                      .ledger = workload.config_for(batches_max + 16),
                      .sync = SyncMode::durable,
                      .journal_map_bytes_max = uint64_t{64} << 20,
                      .checkpoint_map_bytes_max = uint64_t{64} << 20,
                      .journal_ring_bytes = size_t{4} << 20,
                      .log = [](std::string_view) {}};
}

// What the child reports: 5 little-endian u64 (durable, last_sequence, error code, the code of
// the call after it, message length), then the message.
struct Report {
  uint64_t durable = 0;        // The last batch recovered or whose wait_durable returned ok.
  uint64_t last_sequence = 0;  // The store's last_sequence() when the call failed.
  StoreError code = StoreError::ok;
  StoreError next_code = StoreError::ok;  // Applying one more batch after the failure.
  std::string message;
};

// The child: under `file_bytes_max`, opens the store and applies the next batches, each waited
// for, until a call fails; writes its report to `fd`. Returns its exit code.
int fill_disk(const StoreOptions& options, const Workload& workload, uint64_t file_bytes_max,
              int fd) {
  const rlimit limit{.rlim_cur = file_bytes_max, .rlim_max = file_bytes_max};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 10;
  // Without this, a write past the limit kills the process instead of failing with EFBIG.
  if (::signal(SIGXFSZ, SIG_IGN) == SIG_ERR) return 11;
  Report report;
  StoreStatus failure;
  {
    std::unique_ptr<Store> store;
    failure = Store::open(options, &store);
    if (failure.ok()) report.durable = store->last_sequence();
    for (uint64_t k = report.durable + 1; failure.ok() && k <= batches_max; ++k) {
      uint64_t sequence = 0;
      failure = testing::apply(*store, workload.batch(k), &sequence);
      if (failure.ok()) failure = store->wait_durable(sequence);
      if (failure.ok()) report.durable = sequence;
    }
    if (store) {
      report.last_sequence = store->last_sequence();
      uint64_t sequence = 0;
      report.next_code =
          testing::apply(*store, workload.batch(report.last_sequence + 1), &sequence).code();
    }
  }
  std::array<uint8_t, 40> head{};
  const std::string message = failure.message().substr(0, message_bytes_max);
  store_u64_le(&head[0], report.durable);
  store_u64_le(&head[8], report.last_sequence);
  store_u64_le(&head[16], static_cast<uint64_t>(failure.code()));
  store_u64_le(&head[24], static_cast<uint64_t>(report.next_code));
  store_u64_le(&head[32], message.size());
  const bool sent =
      testing::write_all(fd, head) &&
      testing::write_all(fd, {reinterpret_cast<const uint8_t*>(message.data()), message.size()});
  return sent ? 0 : 12;
}

// Reads the child's report; empty when it came whole, else what went wrong.
std::string read_report(int fd, Report* report) {
  std::array<uint8_t, 40> head{};
  ReadOutcome outcome = testing::read_exact(fd, head, report_timeout_ms);
  if (outcome != ReadOutcome::ok) return std::string(testing::read_outcome_name(outcome));
  report->durable = load_u64_le(&head[0]);
  report->last_sequence = load_u64_le(&head[8]);
  report->code = static_cast<StoreError>(load_u64_le(&head[16]));
  report->next_code = static_cast<StoreError>(load_u64_le(&head[24]));
  const uint64_t length = load_u64_le(&head[32]);
  if (length > message_bytes_max) return "message of " + std::to_string(length) + " bytes";
  report->message.resize(length);
  outcome = testing::read_exact(
      fd, {reinterpret_cast<uint8_t*>(report->message.data()), report->message.size()},
      report_timeout_ms);
  return outcome == ReadOutcome::ok ? "" : std::string(testing::read_outcome_name(outcome));
}

// Reopens the store without the limit (the operator freed space) and checks that it holds
// every durable batch and nothing partial, and that it takes batches again. Advances
// `reference`, which holds batches 1..batches_before_limit.
void check_reopened(const StoreOptions& options, const Workload& workload, const Report& report,
                    StateMachine* reference) {
  std::unique_ptr<Store> store;
  const StoreStatus opened = Store::open(options, &store);
  ASSERT_TRUE(opened.ok()) << opened.to_string();
  const uint64_t last = store->last_sequence();
  EXPECT_GE(last, report.durable);
  EXPECT_LE(last, report.durable + 1);  // At most the batch whose wait reported the error.
  for (uint64_t k = batches_before_limit + 1; k <= last; ++k) {
    testing::apply(*reference, workload.batch(k));
  }
  EXPECT_EQ(store->ledger().state_hash(), reference->state_hash());
  const InvariantReport invariants = check_invariants(store->ledger());
  EXPECT_TRUE(invariants.ok()) << invariant_name(invariants.broken) << ": " << invariants.violation;
  uint64_t sequence = 0;
  for (uint64_t k = last + 1; k <= last + 5; ++k) {
    const StoreStatus applied = testing::apply(*store, workload.batch(k), &sequence);
    ASSERT_TRUE(applied.ok()) << applied.to_string();
    testing::apply(*reference, workload.batch(k));
  }
  const StoreStatus durable = store->wait_durable(sequence);
  ASSERT_TRUE(durable.ok()) << durable.to_string();
  EXPECT_EQ(sequence, last + 5);
  EXPECT_EQ(store->ledger().state_hash(), reference->state_hash());
  store.reset();
  VerifyReport verified;
  const StoreStatus verify = verify_store(options.path, &verified);
  EXPECT_TRUE(verify.ok()) << verify.to_string();
  EXPECT_EQ(verified.records, last + 5);
  EXPECT_EQ(verified.state_hash, reference->state_hash());
}

// What the store reports depends on where the limit falls, because of how LMDB writes a
// commit: its dirty pages in runs of consecutive pages, one pwrite/writev per run. A write that
// starts at or past the limit fails whole with EFBIG; a write that starts below the limit and
// ends past it is cut short by the kernel, and LMDB 0.9 (mdb_page_flush) reports a short write
// as EIO ("short write, filesystem full?"), which the store cannot tell from a failing disk.
// A full file system (ENOSPC) cuts writes short the same way.
struct Case {
  const char* name;
  // The file size limit, given the page size and the store's largest file before the child.
  uint64_t (*limit)(uint64_t page_bytes, uint64_t largest_file_bytes);
  StoreError expected;
  const char* message_part;  // What the message tells the operator.
  bool some_batches_fit;     // Whether the child makes any batch durable under the limit.
};

constexpr Case cases[] = {
    // Only the two meta pages are below the limit: the first data page written fails whole
    // with EFBIG, which is disk_full.
    {.name = "limit below every data page",
     .limit = [](uint64_t page, uint64_t) { return 2 * page; },
     .expected = StoreError::disk_full,
     .message_part = "no space left (File too large); free disk space",
     .some_batches_fit = false},
    // A few records above the largest file, in the middle of a page: the commit that reaches
    // the limit writes a run of pages across it, cut short, and LMDB says EIO. Regression: the
    // store reported io_error; with the data file at its size limit it is disk_full.
    {.name = "limit inside a page, a few records above the data",
     .limit = [](uint64_t page, uint64_t largest) { return largest + 4 * page + page / 2; },
     .expected = StoreError::disk_full,
     .message_part = "has no room left; free disk space",
     .some_batches_fit = true},
};

// The largest file of the store (the journal's data file: the lock files are 2 pages).
uint64_t largest_file_bytes(const std::string& path) {
  uint64_t largest = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) largest = std::max<uint64_t>(largest, entry.file_size());
  }
  return largest;
}

TEST(DiskFull, AFileSizeLimitStopsTheStoreAndLosesNothingDurable) {
  const auto page_bytes = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const Workload workload(21, 20, 8);
    const StoreOptions options = options_for(dir, workload);
    StateMachine reference(options.ledger);
    {
      // Some batches before the limit, without it.
      std::unique_ptr<Store> store;
      ASSERT_TRUE(Store::open(options, &store).ok());
      uint64_t sequence = 0;
      for (uint64_t k = 1; k <= batches_before_limit; ++k) {
        ASSERT_TRUE(testing::apply(*store, workload.batch(k), &sequence).ok());
        testing::apply(reference, workload.batch(k));
      }
    }
    const uint64_t file_bytes_max = c.limit(page_bytes, largest_file_bytes(dir.store()));
    Pipe pipe;
    ChildProcess child = ChildProcess::fork_and_run(
        [&] { return fill_disk(options, workload, file_bytes_max, pipe.write_fd()); });
    pipe.close_write();
    Report report;
    const std::string read = read_report(pipe.read_fd(), &report);
    const int status = child.wait();
    ASSERT_EQ(read, "") << "child " << testing::describe_wait_status(status);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child " << testing::describe_wait_status(status);
    SCOPED_TRACE("limit " + std::to_string(file_bytes_max) + " bytes; child: durable " +
                 std::to_string(report.durable) + ", last sequence " +
                 std::to_string(report.last_sequence) + ", " +
                 std::string(store_error_name(report.code)) + ": " + report.message);
    EXPECT_EQ(report.code, c.expected);
    EXPECT_NE(report.message.find(c.message_part), std::string::npos);
    EXPECT_EQ(report.next_code, StoreError::closed);  // Nothing more after a failed commit.
    EXPECT_EQ(report.durable > batches_before_limit, c.some_batches_fit);
    EXPECT_LT(report.durable, batches_max);
    check_reopened(options, workload, report, &reference);
  }
}

}  // namespace
}  // namespace kervan
