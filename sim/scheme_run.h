// One scheme run over one replication's traffic: a discrete-event simulation in which every
// truck asks for cover, waits for it (or is refused), drives, clears borders, and is discharged
// or claimed, with every step taken through the real transit ledger's domain operations
// (declare, release, cross, arrive, write off, enquiry, claim, claim paid, archive).
//
// Schemes (sim/scenario.h, docs/simulator.md "Schemes"):
//   national      - per country leg a movement of its own, declared at entry into the country
//                   on the principal's guarantee for that country, for that country's duties,
//                   discharged after leaving it plus the release lag: a truck may wait for
//                   cover at every border;
//   regional      - one movement for the whole itinerary on the principal's regional guarantee,
//                   for the highest country amount, discharged after arrival plus the lag;
//   tir_like      - regional, the amount capped (the excess of a claim is uncovered duty);
//   comprehensive - regional, the guarantee's cost reduced by the principal's risk class
//                   (a waiver class needs no cover).
// A truck waits in its guarantee's queue (first come, first served) while the guarantee lacks
// the cover; past the scheme's max_wait_days it is refused and never travels.
//
// The simulator keeps its own accounting (cover reserved and drawn per guarantee, duties
// claimed per country) beside the ledger's; the run ends by checking that they agree, that every
// reservation was resolved, and that the ledger conserved money (or, told to, that every
// invariant of the ledger holds: LedgerCheck).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/ledger_port.h"
#include "sim/scenario.h"
#include "sim/traffic.h"

namespace kervan {

// One number a run measured, named for its table row (e.g. "cover_mean_eur",
// "cover_mean_eur/corridor/CN-KZ-UZ"). Runs of one scenario list the same names in the same
// order, so replications line up for intervals and schemes for paired differences.
struct Metric {
  std::string name;
  double value = 0;
};

// What happened to one truck under a scheme: a row of the run's event log (sim/outcome_log.h).
// Times in seconds from the scenario's start; -1 where it did not happen.
struct TruckOutcome {
  uint32_t truck = 0;
  int64_t departed_s = -1;  // Released: its (first) movement declared and released.
  int64_t waited_s = 0;     // Waiting for cover, over every border.
  bool refused = false;     // Gave up waiting: never travelled (national: stuck at a border).
  int64_t arrived_s = -1;   // At the destination.
  int64_t claimed_s = -1;   // Its irregularity's claim raised.
};

// A guarantee's sizing: what each of a scheme's guarantees is registered for.
struct GuaranteeSizing {
  std::vector<int64_t> amount_cents;  // Per guarantee key (principal, or principal x country).
  uint32_t peak_live_movements = 0;   // In the no-wait pre-run: sizes the ledger's tables.
  uint64_t ledger_movements = 0;      // Movements the run declares at most.
};

struct SchemeRunResult {
  std::string scheme;
  std::vector<Metric> metrics;
  std::vector<double> daily_cover_eur;   // Mean cover in use per day of the window.
  std::vector<double> transit_days;      // Per truck arrived (window), ready to arrival.
  std::vector<double> claim_losses_eur;  // Per claim (window): drawn x loss given incident.
  uint64_t ledger_steps = 0;
  bool ledger_agrees = false;
  std::string disagreement;  // Empty when the ledger agrees.
  double little_relative_error = 0;  // |measured - predicted| / predicted, cover in use.
};

// Sizes the scheme's guarantees by its rule from a no-wait pre-run over the plan (reference
// sizing: average amount x open movements statistic x factor, never below the largest single
// amount), or to the given amount.
// How that no-wait pre-run is done: from each truck's timeline, which needs no events since
// nobody waits (the default, several times faster), or by simulating with unlimited cover (the
// reference the tests hold the timelines to: the same amounts, bit for bit).
enum class PreRun : uint8_t { timelines, simulation };
GuaranteeSizing size_guarantees(const Scenario& scenario, const Scheme& scheme,
                                const TrafficPlan& plan, PreRun pre_run = PreRun::timelines);

// What a run checks of an in-process ledger at its end, besides the agreement of the two
// accountings (per guarantee nothing reserved and the same amount drawn, per country the same
// duties claimed), which it always checks:
//   totals - money is conserved: in every currency the ledger's debits equal its credits, and
//            no account passes its limit (ledger/invariants.h check_totals; linear in the
//            accounts, a few thousand);
//   full   - every invariant of the core ledger over every record (check_invariants; linear in
//            the transfers: about 0.45 s for a year's 2.2 million, a tenth of the run).
// A server's ledger is checked by `kervan verify` on its store.
enum class LedgerCheck : uint8_t { totals, full };

struct SchemeRunOptions {
  // Where the steps go: the factory's port (a server, for a load test), or an in-process
  // transit ledger when it is null or empty.
  const LedgerPortFactory* port_factory = nullptr;
  // When set, filled with what happened to each truck, in plan order.
  std::vector<TruckOutcome>* outcomes = nullptr;
  LedgerCheck ledger_check = LedgerCheck::totals;
};

// Runs the scheme over the plan.
SchemeRunResult run_scheme(const Scenario& scenario, const Scheme& scheme,
                           const TrafficPlan& plan, const GuaranteeSizing& sizing,
                           const SchemeRunOptions& options = {});

// The number of guarantee keys of a scheme: principals, or principals x countries (national).
uint32_t guarantee_keys(const Scenario& scenario, const Scheme& scheme);

}  // namespace kervan
