#include "ledger/store.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/assert.h"
#include "core/bytes.h"
#include "ledger/folder_lock.h"
#include "ledger/invariants.h"
#include "ledger/record_coding.h"
#include "ledger/state_hash.h"

namespace kervan {

namespace {

constexpr uint32_t configuration_version = 1;

// The ledger's capacities, as the journal stores them (docs/storage_format.md).
std::vector<uint8_t> encode_configuration(const LedgerConfig& config) {
  std::vector<uint8_t> bytes(16);
  store_u32_le(&bytes[0], configuration_version);
  store_u32_le(&bytes[4], config.accounts_max);
  store_u32_le(&bytes[8], config.transfers_max);
  store_u32_le(&bytes[12], config.failed_ids_max);
  return bytes;
}

bool decode_configuration(const std::vector<uint8_t>& bytes, LedgerConfig* config) {
  if (bytes.size() != 16 || load_u32_le(&bytes[0]) != configuration_version) return false;
  config->accounts_max = load_u32_le(&bytes[4]);
  config->transfers_max = load_u32_le(&bytes[8]);
  config->failed_ids_max = load_u32_le(&bytes[12]);
  return true;
}

std::string describe(const LedgerConfig& c) {
  return "accounts_max " + std::to_string(c.accounts_max) + ", transfers_max " +
         std::to_string(c.transfers_max) + ", failed_ids_max " + std::to_string(c.failed_ids_max);
}

// Applies one journal record to a state machine, as the live store applied it.
class Replayer {
 public:
  explicit Replayer(StateMachine* machine)
      : machine_(machine),
        accounts_(batch_events_max),
        transfers_(batch_events_max),
        account_results_(batch_events_max),
        transfer_results_(batch_events_max) {}

  // False for a record this replayer does not apply (a transit command in a ledger store).
  bool apply(const JournalRecordView& record) {
    const uint32_t count = record.header.event_count;
    const std::span<const uint8_t> body = record.body;
    switch (record.header.operation) {
      case JournalOperation::create_accounts:
        for (uint32_t i = 0; i < count; ++i) accounts_[i] = decode_account(&body[i * 128]);
        machine_->create_accounts(record.header.now_ns, std::span(accounts_).first(count),
                                  std::span(account_results_).first(count));
        break;
      case JournalOperation::create_transfers:
        for (uint32_t i = 0; i < count; ++i) transfers_[i] = decode_transfer(&body[i * 128]);
        machine_->create_transfers(record.header.now_ns, std::span(transfers_).first(count),
                                   std::span(transfer_results_).first(count));
        break;
      case JournalOperation::expire_pending_transfers:
        (void)machine_->expire_pending_transfers(record.header.now_ns);
        break;
      case JournalOperation::transit_command:
        return false;
    }
    records += 1;
    events += count;
    return true;
  }

  uint64_t records = 0;
  uint64_t events = 0;

 private:
  StateMachine* machine_;
  std::vector<Account> accounts_;
  std::vector<Transfer> transfers_;
  std::vector<CreateAccountResult> account_results_;
  std::vector<CreateTransferResult> transfer_results_;
};

// Loads the newest checkpoint into `machine` (fresh) and checks its state hash.
StoreStatus load_checkpoint(const CheckpointStore& checkpoints, const CheckpointHeader& header,
                            const LedgerConfig& config, StateMachine* machine) {
  if (header.accounts_count > config.accounts_max ||
      header.transfers_count > config.transfers_max ||
      header.failed_count > config.failed_ids_max) {
    return StoreStatus::error(StoreError::capacity_too_small,
                              "the checkpoint holds more records than " + describe(config));
  }
  CheckpointRecords records;
  if (StoreStatus status = checkpoints.load(header, &records); !status.ok()) return status;
  const RestoreResult restored =
      machine->restore(header.last_timestamp, records.accounts, records.transfers,
                       records.pending_states, records.failed);
  if (restored != RestoreResult::ok) {
    return StoreStatus::error(StoreError::restore_failed,
                              "checkpoint " + std::to_string(header.sequence) + ": " +
                                  std::string(result_name(restored)));
  }
  if (machine->state_hash() != header.state_hash) {
    return StoreStatus::error(StoreError::corrupted_record,
                              "checkpoint " + std::to_string(header.sequence) +
                                  ": the restored state does not match its state hash; see "
                                  "docs/operations.md, 'Recovering a damaged store'");
  }
  return StoreStatus();
}

// Replays the journal from `from` (chained to `prev_hash`) into `machine`.
StoreStatus replay_journal(const Journal& journal, uint64_t from, const Digest& prev_hash,
                           StateMachine* machine, uint64_t* records, uint64_t* events) {
  const uint64_t first = journal.first_sequence();
  if (first > from) {
    return StoreStatus::error(StoreError::corrupted_record,
                              "journal records " + std::to_string(from) + " to " +
                                  std::to_string(first - 1) +
                                  " are missing (pruned or lost); see docs/operations.md");
  }
  Replayer replayer(machine);
  uint64_t foreign = 0;
  StoreStatus status = journal.read(from, prev_hash, [&](const JournalRecordView& record) {
    if (replayer.apply(record)) return true;
    foreign = record.header.sequence;
    return false;
  });
  if (status.ok() && foreign != 0) {
    return StoreStatus::error(StoreError::invalid_store,
                              "journal record " + std::to_string(foreign) +
                                  " is a transit command: this is a transit store");
  }
  *records = replayer.records;
  *events = replayer.events;
  return status;
}

}  // namespace

// ---- Opening and recovery -------------------------------------------------------------------

StoreStatus Store::open(const StoreOptions& options, std::unique_ptr<Store>* out) {
  std::unique_ptr<Store> store(new Store());
  store->options_ = options;
  StoreStatus status = store->lock_.acquire(options.path, true);
  if (status.ok()) {
    status = CheckpointStore::open(options.path + "/checkpoint", options.checkpoint_map_bytes_max,
                                   options.sync, false, &store->checkpoints_);
  }
  if (status.ok()) {
    status = Journal::open({.path = options.path + "/journal",
                            .map_bytes_max = options.journal_map_bytes_max,
                            .sync = options.sync,
                            .ring_bytes = options.journal_ring_bytes,
                            .on_progress = options.on_durable},
                           &store->journal_);
  }
  if (status.ok()) status = store->recover();
  if (!status.ok()) return status;
  *out = std::move(store);
  return StoreStatus();
}

StoreStatus Store::recover() {
  const auto started = std::chrono::steady_clock::now();
  std::vector<uint8_t> stored;
  StoreStatus status = journal_->configuration(encode_configuration(options_.ledger), &stored);
  if (!status.ok()) return status;
  LedgerConfig recorded = options_.ledger;
  if (!decode_configuration(stored, &recorded) ||
      recorded.accounts_max != options_.ledger.accounts_max ||
      recorded.transfers_max != options_.ledger.transfers_max ||
      recorded.failed_ids_max != options_.ledger.failed_ids_max) {
    return StoreStatus::error(StoreError::configuration_mismatch,
                              "store " + options_.path + " was created with " +
                                  describe(recorded) + "; it was opened with " +
                                  describe(options_.ledger));
  }
  machine_ = std::make_unique<StateMachine>(options_.ledger);
  CheckpointHeader header;
  bool found = false;
  if (status = checkpoints_->read_header(&header, &found); !status.ok()) return status;
  uint64_t from = 1;
  Digest prev_hash{};
  if (found) {
    if (status = load_checkpoint(*checkpoints_, header, options_.ledger, machine_.get());
        !status.ok()) {
      return status;
    }
    from = header.sequence + 1;
    prev_hash = header.journal_hash;
    checkpoint_sequence_ = header.sequence;
    recovery_.checkpoint_sequence = header.sequence;
    if (journal_->last_sequence() < header.sequence) {
      return StoreStatus::error(StoreError::corrupted_record,
                                "the journal ends at record " +
                                    std::to_string(journal_->last_sequence()) +
                                    " but the checkpoint includes record " +
                                    std::to_string(header.sequence));
    }
  }
  if (journal_->last_sequence() >= from) {
    status = replay_journal(*journal_, from, prev_hash, machine_.get(),
                            &recovery_.records_replayed, &recovery_.events_replayed);
    if (!status.ok()) return status;
  }
  recovery_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log("store " + options_.path + ": recovered " + std::to_string(machine_->accounts_count()) +
      " accounts and " + std::to_string(machine_->transfers_count()) +
      " transfers (checkpoint " + std::to_string(recovery_.checkpoint_sequence) + ", " +
      std::to_string(recovery_.records_replayed) + " journal records replayed) in " +
      std::to_string(recovery_.seconds) + " s");
  return StoreStatus();
}

void Store::log(const std::string& line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "kervan: %s\n", line.c_str());
  }
}

Store::~Store() {
  (void)wait_checkpoint();
  journal_.reset();  // Writes what was appended, stops the writer.
  checkpoints_.reset();
}

// ---- Applying batches -----------------------------------------------------------------------

StoreStatus Store::check_open() {
  if (failure_.ok()) failure_ = journal_->failure();
  if (failure_.ok()) return StoreStatus();
  return StoreStatus::error(StoreError::closed, "the store stopped accepting batches after: " +
                                                    failure_.to_string() +
                                                    "; reopen it to recover its durable state");
}

StoreStatus Store::create_accounts(uint64_t now_ns, u128 party, std::span<const Account> events,
                                   std::span<CreateAccountResult> results, uint64_t* sequence) {
  if (StoreStatus status = check_open(); !status.ok()) return status;
  machine_->create_accounts(now_ns, events, results);
  failure_ = journal_->append(JournalOperation::create_accounts, now_ns, party, events, sequence);
  return after_apply(events.size());
}

StoreStatus Store::create_transfers(uint64_t now_ns, u128 party, std::span<const Transfer> events,
                                    std::span<CreateTransferResult> results, uint64_t* sequence) {
  if (StoreStatus status = check_open(); !status.ok()) return status;
  machine_->create_transfers(now_ns, events, results);
  failure_ = journal_->append(JournalOperation::create_transfers, now_ns, party, events, sequence);
  return after_apply(events.size());
}

StoreStatus Store::expire_pending_transfers(uint64_t now_ns, uint32_t* expired,
                                            uint64_t* sequence) {
  if (StoreStatus status = check_open(); !status.ok()) return status;
  *expired = machine_->expire_pending_transfers(now_ns);
  failure_ = journal_->append_expiry(now_ns, sequence);
  return after_apply(*expired);
}

StoreStatus Store::after_apply(uint64_t events) {
  if (!failure_.ok()) return failure_;
  events_since_checkpoint_ += events;
  const uint64_t interval = options_.checkpoint_interval_events;
  if (interval == 0 || events_since_checkpoint_ < interval || checkpoint_running_.load()) {
    return StoreStatus();
  }
  // A failed background checkpoint stops the store like a failed commit: its error surfaces
  // here, at the next start.
  failure_ = checkpoint();
  return failure_;
}

// ---- Checkpoints ----------------------------------------------------------------------------

StoreStatus Store::checkpoint() {
  if (StoreStatus status = check_open(); !status.ok()) return status;
  if (StoreStatus previous = wait_checkpoint(); !previous.ok()) return previous;
  const uint64_t sequence = journal_->last_sequence();
  if (sequence == checkpoint_sequence_) return StoreStatus();  // Nothing new.
  // The pause of the applying thread: copies of the records that change. Transfers and
  // remembered failures never change once applied, so the writer reads them in place.
  snapshot_accounts_.assign(machine_->accounts().begin(), machine_->accounts().end());
  snapshot_pending_.assign(machine_->pending_states().begin(), machine_->pending_states().end());
  CheckpointHeader header;
  header.sequence = sequence;
  header.last_timestamp = machine_->last_timestamp();
  header.accounts_count = machine_->accounts_count();
  header.transfers_count = machine_->transfers_count();
  header.failed_count = machine_->failed_ids_count();
  events_since_checkpoint_ = 0;
  checkpoint_running_.store(true);
  checkpoint_thread_ = std::thread([this, header] {
    checkpoint_status_ = write_checkpoint(header, header.transfers_count, header.failed_count);
    checkpoint_running_.store(false);
  });
  return StoreStatus();
}

StoreStatus Store::write_checkpoint(const CheckpointHeader& snapshot, uint32_t transfers_count,
                                    uint32_t failed_count) {
  CheckpointHeader header = snapshot;
  // A checkpoint never runs ahead of the journal: it includes only durable records.
  if (StoreStatus status = journal_->wait_durable(header.sequence); !status.ok()) return status;
  if (StoreStatus status = journal_->record_hash(header.sequence, &header.journal_hash);
      !status.ok()) {
    return status;
  }
  const std::span<const Transfer> transfers = machine_->transfers().first(transfers_count);
  const std::span<const FailedTransfer> failed = machine_->failed_transfers().first(failed_count);
  header.state_hash = state_hash_of(header.last_timestamp, snapshot_accounts_, transfers,
                                    snapshot_pending_, failed);
  StoreStatus status =
      checkpoints_->write(header, snapshot_accounts_, transfers, snapshot_pending_, failed);
  if (status.ok() && options_.prune_journal) status = journal_->prune_before(header.sequence);
  if (status.ok()) checkpoint_sequence_ = header.sequence;
  return status;
}

StoreStatus Store::wait_checkpoint() {
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  return checkpoint_status_;
}

// ---- Verify ---------------------------------------------------------------------------------

StoreStatus verify_store(const std::string& path, VerifyReport* report) {
  FolderLock lock;
  if (StoreStatus status = lock.acquire(path, false); !status.ok()) return status;
  std::unique_ptr<Journal> journal;
  std::unique_ptr<CheckpointStore> checkpoints;
  StoreStatus status = Journal::open(
      {.path = path + "/journal", .map_bytes_max = uint64_t{64} << 30, .read_only = true},
      &journal);
  if (status.ok()) {
    status = CheckpointStore::open(path + "/checkpoint", uint64_t{64} << 30, SyncMode::durable,
                                   true, &checkpoints);
  }
  std::vector<uint8_t> stored;
  if (status.ok()) status = journal->configuration({}, &stored);
  if (!status.ok()) return status;
  LedgerConfig config;
  if (!decode_configuration(stored, &config)) {
    return StoreStatus::error(StoreError::invalid_store, "no ledger configuration in " + path);
  }
  uint64_t records = 0;
  uint64_t events = 0;
  // 1. The whole journal from its first record, when it has not been pruned.
  std::optional<Digest> from_empty;
  if (journal->first_sequence() <= 1) {
    auto machine = std::make_unique<StateMachine>(config);
    status = replay_journal(*journal, 1, Digest{}, machine.get(), &records, &events);
    if (!status.ok()) return status;
    from_empty = machine->state_hash();
    report->records = records;
  }
  // 2. The newest checkpoint plus the journal after it: what recovery would load.
  CheckpointHeader header;
  bool found = false;
  if (status = checkpoints->read_header(&header, &found); !status.ok()) return status;
  auto machine = std::make_unique<StateMachine>(config);
  uint64_t from = 1;
  Digest prev_hash{};
  if (found) {
    if (status = load_checkpoint(*checkpoints, header, config, machine.get()); !status.ok()) {
      return status;
    }
    from = header.sequence + 1;
    prev_hash = header.journal_hash;
    report->checkpoint_sequence = header.sequence;
  }
  status = replay_journal(*journal, from, prev_hash, machine.get(), &records, &events);
  if (!status.ok()) return status;
  report->state_hash = machine->state_hash();
  report->replayed_from_empty = from_empty.has_value();
  if (from_empty && *from_empty != report->state_hash) {
    return StoreStatus::error(StoreError::corrupted_record,
                              "replaying the journal from its first record gives state " +
                                  to_hex(*from_empty) + ", the checkpoint and the journal give " +
                                  to_hex(report->state_hash));
  }
  // 3. Every ledger invariant over the recovered state.
  const InvariantReport invariants = check_invariants(*machine);
  if (!invariants.ok()) {
    return StoreStatus::error(StoreError::invariant_violated,
                              std::string(invariant_name(invariants.broken)) + ": " +
                                  invariants.violation);
  }
  report->summary = std::to_string(report->records) + " journal records checked, checkpoint " +
                    std::to_string(report->checkpoint_sequence) + ", " +
                    std::to_string(machine->accounts_count()) + " accounts, " +
                    std::to_string(machine->transfers_count()) + " transfers, state " +
                    to_hex(report->state_hash);
  return StoreStatus();
}

}  // namespace kervan
