// CRC32C (Castagnoli), the checksum of wire frames (docs/protocol.md): polynomial 0x1EDC6F41,
// reflected, initial value and final xor 0xFFFFFFFF. crc32c("123456789") == 0xE3069283.
//
// crc32c() uses the SSE4.2 crc32 instruction when the CPU has it (asked once per process) and a
// slicing-by-8 table otherwise; both give the same answers (tests/api/protocol_test.cc).
// Pure: no allocation, no state beyond constant tables.
#pragma once

#include <cstdint>
#include <span>

namespace kervan {

// The checksum of `bytes` (0 for no bytes).
[[nodiscard]] uint32_t crc32c(std::span<const uint8_t> bytes);

// The table path, on any CPU. Exposed so that tests compare it with the hardware path.
[[nodiscard]] uint32_t crc32c_portable(std::span<const uint8_t> bytes);

// True when this CPU has the crc32 instruction (x86-64 SSE4.2), so that crc32c() uses it.
[[nodiscard]] bool crc32c_hardware_available();

// The instruction path. REQUIRES: crc32c_hardware_available().
[[nodiscard]] uint32_t crc32c_hardware(std::span<const uint8_t> bytes);

}  // namespace kervan
