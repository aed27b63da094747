#include "core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace kervan {
namespace {

std::span<const uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(Digest, MatchesTheBlake2b256KnownAnswer) {
  // BLAKE2b-256("abc"), from RFC 7693 test vectors recomputed for 32-byte output.
  EXPECT_EQ(to_hex(digest_of(bytes_of("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Digest, IncrementalEqualsOneShot) {
  Hasher hasher;
  hasher.update(bytes_of("transit "));
  hasher.update(bytes_of("guarantee"));
  EXPECT_EQ(hasher.finish(), digest_of(bytes_of("transit guarantee")));
  EXPECT_NE(digest_of(bytes_of("a")), digest_of(bytes_of("b")));
}

}  // namespace
}  // namespace kervan
