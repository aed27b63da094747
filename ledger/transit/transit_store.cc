#include "ledger/transit/transit_store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core/bytes.h"
#include "ledger/invariants.h"

namespace kervan {

namespace {

// Version 1: 24 bytes (capacities, base currency). Version 2 appends the core ledger's
// capacities (TransitConfig::ledger_*_max); a store of version 1 has them 0 (derived). Version
// 3, the same 32 bytes, marks the journal of the registry (only an operator registers parties
// and keys) and of computed declarations: the steps of an earlier store would not replay to
// the state they had, so such a store is refused, not served.
constexpr uint32_t transit_configuration_version = 3;

std::vector<uint8_t> encode_configuration(const TransitConfig& c) {
  std::vector<uint8_t> bytes(32);
  store_u32_le(&bytes[0], transit_configuration_version);
  store_u32_le(&bytes[4], c.parties_max);
  store_u32_le(&bytes[8], c.guarantees_max);
  store_u32_le(&bytes[12], c.movements_max);
  store_u32_le(&bytes[16], c.currencies_max);
  store_u32_le(&bytes[20], currency_numeric(c.base_currency));
  store_u32_le(&bytes[24], c.ledger_accounts_max);
  store_u32_le(&bytes[28], c.ledger_transfers_max);
  return bytes;
}

// The inverse of encode_configuration() (any version, in *version); false for bytes it did not
// write.
bool decode_configuration(const std::vector<uint8_t>& bytes, TransitConfig* c,
                          uint32_t* version_out) {
  const uint32_t version = bytes.size() >= 4 ? load_u32_le(&bytes[0]) : 0;
  if (!(version == 1 && bytes.size() == 24) && !((version == 2 || version == 3) &&
                                                   bytes.size() == 32)) {
    return false;
  }
  *version_out = version;
  const uint32_t numeric = load_u32_le(&bytes[20]);
  const std::optional<Currency> base =
      numeric <= UINT16_MAX ? currency_from_numeric(static_cast<uint16_t>(numeric)) : std::nullopt;
  if (!base) return false;
  c->parties_max = load_u32_le(&bytes[4]);
  c->guarantees_max = load_u32_le(&bytes[8]);
  c->movements_max = load_u32_le(&bytes[12]);
  c->currencies_max = load_u32_le(&bytes[16]);
  c->base_currency = *base;
  c->ledger_accounts_max = version >= 2 ? load_u32_le(&bytes[24]) : 0;
  c->ledger_transfers_max = version >= 2 ? load_u32_le(&bytes[28]) : 0;
  return true;
}

}  // namespace

StoreStatus TransitStore::open(const TransitStoreOptions& options,
                               std::unique_ptr<TransitStore>* out) {
  std::unique_ptr<TransitStore> store(new TransitStore());
  store->options_ = options;
  StoreStatus status = store->lock_.acquire(options.path, true);
  if (status.ok()) {
    status = Journal::open({.path = options.path + "/journal",
                            .map_bytes_max = options.journal_map_bytes_max,
                            .sync = options.sync,
                            .ring_bytes = options.journal_ring_bytes,
                            .on_progress = options.on_durable},
                           &store->journal_);
  }
  std::vector<uint8_t> stored;
  const std::vector<uint8_t> proposed = encode_configuration(options.config);
  if (status.ok()) status = store->journal_->configuration(proposed, &stored);
  TransitConfig recorded;
  const auto same = [](const TransitConfig& a, const TransitConfig& b) {
    return a.parties_max == b.parties_max && a.guarantees_max == b.guarantees_max &&
           a.movements_max == b.movements_max && a.currencies_max == b.currencies_max &&
           a.base_currency == b.base_currency && a.ledger_accounts_max == b.ledger_accounts_max &&
           a.ledger_transfers_max == b.ledger_transfers_max;
  };
  uint32_t version = 0;
  if (status.ok() && (!decode_configuration(stored, &recorded, &version) ||
                      !same(recorded, options.config))) {
    status = StoreStatus::error(StoreError::configuration_mismatch,
                                "transit store " + options.path +
                                    " was created with other capacities or base currency");
  }
  if (status.ok() && version < transit_configuration_version) {
    status = StoreStatus::error(
        StoreError::configuration_mismatch,
        "transit store " + options.path + " has format " + std::to_string(version) +
            ": its steps predate the registry of parties and keys and server-computed amounts "
            "and would not replay to the same state; it is not served (no migration exists)");
  }
  if (status.ok()) status = store->replay();
  if (!status.ok()) return status;
  *out = std::move(store);
  return StoreStatus();
}

TransitStore::~TransitStore() { journal_.reset(); }

StoreStatus TransitStore::replay() {
  const auto started = std::chrono::steady_clock::now();
  ledger_ = std::make_unique<TransitLedger>(options_.config);
  uint64_t foreign = 0, diverged = 0;
  TransitResult recorded = TransitResult::ok, replayed = TransitResult::ok;
  StoreStatus status = journal_->read(1, Digest{}, [&](const JournalRecordView& record) {
    TransitCommand command;
    if (record.header.operation != JournalOperation::transit_command ||
        !decode_journaled_step(record.body, &recorded, &command) ||
        static_cast<uint64_t>(command.actor) != static_cast<uint64_t>(record.header.party)) {
      foreign = record.header.sequence;
      return false;
    }
    replayed = apply_transit_command(*ledger_, record.header.now_ns, command);
    if (replayed != recorded) {  // Not the state the step was applied to: stop, say so.
      diverged = record.header.sequence;
      return false;
    }
    last_now_ns_ = std::max(last_now_ns_, record.header.now_ns);
    recovery_.commands_replayed += 1;
    return true;
  });
  if (status.ok() && foreign != 0) {
    return StoreStatus::error(StoreError::corrupted_record,
                              "journal record " + std::to_string(foreign) +
                                  " is not a well-formed transit command");
  }
  if (status.ok() && diverged != 0) {
    return StoreStatus::error(StoreError::corrupted_record,
                              "journal record " + std::to_string(diverged) + " replayed to " +
                                  std::string(result_name(replayed)) + ", recorded as " +
                                  std::string(result_name(recorded)) +
                                  ": the replay does not reproduce the store");
  }
  recovery_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string line = "transit store " + options_.path + ": replayed " +
                           std::to_string(recovery_.commands_replayed) + " steps in " +
                           std::to_string(recovery_.seconds) + " s";
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "kervan: %s\n", line.c_str());
  }
  return status;
}

StoreStatus verify_transit_store(const std::string& path, TransitVerifyReport* report) {
  // The capacities come from the store: read them with the journal opened read-only.
  TransitConfig config;
  {
    FolderLock lock;
    StoreStatus status = lock.acquire(path, false);
    std::unique_ptr<Journal> journal;
    if (status.ok()) {
      status = Journal::open({.path = path + "/journal", .map_bytes_max = uint64_t{1} << 36,
                              .read_only = true},
                             &journal);
    }
    std::vector<uint8_t> stored;
    if (status.ok()) status = journal->configuration({}, &stored);
    if (!status.ok()) return status;
    uint32_t version = 0;
    if (!decode_configuration(stored, &config, &version)) {
      return StoreStatus::error(StoreError::invalid_store,
                                path + " holds no transit store configuration");
    }
  }
  // Then replay it as a server would (checksums and hash chain checked on the way); nothing
  // is appended.
  std::unique_ptr<TransitStore> store;
  StoreStatus status =
      TransitStore::open(TransitStoreOptions{.path = path, .config = config,
                                             .log = [](std::string_view) {}},
                         &store);
  if (!status.ok()) return status;
  const InvariantReport invariants = check_invariants(store->ledger().ledger());
  report->steps = store->recovery().commands_replayed;
  report->movements = store->ledger().movements().size();
  report->state_hash = store->ledger().ledger().state_hash();
  if (!invariants.ok()) {
    return StoreStatus::error(StoreError::corrupted_record,
                              "after replay, an invariant fails: " + invariants.violation);
  }
  return StoreStatus();
}

StoreStatus TransitStore::apply(uint64_t now_ns, const TransitCommand& command,
                                TransitResult* result, uint64_t* sequence) {
  if (failure_.ok()) failure_ = journal_->failure();
  if (!failure_.ok()) {
    return StoreStatus::error(StoreError::closed, "the transit store stopped after: " +
                                                      failure_.to_string() +
                                                      "; reopen it to recover");
  }
  // A declaration the sender gave figures for is journaled as computed, so that a replay never
  // depends on the reference data; refused, as sent (replaying it refuses it again).
  const TransitCommand* journaled = &command;
  TransitCommand computed;
  if (command.operation == TransitOperation::declare_movement &&
      command.declaration.amounts == DeclaredAmounts::expected) {
    computed = command;
    if (ledger_->compute_declaration(now_ns, &computed.declaration) == TransitResult::ok) {
      journaled = &computed;
    }
  }
  *result = apply_transit_command(*ledger_, now_ns, *journaled);
  command_bytes_.resize(journal_command_bytes_max);
  const size_t size = encode_journaled_step(*result, *journaled, command_bytes_);
  KERVAN_ASSERT(size != 0);  // Every command fits: its fields are bounded.
  last_command_bytes_ = size;
  last_now_ns_ = std::max(last_now_ns_, now_ns);
  failure_ = journal_->append_command(now_ns, static_cast<uint64_t>(command.actor),
                                      std::span(command_bytes_).first(size), sequence);
  return failure_;
}

StoreStatus TransitStore::read_steps(uint64_t from, uint64_t records_max,
                                     const StepVisitor& visit) const {
  KERVAN_ASSERT(from >= 1);
  const uint64_t durable = journal_->durable_sequence();
  if (from > durable || records_max == 0) return StoreStatus();
  Digest prev{};
  if (from > 1) {
    if (StoreStatus status = journal_->record_hash(from - 1, &prev); !status.ok()) return status;
  }
  const uint64_t last = std::min(durable, from + records_max - 1);
  return journal_->read(from, prev, [&](const JournalRecordView& record) {
    if (record.header.sequence > last) return false;
    TransitResult result = TransitResult::ok;
    TransitCommand command;
    KERVAN_ASSERT(decode_journaled_step(record.body, &result, &command));  // Replayed at open.
    return visit(record.header.sequence, record.header.now_ns, result, record.body.subspan(1));
  });
}

}  // namespace kervan
