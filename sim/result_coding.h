// A plain binary coding of a replication's results (sim/runner.h ReplicationResult), so that
// processes can send their replications to one that summarizes them (sim/mpi_main.cc) and the
// summary is the one a single process makes, bit for bit. Every field is coded, including the
// wall time (not part of the results, but the receiver may print it): a decoded result equals
// the original exactly, doubles as their bit patterns (NaN payloads and -0 included).
//
// The format (little-endian; docs/simulator_mpi.md has it too). DO NOT CHANGE a version's
// layout: add a version.
//
//   replication   := version:u32 (= 1) replication:u32 trucks:u64 skipped_no_tariff:u32
//                    seconds:f64 scheme_count:u32 scheme{scheme_count}
//   scheme        := name:text metric_count:u32 metric{metric_count}
//                    daily_cover_eur:f64s transit_days:f64s claim_losses_eur:f64s
//                    ledger_steps:u64 ledger_agrees:u8 (0 or 1) disagreement:text
//                    little_relative_error:f64
//   metric        := name:text value:f64
//   text          := length:u32 byte{length}
//   f64s          := count:u64 f64{count}
//   f64           := the IEEE 754 binary64 bit pattern as a u64
//
//   block         := version:u32 (= 1) count:u32 (length:u64 replication){count}
//
// Pure: no I/O, no MPI; allocation in proportion to the input only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/runner.h"
#include "sim/scenario_file.h"

namespace kervan {

// DO NOT CHANGE: the first field of every record and block; a decoder refuses any other.
inline constexpr uint32_t replication_coding_version = 1;

// Limits a decoder enforces (and an encoder asserts): a record within them is never refused.
inline constexpr size_t replication_schemes_max = scenario_schemes_max;
inline constexpr size_t replication_metrics_max = 65'536;      // Per scheme.
inline constexpr size_t replication_text_bytes_max = 65'536;   // A name or a disagreement.
inline constexpr size_t replication_block_count_max = scenario_replications_max;
// Arrays of doubles are bounded by the bytes present (a count never allocates more than the
// input holds).

// The record of one replication. REQUIRES: within the limits above.
std::vector<uint8_t> encode_replication(const ReplicationResult& result);

// Decodes one record that is exactly `bytes`. False (and *out unchanged) when the bytes are not
// exactly one record of this version: too short or too long, another version, a count over its
// limit or beyond the bytes present, a boolean other than 0 or 1.
[[nodiscard]] bool decode_replication(std::span<const uint8_t> bytes, ReplicationResult* out);

// Several replications in order, each record framed by its length. REQUIRES: at most
// replication_block_count_max, each within the limits.
std::vector<uint8_t> encode_replication_block(std::span<const ReplicationResult> results);

// Decodes a block that is exactly `bytes` and appends its replications to *out in order. False
// (and *out unchanged) when the block or any record in it is refused as above.
[[nodiscard]] bool decode_replication_block(std::span<const uint8_t> bytes,
                                            std::vector<ReplicationResult>* out);

}  // namespace kervan
