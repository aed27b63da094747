#include "api/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/assert.h"
#include "ledger/folder_lock.h"

namespace kervan {

namespace {

bool is_z85_key(std::string_view text) {
  ClientPublicKey decoded{};
  return decode_public_key(text, &decoded);
}

StoreStatus bad_line(const std::string& path, size_t line, const std::string& what) {
  return StoreStatus::error(StoreError::invalid_store,
                            path + ":" + std::to_string(line) + ": " + what);
}

}  // namespace

bool decode_public_key(std::string_view z85, ClientPublicKey* out) {
  if (z85.size() != 40) return false;
  const std::string copy(z85);  // zmq_z85_decode reads a NUL-terminated text.
  ClientPublicKey decoded{};
  if (zmq_z85_decode(decoded.data(), copy.c_str()) == nullptr) return false;
  *out = decoded;
  return true;
}

std::string encode_public_key(const ClientPublicKey& key) {
  char z85[41];
  KERVAN_ASSERT(zmq_z85_encode(z85, key.data(), key.size()) != nullptr);
  return std::string(z85, 40);
}

std::string_view role_name(PartyRole role) {
  switch (role) {
    case PartyRole::provider: return "provider";
    case PartyRole::customs: return "customs";
    case PartyRole::principal: return "principal";
    case PartyRole::analyst: return "analyst";
    case PartyRole::operator_: return "operator";
  }
  return "unknown";
}

bool parse_role(std::string_view text, PartyRole* out) {
  for (PartyRole role : {PartyRole::provider, PartyRole::customs, PartyRole::principal,
                         PartyRole::analyst, PartyRole::operator_}) {
    if (text == role_name(role)) {
      *out = role;
      return true;
    }
  }
  return false;
}

KeyPair generate_keypair() {
  char public_key[41];
  char secret_key[41];
  KERVAN_ASSERT(zmq_curve_keypair(public_key, secret_key) == 0);
  return KeyPair{.public_z85 = public_key, .secret_z85 = secret_key};
}

StoreStatus save_keypair(const std::string& path, const KeyPair& keys) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status(errno, "create " + path);
  const std::string text = "public " + keys.public_z85 + "\nsecret " + keys.secret_z85 + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) return errno_status(errno, "write " + path);
  return StoreStatus();
}

StoreStatus load_keypair(const std::string& path, bool create, KeyPair* out) {
  std::ifstream in(path);
  if (!in) {
    if (!create) return StoreStatus::error(StoreError::invalid_store, "no key file " + path);
    *out = generate_keypair();
    return save_keypair(path, *out);
  }
  std::string label_public, label_secret;
  KeyPair keys;
  in >> label_public >> keys.public_z85 >> label_secret >> keys.secret_z85;
  if (label_public != "public" || label_secret != "secret" || !is_z85_key(keys.public_z85) ||
      !is_z85_key(keys.secret_z85)) {
    return StoreStatus::error(StoreError::invalid_store,
                              path + ": expected 'public <40 Z85>' and 'secret <40 Z85>' lines");
  }
  *out = keys;
  return StoreStatus();
}

StoreStatus load_public_key(const std::string& text_or_path, std::string* out) {
  // '/' and '.' are Z85 characters too: a file that exists is read; otherwise the text is the key.
  std::ifstream in(text_or_path);
  if (!in && is_z85_key(text_or_path)) {
    *out = text_or_path;
    return StoreStatus();
  }
  if (!in) {
    return StoreStatus::error(StoreError::invalid_store,
                              "no key file " + text_or_path + " (nor 40 Z85 characters)");
  }
  // A key file is a few lines; a directory, a device or a huge file is not one (and reading
  // /dev/zero for a word would never end).
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(text_or_path, error);
  if (error || !std::filesystem::is_regular_file(text_or_path, error) || size > 4096) {
    return StoreStatus::error(StoreError::invalid_store,
                              text_or_path + ": not a key file (a regular file of at most 4 KiB)");
  }
  std::string label, key;
  in >> label >> key;
  if (label != "public" || !is_z85_key(key)) {
    return StoreStatus::error(StoreError::invalid_store,
                              text_or_path + ": expected a first line 'public <40 Z85>'");
  }
  *out = key;
  return StoreStatus();
}

StoreStatus load_clients(const std::string& path, std::vector<ClientEntry>* out) {
  out->clear();
  std::ifstream in(path);
  if (!in) return StoreStatus();  // No registry yet: nobody is admitted.
  std::string text;
  for (size_t number = 1; std::getline(in, text); ++number) {
    // '#' is a Z85 character: a comment is a whole line starting with '#', or whatever follows
    // the four fields, never a cut inside a key.
    std::istringstream fields(text);
    std::string key, id, role, country;
    if (!(fields >> key) || key[0] == '#') continue;  // Blank or comment line.
    if (!(fields >> id >> role >> country)) {
      return bad_line(path, number, "expected: <public key> <party id> <role> <country or ->");
    }
    ClientEntry entry;
    if (!is_z85_key(key)) return bad_line(path, number, "the key is not 40 Z85 characters");
    entry.public_z85 = key;
    char* end = nullptr;
    const uint64_t party = std::strtoull(id.c_str(), &end, 10);
    if (*end != 0 || party == 0) return bad_line(path, number, "party id: a positive number");
    entry.party.id = PartyId{party};
    if (!parse_role(role, &entry.party.role)) {
      return bad_line(path, number, "role: provider, customs, principal, analyst or operator");
    }
    if (country != "-" && Country::parse(country, &entry.party.country) != CountryError::ok) {
      return bad_line(path, number, "country: an ISO 3166 alpha-2 code or -");
    }
    if (entry.party.role == PartyRole::customs && entry.party.country.empty()) {
      return bad_line(path, number, "a customs party needs its country");
    }
    out->push_back(entry);
  }
  return StoreStatus();
}

StoreStatus register_client(const std::string& path, const ClientEntry& entry) {
  std::vector<ClientEntry> existing;
  if (StoreStatus status = load_clients(path, &existing); !status.ok()) return status;
  for (const ClientEntry& e : existing) {
    if (e.public_z85 == entry.public_z85) {
      return StoreStatus::error(StoreError::invalid_store, "that key is registered already");
    }
    if (e.party.id == entry.party.id) {
      return StoreStatus::error(StoreError::invalid_store,
                                "party " + std::to_string(static_cast<uint64_t>(e.party.id)) +
                                    " has a key already");
    }
  }
  std::ofstream outfile(path, std::ios::app);
  outfile << entry.public_z85 << ' ' << static_cast<uint64_t>(entry.party.id) << ' '
          << role_name(entry.party.role) << ' '
          << (entry.party.country.empty() ? std::string("-")
                                          : std::string(entry.party.country.text()))
          << '\n';
  outfile.close();
  if (!outfile) return errno_status(errno, "append to " + path);
  return StoreStatus();
}

}  // namespace kervan
