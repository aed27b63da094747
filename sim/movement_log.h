// A movement log: a replication's traffic plan (sim/traffic.h) as CSV, one row per truck with
// everything the dice said about it, so that a run can be recorded and later replayed under other
// scheme rules (sim/replay.h). The format is documented in docs/simulator_replay.md; in short
// (RFC 4180, UTF-8, LF line endings, a header row, then the trucks in ready order):
//
//   truck,corridor,countries,cargo,risk_class,principal,ready_s,ready_utc,value_eur,duty_eur,
//   drive_s,border_s,release_lag_s,incident,incident_position
//   0,KZ-UZ,KZ;UZ,Vegetables,AEO,3,3600,2026-01-01T01:00:00Z,20000.00,2500.00;3100.00,
//   36000;7200,36000,172800;180000,0,1
//
// Per-country values are ';'-separated lists in itinerary order (border_s has one entry fewer:
// one per crossing, empty for a one-country corridor), so the header does not depend on
// truck_countries_max. Names (corridor, cargo, risk class) are the scenario's, quoted when they
// hold a comma, a quote or a line break. Integers are plain decimal without sign or leading
// zeros; money is EUR with exactly two decimals (exact cents, never a double). The text is a
// pure function of the scenario and the plan: the same plan gives the same bytes.
//
// Loading never throws; errors reuse the scenario loader's LoadError (file:line:column: path:
// message) with the path "trucks[<row>].<column>" ("trucks[12].duty_eur[1]"), or
// "header.<column>" for the header row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/transit/reference_data.h"
#include "sim/scenario.h"
#include "sim/traffic.h"

namespace kervan {

// Limits of a log (file_too_large, too_many).
inline constexpr size_t movement_log_bytes_max = size_t{1} << 30;       // 1 GiB.
inline constexpr size_t movement_log_trucks_max = 20'000'000;           // Rows after the header.
inline constexpr int64_t movement_log_cents_max = 100'000'000'000'000;  // EUR 1e12 per amount.
static_assert(movement_log_trucks_max <= UINT32_MAX);                   // Truck::id.

// The log of a plan. REQUIRES: the plan was drawn for this scenario (generate_traffic, or
// load_movement_log with it): every index names one of its corridors, cargo and risk classes,
// amounts are within [0, movement_log_cents_max], times are non-negative.
std::string movement_log_csv(const Scenario& scenario, const TrafficPlan& plan);

// Parses a log against the scenario it is to be replayed under and fills *out: trucks in row
// order with ids 0, 1, ...; `countries` from the corridor; end_s = (warmup_days + horizon_days)
// days; replication 0; skipped_no_tariff 0. Duties are taken as recorded (a replay under other
// rules reuses the recorded amounts, as the ledger's journal does), never recomputed.
// Returns ok, or the first error with *error filled and *out unchanged. Never throws.
// Checks, in this order: the header (exactly the columns above); then per row, its field count,
// then each field left to right, then the checks across fields and rows. Codes:
//   syntax             - not CSV: a quote inside an unquoted field, an unterminated quote,
//                        a CR (the log uses LF line endings), an empty log;
//   key_unknown        - a header column other than expected, a field beyond the last column;
//   key_missing        - a header or row with fewer columns (the path names the first missing);
//   type_wrong         - not an integer, not EUR with two decimals ("12.5"), incident not 0/1,
//                        a ready_utc that is not "YYYY-MM-DDTHH:MM:SSZ";
//   reference_invalid  - a corridor, cargo or risk class name the scenario does not have;
//                        countries other than the corridor's; a per-country list whose length
//                        does not match the corridor;
//   value_out_of_range - a negative or too large number (money above movement_log_cents_max,
//                        seconds above INT32_MAX), principal >= scenario.principals, ready_s at
//                        or after end_s, incident_position >= the corridor's countries;
//   value_invalid      - ready_utc not the instant of ready_s from the scenario's start date
//                        (a log recorded under another start date); a principal in two risk
//                        classes; an incident at a position whose duty is 0 (the claim would be
//                        zero, which the ledger refuses);
//   order_invalid      - a truck number other than the row's position (from 0); a ready_s
//                        before the previous row's;
//   too_many           - more than movement_log_trucks_max rows; a corridor of more than
//                        truck_countries_max countries;
//   internal           - out of memory.
[[nodiscard]] LoadErrorCode load_movement_log(std::string_view csv, std::string_view source_name,
                                              const Scenario& scenario, TrafficPlan* out,
                                              LoadError* error) noexcept;

// Reads the file at `path` (at most movement_log_bytes_max bytes: file_unreadable,
// file_too_large), then load_movement_log with `path` as the source name.
[[nodiscard]] LoadErrorCode load_movement_log_file(const std::string& path,
                                                   const Scenario& scenario, TrafficPlan* out,
                                                   LoadError* error) noexcept;

// The file name of replication r's log: "movements_r<r>.csv".
std::string movement_log_file_name(uint32_t replication);

// Records the logs of replications [first_replication, first_replication + count): regenerates
// each plan (generate_traffic is deterministic, so these are the trucks the run met) and writes
// movement_log_file_name(r) into `folder` (created if missing). One plan in memory at a time.
// False, with *error, when the folder or a file cannot be written.
[[nodiscard]] bool write_movement_logs(const std::string& folder, const Scenario& scenario,
                                       uint32_t first_replication, uint32_t count,
                                       std::string* error);

}  // namespace kervan
