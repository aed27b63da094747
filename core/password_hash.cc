#include "core/password_hash.h"

#include <sodium.h>

#include <string>

#include "core/assert.h"

namespace kervan {

namespace {

constexpr size_t code_bytes_max = 64;
static_assert(crypto_pwhash_STRBYTES == password_hash_bytes);

bool fold(std::string_view code, char* out) {
  if (code.empty() || code.size() > code_bytes_max) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c < 0x21 || c > 0x7e) return false;
    out[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return true;
}

}  // namespace

PasswordHashError hash_access_code(std::string_view code, PasswordHash* out) {
  KERVAN_ASSERT(sodium_init() >= 0);
  char folded[code_bytes_max];
  if (!fold(code, folded)) return PasswordHashError::code_invalid;
  if (crypto_pwhash_str(out->data(), folded, code.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return PasswordHashError::out_of_memory;
  }
  return PasswordHashError::ok;
}

bool verify_access_code(std::string_view code, const PasswordHash& hash) {
  KERVAN_ASSERT(sodium_init() >= 0);
  char folded[code_bytes_max];
  if (!fold(code, folded)) return false;
  if (std::char_traits<char>::find(hash.data(), hash.size(), '\0') == nullptr) return false;
  return crypto_pwhash_str_verify(hash.data(), folded, code.size()) == 0;
}

}  // namespace kervan
