// CURVE keys, and the file of clients a server without the transit domain admits.
//
// A key pair is two Z85 texts of 40 characters (ZeroMQ's encoding of 32-byte Curve25519 keys).
// The server's pair lives in <data>/server.key (created on first start, mode 0600). A server
// with the transit domain keeps its parties and keys in the transit store's journal (the
// registry: register_key and revoke_key, docs/operations.md). A server of the ledger core
// alone admits the clients listed in <data>/clients, one per line:
//
//   <client public key, Z85> <party id> <role> <country or ->   anything after is a comment
//   # a whole line starting with '#' is a comment ('#' is also a Z85 character)
//
// The ZAP handler admits a connection only when its key is listed, and tells the server the
// party it belongs to; every request is then authorised against that party.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/store_status.h"
#include "ledger/transit/transit_types.h"

namespace kervan {

struct KeyPair {
  std::string public_z85;  // 40 characters.
  std::string secret_z85;
};

struct ClientEntry {
  std::string public_z85;
  Party party;
};

// A public key's Z85 text (40 characters) and its 32 bytes; false when the text is not one.
[[nodiscard]] bool decode_public_key(std::string_view z85, ClientPublicKey* out);
std::string encode_public_key(const ClientPublicKey& key);

// A new Curve25519 key pair (libzmq's zmq_curve_keypair).
KeyPair generate_keypair();
// Reads "public <z85>\nsecret <z85>\n"; creates it (0600) first when `create` and missing.
StoreStatus load_keypair(const std::string& path, bool create, KeyPair* out);
StoreStatus save_keypair(const std::string& path, const KeyPair& keys);
// A public key as a client is given it: the 40 Z85 characters themselves, or a file whose
// first line is "public <z85>" (a public-only file, or a key pair file: its secret is not read).
StoreStatus load_public_key(const std::string& text_or_path, std::string* out);

// Reads the registry; a missing file is an empty registry. A bad line is invalid_store naming
// its number and what is wrong.
StoreStatus load_clients(const std::string& path, std::vector<ClientEntry>* out);
// Appends a client, refusing a key or party id already listed (invalid_store says which).
StoreStatus register_client(const std::string& path, const ClientEntry& entry);

bool parse_role(std::string_view text, PartyRole* out);
std::string_view role_name(PartyRole role);

}  // namespace kervan
