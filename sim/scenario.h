// A simulation scenario, fully resolved: what the scenario file (docs/simulator.md, "Scenario
// file") says once defaults are applied and references are looked up. Plain values; the loader
// (sim/scenario_file.h) fills and checks it, the traffic generator and the engine read it, and
// the output echoes it.
//
// Units: simulated time in integer seconds from the scenario's start date (00:00 UTC); money in
// the scheme's base currency (EUR), as doubles in parameters (a value distribution's median)
// and as integer minor units wherever it meets the ledger; percentages as numbers (16 = 16 %).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/country.h"
#include "core/time.h"
#include "ledger/transit/reference_data.h"
#include "sim/distributions.h"

namespace kervan {

inline constexpr int64_t sim_hour_s = 3600;
// Countries on one corridor: the simulator keeps each truck's per-country draws in fixed arrays.
inline constexpr size_t corridor_countries_max = 8;
inline constexpr int64_t sim_day_s = 86'400;

// A closed period of a border crossing, [from, to) in days since the scenario start.
struct Closure {
  int64_t from_day = 0;
  int64_t to_day = 0;
  std::string reason;
};

// One border crossing point between two consecutive countries of a corridor: how long a truck
// takes to clear it (entry into the first country's exit post to leaving the second's entry
// post: CPMM TFI1), and when it is closed.
struct BorderCrossing {
  std::string name;        // E.g. "Khorgos / Nur Zholy".
  Country from;            // The country left.
  Country to;              // The country entered.
  LognormalMixture time_h;  // Hours to clear: a lognormal body and a heavy tail.
  std::vector<Closure> closures;
};

// A corridor: an ordered itinerary (departure country first), the road distance driven in each
// country, the border crossings between them, and its traffic.
struct Corridor {
  std::string name;
  std::vector<Country> countries;       // 1..corridor_countries_max.
  std::vector<double> distance_km;      // Per country, aligned with `countries`.
  std::vector<BorderCrossing> crossings;  // countries.size() - 1, in order.
  double movements_per_day = 0;         // Mean over the year.
  std::array<double, 12> monthly{};     // Seasonal factors (mean 1 over the months).
  std::array<double, 7> weekly{};       // Monday first (mean 1 over the week).
  // Overdispersion: each week's rate is the mean times a Gamma(k, 1/k) draw; 0: plain Poisson.
  double weekly_rate_shape = 0;
};

// A class of cargo: its HS code (six digits; 0 when it cannot be classified), its share of the
// movements, and the customs value per truck.
struct CargoClass {
  std::string name;
  uint32_t hs6 = 0;
  double share = 0;      // Of the movements; shares sum to 1.
  Lognormal value_eur;   // Customs value per truck, EUR.
  double value_cap_eur = 0;  // Values above are redrawn (a sanity cap); 0: none.
};

// A class of operators (principals) by risk: their share, the reduction of their comprehensive
// guarantee (100/50/30/0 % of the reference amount), and their irregularities.
struct RiskClass {
  std::string name;
  double share = 0;                 // Of the principals; shares sum to 1.
  uint8_t reduction_percent = 100;  // 100, 50, 30, 0 (a waiver).
  double incident_probability = 0;  // Per movement.
  double loss_given_incident = 1;   // Share of the duty at risk claimed (not recovered).
};

// DO NOT CHANGE the numbers: written in outputs.
enum class SchemeKind : uint8_t {
  national = 1,       // One guarantee per country leg, held until that leg is discharged.
  regional = 2,       // One guarantee per movement: the highest country amount.
  tir_like = 3,       // Regional, capped per movement (the excess is uncovered).
  comprehensive = 4,  // Regional, with the principal's risk-based reduction.
};

// DO NOT CHANGE the numbers.
enum class SizingRule : uint8_t {
  reference = 1,  // Average amount x open movements (statistic below) in a no-wait pre-run.
  given = 2,      // A fixed amount per guarantee.
};

enum class OpenStatistic : uint8_t { peak = 1, mean = 2, p99 = 3 };

struct Scheme {
  std::string name;
  SchemeKind kind = SchemeKind::regional;
  SizingRule sizing = SizingRule::reference;
  OpenStatistic open_statistic = OpenStatistic::peak;  // reference sizing.
  double sizing_factor = 1.0;      // reference sizing: the amount times this.
  double given_amount_eur = 0;     // given sizing.
  double tir_cap_eur = 100'000;    // tir_like.
  double premium_percent = 0;      // Per year, of the guarantee amount.
  double collateral_percent = 0;   // Of the guarantee amount, blocked for the year.
  double max_wait_days = 2;        // A movement waiting longer for cover is refused.
};

// Irregularities: each movement of a principal in class c has an incident with probability
// p_c, correlated through a one-factor Gaussian copula with a systematic factor per corridor and
// week (Vasicek): incident when sqrt(rho) Z + sqrt(1 - rho) e < Phi^-1(p_c).
struct Incidents {
  double correlation = 0;          // rho in [0, 1).
  double enquiry_after_days = 30;  // From the time limit to the claim.
  double claim_paid_after_days = 30;
};

struct Costs {
  double cost_of_capital_percent = 10;      // Per year, on collateral.
  double value_of_time_percent_per_day = 1;  // Of the cargo value, per day in transit.
  double speed_kmh = 42;                     // Driving, without border delays (CPMM SWOD).
  double time_limit_days = 8;                // Set at departure.
};

struct Scenario {
  std::string name;
  uint64_t seed = 1;
  Date start;                  // Simulated time 0 is its 00:00 UTC.
  int64_t horizon_days = 365;  // After the warm-up.
  int64_t warmup_days = 30;    // Run, not counted.
  uint32_t replications = 10;
  uint32_t principals = 1000;
  Lognormal release_lag_days;  // Arrival (or leaving a country) to discharge of the cover.
  std::vector<Corridor> corridors;
  std::vector<CargoClass> cargo;
  std::vector<RiskClass> risk_classes;
  Incidents incidents;
  Costs costs;
  std::vector<Scheme> schemes;  // Compared on the same traffic (common random numbers).
  ReferenceData reference;      // Tariffs, VAT and exchange rates with their dates.
  std::string reference_source;  // "embedded:carec" or the file's path.
};

std::string_view scheme_kind_name(SchemeKind kind);  // "national", ...; "unknown".

}  // namespace kervan
