#include "core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace kervan {

void assert_fail(const char* condition, const char* file, int line) noexcept {
  std::fprintf(stderr, "kervan: assertion failed: %s (%s:%d)\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace kervan
