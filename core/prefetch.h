// Software prefetch that the optimiser keeps. GCC's pure-const analysis treats a function whose
// only effect is __builtin_prefetch as pure and deletes every call to it (seen with GCC 12:
// IdTable::prefetch compiled to nothing); a volatile asm statement has a side effect and stays.
#pragma once

namespace kervan {

inline void prefetch_for_read(const void* address) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace kervan
