// The command-line client: parses a command, sends it through api/client.h, prints the reply.
#include "api/cli_client.h"

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    "rejected_forbidden"};

constexpr int exit_ok = 0;
constexpr int exit_refused = 1;
constexpr int exit_usage = 2;
constexpr int exit_timeout = 3;
constexpr int usage_explained = -2;  // Bad usage already explained in one line: exit 2, no usage.

void print_usage(std::FILE* err) {
  std::fprintf(err,
               "usage: kervan client [--endpoint E] [--server-key K|FILE] [--key FILE] [--json]\n"
               "                     [--timeout-ms N] <command> [arguments]\n"
               "commands:\n"
               "  ping | stats | accounts ID... | transfers ID... | history ACCOUNT [LIMIT]\n"
               "  create-account ID LEDGER CODE\n"
               "  transfer ID DEBIT CREDIT AMOUNT LEDGER CODE     single-phase\n"
               "  reserve ID DEBIT CREDIT AMOUNT LEDGER CODE      pending (cover held)\n"
               "  post ID PENDING [AMOUNT] | void ID PENDING       resolve a reservation\n"
               "  transit release|cancel|arrive|write-off|incident|enquiry|claim-paid ACTOR MRN\n"
               "  transit cross ACTOR MRN COUNTRY\n"
               "  transit claim ACTOR MRN AMOUNT CURRENCY          e.g. 1250.00 EUR\n"
               "  transit guarantee-status ACTOR GRN active|suspended|revoked|cancelled [DATE]\n"
               "  transit settle ACTOR                             the provider's claims\n"
               "  transit register-party ID ROLE [COUNTRY]\n"
               "  transit register-guarantee PROVIDER GRN PRINCIPAL AMOUNT CURRENCY REDUCTION\n"
               "          FROM TO                                  e.g. ... 100000.00 EUR 50\n"
               "                                                   2026-01-01 2026-12-31\n"
               "amounts of the ledger are minor units; ids are decimal u128\n");
}

// Output in either form: fields are gathered, then written as one line.
class Output {
 public:
  Output(std::FILE* out, bool json) : out_(out), json_(json) {}
  void field(std::string_view name, std::string_view text) { fields_.push_back({std::string(name), quote(text), std::string(text)}); }
  void number(std::string_view name, uint64_t value) {
    fields_.push_back({std::string(name), std::to_string(value), std::to_string(value)});
  }
  void big(std::string_view name, u128 value) { field(name, to_string_u128(value)); }
  // A nested list of objects (accounts, transfers, results), each already rendered.
  void begin_row() { row_.clear(); }
  void row_field(std::string_view name, std::string_view text, bool quoted) {
    row_.push_back({std::string(name), quoted ? quote(text) : std::string(text), std::string(text)});
  }
  void end_row() { rows_.push_back(row_); }
  void flush(std::string_view rows_name) {
    if (json_) {
      std::string line = "{";
      append_object_fields(fields_, &line);
      if (!rows_name.empty()) {
        if (!fields_.empty()) line += ',';
        line += quote(rows_name);
        line += ":[";
        for (size_t r = 0; r < rows_.size(); ++r) {
          if (r != 0) line += ',';
          line += '{';
          append_object_fields(rows_[r], &line);
          line += '}';
        }
        line += ']';
      }
      std::fprintf(out_, "%s}\n", line.c_str());
      return;
    }
    for (const Field& f : fields_) std::fprintf(out_, "%s: %s\n", f.name.c_str(), f.text.c_str());
    for (const auto& row : rows_) {
      std::string line = " ";
      for (const Field& f : row) {
        line += ' ';
        line += f.name;
        line += '=';
        line += f.text;
      }
      std::fprintf(out_, "%s\n", line.c_str());
    }
  }

 private:
  struct Field {
    std::string name;
    std::string json;
    std::string text;
  };
  // GCC 12 warns falsely (-Wrestrict) on `const char* + std::string`: append instead.
  static void append_object_fields(const std::vector<Field>& fields, std::string* line) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i != 0) *line += ',';
      *line += quote(fields[i].name);
      *line += ':';
      *line += fields[i].json;
    }
  }
  static std::string quote(std::string_view text) {
    std::string q = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') q += '\\';
      if (static_cast<unsigned char>(c) < 0x20) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(c));
        q += hex;
        continue;
      }
      q += c;
    }
    return q + "\"";
  }
  std::FILE* out_;
  bool json_;
  std::vector<Field> fields_;
  std::vector<Field> row_;
  std::vector<std::vector<Field>> rows_;
};

bool parse_id(std::string_view text, u128* out) {
  return parse_u128(text.data(), text.data() + text.size(), out) && *out != 0;
}
bool parse_small(std::string_view text, uint64_t max, uint64_t* out) {
  u128 value = 0;
  if (!parse_u128(text.data(), text.data() + text.size(), &value) || value > max) return false;
  *out = static_cast<uint64_t>(value);
  return true;
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

struct Session {
  Client* client;
  Output* out;
  std::FILE* err;
  int timeout_ms;
};

// A request the server refused as a whole: its status, in either form.
int refused(Session& s, std::string_view operation, ProtocolStatus status) {
  s.out->field("operation", operation);
  s.out->field("status", result_name(status));
  s.out->flush("");
  return exit_refused;
}

std::optional<Reply> round_trip(Session& s, Operation operation, uint32_t count,
                                std::span<const uint8_t> body) {
  const uint64_t id = s.client->send(operation, count, body);
  return s.client->await(id, s.timeout_ms);
}

int timed_out(Session& s) {
  std::fprintf(s.err, "kervan client: no reply within %d ms (server down, busy, or this key "
                      "not registered: CURVE refusals are silent)\n", s.timeout_ms);
  return exit_timeout;
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
  s.out->flush("");
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
  s.out->flush(accounts ? "accounts" : "transfers");
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
  for (uint32_t i = 0; i < reply->header.count; ++i) {
    transfer_row(s.out, decode_transfer(&reply->body[i * 128u]));
  }
  s.out->big("account_id", filter.account_id);
  s.out->flush("transfers");
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
    s.out->flush("");
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
  s.out->flush("");
  return results[0] == CreateTransferResult::ok ? exit_ok : exit_refused;
}

struct StepName {
  std::string_view name;
  TransitOperation operation;
};
constexpr std::array<StepName, 13> step_names{{
    {"register-party", TransitOperation::register_party},
    {"register-guarantee", TransitOperation::register_guarantee},
    {"release", TransitOperation::release_movement},
    {"cancel", TransitOperation::cancel_movement},
    {"cross", TransitOperation::record_crossing},
    {"arrive", TransitOperation::record_arrival},
    {"write-off", TransitOperation::write_off},
    {"incident", TransitOperation::record_incident},
    {"enquiry", TransitOperation::open_enquiry},
    {"claim", TransitOperation::raise_claim},
    {"claim-paid", TransitOperation::record_claim_paid},
    {"guarantee-status", TransitOperation::set_guarantee_status},
    {"settle", TransitOperation::settle_claims},
}};

// Parses `transit STEP ACTOR ...` into a command; false on bad usage (error says why).
bool parse_transit(std::span<const char* const> args, TransitCommand* c, std::string* error) {
  if (args.size() < 2) return false;
  const StepName* step = nullptr;
  for (const StepName& s : step_names) {
    if (s.name == args[0]) step = &s;
  }
  uint64_t actor = 0;
  if (step == nullptr) {
    *error = std::string("unknown transit step '") + args[0] + "'";
    return false;
  }
  if (!parse_small(args[1], UINT64_MAX, &actor) || actor == 0) {
    *error = std::string("ACTOR must be a party id, not '") + args[1] + "'";
    return false;
  }
  c->operation = step->operation;
  c->actor = PartyId{actor};
  const std::span<const char* const> rest = args.subspan(2);
  switch (step->operation) {
    case TransitOperation::settle_claims:
      return rest.empty();
    case TransitOperation::register_party: {
      // register-party ID ROLE [COUNTRY]: the party acts for itself (an operator may for it).
      if (rest.empty() || rest.size() > 2) return false;
      c->party.id = c->actor;
      if (!parse_role(rest[0], &c->party.role)) {
        *error = std::string("ROLE '") + rest[0] +
                 "' is not provider, customs, principal, analyst or operator";
        return false;
      }
      if (rest.size() == 2 && Country::parse(rest[1], &c->party.country) != CountryError::ok) {
        *error = std::string("COUNTRY '") + rest[1] + "' is not an ISO 3166 alpha-2 code";
        return false;
      }
      return true;
    }
    case TransitOperation::register_guarantee: {
      // register-guarantee PROVIDER GRN PRINCIPAL AMOUNT CURRENCY REDUCTION FROM TO: a
      // comprehensive guarantee valid in every country, without access codes.
      if (rest.size() != 7) return false;
      GuaranteeSpec& g = c->guarantee;
      g.provider = c->actor;
      uint64_t principal = 0, reduction = 0;
      std::optional<Currency> currency = currency_from_code(rest[3]);
      if (const ReferenceStatus r = Grn::parse(rest[0], &g.grn); !r.ok()) {
        *error = std::string("GRN '") + rest[0] + "': " + to_string(r);
      } else if (!parse_small(rest[1], UINT64_MAX, &principal) || principal == 0) {
        *error = std::string("PRINCIPAL '") + rest[1] + "' is not a party id";
      } else if (!currency) {
        *error = std::string("CURRENCY '") + rest[3] + "' is not a supported ISO 4217 code";
      } else if (parse_amount(rest[2], *currency, &g.reference_amount) != ParseNumberError::ok) {
        *error = std::string("AMOUNT '") + rest[2] + "' is not a decimal amount";
      } else if (!parse_small(rest[4], 100, &reduction)) {
        *error = std::string("REDUCTION '") + rest[4] + "' is not a percentage (100, 50, 30, 0)";
      } else if (Date::parse(rest[5], &g.valid_from) != DateError::ok ||
                 Date::parse(rest[6], &g.valid_to) != DateError::ok) {
        *error = "FROM and TO must be dates, YYYY-MM-DD";
      }
      if (!error->empty()) return false;
      g.principal = PartyId{principal};
      g.reduction_percent = static_cast<uint8_t>(reduction);
      return true;
    }
    case TransitOperation::set_guarantee_status: {
      if (rest.size() < 2 || rest.size() > 3) return false;
      if (const ReferenceStatus r = Grn::parse(rest[0], &c->grn); !r.ok()) {
        *error = std::string("GRN '") + rest[0] + "': " + to_string(r);
        return false;
      }
      const std::string_view status = rest[1];
      if (status == "active") c->status = GuaranteeStatus::active;
      else if (status == "suspended") c->status = GuaranteeStatus::suspended;
      else if (status == "revoked") c->status = GuaranteeStatus::revoked;
      else if (status == "cancelled") c->status = GuaranteeStatus::cancelled;
      else return false;
      if (rest.size() == 3 && Date::parse(rest[2], &c->date) != DateError::ok) {
        *error = std::string("DATE '") + rest[2] + "' is not YYYY-MM-DD";
        return false;
      }
      return true;
    }
    default:
      break;
  }
  // Movement steps: MRN first.
  if (rest.empty()) return false;
  if (const ReferenceStatus r = Mrn::parse(rest[0], &c->mrn); !r.ok()) {
    *error = std::string("MRN '") + rest[0] + "': " + to_string(r);
    return false;
  }
  if (step->operation == TransitOperation::record_crossing) {
    if (rest.size() != 2) return false;
    if (Country::parse(rest[1], &c->country) != CountryError::ok) {
      *error = std::string("COUNTRY '") + rest[1] + "' is not an ISO 3166 alpha-2 code";
      return false;
    }
    return true;
  }
  if (step->operation == TransitOperation::raise_claim) {
    if (rest.size() != 3) return false;
    const std::optional<Currency> currency = currency_from_code(rest[2]);
    if (!currency) {
      *error = std::string("CURRENCY '") + rest[2] + "' is not a supported ISO 4217 code";
      return false;
    }
    if (parse_amount(rest[1], *currency, &c->amount) != ParseNumberError::ok) {
      *error = std::string("AMOUNT '") + rest[1] + "' is not a decimal amount";
      return false;
    }
    return true;
  }
  return rest.size() == 1;
}

int do_transit(Session& s, std::span<const char* const> args) {
  TransitCommand command;
  std::string error;
  if (!parse_transit(args, &command, &error)) {
    if (error.empty()) return exit_usage;
    std::fprintf(s.err, "kervan client: %s\n", error.c_str());
    return usage_explained;
  }
  TransitResult result{};
  const ProtocolStatus status = s.client->transit(command, &result, s.timeout_ms);
  if (s.client->in_flight() != 0) return timed_out(s);
  if (status != ProtocolStatus::ok) return refused(s, "transit_command", status);
  s.out->field("step", args[0]);
  s.out->field("result", result_name(result));
  s.out->flush("");
  return result == TransitResult::ok ? exit_ok : exit_refused;
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
  Client client(endpoint, security);
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
    output.flush("");
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
    rc = do_transit(s, args);
  }
  if (rc == usage_explained) return exit_usage;
  if (rc == exit_usage) print_usage(err);
  return rc;
}

}  // namespace kervan
