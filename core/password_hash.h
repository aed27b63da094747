// Access codes hashed with Argon2id (libsodium's crypto_pwhash_str): each hash is a string of
// at most 128 bytes carrying its own random salt and cost parameters. NCTS access codes are
// four characters, not case-sensitive: they are folded to upper case before hashing, so "ab12"
// and "AB12" verify alike. Hashing takes tens of milliseconds on purpose; it belongs at the
// edge (registration, a request carrying a code), never in a ledger step.
#pragma once

#include <array>
#include <string_view>

namespace kervan {

inline constexpr size_t password_hash_bytes = 128;
using PasswordHash = std::array<char, password_hash_bytes>;

// DO NOT CHANGE the numbers.
enum class PasswordHashError : uint8_t {
  ok = 0,
  code_invalid = 1,   // Empty, longer than 64 bytes, or not printable ASCII.
  out_of_memory = 2,  // Argon2id could not have its memory.
};

// Hashes `code` (folded to upper case) into `out`, NUL-terminated.
[[nodiscard]] PasswordHashError hash_access_code(std::string_view code, PasswordHash* out);
// True when `code` (folded to upper case) matches the stored hash.
[[nodiscard]] bool verify_access_code(std::string_view code, const PasswordHash& hash);

}  // namespace kervan
