// The event log of a run (`kervan simulate --event-log`): what happened to every truck under a
// scheme, one CSV row per truck, written per replication and scheme as
// events_r<N>_<scheme>.csv. Its inputs (the traffic as drawn) are the movement log
// (sim/movement_log.h); this is what the scheme made of them.
//
// Columns: truck, corridor, principal, ready_s, departed_s, waited_s, refused, arrived_s,
// transit_days, claimed_s. Times are seconds from the scenario's start; an empty cell where it
// did not happen; transit_days is ready to arrival.
#pragma once

#include <string>
#include <vector>

#include "sim/scheme_run.h"

namespace kervan {

std::string outcome_log_csv(const Scenario& scenario, const TrafficPlan& plan,
                            const std::vector<TruckOutcome>& outcomes);

// "events_r3_regional.csv" (a scheme name's characters other than letters, digits, '-' and '_'
// become '_').
std::string outcome_log_file_name(uint32_t replication, const std::string& scheme);

}  // namespace kervan
