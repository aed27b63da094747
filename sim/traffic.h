// The traffic of one replication: every truck that asks to travel, with everything random about
// its journey drawn up front, so that every scheme compared meets the same trucks, values,
// border times and irregularities (common random numbers): a scheme changes only how long a
// truck waits for cover, never what the dice said.
//
// Streams (sim/random_stream.h), each named by purpose and, where a draw belongs to one truck,
// keyed by the truck: arrivals per corridor; then per truck its principal, cargo, value, border
// times, driving and release lags, and its irregularity. Adding a draw for one purpose never
// shifts another's.
//
// Arrivals: a non-homogeneous Poisson process per corridor, by thinning (Lewis and Shedler
// 1979) against the corridor's highest rate, with rate(t) = mean x monthly(t) x weekly(t) x
// week factor (Gamma(k, 1/k) per week when weekly_rate_shape k > 0).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ledger/table_memory.h"
#include "sim/scenario.h"

namespace kervan {

inline constexpr size_t truck_countries_max = corridor_countries_max;

// One truck's journey as drawn. Times in seconds; amounts in EUR minor units (cents).
struct Truck {
  uint32_t id = 0;          // Its position in the plan (ready order), from 0.
  uint16_t corridor = 0;
  uint8_t countries = 0;    // The corridor's, copied for locality.
  uint8_t cargo = 0;
  uint8_t risk_class = 0;
  uint8_t incident_at = 0;  // With `incident`: the itinerary position where it happens.
  bool incident = false;    // The goods do not arrive: enquiry, then a claim by that country.
  uint32_t principal = 0;
  int64_t ready_s = 0;      // Asks to depart (its declaration), from the scenario start.
  int64_t value_cents = 0;  // Customs value, EUR.
  // Duties and taxes each itinerary country could claim, EUR cents (the national rule's
  // per-country totals, on the ready date's tariffs).
  std::array<int64_t, truck_countries_max> duty_cents{};
  std::array<int32_t, truck_countries_max> drive_s{};   // Driving within each country.
  std::array<int32_t, truck_countries_max> border_s{};  // Clearing crossing i (countries - 1).
  // Discharge lag after leaving country i (national legs); the last one after arrival serves
  // every scheme whose single guarantee is held to the destination.
  std::array<int32_t, truck_countries_max> release_lag_s{};
};

struct TrafficPlan {
  uint32_t replication = 0;
  // In ready order (ties by corridor, then draw order). Table memory: huge pages, reused by
  // the next replication's plan.
  std::vector<Truck, TableAllocator<Truck>> trucks;
  int64_t end_s = 0;          // Warm-up plus horizon: no truck is ready at or after it.
  uint32_t skipped_no_tariff = 0;  // Trucks whose duties could not be computed (left out).
};

// Draws the plan of `replication`. Deterministic: the same scenario and replication give the
// same plan, bit for bit, on any thread.
TrafficPlan generate_traffic(const Scenario& scenario, uint32_t replication);

// The arrival rate of a corridor at simulated second t, before the week factor: trucks per day.
double corridor_rate_per_day(const Scenario& scenario, const Corridor& corridor, int64_t t_s);

}  // namespace kervan
