// A counting global operator new, for tests that prove a path allocates nothing. Linking
// counting_new.cc into a test binary replaces operator new for the whole binary.
#pragma once

#include <cstdint>

namespace kervan::testing {

// Calls of operator new so far in this process.
uint64_t allocations_so_far();

}  // namespace kervan::testing
