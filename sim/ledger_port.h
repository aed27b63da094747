// Where a scheme run's ledger steps go: a transit ledger in this process (fast: the default), or
// a Kervan server through the API (a realistic load test: api/sim_server_port.h). The engine
// (sim/scheme_run.h) sends every step through a port and expects each to succeed; a port may
// answer at once (in process) or later (pipelined requests), so failures are gathered and
// reported once the run is over.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ledger/transit/transit_command.h"

namespace kervan {

class LedgerPort {
 public:
  virtual ~LedgerPort() = default;

  // Applies one step at business time now_ns (non-decreasing). A step that does not succeed
  // is remembered: settle() reports the first.
  virtual void apply(uint64_t now_ns, const TransitCommand& command) = 0;
  // Waits until every step has been answered; true when all succeeded, else *why says which
  // did not.
  virtual bool settle(std::string* why) = 0;
  // A guarantee's balance as the ledger has it (after settle()); nullopt when it cannot be read.
  virtual std::optional<GuaranteeBalance> balance(const Grn& grn) = 0;
  // The ledger itself when it lives in this process (for the checks that need its tables: duty
  // ledgers, invariants), else nullptr.
  virtual const TransitLedger* local() const { return nullptr; }
  // Steps applied.
  virtual uint64_t steps() const = 0;
};

// Makes the port of one scheme run, given the transit ledger's configuration that run needs.
using LedgerPortFactory =
    std::function<std::unique_ptr<LedgerPort>(const TransitConfig& config, std::string* error)>;

// The default: a TransitLedger in this process.
std::unique_ptr<LedgerPort> make_in_process_port(const TransitConfig& config);

}  // namespace kervan
