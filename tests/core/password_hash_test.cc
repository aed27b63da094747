#include "core/password_hash.h"

#include <gtest/gtest.h>

namespace kervan {
namespace {

TEST(PasswordHash, AccessCodesVerifyCaseInsensitivelyAndOnlyThemselves) {
  PasswordHash hash{};
  ASSERT_EQ(hash_access_code("ab12", &hash), PasswordHashError::ok);
  EXPECT_EQ(std::string(hash.data()).rfind("$argon2id$", 0), 0u);  // Argon2id, salted.
  EXPECT_TRUE(verify_access_code("ab12", hash));
  EXPECT_TRUE(verify_access_code("AB12", hash));
  EXPECT_FALSE(verify_access_code("AB13", hash));
  EXPECT_FALSE(verify_access_code("AB1", hash));
  EXPECT_FALSE(verify_access_code("", hash));
  PasswordHash again{};
  ASSERT_EQ(hash_access_code("AB12", &again), PasswordHashError::ok);
  EXPECT_NE(hash, again);  // Another salt.
  EXPECT_TRUE(verify_access_code("ab12", again));
  PasswordHash tampered = hash;
  tampered[std::string(hash.data()).size() - 2] ^= 0x01;
  EXPECT_FALSE(verify_access_code("ab12", tampered));
  PasswordHash unterminated;
  unterminated.fill('x');
  EXPECT_FALSE(verify_access_code("ab12", unterminated));
}

TEST(PasswordHash, InvalidCodesAreRefused) {
  PasswordHash hash{};
  EXPECT_EQ(hash_access_code("", &hash), PasswordHashError::code_invalid);
  EXPECT_EQ(hash_access_code("a b", &hash), PasswordHashError::code_invalid);
  EXPECT_EQ(hash_access_code(std::string(65, 'A'), &hash), PasswordHashError::code_invalid);
}

}  // namespace
}  // namespace kervan
