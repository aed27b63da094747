// The durable store: round trips through close and reopen, checkpoints, pruning, verify, and
// the operating errors that need no separate process (locked, configuration, corruption).
#include "ledger/store.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/bytes.h"
#include "ledger/invariants.h"
#include "tests/ledger/workload.h"

namespace kervan {
namespace {

using testing::TempDir;
using testing::Workload;

constexpr uint64_t batches = 60;

StoreOptions options_for(const TempDir& dir, const Workload& workload) {
  return StoreOptions{.path = dir.store(),
                      .ledger = workload.config_for(batches * 2),
                      .journal_map_bytes_max = uint64_t{1} << 30,
                      .checkpoint_map_bytes_max = uint64_t{1} << 30,
                      .journal_ring_bytes = size_t{4} << 20,
                      .log = [](std::string_view) {}};
}

// Applies batches [from, to] to the store and to the reference; returns the last sequence.
uint64_t apply_range(Store& store, StateMachine& reference, const Workload& workload,
                     uint64_t from, uint64_t to) {
  uint64_t sequence = 0;
  for (uint64_t k = from; k <= to; ++k) {
    const testing::WorkloadBatch batch = workload.batch(k);
    EXPECT_TRUE(testing::apply(store, batch, &sequence).ok());
    testing::apply(reference, batch);
  }
  return sequence;
}

TEST(Store, ReopenRecoversTheSameStateFromTheJournal) {
  TempDir dir;
  const Workload workload(11, 50, 40);
  const StoreOptions options = options_for(dir, workload);
  StateMachine reference(options.ledger);
  Digest before{};
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(options, &store).ok());
    const uint64_t last = apply_range(*store, reference, workload, 1, batches);
    EXPECT_EQ(last, batches);
    ASSERT_TRUE(store->wait_durable(last).ok());
    before = store->ledger().state_hash();
    EXPECT_EQ(before, reference.state_hash());
    EXPECT_GT(store->ledger().transfers_count(), 1000u);
  }
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(options, &store).ok());
  EXPECT_EQ(store->ledger().state_hash(), before);
  EXPECT_EQ(store->recovery().records_replayed, batches);
  EXPECT_EQ(store->recovery().checkpoint_sequence, 0u);
  EXPECT_TRUE(check_invariants(store->ledger()).ok());
  // And it goes on where it stopped.
  const uint64_t last = apply_range(*store, reference, workload, batches + 1, batches + 5);
  EXPECT_EQ(last, batches + 5);
  ASSERT_TRUE(store->wait_durable(last).ok());
  EXPECT_EQ(store->ledger().state_hash(), reference.state_hash());
}

TEST(Store, CheckpointPlusJournalEqualsReplayFromEmpty) {
  TempDir dir;
  const Workload workload(12, 50, 40);
  const StoreOptions options = options_for(dir, workload);
  StateMachine reference(options.ledger);
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(options, &store).ok());
    apply_range(*store, reference, workload, 1, 20);
    ASSERT_TRUE(store->checkpoint().ok());
    apply_range(*store, reference, workload, 21, 40);  // Applied while the checkpoint writes.
    ASSERT_TRUE(store->checkpoint().ok());             // Waits for the first one.
    ASSERT_TRUE(store->wait_checkpoint().ok());
    EXPECT_EQ(store->checkpoint_sequence(), 40u);
    apply_range(*store, reference, workload, 41, batches);
  }
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(options, &store).ok());
  EXPECT_EQ(store->recovery().checkpoint_sequence, 40u);
  EXPECT_EQ(store->recovery().records_replayed, batches - 40);
  EXPECT_EQ(store->ledger().state_hash(), reference.state_hash());
  store.reset();

  VerifyReport report;
  const StoreStatus verified = verify_store(dir.store(), &report);
  ASSERT_TRUE(verified.ok()) << verified.to_string();
  EXPECT_TRUE(report.replayed_from_empty);
  EXPECT_EQ(report.records, batches);
  EXPECT_EQ(report.checkpoint_sequence, 40u);
  EXPECT_EQ(report.state_hash, reference.state_hash());
}

TEST(Store, PrunedJournalStillRecoversAndVerifies) {
  TempDir dir;
  const Workload workload(13, 30, 20);
  StoreOptions options = options_for(dir, workload);
  options.prune_journal = true;
  StateMachine reference(options.ledger);
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(options, &store).ok());
    apply_range(*store, reference, workload, 1, 30);
    ASSERT_TRUE(store->checkpoint().ok());
    ASSERT_TRUE(store->wait_checkpoint().ok());
    apply_range(*store, reference, workload, 31, 35);
  }
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(options, &store).ok());
  EXPECT_EQ(store->ledger().state_hash(), reference.state_hash());
  store.reset();
  VerifyReport report;
  ASSERT_TRUE(verify_store(dir.store(), &report).ok());
  EXPECT_FALSE(report.replayed_from_empty);  // Records before the checkpoint are gone.
  EXPECT_EQ(report.state_hash, reference.state_hash());
}

TEST(Store, CheckpointsStartByThemselvesAtTheConfiguredInterval) {
  TempDir dir;
  const Workload workload(19, 30, 20);
  StoreOptions options = options_for(dir, workload);
  options.checkpoint_interval_events = 100;  // About every five batches of 20.
  StateMachine reference(options.ledger);
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(options, &store).ok());
    // One batch at a time, each started checkpoint finished before the next batch, so that
    // every crossing of the interval starts one (one still running would be skipped).
    for (uint64_t k = 1; k <= 40; ++k) {
      apply_range(*store, reference, workload, k, k);
      ASSERT_TRUE(store->wait_checkpoint().ok());
    }
    EXPECT_GE(store->checkpoint_sequence(), 30u);
  }
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(options, &store).ok());
  EXPECT_GE(store->recovery().checkpoint_sequence, 30u);
  EXPECT_LE(store->recovery().records_replayed, 10u);
  EXPECT_EQ(store->ledger().state_hash(), reference.state_hash());
}

// Root ignores file permissions, so the refusal is seen by a child that drops to nobody.
TEST(Store, AFolderThatCannotBeWrittenIsPermissionDenied) {
  TempDir dir;
  const Workload workload(20, 10, 5);
  const StoreOptions options = options_for(dir, workload);
  ASSERT_EQ(mkdir(options.path.c_str(), 0700), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (getuid() == 0 && setuid(65534) != 0) _exit(100);
    std::unique_ptr<Store> store;
    const StoreStatus status = Store::open(options, &store);
    _exit(static_cast<int>(status.code()));
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), static_cast<int>(StoreError::permission_denied));
}

TEST(Store, ASecondOpenOfTheSameStoreIsRefused) {
  TempDir dir;
  const Workload workload(14, 10, 5);
  const StoreOptions options = options_for(dir, workload);
  std::unique_ptr<Store> first, second;
  ASSERT_TRUE(Store::open(options, &first).ok());
  const StoreStatus status = Store::open(options, &second);
  EXPECT_EQ(status.code(), StoreError::store_locked) << status.to_string();
  VerifyReport report;
  EXPECT_EQ(verify_store(dir.store(), &report).code(), StoreError::store_locked);
}

TEST(Store, OtherCapacitiesThanAtCreationAreRefused) {
  TempDir dir;
  const Workload workload(15, 10, 5);
  StoreOptions options = options_for(dir, workload);
  { std::unique_ptr<Store> store; ASSERT_TRUE(Store::open(options, &store).ok()); }
  options.ledger.transfers_max += 1;
  std::unique_ptr<Store> store;
  const StoreStatus status = Store::open(options, &store);
  EXPECT_EQ(status.code(), StoreError::configuration_mismatch);
  EXPECT_NE(status.message().find("transfers_max"), std::string::npos) << status.message();
}

// Finds journal record `sequence` in the environment's data file by its header bytes.
size_t find_record(const std::string& bytes, uint64_t sequence) {
  uint8_t header[16];
  store_u32_le(header, journal_magic);
  store_u16_le(header + 4, journal_format_version);
  header[6] = static_cast<uint8_t>(JournalOperation::create_transfers);
  header[7] = 0;
  store_u64_le(header + 8, sequence);
  return bytes.find(std::string(reinterpret_cast<const char*>(header), 16));
}

TEST(Store, AFlippedByteInAJournalRecordIsDetectedAndNamed) {
  TempDir dir;
  const Workload workload(16, 20, 30);
  const StoreOptions options = options_for(dir, workload);
  StateMachine reference(options.ledger);
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(options, &store).ok());
    apply_range(*store, reference, workload, 1, 12);
  }
  const std::string data_path = dir.store() + "/journal/data.mdb";
  std::string bytes;
  {
    std::ifstream in(data_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t at = find_record(bytes, 7);
  ASSERT_NE(at, std::string::npos);
  bytes[at + journal_header_bytes + 40] ^= 0x01;  // One bit of an event's amount.
  {
    std::ofstream out(data_path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  std::unique_ptr<Store> store;
  const StoreStatus status = Store::open(options, &store);
  EXPECT_EQ(status.code(), StoreError::corrupted_record);
  EXPECT_NE(status.message().find("journal record 7 failed its bad_checksum check"),
            std::string::npos)
      << status.message();
  VerifyReport report;
  EXPECT_EQ(verify_store(dir.store(), &report).code(), StoreError::corrupted_record);
}

TEST(Store, AnotherJournalFormatVersionIsRefused) {
  TempDir dir;
  const Workload workload(17, 10, 5);
  const StoreOptions options = options_for(dir, workload);
  { std::unique_ptr<Store> store; ASSERT_TRUE(Store::open(options, &store).ok()); }
  {
    std::unique_ptr<LmdbEnv> env;
    ASSERT_TRUE(LmdbEnv::open({.path = dir.store() + "/journal",
                               .map_bytes_max = uint64_t{1} << 30,
                               .name = "journal"},
                              &env)
                    .ok());
    LmdbTable meta;
    ASSERT_TRUE(env->open_table("meta", &meta).ok());
    std::optional<LmdbWriteTxn> txn;
    ASSERT_TRUE(env->begin_write(&txn).ok());
    uint8_t format[8];
    store_u32_le(format, 0x4d4a564b);
    store_u32_le(format + 4, journal_format_version + 1);
    const std::string key = "format";
    ASSERT_TRUE(txn->put(meta, {reinterpret_cast<const uint8_t*>(key.data()), key.size()}, format)
                    .ok());
    ASSERT_TRUE(txn->commit().ok());
  }
  std::unique_ptr<Store> store;
  const StoreStatus status = Store::open(options, &store);
  EXPECT_EQ(status.code(), StoreError::version_mismatch) << status.to_string();
}

TEST(Store, AFullMapIsAClearErrorAndLosesNothingDurable) {
  TempDir dir;
  const Workload workload(18, 20, 200);
  StoreOptions options = options_for(dir, workload);
  options.journal_map_bytes_max = 512 * 1024;  // Room for a few records only.
  StateMachine reference(options.ledger);
  uint64_t durable = 0;
  StoreStatus failure;
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::open(options, &store).ok());
    for (uint64_t k = 1; k <= 100 && failure.ok(); ++k) {
      uint64_t sequence = 0;
      failure = testing::apply(*store, workload.batch(k), &sequence);
      if (failure.ok()) failure = store->wait_durable(sequence);
      if (failure.ok()) durable = sequence;
    }
    EXPECT_EQ(failure.code(), StoreError::map_full) << failure.to_string();
    EXPECT_NE(failure.message().find("map size"), std::string::npos) << failure.message();
    uint64_t sequence = 0;
    EXPECT_EQ(testing::apply(*store, workload.batch(101), &sequence).code(), StoreError::closed);
  }
  ASSERT_GT(durable, 0u);
  options.journal_map_bytes_max = uint64_t{1} << 30;  // The operator raises the map size.
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::open(options, &store).ok());
  for (uint64_t k = 1; k <= durable; ++k) testing::apply(reference, workload.batch(k));
  EXPECT_EQ(store->last_sequence(), durable);
  EXPECT_EQ(store->ledger().state_hash(), reference.state_hash());
}

}  // namespace
}  // namespace kervan
