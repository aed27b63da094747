#include "sim/scheme_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <span>

#include "core/prefetch.h"
#include "ledger/invariants.h"
#include "ledger/transit/transit_ledger.h"
#include "sim/ledger_port.h"
#include "sim/level_tracker.h"
#include "sim/lookahead_queue.h"
#include "sim/radix_sort.h"
#include "sim/statistics.h"

namespace kervan {

namespace {

constexpr uint64_t ns_per_s = 1'000'000'000;
constexpr PartyId operator_party{1};
constexpr PartyId regional_provider{10};
constexpr uint64_t customs_base = 100;
constexpr uint64_t national_provider_base = 200;
constexpr uint64_t principal_base = 1000;
constexpr uint8_t whole = 0xFF;  // The leg of a movement that covers the whole itinerary.

bool is_national(const Scheme& scheme) { return scheme.kind == SchemeKind::national; }

// The scenario's countries, in order of first appearance on the corridors.
std::vector<Country> countries_of(const Scenario& s) {
  std::vector<Country> out;
  for (const Corridor& c : s.corridors) {
    for (const Country& country : c.countries) {
      if (std::find(out.begin(), out.end(), country) == out.end()) out.push_back(country);
    }
  }
  return out;
}


enum class EventKind : uint8_t {
  ask = 1,       // Ask for cover for `leg` (national: entering country leg; else whole).
  give_up = 2,   // The wait for cover has lasted max_wait_days.
  border = 3,    // Arrives at crossing `leg` (after driving through country leg).
  entered = 4,   // Cleared crossing leg - 1: now in country `leg`.
  arrive = 5,    // At the destination.
  discharge = 6,  // The cover of `leg` is released (arrival recorded, written off, archived).
  claim = 7,     // Enquiry then claim on the movement of `leg`.
  claim_paid = 8,
  ready = 9,     // Ready to depart: joins from the plan and asks for its first cover.
};

// 16 bytes, so that the heap moves half as much memory: the time and the scheduling order in
// one key (time in the high bits: seconds below 2^36, some 2,000 years; order in the low 28
// bits, far above the events of one run), then the truck and what happens to it.
inline constexpr int event_order_bits = 28;
struct Event {
  uint64_t key;
  uint32_t truck;
  EventKind kind;
  uint8_t leg;
  uint16_t ticket;  // give_up: the wait it ends (low 16 bits of the truck's wait ticket).
  int64_t t() const { return static_cast<int64_t>(key >> event_order_bits); }
};
static_assert(sizeof(Event) == 16);

struct GuaranteeState {
  int64_t amount_cents = 0;
  int64_t reserved_cents = 0;
  int64_t drawn_cents = 0;
  bool unlimited = false;  // A waiver.
  bool registered = false;
  Grn grn;  // Once registered (made once: every declaration names it).
  // Trucks waiting, first come first served, with the ticket of their wait: an entry whose
  // truck gave up (its ticket moved on) is skipped when it reaches the head.
  std::deque<std::pair<uint32_t, uint32_t>> waiting;
};

struct TruckState {
  int64_t wait_from = -1;   // Waiting for cover since (-1: not waiting).
  int64_t waited_s = 0;
  uint32_t wait_ticket = 0;  // Tells a stale give_up from the current wait.
  bool refused = false;
  int64_t departed_s = -1;
  int64_t arrived_s = -1;
  int64_t claimed_s = -1;
};

// One hold of cover, for Little's law and for the sizing pre-run.
struct Hold {
  uint32_t key;
  int64_t amount_cents;
  int64_t from_s;
  int64_t to_s;
};

// Visits the starts and ends of intervals in time order as on_step(t, +1) and on_step(t, -1),
// an end before a start at the same second. Sorts both (plain integers sort faster than pairs;
// sim/radix_sort.h, `scratch` its working space) and merges them.
template <typename OnStep>
void for_each_step(std::vector<int64_t>& starts, std::vector<int64_t>& ends,
                   std::vector<int64_t>& scratch, OnStep on_step) {
  radix_sort(starts, scratch);
  radix_sort(ends, scratch);
  for (size_t si = 0, ei = 0; si < starts.size() || ei < ends.size();) {
    if (ei < ends.size() && (si == starts.size() || ends[ei] <= starts[si])) {
      on_step(ends[ei++], -1);
    } else {
      on_step(starts[si++], +1);
    }
  }
}

class Engine {
 public:
  Engine(const Scenario& s, const Scheme& scheme, const TrafficPlan& plan,
         const GuaranteeSizing* sizing)
      : s_(s), scheme_(scheme), plan_(plan), sizing_(sizing), countries_(countries_of(s)),
        window_from_(s.warmup_days * sim_day_s), window_to_(plan.end_s),
        cover_(window_from_, window_to_) {
    guarantees_.resize(guarantee_keys(s, scheme));
    if (is_national(scheme)) {
      for (const Corridor& c : s.corridors) {
        mrn_stride_ = std::max(mrn_stride_, static_cast<uint32_t>(c.countries.size()));
      }
    }
    corridor_cover_.assign(s.corridors.size(), LevelTracker(window_from_, window_to_));
    country_cover_.assign(countries_.size(), LevelTracker(window_from_, window_to_));
    corridor_level_.assign(s.corridors.size(), 0);
    country_level_.assign(countries_.size(), 0);
    for (size_t c = 0; c < s.corridors.size(); ++c) {
      std::vector<uint8_t> index;
      for (const Country& country : s.corridors[c].countries) {
        index.push_back(static_cast<uint8_t>(
            std::find(countries_.begin(), countries_.end(), country) - countries_.begin()));
      }
      corridor_country_index_.push_back(index);
    }
  }

  // The no-wait pre-run by simulation: unlimited cover, no ledger; collects the holds.
  std::vector<Hold> holds_without_waits() {
    unlimited_ = true;
    size_per_truck_state();
    simulate();
    return holds_;
  }

  // The same holds (in another order) without simulating: with unlimited cover nobody waits,
  // so each truck's timeline follows from its plan alone, by the same arithmetic as the events
  // above. Counts ledger_movements_ and peak_live_ too (live: from release until discharged or
  // the claim paid; at equal times, endings first).
  std::vector<Hold> holds_from_timelines() {
    std::vector<Hold> holds;
    holds.reserve(plan_.trucks.size() * (is_national(scheme_) ? 3 : 1));
    std::vector<int64_t> live_starts, live_ends;
    live_starts.reserve(holds.capacity());
    live_ends.reserve(holds.capacity());
    const int64_t claim_after = static_cast<int64_t>(
        (s_.costs.time_limit_days + s_.incidents.enquiry_after_days) * sim_day_s);
    const int64_t paid_after =
        static_cast<int64_t>(s_.incidents.claim_paid_after_days * sim_day_s);
    for (const Truck& t : plan_.trucks) {
      // Held from `from` for leg `position` until `to`; live until `live_to`.
      auto hold = [&](uint8_t position, int64_t from, int64_t to, int64_t live_to) {
        holds.push_back(Hold{key_of(t, position), amount_of(t, position), from, to});
        live_starts.push_back(from);
        live_ends.push_back(live_to);
      };
      if (!is_national(scheme_)) {
        const int64_t from = t.ready_s;
        if (t.incident) {
          hold(0, from, from + claim_after, from + claim_after + paid_after);
          continue;
        }
        int64_t at = from;
        for (uint8_t i = 0;; ++i) {
          at += t.drive_s[i];
          if (i + 1 >= t.countries) break;
          at = crossing_opens(t, i, at) + t.border_s[i];
        }
        const int64_t discharged = at + t.release_lag_s[t.countries - 1];
        hold(0, from, discharged, discharged);
        continue;
      }
      int64_t entered = t.ready_s;  // Into country `leg`: its movement released.
      for (uint8_t leg = 0; leg < t.countries; ++leg) {
        if (t.incident && leg == t.incident_at) {
          hold(leg, entered, entered + claim_after, entered + claim_after + paid_after);
          break;
        }
        const int64_t left = entered + t.drive_s[leg];
        if (leg + 1 >= t.countries) {
          hold(leg, entered, left + t.release_lag_s[leg], left + t.release_lag_s[leg]);
          break;
        }
        const int64_t next = crossing_opens(t, leg, left) + t.border_s[leg];
        hold(leg, entered, next + t.release_lag_s[leg], next + t.release_lag_s[leg]);
        entered = next;
      }
    }
    uint32_t open = 0;
    std::vector<int64_t> scratch;
    for_each_step(live_starts, live_ends, scratch, [&](int64_t /*at*/, int change) {
      open = change > 0 ? open + 1 : open - 1;
      peak_live_ = std::max(peak_live_, open);
    });
    ledger_movements_ = holds.size();
    return holds;
  }

  // What happened to each truck (after run()).
  void outcomes(std::vector<TruckOutcome>* out) const {
    out->clear();
    out->reserve(trucks_.size());
    for (size_t i = 0; i < trucks_.size(); ++i) {
      const TruckState& ts = trucks_[i];
      out->push_back(TruckOutcome{.truck = uint32_t(i),
                                  .departed_s = ts.departed_s,
                                  .waited_s = ts.waited_s,
                                  .refused = ts.refused,
                                  .arrived_s = ts.refused ? -1 : ts.arrived_s,
                                  .claimed_s = ts.claimed_s});
    }
  }

  uint32_t peak_live() const { return peak_live_; }
  uint64_t ledger_movements() const { return ledger_movements_; }

  SchemeRunResult run(const LedgerPortFactory* port_factory, LedgerCheck ledger_check) {
    SchemeRunResult r;
    r.scheme = scheme_.name;
    port_factory_ = port_factory;
    ledger_check_ = ledger_check;
    size_per_truck_state();
    if (!open_ledger()) {
      r.ledger_agrees = false;
      r.disagreement = "no ledger: " + disagreement_;
      return r;
    }
    simulate();
    finish(&r);
    return r;
  }

 private:
  // ---- Keys, amounts, parties --------------------------------------------------------------

  uint32_t key_of(const Truck& t, uint8_t leg) const {
    if (!is_national(scheme_)) return t.principal;
    return t.principal * uint32_t(countries_.size()) + corridor_country_index_[t.corridor][leg];
  }

  // The amount a movement locks (EUR cents): a leg's duty, or the highest (capped for TIR).
  int64_t amount_of(const Truck& t, uint8_t leg) const {
    if (is_national(scheme_)) return t.duty_cents[leg];
    int64_t highest = 0;
    for (size_t i = 0; i < t.countries; ++i) highest = std::max(highest, t.duty_cents[i]);
    if (scheme_.kind == SchemeKind::tir_like) {
      highest = std::min(highest, static_cast<int64_t>(std::llround(scheme_.tir_cap_eur * 100)));
    }
    return std::max<int64_t>(highest, 1);  // A zero-duty movement still locks a cent.
  }

  uint8_t reduction_of(uint32_t principal_class) const {
    return scheme_.kind == SchemeKind::comprehensive
               ? s_.risk_classes[principal_class].reduction_percent
               : uint8_t{100};
  }

  PartyId customs_of(Country c) const {
    return PartyId{customs_base + uint64_t(std::find(countries_.begin(), countries_.end(), c) -
                                           countries_.begin())};
  }
  PartyId provider_of(uint32_t key) const {
    if (!is_national(scheme_)) return regional_provider;
    return PartyId{national_provider_base + key % countries_.size()};
  }
  Country guarantee_country(uint32_t key) const {
    return is_national(scheme_) ? countries_[key % countries_.size()] : countries_[0];
  }
  Grn grn_of(uint32_t key) const {
    char serial[32];
    std::snprintf(serial, sizeof serial, "G%011u", key);
    return make_grn(26, guarantee_country(key), std::string_view(serial, 12));
  }
  // The MRN of a truck's movement for `leg`: made at release, then read from the cache (a
  // slot per leg of the longest corridor, so that its place is known without a load).
  size_t mrn_index(uint32_t truck, uint8_t leg) const {
    return size_t{truck} * mrn_stride_ + (leg == whole ? 0 : leg);
  }
  const Mrn& mrn_of(const Truck& t, uint8_t leg) const { return mrns_[mrn_index(t.id, leg)]; }
  const Mrn& make_mrn_of(const Truck& t, uint8_t leg) {
    Mrn& slot = mrns_[mrn_index(t.id, leg)];
    slot = new_mrn(t, leg);
    return slot;
  }
  Mrn new_mrn(const Truck& t, uint8_t leg) const {
    // "%010u%02u" of the truck and the leg (99: the whole itinerary), written out: this runs
    // for every movement.
    char serial[12];
    uint32_t number = t.id % 1'000'000'000u;
    for (int i = 9; i >= 0; --i) {
      serial[i] = static_cast<char>('0' + number % 10);
      number /= 10;
    }
    const uint32_t leg_number = leg == whole ? 99u : uint32_t{leg} % 100;
    serial[10] = static_cast<char>('0' + leg_number / 10);
    serial[11] = static_cast<char>('0' + leg_number % 10);
    const Country departure = s_.corridors[t.corridor].countries[leg == whole ? 0 : leg];
    return make_mrn(26, departure, std::string_view(serial, 12));
  }
  uint64_t ns(int64_t t_s) const { return start_ns_ + uint64_t(t_s) * ns_per_s; }

  // ---- The ledger ------------------------------------------------------------------------

  // Every step goes through the port as a TransitCommand; one command value is reused (it is
  // several kilobytes), each step setting the fields its operation reads.
  TransitCommand& command(TransitOperation operation, PartyId actor) {
    command_.operation = operation;
    command_.actor = actor;
    return command_;
  }
  void send(int64_t t_s) { port_->apply(ns(t_s), command_); }

  // False when the port could not be made (disagreement_ says why).
  bool open_ledger() {
    const std::optional<uint64_t> start = start_of_day_ns(s_.start);
    KERVAN_ASSERT(start.has_value());
    start_ns_ = *start;
    const uint32_t keys = uint32_t(guarantees_.size());
    const uint64_t movements = sizing_->ledger_movements;
    // Per guarantee its cover and reserved accounts; per provider its funding; per country its
    // collected account and a receivable per provider: none per movement.
    const uint64_t parties = s_.principals + 2 * countries_.size() + 16;
    const uint64_t accounts = 2 * uint64_t{keys} + parties +
                              countries_.size() * (countries_.size() + 64) + 4096;
    // Per movement a reservation and its release; a claim adds a draw to the receivable and
    // a payment per reference (one here). Per guarantee its funding and amendments.
    uint64_t incidents = 0;
    for (const Truck& t : plan_.trucks) incidents += t.incident ? 1 : 0;
    const uint64_t transfers = 2 * movements + 2 * incidents + 4 * uint64_t{keys} + 4096;
    KERVAN_ASSERT(accounts < UINT32_MAX && transfers < UINT32_MAX);
    const TransitConfig config{
        .parties_max = uint32_t(parties),
        .guarantees_max = keys,
        .movements_max = sizing_->peak_live_movements * 3 / 2 + 4096,
        .currencies_max = 1,
        .base_currency = Currency::eur,
        .hash_seed = plan_.replication + 1,
        .ledger_accounts_max = uint32_t(accounts),
        .ledger_transfers_max = uint32_t(transfers),
        .prefault = Prefault::no};  // Lives for one run: pages committed as used.
    if (port_factory_ != nullptr && *port_factory_) {
      port_ = (*port_factory_)(config, &disagreement_);
    } else {
      port_ = make_in_process_port(config);
    }
    if (port_ == nullptr) return false;
    local_ = port_->local();
    auto party = [&](PartyId id, PartyRole role, Country country) {
      command(TransitOperation::register_party, operator_party).party = Party{id, role, country};
      send(0);
    };
    party(operator_party, PartyRole::operator_, Country());
    party(regional_provider, PartyRole::provider, countries_[0]);
    for (size_t i = 0; i < countries_.size(); ++i) {
      party(PartyId{customs_base + i}, PartyRole::customs, countries_[i]);
      party(PartyId{national_provider_base + i}, PartyRole::provider, countries_[i]);
    }
    for (uint32_t p = 0; p < s_.principals; ++p) {
      party(PartyId{principal_base + p}, PartyRole::principal, countries_[0]);
    }
    return true;
  }

  // Registers the guarantee of `key` on first use, at `now` (principal class gives the
  // reduction).
  void ensure_guarantee(int64_t now, uint32_t key, const Truck& t) {
    GuaranteeState& g = guarantees_[key];
    if (g.registered) return;
    g.registered = true;
    g.amount_cents = sizing_->amount_cents[key];
    const uint8_t reduction = reduction_of(t.risk_class);
    g.unlimited = reduction == 0;
    cost_cents_ += double(g.amount_cents) * reduction / 100.0;
    capacity_cents_ += double(g.amount_cents);
    if (unlimited_) return;
    GuaranteeSpec spec;
    g.grn = grn_of(key);
    spec.grn = g.grn;
    spec.type = g.unlimited ? GuaranteeType::waiver : GuaranteeType::comprehensive;
    spec.provider = provider_of(key);
    spec.principal = PartyId{principal_base + t.principal};
    spec.reference_amount = Amount::from_minor(std::max<int64_t>(g.amount_cents, 1),
                                               Currency::eur);
    spec.valid_from = *s_.start.plus_days(-1);
    spec.valid_to = *s_.start.plus_days(3 * (s_.warmup_days + s_.horizon_days) + 400);
    command(TransitOperation::register_guarantee, provider_of(key)).guarantee = spec;
    send(now);  // Business time never goes back (a server refuses that: clock_regressed).
  }

  // ---- Events ----------------------------------------------------------------------------

  void schedule(int64_t t, uint32_t truck, EventKind kind, uint8_t leg, uint32_t ticket = 0) {
    KERVAN_ASSERT(t >= 0 && t < (int64_t{1} << (64 - event_order_bits)));
    KERVAN_ASSERT(seq_ < (uint64_t{1} << event_order_bits));
    events_.push(Event{(uint64_t(t) << event_order_bits) | seq_++, truck, kind, leg,
                       static_cast<uint16_t>(ticket)});
  }

  // The plan is in ready order, so trucks join from it one at a time: the queue holds the next
  // truck to be ready and the events of trucks under way (tens of thousands, not the year's
  // million). A truck's ready event has order 0, so at equal times it comes before every event
  // scheduled (orders from 1), as if scheduled first; trucks ready at the same time join in plan
  // order.
  void join_from_plan(uint32_t truck) {
    if (truck >= plan_.trucks.size()) return;
    const int64_t t = plan_.trucks[truck].ready_s;
    KERVAN_ASSERT(t >= 0 && t < (int64_t{1} << (64 - event_order_bits)));
    events_.push(Event{uint64_t(t) << event_order_bits, truck, EventKind::ready, 0, 0});
  }

  // What a simulation keeps per truck (the timelines of the pre-run need none of it).
  void size_per_truck_state() {
    trucks_.resize(plan_.trucks.size());
    if (sizing_ != nullptr && sizing_->ledger_movements > 0) {
      mrns_.resize(plan_.trucks.size() * size_t{mrn_stride_});
    }
    leg_waiting_.resize(plan_.trucks.size(), 0);
    hold_start_.resize(plan_.trucks.size() * truck_countries_max, 0);
  }

  void simulate() {
    join_from_plan(0);
    while (!events_.empty()) {
      // Stage 0 as an event is taken ahead: its truck's records.
      const Event e = events_.pop([this](const Event& taken) { prefetch_truck(taken); });
      // Then the ledger's stages, one per event handled before it (the nearest gets the last):
      // TransitLedger::prefetch_movement.
      for (size_t i = 0; i + 1 < events_.ahead_count() && i < TransitLedger::prefetch_stages;
           ++i) {
        prefetch_movement(events_.ahead(i), TransitLedger::prefetch_stages - 1 - int(i));
      }
      const int64_t at = e.t();
      if (e.kind == EventKind::ready) join_from_plan(e.truck + 1);
      const Truck& t = plan_.trucks[e.truck];
      switch (e.kind) {
        case EventKind::ready: ask(at, t, is_national(scheme_) ? 0 : whole); break;
        case EventKind::ask: ask(at, t, e.leg); break;
        case EventKind::give_up: give_up(at, t, e.leg, e.ticket); break;
        case EventKind::border: at_border(at, t, e.leg); break;
        case EventKind::entered: entered(at, t, e.leg); break;
        case EventKind::arrive: arrive(at, t, e.leg); break;
        case EventKind::discharge: discharge(at, t, e.leg); break;
        case EventKind::claim: claim(at, t, e.leg); break;
        case EventKind::claim_paid: claim_paid(at, t, e.leg); break;
      }
    }
  }

  void prefetch_truck(const Event& e) const {
    const char* plan = reinterpret_cast<const char*>(&plan_.trucks[e.truck]);
    static_assert(sizeof(Truck) <= 4 * 64);
    for (size_t line = 0; line < sizeof(Truck); line += 64) prefetch_for_read(plan + line);
    prefetch_for_read(&trucks_[e.truck]);
    prefetch_for_read(&hold_start_[size_t{e.truck} * truck_countries_max]);
    if (!mrns_.empty()) prefetch_for_read(&mrns_[mrn_index(e.truck, e.leg)]);
  }

  // The ledger movement an event's steps name, when it already exists: a crossing (single
  // guarantee schemes), a discharge, a claim, its payment.
  void prefetch_movement(const Event& e, int stage) const {
    if (local_ == nullptr) return;
    const bool crossing = e.kind == EventKind::entered && !is_national(scheme_);
    if (crossing || e.kind == EventKind::discharge || e.kind == EventKind::claim ||
        e.kind == EventKind::claim_paid) {
      // A crossing into the next country of a single guarantee's itinerary resolves nothing.
      local_->prefetch_movement(mrns_[mrn_index(e.truck, crossing ? whole : e.leg)], stage,
                                !crossing);
    }
  }

  bool fits(const GuaranteeState& g, int64_t amount) const {
    return unlimited_ || g.unlimited ||
           g.amount_cents - g.reserved_cents - g.drawn_cents >= amount;
  }

  void ask(int64_t now, const Truck& t, uint8_t leg) {
    const uint32_t key = key_of(t, leg == whole ? 0 : leg);
    ensure_guarantee(now, key, t);
    GuaranteeState& g = guarantees_[key];
    TruckState& ts = trucks_[t.id];
    drop_stale(g);
    if (g.waiting.empty() && fits(g, amount_of(t, leg == whole ? 0 : leg))) {
      release(now, t, leg);
      return;
    }
    ts.wait_from = now;
    ts.wait_ticket += 1;
    g.waiting.push_back({t.id, ts.wait_ticket});
    schedule(now + static_cast<int64_t>(scheme_.max_wait_days * double(sim_day_s)), t.id,
             EventKind::give_up, leg, ts.wait_ticket);
  }

  void drop_stale(GuaranteeState& g) {
    while (!g.waiting.empty()) {
      const auto [truck, ticket] = g.waiting.front();
      const TruckState& ts = trucks_[truck];
      if (ts.wait_from >= 0 && ts.wait_ticket == ticket) return;
      g.waiting.pop_front();
    }
  }

  // `ticket`: the wait this give-up belongs to (a truck served meanwhile has moved on).
  void give_up(int64_t now, const Truck& t, uint8_t leg, uint16_t ticket) {
    TruckState& ts = trucks_[t.id];
    if (ts.wait_from < 0 || static_cast<uint16_t>(ts.wait_ticket) != ticket) return;  // Served.
    GuaranteeState& g = guarantees_[key_of(t, leg == whole ? 0 : leg)];
    ts.waited_s += now - ts.wait_from;
    ts.wait_from = -1;
    ts.wait_ticket += 1;  // Its queue entry is now stale.
    ts.refused = true;
    serve_waiting(now, g);  // The head may have changed.
  }

  // Serves the guarantee's queue in order while the head fits (stale entries dropped).
  void serve_waiting(int64_t now, GuaranteeState& g) {
    while (!g.waiting.empty()) {
      const auto [truck, ticket] = g.waiting.front();
      TruckState& hs = trucks_[truck];
      if (hs.wait_from < 0 || hs.wait_ticket != ticket) {
        g.waiting.pop_front();
        continue;
      }
      const Truck& head = plan_.trucks[truck];
      const uint8_t leg = is_national(scheme_) ? leg_waiting_[head.id] : whole;
      if (!fits(g, amount_of(head, leg == whole ? 0 : leg))) return;
      g.waiting.pop_front();
      hs.waited_s += now - hs.wait_from;
      hs.wait_from = -1;
      hs.wait_ticket += 1;
      release(now, head, leg);
    }
  }

  // Declares and releases the movement of `leg` (whole, or a national leg), then sends the
  // truck on.
  void release(int64_t now, const Truck& t, uint8_t leg) {
    const uint8_t position = leg == whole ? 0 : leg;
    const uint32_t key = key_of(t, position);
    GuaranteeState& g = guarantees_[key];
    const int64_t amount = amount_of(t, position);
    g.reserved_cents += amount;
    change_cover(now, t, position, double(amount));
    if (trucks_[t.id].departed_s < 0) trucks_[t.id].departed_s = now;
    if (t.ready_s >= window_from_) released_ += 1;
    live_ += 1;
    peak_live_ = std::max(peak_live_, live_);
    ledger_movements_ += 1;
    hold_start_[hold_index(t, leg)] = now;
    if (!unlimited_) {
      const Corridor& corridor = s_.corridors[t.corridor];
      // Fields past the counts keep an earlier truck's values, which nothing reads.
      Declaration& decl =
          command(TransitOperation::declare_movement, PartyId{principal_base + t.principal})
              .declaration;
      decl.mrn = make_mrn_of(t, leg);
      decl.principal = PartyId{principal_base + t.principal};
      const size_t first = leg == whole ? 0 : leg;
      const size_t count = leg == whole ? t.countries : 1;
      decl.itinerary_count = uint8_t(count);
      for (size_t i = 0; i < count; ++i) {
        decl.itinerary[i] = corridor.countries[first + i];
        decl.duties[i] = Amount::from_minor(t.duty_cents[first + i], Currency::eur);
      }
      decl.goods_count = 1;
      decl.goods[0] = GoodsLine{.hs6 = s_.cargo[t.cargo].hs6,
                                .value = Amount::from_minor(t.value_cents, Currency::eur)};
      decl.time_limit_ns = ns(now + static_cast<int64_t>(s_.costs.time_limit_days * sim_day_s));
      decl.references_count = 1;
      decl.references[0] = GuaranteeReference{
          .grn = g.grn, .amount_concerned = Amount::from_minor(amount, Currency::eur),
          .access_code_valid = true, .leg = whole};
      send(now);
      command(TransitOperation::release_movement, customs_of(corridor.countries[first])).mrn =
          decl.mrn;
      send(now);
    }
    // The truck's journey from here.
    if (t.incident && (leg == whole || leg == t.incident_at)) {
      // The goods never arrive: an enquiry after the time limit, then the claim.
      const double days = s_.costs.time_limit_days + s_.incidents.enquiry_after_days;
      schedule(now + static_cast<int64_t>(days * sim_day_s), t.id, EventKind::claim, leg);
      if (leg == whole && t.incident_at > 0) {
        // Under a single guarantee the truck still crosses into the country where it vanishes.
        drive_to_border(now, t, 0);
      }
      return;
    }
    drive_to_border(now, t, position);
  }

  // From entering country i: drive through it, then the border (or the destination).
  void drive_to_border(int64_t now, const Truck& t, uint8_t i) {
    const int64_t at = now + t.drive_s[i];
    if (i + 1 >= t.countries) {
      schedule(at, t.id, EventKind::arrive, i);
    } else {
      schedule(at, t.id, EventKind::border, i);
    }
  }

  void at_border(int64_t now, const Truck& t, uint8_t i) {
    schedule(crossing_opens(t, i, now) + t.border_s[i], t.id, EventKind::entered,
             uint8_t(i + 1));
  }

  // When crossing i lets a truck arriving at `now` start clearing: at once, or when the
  // closure it arrived in ends.
  int64_t crossing_opens(const Truck& t, uint8_t i, int64_t now) const {
    int64_t open = now;
    for (const Closure& c : s_.corridors[t.corridor].crossings[i].closures) {
      if (open >= c.from_day * sim_day_s && open < c.to_day * sim_day_s) {
        open = c.to_day * sim_day_s;
      }
    }
    return open;
  }

  // Cleared the crossing into country i.
  void entered(int64_t now, const Truck& t, uint8_t i) {
    if (is_national(scheme_)) {
      // Leg i - 1 ends at the exit: discharged after its lag; leg i needs cover now.
      schedule(now + t.release_lag_s[i - 1], t.id, EventKind::discharge, uint8_t(i - 1));
      leg_waiting_[t.id] = i;
      ask(now, t, i);
      return;
    }
    if (!unlimited_) {
      const Country country = s_.corridors[t.corridor].countries[i];
      TransitCommand& c = command(TransitOperation::record_crossing, customs_of(country));
      c.mrn = mrn_of(t, whole);
      c.country = country;
      send(now);
    }
    if (t.incident && t.incident_at == i) return;  // Vanishes here.
    drive_to_border(now, t, i);
  }

  void arrive(int64_t now, const Truck& t, uint8_t last) {
    trucks_[t.id].arrived_s = now;
    schedule(now + t.release_lag_s[last], t.id, EventKind::discharge,
             is_national(scheme_) ? last : whole);
  }

  void discharge(int64_t now, const Truck& t, uint8_t leg) {
    const uint8_t position = leg == whole ? 0 : leg;
    const uint32_t key = key_of(t, position);
    GuaranteeState& g = guarantees_[key];
    const int64_t amount = amount_of(t, position);
    end_hold(now, t, leg, amount);
    g.reserved_cents -= amount;
    change_cover(now, t, position, -double(amount));
    live_ -= 1;
    if (!unlimited_) {
      const Corridor& corridor = s_.corridors[t.corridor];
      const Mrn& mrn = mrn_of(t, leg);
      const Country departure = corridor.countries[position];
      const Country destination = leg == whole ? corridor.countries[t.countries - 1] : departure;
      command(TransitOperation::record_arrival, customs_of(destination)).mrn = mrn;
      send(now);
      command(TransitOperation::write_off, customs_of(departure));
      send(now);
      command(TransitOperation::archive_movement, operator_party);
      send(now);
    }
    serve_waiting(now, g);
  }

  void claim(int64_t now, const Truck& t, uint8_t leg) {
    const uint8_t position = leg == whole ? 0 : leg;
    const uint32_t key = key_of(t, position);
    GuaranteeState& g = guarantees_[key];
    const int64_t amount = amount_of(t, position);
    const int64_t claimed = t.duty_cents[t.incident_at];
    const int64_t drawn = g.unlimited ? 0 : std::min(claimed, amount);
    end_hold(now, t, leg, amount);
    g.reserved_cents -= amount;
    g.drawn_cents += drawn;
    change_cover(now, t, position, -double(amount));
    const Country country = s_.corridors[t.corridor].countries[t.incident_at];
    const size_t ci = corridor_country_index_[t.corridor][t.incident_at];
    claimed_by_country_[ci] += claimed;
    trucks_[t.id].claimed_s = now;
    if (t.ready_s >= window_from_) {
      claims_ += 1;
      claims_by_country_[ci] += 1;
      claimed_eur_by_country_[ci] += double(claimed) / 100;
      uncovered_eur_by_country_[ci] += double(claimed - drawn) / 100;
      claimed_cents_ += double(claimed);
      drawn_cents_ += double(drawn);
      uncovered_cents_ += double(claimed - drawn);
      const double loss = double(drawn) / 100 * s_.risk_classes[t.risk_class].loss_given_incident;
      claim_losses_.push_back(loss);
    }
    if (!unlimited_) {
      const Country departure = s_.corridors[t.corridor].countries[position];
      const Mrn& mrn = mrn_of(t, leg);
      command(TransitOperation::open_enquiry, customs_of(departure)).mrn = mrn;
      send(now);
      command(TransitOperation::raise_claim, customs_of(country)).amount =
          Amount::from_minor(claimed, Currency::eur);
      send(now);
    }
    schedule(now + static_cast<int64_t>(s_.incidents.claim_paid_after_days * sim_day_s), t.id,
             EventKind::claim_paid, leg);
    serve_waiting(now, g);
  }

  void claim_paid(int64_t now, const Truck& t, uint8_t leg) {
    live_ -= 1;
    if (unlimited_) return;
    const uint32_t key = key_of(t, leg == whole ? 0 : leg);
    // A waiver draws nothing: there is no provider draw to pay, and the claim stays with the
    // principal; the movement is then archived only when something was drawn.
    if (guarantees_[key].unlimited) return;
    const Mrn& mrn = mrn_of(t, leg);
    command(TransitOperation::record_claim_paid, provider_of(key)).mrn = mrn;
    send(now);
    command(TransitOperation::archive_movement, operator_party);
    send(now);
  }

  // ---- Measures ----------------------------------------------------------------------------

  size_t hold_index(const Truck& t, uint8_t leg) const {
    return size_t{t.id} * truck_countries_max + (leg == whole ? 0 : leg);
  }

  // A hold ends: kept whole for the sizing pre-run, summed for Little's law in a run (in the
  // same order either way, so the sums are the same bits).
  void end_hold(int64_t now, const Truck& t, uint8_t leg, int64_t amount) {
    const int64_t from = hold_start_[hold_index(t, leg)];
    if (unlimited_) holds_.push_back(Hold{key_of(t, leg == whole ? 0 : leg), amount, from, now});
    if (from >= window_from_ && from < window_to_) {
      holds_started_ += 1;
      held_s_ += double(now - from);
      held_amount_eur_ += double(amount) / 100;
    }
  }

  void change_cover(int64_t now, const Truck& t, uint8_t position, double delta_cents) {
    const double delta = delta_cents / 100;
    level_ += delta;
    cover_.set(now, level_);
    corridor_level_[t.corridor] += delta;
    corridor_cover_[t.corridor].set(now, corridor_level_[t.corridor]);
    const size_t ci = corridor_country_index_[t.corridor][position];
    country_level_[ci] += delta;
    country_cover_[ci].set(now, country_level_[ci]);
  }

  void finish(SchemeRunResult* r) {
    cover_.finish();
    for (LevelTracker& l : corridor_cover_) l.finish();
    for (LevelTracker& l : country_cover_) l.finish();
    const double years = double(window_to_ - window_from_) / (365.0 * sim_day_s);
    auto add = [&](std::string name, double value) {
      r->metrics.push_back({std::move(name), value});
    };
    uint64_t trucks = 0, refused = 0, delayed = 0, arrived = 0;
    RunningStats wait_h;
    double value_of_time = 0;
    struct PerCorridor {
      double trucks = 0, refused = 0, delayed = 0, value_of_time = 0;
      std::vector<double> transit_days;
    };
    std::vector<PerCorridor> per_corridor(s_.corridors.size());
    for (const Truck& t : plan_.trucks) {
      if (t.ready_s < window_from_) continue;
      const TruckState& ts = trucks_[t.id];
      PerCorridor& c = per_corridor[t.corridor];
      trucks += 1;
      c.trucks += 1;
      refused += ts.refused ? 1 : 0;
      c.refused += ts.refused ? 1 : 0;
      delayed += ts.waited_s > 0 ? 1 : 0;
      c.delayed += ts.waited_s > 0 ? 1 : 0;
      wait_h.add(double(ts.waited_s) / sim_hour_s);
      // Value of time: the goods' days from readiness to arrival; a refused truck's goods
      // still waited for cover before it gave up.
      double days = ts.refused ? double(ts.waited_s) / sim_day_s : 0;
      if (ts.arrived_s >= 0 && !ts.refused) {
        arrived += 1;
        days = double(ts.arrived_s - t.ready_s) / sim_day_s;
        r->transit_days.push_back(days);
        c.transit_days.push_back(days);
      }
      const double cost =
          double(t.value_cents) / 100 * s_.costs.value_of_time_percent_per_day / 100 * days;
      value_of_time += cost;
      c.value_of_time += cost;
    }
    std::vector<double> hourly = cover_.hourly();
    std::vector<double> transit = r->transit_days;  // Reordered by the quantiles.
    const double premium = cost_cents_ / 100 * scheme_.premium_percent / 100 * years;
    const double capital = cost_cents_ / 100 * scheme_.collateral_percent / 100 *
                           s_.costs.cost_of_capital_percent / 100 * years;
    add("trucks", double(trucks));
    add("released", double(released_));
    add("refused", double(refused));
    add("delayed", double(delayed));
    add("arrived", double(arrived));
    add("wait_mean_h", trucks > 0 ? wait_h.mean() : 0);
    add("guarantee_capacity_eur", capacity_cents_ / 100);
    add("cover_mean_eur", cover_.mean());
    add("cover_peak_eur", cover_.peak());
    add("cover_p99_eur", hourly.empty() ? 0 : quantile_select(hourly, 0.99));
    add("premium_eur", premium);
    add("capital_cost_eur", capital);
    add("guarantee_cost_per_movement_eur", trucks > 0 ? (premium + capital) / double(trucks) : 0);
    add("transit_days_p50", transit.empty() ? 0 : quantile_select(transit, 0.50));
    add("transit_days_p95", transit.empty() ? 0 : quantile_select(transit, 0.95));
    add("transit_days_p99", transit.empty() ? 0 : quantile_select(transit, 0.99));
    add("value_of_time_eur", value_of_time);
    add("claims", double(claims_));
    add("claimed_eur", claimed_cents_ / 100);
    add("drawn_eur", drawn_cents_ / 100);
    add("uncovered_eur", uncovered_cents_ / 100);
    double pool_loss = 0;
    for (const double l : claim_losses_) pool_loss += l;
    add("pool_loss_eur", pool_loss);
    // Per corridor and per country (national legs by their country; a single guarantee's
    // cover by the departure country; claims and uncovered duty by the claiming country).
    for (size_t c = 0; c < s_.corridors.size(); ++c) {
      PerCorridor& pc = per_corridor[c];
      const std::string suffix = "/corridor/" + s_.corridors[c].name;
      add("cover_mean_eur" + suffix, corridor_cover_[c].mean());
      add("cover_peak_eur" + suffix, corridor_cover_[c].peak());
      add("trucks" + suffix, pc.trucks);
      add("delayed" + suffix, pc.delayed);
      add("refused" + suffix, pc.refused);
      add("transit_days_p50" + suffix,
          pc.transit_days.empty() ? 0 : quantile_select(pc.transit_days, 0.50));
      add("transit_days_p95" + suffix,
          pc.transit_days.empty() ? 0 : quantile_select(pc.transit_days, 0.95));
      add("value_of_time_eur" + suffix, pc.value_of_time);
    }
    for (size_t c = 0; c < countries_.size(); ++c) {
      const std::string suffix = "/country/" + std::string(countries_[c].text());
      add("cover_mean_eur" + suffix, country_cover_[c].mean());
      add("cover_peak_eur" + suffix, country_cover_[c].peak());
      add("claims" + suffix, claims_by_country_[c]);
      add("claimed_eur" + suffix, claimed_eur_by_country_[c]);
      add("uncovered_eur" + suffix, uncovered_eur_by_country_[c]);
    }
    // Little's law: the time-average cover in use L = lambda x W x D, with lambda the rate at
    // which holds start in the window, W their mean holding time and D their mean amount (D
    // and W independent). Holds straddling the window's edges make the two differ a little;
    // the difference shrinks as the window grows.
    const uint64_t started = holds_started_;
    const double held_s = held_s_, amount_eur = held_amount_eur_;
    const double window_s = double(window_to_ - window_from_);
    const double predicted = started == 0 ? 0
                                          : double(started) / window_s *
                                                (held_s / double(started)) *
                                                (amount_eur / double(started));
    r->little_relative_error =
        cover_.mean() > 0 ? std::abs(cover_.mean() - predicted) / cover_.mean() : 0;
    add("little_predicted_cover_eur", predicted);
    add("little_relative_error", r->little_relative_error);
    r->daily_cover_eur = cover_.daily_means();
    r->claim_losses_eur = claim_losses_;
    r->ledger_steps = port_->steps();
    check_ledger(r);
  }

  // The simulator's accounting against the ledger's, once every event has run.
  void check_ledger(SchemeRunResult* r) {
    std::string why = disagreement_;
    std::string failed;
    if (why.empty() && !port_->settle(&failed)) why = "the ledger refused a step: " + failed;
    for (uint32_t key = 0; key < guarantees_.size() && why.empty(); ++key) {
      GuaranteeState& g = guarantees_[key];
      if (!g.registered) continue;
      drop_stale(g);
      if (g.reserved_cents != 0 || !g.waiting.empty()) {
        why = "guarantee " + std::to_string(key) + " still holds cover or a queue";
        break;
      }
      const std::optional<GuaranteeBalance> balance = port_->balance(grn_of(key));
      if (!balance) {
        why = "guarantee " + std::to_string(key) + " is not in the ledger";
        break;
      }
      const GuaranteeBalance& b = *balance;
      if (b.reserved.minor() != 0 || (!g.unlimited && b.drawn.minor() != g.drawn_cents)) {
        why = "guarantee " + std::to_string(key) + ": the ledger has reserved " +
              format_amount(b.reserved) + ", drawn " + format_amount(b.drawn) +
              "; the simulator drawn " + std::to_string(g.drawn_cents) + " cents";
      }
    }
    // Checks that need the ledger's tables: in process only (a server's are checked by
    // `kervan verify` on its store).
    const TransitLedger* local = port_->local();
    for (size_t ci = 0; local != nullptr && ci < countries_.size() && why.empty(); ++ci) {
      i128 ledger_claimed = 0;
      for (const DutyLedger& d : local->duty_ledgers()) {
        if (d.country == countries_[ci] && d.currency == Currency::eur) {
          ledger_claimed += d.claimed.minor();
        }
      }
      if (ledger_claimed != claimed_by_country_[ci]) {
        why = std::string("duties claimed by ") + std::string(countries_[ci].text()) +
              " differ between the ledger and the simulator";
      }
    }
    if (why.empty() && local != nullptr) {
      const InvariantReport report = ledger_check_ == LedgerCheck::full
                                         ? check_invariants(local->ledger())
                                         : check_totals(local->ledger());
      if (!report.ok()) {
        why = "the ledger's invariants do not hold: " +
              std::string(invariant_name(report.broken)) + ": " + report.violation;
      }
    }
    r->ledger_agrees = why.empty();
    r->disagreement = why;
  }

  const Scenario& s_;
  const Scheme& scheme_;
  const TrafficPlan& plan_;
  const GuaranteeSizing* sizing_;
  std::vector<Country> countries_;
  std::vector<std::vector<uint8_t>> corridor_country_index_;
  int64_t window_from_, window_to_;
  bool unlimited_ = false;
  uint64_t start_ns_ = 0;
  const LedgerPortFactory* port_factory_ = nullptr;
  LedgerCheck ledger_check_ = LedgerCheck::totals;
  std::unique_ptr<LedgerPort> port_;
  const TransitLedger* local_ = nullptr;  // The port's ledger when in process: prefetch hints.
  TransitCommand command_;
  std::vector<GuaranteeState> guarantees_;
  // Per truck or per leg: a year's worth, in table memory (huge pages, reused run to run).
  template <typename T>
  using PerTruck = std::vector<T, TableAllocator<T>>;
  PerTruck<TruckState> trucks_;
  uint32_t mrn_stride_ = 1;  // MRN slots per truck: one, or national legs of the longest corridor.
  PerTruck<Mrn> mrns_;
  PerTruck<uint8_t> leg_waiting_;
  PerTruck<int64_t> hold_start_;
  struct EventKey {
    uint64_t operator()(const Event& e) const { return e.key; }
  };
  // Taken five ahead of their turn: the truck's records, then the ledger's four stages.
  LookaheadQueue<Event, EventKey, TransitLedger::prefetch_stages + 1> events_;
  uint64_t seq_ = 1;  // Order 0 is the ready events'.
  std::string disagreement_;
  // Measures.
  LevelTracker cover_;
  std::vector<LevelTracker> corridor_cover_;
  std::vector<LevelTracker> country_cover_;
  double level_ = 0;
  std::vector<double> corridor_level_;
  std::vector<double> country_level_;
  std::vector<i128> claimed_by_country_ = std::vector<i128>(countries_.size(), 0);
  std::vector<double> claims_by_country_ = std::vector<double>(countries_.size(), 0);
  std::vector<double> claimed_eur_by_country_ = std::vector<double>(countries_.size(), 0);
  std::vector<double> uncovered_eur_by_country_ = std::vector<double>(countries_.size(), 0);
  std::vector<Hold> holds_;  // Pre-run only.
  uint64_t holds_started_ = 0;  // Holds started in the window, their time held and amounts.
  double held_s_ = 0, held_amount_eur_ = 0;
  std::vector<double> claim_losses_;
  uint64_t released_ = 0, claims_ = 0;
  uint32_t live_ = 0, peak_live_ = 0;
  uint64_t ledger_movements_ = 0;
  double capacity_cents_ = 0, cost_cents_ = 0;
  double claimed_cents_ = 0, drawn_cents_ = 0, uncovered_cents_ = 0;
};

// Working space of open_statistic, kept from one key to the next.
struct StepScratch {
  std::vector<int64_t> starts, ends, sort;
};

// The open-movement statistic of one key's holds (peak, time-average, or the 99th percentile
// over time) within [from, to).
double open_statistic(std::span<const Hold> holds, OpenStatistic statistic, int64_t from,
                      int64_t to, StepScratch& scratch) {
  std::vector<int64_t>& starts = scratch.starts;
  std::vector<int64_t>& ends = scratch.ends;
  starts.clear();
  ends.clear();
  for (const Hold& h : holds) {
    starts.push_back(h.from_s);
    ends.push_back(h.to_s);
  }
  int open = 0, peak = 0;
  double integral = 0;
  std::vector<double> time_at(1, 0.0);  // Seconds at each open count, within the window.
  int64_t last = from;
  for_each_step(starts, ends, scratch.sort, [&](int64_t t, int d) {
    const int64_t a = std::max(last, from), b = std::min(t, to);
    if (a < b) {
      integral += double(open) * double(b - a);
      if (time_at.size() <= size_t(open)) time_at.resize(size_t(open) + 1, 0.0);
      time_at[size_t(open)] += double(b - a);
    }
    last = std::max(last, t);
    open += d;
    peak = std::max(peak, open);
  });
  switch (statistic) {
    case OpenStatistic::peak:
      return peak;
    case OpenStatistic::mean:
      return integral / double(to - from);
    case OpenStatistic::p99: {
      const double total = double(to - from);
      double seen = 0;
      for (size_t n = 0; n < time_at.size(); ++n) {
        seen += time_at[n];
        if (seen >= 0.99 * total) return double(n);
      }
      return double(time_at.size() - 1);
    }
  }
  return peak;
}

}  // namespace

uint32_t guarantee_keys(const Scenario& scenario, const Scheme& scheme) {
  const uint32_t countries = uint32_t(countries_of(scenario).size());
  return is_national(scheme) ? scenario.principals * countries : scenario.principals;
}

GuaranteeSizing size_guarantees(const Scenario& scenario, const Scheme& scheme,
                                const TrafficPlan& plan, PreRun pre_run) {
  GuaranteeSizing sizing;
  const uint32_t keys = guarantee_keys(scenario, scheme);
  sizing.amount_cents.assign(keys, 0);
  GuaranteeSizing unlimited = sizing;
  Engine pre(scenario, scheme, plan, &unlimited);
  std::vector<Hold> holds = pre_run == PreRun::simulation ? pre.holds_without_waits()
                                                          : pre.holds_from_timelines();
  sizing.peak_live_movements = pre.peak_live();
  sizing.ledger_movements = pre.ledger_movements();
  // The holds grouped by key, each key's in their order (a counting sort): key k's are
  // by_key[first[k], first[k + 1]).
  std::vector<size_t> first(size_t{keys} + 1, 0);
  for (const Hold& h : holds) first[size_t{h.key} + 1] += 1;
  for (uint32_t key = 0; key < keys; ++key) first[key + 1] += first[key];
  std::vector<Hold> by_key(holds.size());
  std::vector<size_t> next(first.begin(), first.end() - 1);
  for (const Hold& h : holds) by_key[next[h.key]++] = h;
  const auto given = static_cast<int64_t>(std::llround(scheme.given_amount_eur * 100));
  const int64_t from = scenario.warmup_days * sim_day_s;
  StepScratch scratch;
  for (uint32_t key = 0; key < keys; ++key) {
    const std::span<const Hold> mine(by_key.data() + first[key], first[key + 1] - first[key]);
    if (scheme.sizing == SizingRule::given) {
      sizing.amount_cents[key] = given;
      continue;
    }
    if (mine.empty()) continue;
    double total = 0;
    int64_t largest = 0;
    for (const Hold& h : mine) {
      total += double(h.amount_cents);
      largest = std::max(largest, h.amount_cents);
    }
    const double average = total / double(mine.size());
    const double open = open_statistic(mine, scheme.open_statistic, from, plan.end_s, scratch);
    const double amount = average * std::max(open, 1.0) * scheme.sizing_factor;
    // Never below the largest single amount (it could never be released); in whole euros.
    const auto cents = static_cast<int64_t>(std::ceil(std::max(amount, double(largest)) / 100));
    sizing.amount_cents[key] = cents * 100;
  }
  return sizing;
}

SchemeRunResult run_scheme(const Scenario& scenario, const Scheme& scheme,
                           const TrafficPlan& plan, const GuaranteeSizing& sizing,
                           const SchemeRunOptions& options) {
  Engine engine(scenario, scheme, plan, &sizing);
  SchemeRunResult result = engine.run(options.port_factory, options.ledger_check);
  if (options.outcomes != nullptr) engine.outcomes(options.outcomes);
  return result;
}

}  // namespace kervan
