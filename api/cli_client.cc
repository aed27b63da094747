// The command-line client: parses a command, sends it through api/client.h, prints the reply.
#include "api/cli_client.h"

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

#include "api/cli_output.h"
#include "api/cli_transit.h"
#include "api/client.h"
#include "api/keys.h"
#include "api/protocol.h"
#include "api/server.h"
#include "core/bytes.h"
#include "core/int128.h"
#include "ledger/record_coding.h"

namespace kervan {
namespace {

constexpr std::array<std::string_view, server_counters_count> counter_names{
    "requests",         "events",           "replies",
    "rejected_malformed", "rejected_busy",  "replies_undeliverable",
    "batches_durable",  "commit_latency_us_max", "rejected_unauthenticated",
    "rejected_forbidden", "rejected_revoked", "transit_refused", "transit_events"};

void print_usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan client [--endpoint E] [--server-key K|FILE] [--key FILE] [--json]\n"
               "                     [--timeout-ms N] <command> [arguments]\n"
               "commands:\n"
               "  ping | stats | accounts ID... | transfers ID... | history ACCOUNT [LIMIT]\n"
               "  create-account ID LEDGER CODE\n"
               "  transfer ID DEBIT CREDIT AMOUNT LEDGER CODE     single-phase\n"
               "  reserve ID DEBIT CREDIT AMOUNT LEDGER CODE      pending (cover held)\n"
               "  post ID PENDING [AMOUNT] | void ID PENDING       resolve a reservation\n");
  std::fprintf(err, "%s", transit_usage);
  std::fprintf(err, "amounts of the ledger are minor units, of transit steps decimal; ids are "
                    "decimal\n");
}

void account_row(Output* o, const Account& a) {
  o->begin_row();
  o->row_field("id", to_string_u128(a.id), true);
  o->row_field("ledger", std::to_string(a.ledger), false);
  o->row_field("code", std::to_string(a.code), false);
  o->row_field("debits_pending", to_string_u128(a.debits_pending), true);
  o->row_field("debits_posted", to_string_u128(a.debits_posted), true);
  o->row_field("credits_pending", to_string_u128(a.credits_pending), true);
  o->row_field("credits_posted", to_string_u128(a.credits_posted), true);
  o->row_field("timestamp", std::to_string(a.timestamp), false);
  o->end_row();
}

void transfer_row(Output* o, const Transfer& t) {
  o->begin_row();
  o->row_field("id", to_string_u128(t.id), true);
  o->row_field("debit_account_id", to_string_u128(t.debit_account_id), true);
  o->row_field("credit_account_id", to_string_u128(t.credit_account_id), true);
  o->row_field("amount", to_string_u128(t.amount), true);
  o->row_field("pending_id", to_string_u128(t.pending_id), true);
  o->row_field("ledger", std::to_string(t.ledger), false);
  o->row_field("code", std::to_string(t.code), false);
  o->row_field("flags", std::to_string(t.flags), false);
  o->row_field("timestamp", std::to_string(t.timestamp), false);
  o->end_row();
}

std::optional<Reply> round_trip(Session& s, Operation operation, uint32_t count,
                                std::span<const uint8_t> body) {
  const uint64_t id = s.client->send(operation, count, body);
  return s.client->await(id, s.timeout_ms);
}

int do_stats(Session& s) {
  const std::optional<Reply> reply = round_trip(s, Operation::stats, 0, {});
  if (!reply) return timed_out(s);
  if (reply->header.status != ProtocolStatus::ok) return refused(s, "stats", reply->header.status);
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    const uint64_t value = load_u64_le(&reply->body[i * 8u]);
    const std::string name = i < counter_names.size() ? std::string(counter_names[i])
                                                      : "counter_" + std::to_string(i);
    s.out->number(name, value);
  }
  s.out->flush();
  return exit_ok;
}

int do_lookup(Session& s, bool accounts, std::span<const char* const> args) {
  std::vector<u128> ids;
  for (const char* a : args) {
    u128 id = 0;
    if (!parse_id(a, &id)) return exit_usage;
    ids.push_back(id);
  }
  if (ids.empty() || ids.size() > batch_events_max) return exit_usage;
  ProtocolStatus status = ProtocolStatus::ok;
  size_t found_count = 0;  // Ids not found are left out of the reply.
  s.out->list(accounts ? "accounts" : "transfers");
  if (accounts) {
    std::vector<Account> found;
    status = s.client->lookup_accounts(ids, &found, s.timeout_ms);
    for (const Account& a : found) account_row(s.out, a);
    found_count = found.size();
  } else {
    std::vector<Transfer> found;
    status = s.client->lookup_transfers(ids, &found, s.timeout_ms);
    for (const Transfer& t : found) transfer_row(s.out, t);
    found_count = found.size();
  }
  if (s.client->in_flight() != 0) return timed_out(s);
  if (status != ProtocolStatus::ok) return refused(s, accounts ? "lookup_accounts" : "lookup_transfers", status);
  s.out->number("requested", ids.size());
  s.out->number("found", found_count);
  s.out->flush();
  return exit_ok;
}

int do_history(Session& s, std::span<const char* const> args) {
  AccountTransfersFilter filter{.limit = 20, .reversed = true};
  uint64_t limit = 20;
  if (args.empty() || args.size() > 2 || !parse_id(args[0], &filter.account_id)) return exit_usage;
  if (args.size() == 2 && (!parse_small(args[1], batch_events_max, &limit) || limit == 0)) {
    return exit_usage;
  }
  filter.limit = static_cast<uint32_t>(limit);
  std::array<uint8_t, 64> body{};
  encode_filter(filter, body.data());
  const std::optional<Reply> reply = round_trip(s, Operation::get_account_transfers, 1, body);
  if (!reply) return timed_out(s);
  if (reply->header.status != ProtocolStatus::ok) {
    return refused(s, "get_account_transfers", reply->header.status);
  }
  s.out->list("transfers");
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    transfer_row(s.out, decode_transfer(&reply->body[i * 128u]));
  }
  s.out->big("account_id", filter.account_id);
  s.out->flush();
  return exit_ok;
}

// create-account, transfer, reserve, post, void: one event, one result.
int do_create(Session& s, std::string_view command, std::span<const char* const> args) {
  uint64_t ledger = 0;
  uint64_t code = 0;
  if (command == "create-account") {
    Account a{};
    if (args.size() != 3 || !parse_id(args[0], &a.id) || !parse_small(args[1], UINT32_MAX, &ledger) ||
        !parse_small(args[2], UINT16_MAX, &code)) {
      return exit_usage;
    }
    a.ledger = static_cast<uint32_t>(ledger);
    a.code = static_cast<uint16_t>(code);
    std::vector<CreateAccountResult> results;
    const ProtocolStatus status = s.client->create_accounts({&a, 1}, &results, s.timeout_ms);
    if (s.client->in_flight() != 0) return timed_out(s);
    if (status != ProtocolStatus::ok) return refused(s, "create_accounts", status);
    s.out->big("id", a.id);
    s.out->field("result", result_name(results.at(0)));
    s.out->flush();
    return results[0] == CreateAccountResult::ok ? exit_ok : exit_refused;
  }
  Transfer t{};
  if (command == "transfer" || command == "reserve") {
    if (args.size() != 6 || !parse_id(args[0], &t.id) || !parse_id(args[1], &t.debit_account_id) ||
        !parse_id(args[2], &t.credit_account_id) ||
        !parse_u128(args[3], args[3] + std::strlen(args[3]), &t.amount) ||
        !parse_small(args[4], UINT32_MAX, &ledger) || !parse_small(args[5], UINT16_MAX, &code)) {
      return exit_usage;
    }
    t.ledger = static_cast<uint32_t>(ledger);
    t.code = static_cast<uint16_t>(code);
    if (command == "reserve") t.flags = static_cast<uint16_t>(TransferFlags::pending);
  } else {  // post, void: the pending transfer's accounts, ledger and code are taken from it.
    const bool post = command == "post";
    if (args.size() < 2 || args.size() > (post ? 3u : 2u) || !parse_id(args[0], &t.id) ||
        !parse_id(args[1], &t.pending_id) ||
        (args.size() == 3 && !parse_u128(args[2], args[2] + std::strlen(args[2]), &t.amount))) {
      return exit_usage;
    }
    t.flags = static_cast<uint16_t>(post ? TransferFlags::post_pending_transfer
                                         : TransferFlags::void_pending_transfer);
  }
  std::vector<CreateTransferResult> results;
  const ProtocolStatus status = s.client->create_transfers({&t, 1}, &results, s.timeout_ms);
  if (s.client->in_flight() != 0) return timed_out(s);
  if (status != ProtocolStatus::ok) return refused(s, "create_transfers", status);
  s.out->big("id", t.id);
  s.out->field("result", result_name(results.at(0)));
  s.out->flush();
  return results[0] == CreateTransferResult::ok ? exit_ok : exit_refused;
}

}  // namespace

int run_client_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  std::string endpoint = "tcp://127.0.0.1:7420";
  ClientSecurity security;
  bool json = false;
  uint64_t timeout_ms = 5000;
  int i = 0;
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--json") {
      json = true;
      continue;
    }
    if (i + 1 >= argc) {
      print_usage(err);
      return exit_usage;
    }
    const std::string value = argv[++i];
    if (flag == "--endpoint") {
      endpoint = value;
    } else if (flag == "--server-key") {
      if (const StoreStatus st = load_public_key(value, &security.server_public_z85); !st.ok()) {
        std::fprintf(err, "kervan client: --server-key: %s\n", st.to_string().c_str());
        return exit_usage;
      }
    } else if (flag == "--key") {
      if (const StoreStatus st = load_keypair(value, false, &security.keys); !st.ok()) {
        std::fprintf(err, "kervan client: --key %s: %s\n", value.c_str(), st.to_string().c_str());
        return exit_usage;
      }
    } else if (flag == "--timeout-ms" && parse_small(value, 3'600'000, &timeout_ms) &&
               timeout_ms > 0) {
    } else {
      std::fprintf(err, "kervan client: unknown flag or bad value: %s %s\n", argv[i - 1],
                   value.c_str());
      print_usage(err);
      return exit_usage;
    }
  }
  if (i >= argc) {
    print_usage(err);
    return exit_usage;
  }
  if (security.server_public_z85.empty() != security.keys.public_z85.empty()) {
    std::fprintf(err, "kervan client: --server-key and --key go together (CURVE)\n");
    return exit_usage;
  }
  const std::string_view command = argv[i];
  const std::span<const char* const> args(argv + i + 1, static_cast<size_t>(argc - i - 1));
  // An endpoint ZeroMQ cannot parse ("localhost:7420", "foo://bar") is bad usage, said as such
  // (found from outside: it aborted the client with an uncaught exception).
  std::optional<Client> connected;
  try {
    connected.emplace(endpoint, security);
  } catch (const zmq::error_t& error) {
    std::fprintf(err, "kervan client: --endpoint '%s': %s (expected tcp://HOST:PORT or ipc://PATH)\n",
                 endpoint.c_str(), error.what());
    return exit_usage;
  }
  Client& client = *connected;
  Output output(out, json);
  Session s{&client, &output, err, static_cast<int>(timeout_ms)};
  int rc = exit_usage;
  if (command == "help") {
    print_usage(out);
    return exit_ok;
  }
  if (command == "ping" && args.empty()) {
    const ProtocolStatus status = client.ping(s.timeout_ms);
    if (client.in_flight() != 0) return timed_out(s);
    if (status != ProtocolStatus::ok) return refused(s, "ping", status);
    output.field("status", "ok");
    output.flush();
    rc = exit_ok;
  } else if (command == "stats" && args.empty()) {
    rc = do_stats(s);
  } else if (command == "accounts" || command == "transfers") {
    rc = do_lookup(s, command == "accounts", args);
  } else if (command == "history") {
    rc = do_history(s, args);
  } else if (command == "create-account" || command == "transfer" || command == "reserve" ||
             command == "post" || command == "void") {
    rc = do_create(s, command, args);
  } else if (command == "transit") {
    rc = run_transit_step(s, args);
  } else if (command == "query") {
    rc = run_transit_query(s, args);
  }
  if (rc == usage_explained) return exit_usage;
  if (rc == exit_usage) print_usage(err);
  return rc;
}

}  // namespace kervan
