// The store survives SIGKILL at any moment. A child process (crash_child.cc) applies workload
// batches to a store in durable mode and acknowledges each one on a pipe once it is durable;
// the parent kills it at a moment chosen by a seeded PRNG (while it opens and recovers, right
// after it starts a checkpoint, after some acknowledgements), reopens the store and checks
// that every acknowledged batch is there, nothing but whole batches, and every invariant. The
// next child continues on the same store from where recovery ended.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ledger/invariants.h"
#include "tests/ledger/child_process.h"
#include "tests/ledger/crash_protocol.h"

#ifndef KERVAN_CRASH_CHILD
#error "KERVAN_CRASH_CHILD must name the kervan_crash_child executable (tests/CMakeLists.txt)"
#endif

namespace kervan {
namespace {

using testing::ChildProcess;
using testing::Pipe;
using testing::ReadOutcome;
using testing::TempDir;
using testing::Workload;
using namespace testing::crash;

constexpr uint64_t seed_default = 20240611;  // KERVAN_CRASH_SEED overrides it.
constexpr uint32_t kills = 32;
constexpr uint64_t checkpoint_every = 4;
constexpr uint32_t acks_before_kill_max = 40;
constexpr uint32_t checkpoints_before_kill_max = 3;
constexpr int message_timeout_ms = 10'000;  // A child that says nothing for this long hangs.
// The child never gets to the end: every kill comes before it does.
constexpr uint64_t batches_max = 2000;
static_assert(kills * (acks_before_kill_max + checkpoints_before_kill_max * checkpoint_every +
                       in_flight_max) <
              batches_max);

enum class KillPoint : uint8_t {
  after_started,       // Zero acknowledgements: the child is opening and recovering the store.
  after_opened,        // Zero acknowledgements: the child applies its first batches.
  after_checkpoint,    // Right after the count-th checkpoint() call: it waits for the journal.
  checkpoint_durable,  // At the ack of the count-th checkpoint's sequence: the checkpoint
                       // thread, woken by the same commit, hashes and writes it.
  after_acks,          // After count acknowledgements.
};

struct KillPlan {
  KillPoint point = KillPoint::after_acks;
  uint32_t count = 0;
};

std::string describe(const KillPlan& plan) {
  switch (plan.point) {
    case KillPoint::after_started:
      return "kill after 'started'";
    case KillPoint::after_opened:
      return "kill after 'opened'";
    case KillPoint::after_checkpoint:
      return "kill after checkpoint " + std::to_string(plan.count);
    case KillPoint::checkpoint_durable:
      return "kill at the ack of checkpoint " + std::to_string(plan.count);
    case KillPoint::after_acks:
      return "kill after " + std::to_string(plan.count) + " acks";
  }
  return "unknown plan";
}

KillPlan plan_of(uint32_t iteration, std::mt19937_64& random) {
  if (iteration % 8 == 1) return {.point = KillPoint::after_started};
  if (iteration % 8 == 5) return {.point = KillPoint::after_opened};
  const uint64_t choice = random() % 4;
  if (choice < 2) {
    return {.point = choice == 0 ? KillPoint::after_checkpoint : KillPoint::checkpoint_durable,
            .count = 1 + static_cast<uint32_t>(random() % checkpoints_before_kill_max)};
  }
  return {.point = KillPoint::after_acks,
          .count = 1 + static_cast<uint32_t>(random() % acks_before_kill_max)};
}

// What one child reported, checked message by message against what it may say.
class Observed {
 public:
  explicit Observed(uint64_t recovered) : recovered_(recovered), last_ack_(recovered) {}

  // Empty when `message` may come now; else what is wrong with it.
  std::string take(const Message& message) {
    const uint64_t s = message.sequence;
    const std::string what = "message kind " + std::to_string(static_cast<int>(message.kind)) +
                             " sequence " + std::to_string(s) + ": ";
    if (messages_ == 0 && message.kind != MessageKind::started) return what + "not 'started'";
    if (messages_ == 1 && message.kind != MessageKind::opened) return what + "not 'opened'";
    messages_ += 1;
    switch (message.kind) {
      case MessageKind::started:
        return messages_ == 1 ? "" : what + "'started' again";
      case MessageKind::opened:
        // The parent closed the store cleanly at `recovered_`: the child must find it there.
        return s == recovered_ ? "" : what + "expected recovery at " + std::to_string(recovered_);
      case MessageKind::ack:
        if (s != last_ack_ + 1) return what + "expected ack " + std::to_string(last_ack_ + 1);
        last_ack_ = s;
        acks_ += 1;
        return "";
      case MessageKind::checkpoint_started:
        if (s % checkpoint_every != 0 || s <= recovered_ || s > last_ack_ + in_flight_max ||
            (!checkpoints_.empty() && s <= checkpoints_.back())) {
          return what + "not a checkpoint the child may start after ack " +
                 std::to_string(last_ack_);
        }
        checkpoints_.push_back(s);
        return "";
    }
    return what + "unknown kind";
  }

  bool reached(const KillPlan& plan) const {
    switch (plan.point) {
      case KillPoint::after_started:
        return messages_ >= 1;
      case KillPoint::after_opened:
        return messages_ >= 2;
      case KillPoint::after_checkpoint:
        return checkpoints_.size() >= plan.count;
      case KillPoint::checkpoint_durable:
        return checkpoints_.size() >= plan.count && last_ack_ >= checkpoints_[plan.count - 1];
      case KillPoint::after_acks:
        return acks_ >= plan.count;
    }
    return true;
  }

  uint64_t last_ack() const { return last_ack_; }
  // The newest checkpoint known to be written: checkpoint() waits for the one before it.
  uint64_t checkpoint_written() const {
    return checkpoints_.size() >= 2 ? checkpoints_[checkpoints_.size() - 2] : 0;
  }

 private:
  uint64_t recovered_;
  uint64_t last_ack_;
  uint64_t messages_ = 0;
  uint64_t acks_ = 0;
  std::vector<uint64_t> checkpoints_;
};

// Reads messages into `observed` until `plan` is reached (or, with no plan, until the child's
// end of file). Empty when all went as allowed; else what went wrong.
std::string read_messages(int fd, const std::optional<KillPlan>& plan, Observed* observed) {
  // Bounded: a child sends at most 3 messages per batch and stops at batches_max.
  for (uint64_t i = 0; i < 3 * batches_max + 2; ++i) {
    if (plan && observed->reached(*plan)) return "";
    std::array<uint8_t, message_bytes> bytes{};
    const ReadOutcome outcome = testing::read_exact(fd, bytes, message_timeout_ms);
    if (outcome == ReadOutcome::end_of_file && !plan) return "";
    if (outcome != ReadOutcome::ok) {
      return "reading the pipe: " + std::string(testing::read_outcome_name(outcome));
    }
    if (std::string wrong = observed->take(decode_message(bytes)); !wrong.empty()) return wrong;
  }
  return "more messages than the child may send";
}

uint64_t seed_of() {
  const char* text = std::getenv("KERVAN_CRASH_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : seed_default;
}

// The parent's view of the store across kills.
struct Expected {
  uint64_t last_sequence = 0;        // Where the last recovery ended.
  uint64_t checkpoint_sequence = 0;  // The checkpoint it loaded.
};

// Reopens the store after a kill and checks everything the child promised; advances
// `reference` and `expected` to the recovered state.
void check_recovery(const StoreOptions& options, const Observed& observed, const Workload& workload,
                    StateMachine* reference, Expected* expected) {
  std::unique_ptr<Store> store;
  const StoreStatus opened = Store::open(options, &store);
  ASSERT_TRUE(opened.ok()) << opened.to_string();
  const uint64_t last = store->last_sequence();
  // Every acknowledged batch is there; the child never ran further ahead than in_flight_max.
  EXPECT_GE(last, observed.last_ack());
  EXPECT_LE(last, observed.last_ack() + in_flight_max);
  ASSERT_GE(last, expected->last_sequence);
  const uint64_t checkpoint = store->recovery().checkpoint_sequence;
  EXPECT_GE(checkpoint, observed.checkpoint_written());
  EXPECT_GE(checkpoint, expected->checkpoint_sequence);
  EXPECT_LE(checkpoint, last);
  EXPECT_EQ(store->recovery().records_replayed, last - checkpoint);
  // Exactly batches 1..last: a partly applied batch would change the state hash.
  for (uint64_t k = expected->last_sequence + 1; k <= last; ++k) {
    testing::apply(*reference, workload.batch(k));
  }
  EXPECT_EQ(store->ledger().state_hash(), reference->state_hash());
  const InvariantReport invariants = check_invariants(store->ledger());
  EXPECT_TRUE(invariants.ok()) << invariant_name(invariants.broken) << ": " << invariants.violation;
  store.reset();
  VerifyReport report;
  const StoreStatus verified = verify_store(options.path, &report);
  EXPECT_TRUE(verified.ok()) << verified.to_string();
  EXPECT_EQ(report.records, last);
  EXPECT_EQ(report.state_hash, reference->state_hash());
  expected->last_sequence = last;
  expected->checkpoint_sequence = checkpoint;
}

TEST(CrashTest, EveryAcknowledgedBatchSurvivesSigkillAndNothingPartial) {
  const uint64_t seed = seed_of();
  SCOPED_TRACE("seed " + std::to_string(seed) +
               " (rerun with KERVAN_CRASH_SEED=" + std::to_string(seed) + ")");
  std::mt19937_64 random(seed);
  TempDir dir;
  const StoreOptions options = store_options(dir.store(), seed, batches_max);
  const Workload workload = workload_of(seed);
  StateMachine reference(options.ledger);
  Expected expected;
  const std::vector<std::string> args = {dir.store(), std::to_string(seed),
                                         std::to_string(checkpoint_every),
                                         std::to_string(batches_max)};
  for (uint32_t iteration = 1; iteration <= kills; ++iteration) {
    const KillPlan plan = plan_of(iteration, random);
    SCOPED_TRACE("iteration " + std::to_string(iteration) + ": " + describe(plan) +
                 ", store recovered at " + std::to_string(expected.last_sequence));
    Pipe pipe;
    ChildProcess child = ChildProcess::spawn(KERVAN_CRASH_CHILD, args, pipe.write_fd());
    pipe.close_write();  // The child's death closes the last write end: end of file.
    Observed observed(expected.last_sequence);
    const std::string before_kill = read_messages(pipe.read_fd(), plan, &observed);
    child.kill_now();
    // Acknowledgements written before the kill are promises too: drain them.
    const std::string after_kill = read_messages(pipe.read_fd(), std::nullopt, &observed);
    const int status = child.wait();
    ASSERT_EQ(before_kill, "") << "child " << testing::describe_wait_status(status);
    ASSERT_EQ(after_kill, "") << "child " << testing::describe_wait_status(status);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "child " << testing::describe_wait_status(status);
    check_recovery(options, observed, workload, &reference, &expected);
    if (::testing::Test::HasFatalFailure()) return;
  }

  // After all the crashes the store takes batches as if nothing had happened.
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(options, &store).ok());
  uint64_t sequence = 0;
  for (uint64_t k = expected.last_sequence + 1; k <= expected.last_sequence + 5; ++k) {
    ASSERT_TRUE(testing::apply(*store, workload.batch(k), &sequence).ok());
    testing::apply(reference, workload.batch(k));
  }
  ASSERT_TRUE(store->wait_durable(sequence).ok());
  EXPECT_EQ(store->ledger().state_hash(), reference.state_hash());
}

}  // namespace
}  // namespace kervan
