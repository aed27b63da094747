#include "api/crc32c.h"

#include <array>
#include <cstring>

#include "core/assert.h"
#include "core/bytes.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace kervan {
namespace {

constexpr uint32_t polynomial_reflected = 0x82F63B78;  // 0x1EDC6F41 bit-reversed.

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the byte-at-a-time table; tables[k] advances a byte through k more zero bytes.
constexpr Tables make_tables() {
  Tables tables{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ ((crc & 1) != 0 ? polynomial_reflected : 0);
    tables[0][i] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t i = 0; i < 256; ++i) {
      const uint32_t previous = tables[k - 1][i];
      tables[k][i] = (previous >> 8) ^ tables[0][previous & 0xFF];
    }
  }
  return tables;
}

constexpr Tables tables = make_tables();
static_assert(tables[0][1] == 0xF26B8303);

}  // namespace

uint32_t crc32c_portable(std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  uint32_t crc = 0xFFFFFFFF;
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t low = load_u32_le(p) ^ crc;
    const uint32_t high = load_u32_le(p + 4);
    crc = tables[7][low & 0xFF] ^ tables[6][(low >> 8) & 0xFF] ^ tables[5][(low >> 16) & 0xFF] ^
          tables[4][low >> 24] ^ tables[3][high & 0xFF] ^ tables[2][(high >> 8) & 0xFF] ^
          tables[1][(high >> 16) & 0xFF] ^ tables[0][high >> 24];
  }
  for (; n > 0; --n, ++p) crc = (crc >> 8) ^ tables[0][(crc ^ *p) & 0xFF];
  return ~crc;
}

#if defined(__x86_64__)

bool crc32c_hardware_available() {
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
}

__attribute__((target("sse4.2"))) uint32_t crc32c_hardware(std::span<const uint8_t> bytes) {
  KERVAN_ASSERT(crc32c_hardware_available());
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  uint64_t crc = 0xFFFFFFFF;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);  // x86-64 is little-endian: the bytes in wire order.
    crc = _mm_crc32_u64(crc, word);
  }
  uint32_t crc32 = static_cast<uint32_t>(crc);
  for (; n > 0; --n, ++p) crc32 = _mm_crc32_u8(crc32, *p);
  return ~crc32;
}

#else

bool crc32c_hardware_available() {
  return false;
}

uint32_t crc32c_hardware(std::span<const uint8_t>) {
  KERVAN_UNREACHABLE();
}

#endif

uint32_t crc32c(std::span<const uint8_t> bytes) {
  return crc32c_hardware_available() ? crc32c_hardware(bytes) : crc32c_portable(bytes);
}

}  // namespace kervan
