#include "core/int128.h"

#include <algorithm>

namespace kervan {

std::string to_string_u128(u128 value) {
  char digits[40];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  } while (value != 0);
  std::string text(digits, digits + count);
  std::reverse(text.begin(), text.end());
  return text;
}

std::string to_string_i128(i128 value) {
  if (value >= 0) return to_string_u128(static_cast<u128>(value));
  // Negate in unsigned space so that i128_min does not overflow.
  std::string text = to_string_u128(u128{0} - static_cast<u128>(value));
  text.insert(text.begin(), '-');
  return text;
}

bool parse_u128(const char* begin, const char* end, u128* out) {
  if (begin == end) return false;
  u128 value = 0;
  for (const char* p = begin; p != end; ++p) {
    if (*p < '0' || *p > '9') return false;
    if (__builtin_mul_overflow(value, u128{10}, &value)) return false;
    if (__builtin_add_overflow(value, static_cast<u128>(*p - '0'), &value)) return false;
  }
  *out = value;
  return true;
}

}  // namespace kervan
