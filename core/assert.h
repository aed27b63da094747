// Always-on assertions for programmer errors (TigerStyle: assertions stay on in production).
// Operating errors (bad input, full disk) are values, never assertions.
#pragma once

namespace kervan {

// Prints the failed condition with its location to stderr and aborts. Never returns.
[[noreturn]] void assert_fail(const char* condition, const char* file, int line) noexcept;

}  // namespace kervan

#define KERVAN_ASSERT(condition)                             \
  do {                                                       \
    if (!(condition)) [[unlikely]] {                         \
      ::kervan::assert_fail(#condition, __FILE__, __LINE__); \
    }                                                        \
  } while (false)

// Marks a branch that a correct program never reaches.
#define KERVAN_UNREACHABLE() ::kervan::assert_fail("unreachable", __FILE__, __LINE__)
