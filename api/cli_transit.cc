#include "api/cli_transit.h"

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/keys.h"
#include "core/password_hash.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "ledger/transit/transit_queries.h"

namespace kervan {

const char* const transit_usage =
    "  transit register-party OPERATOR ID ROLE [COUNTRY]  the first party of a new registry:\n"
    "                                                   an operator with ID = OPERATOR\n"
    "  transit register-key OPERATOR PARTY PUBLIC-KEY   Z85 text, or a key file\n"
    "  transit revoke-key OPERATOR PUBLIC-KEY\n"
    "  transit load-reference OPERATOR FILE [--effective-from YYYY-MM-DD]  reference data\n"
    "          (tariffs, rates: docs/reference_data.md), checked here first; from today\n"
    "  transit register-guarantee PROVIDER GRN PRINCIPAL AMOUNT CURRENCY REDUCTION FROM TO\n"
    "          [ACCESS-CODE...]                         e.g. ... 100000.00 EUR 50\n"
    "                                                   2026-01-01 2026-12-31 7Q2X\n"
    "  transit amend PROVIDER GRN AMOUNT CURRENCY REDUCTION\n"
    "  transit guarantee-status PROVIDER GRN active|suspended|revoked|cancelled [DATE]\n"
    "  transit declare PRINCIPAL MRN ITINERARY GOODS GUARANTEES [--rule regional|national]\n"
    "          [--expect AMOUNT:CURRENCY,...] [--time-limit-days 8]  the server computes the\n"
    "          amounts to cover; --expect: refused (amount_mismatch) if they differ\n"
    "          e.g. declare 30 26KZ...  KZ,KG,UZ  870323:25000.00:EUR,0:900.00:USD  GRN:CODE\n"
    "  transit release|cancel|arrive|write-off|incident|enquiry|claim-paid ACTOR MRN\n"
    "  transit cross ACTOR MRN COUNTRY\n"
    "  transit claim ACTOR MRN AMOUNT CURRENCY          e.g. 1250.00 EUR\n"
    "  transit settle PROVIDER                          the provider's claims\n"
    "  query movement MRN | guarantee GRN | usage GRN [FROM TO [SKIP]] |\n"
    "        exposure PROVIDER [SKIP]                    lists page by 1,024 from SKIP\n"
    "  query duties COUNTRY CURRENCY [FROM TO]          FROM, TO: dates, inclusive\n"
    "  query reference                                  the reference data versions loaded\n"
    "  query events FROM [LIMIT]                        the steps from that journal sequence on\n"
    "          that this key may read (catching up with a subscription)\n"
    "  query cover PRINCIPAL MRN ITINERARY GOODS GUARANTEES [--rule national]\n"
    "          what the server would compute for that declaration now (locks nothing)\n";

namespace {

struct StepName {
  std::string_view name;
  TransitOperation operation;
};
constexpr std::array<StepName, 18> step_names{{
    {"load-reference", TransitOperation::load_reference_data},
    {"register-party", TransitOperation::register_party},
    {"register-key", TransitOperation::register_key},
    {"revoke-key", TransitOperation::revoke_key},
    {"register-guarantee", TransitOperation::register_guarantee},
    {"amend", TransitOperation::amend_guarantee},
    {"declare", TransitOperation::declare_movement},
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

// The command-line name of a step ("release"), or "operation N" for one the client has no name
// for.
std::string step_name(TransitOperation operation) {
  for (const StepName& s : step_names) {
    if (s.operation == operation) return std::string(s.name);
  }
  return "operation " + std::to_string(static_cast<int>(operation));
}

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
    case TransitOperation::declare_movement:
    case TransitOperation::load_reference_data:
      return rest.empty();  // The rest: parse_declare(), parse_load_reference().
    case TransitOperation::register_party: {
      // register-party OPERATOR ID ROLE [COUNTRY]: only an operator registers parties.
      uint64_t id = 0;
      if (rest.size() < 2 || rest.size() > 3) return false;
      if (!parse_small(rest[0], UINT64_MAX, &id) || id == 0) {
        *error = std::string("ID must be a party id, not '") + rest[0] + "'";
        return false;
      }
      c->party.id = PartyId{id};
      if (!parse_role(rest[1], &c->party.role)) {
        *error = std::string("ROLE '") + rest[1] +
                 "' is not provider, customs, principal, analyst or operator";
        return false;
      }
      if (rest.size() == 3 && Country::parse(rest[2], &c->party.country) != CountryError::ok) {
        *error = std::string("COUNTRY '") + rest[2] + "' is not an ISO 3166 alpha-2 code";
        return false;
      }
      return true;
    }
    case TransitOperation::register_key:
    case TransitOperation::revoke_key: {
      // register-key OPERATOR PARTY PUBLIC-KEY, revoke-key OPERATOR PUBLIC-KEY.
      const bool registering = step->operation == TransitOperation::register_key;
      if (rest.size() != (registering ? 2u : 1u)) return false;
      uint64_t party = 0;
      if (registering && (!parse_small(rest[0], UINT64_MAX, &party) || party == 0)) {
        *error = std::string("PARTY must be a party id, not '") + rest[0] + "'";
        return false;
      }
      std::string z85;
      const char* key_text = rest[registering ? 1 : 0];
      if (!load_public_key(key_text, &z85).ok() || !decode_public_key(z85, &c->key)) {
        *error = std::string("PUBLIC-KEY '") + key_text +
                 "' is neither 40 Z85 characters nor a key file";
        return false;
      }
      c->key_party = PartyId{party};
      return true;
    }
    case TransitOperation::register_guarantee: {
      // register-guarantee PROVIDER GRN PRINCIPAL AMOUNT CURRENCY REDUCTION FROM TO [CODE...]:
      // a comprehensive guarantee valid in every country, with up to four access codes.
      if (rest.size() < 7 || rest.size() > 7 + access_codes_max) return false;
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
      for (size_t i = 7; error->empty() && i < rest.size(); ++i) {
        if (hash_access_code(rest[i], &g.access_codes[g.access_codes_count++]) !=
            PasswordHashError::ok) {
          *error = std::string("ACCESS-CODE '") + rest[i] + "' must be 1 to 64 printable characters";
        }
      }
      if (!error->empty()) return false;
      g.principal = PartyId{principal};
      g.reduction_percent = static_cast<uint8_t>(reduction);
      return true;
    }
    case TransitOperation::amend_guarantee: {
      // amend PROVIDER GRN AMOUNT CURRENCY REDUCTION: the new reference amount and level.
      if (rest.size() != 4) return false;
      uint64_t reduction = 0;
      const std::optional<Currency> currency = currency_from_code(rest[2]);
      if (const ReferenceStatus r = Grn::parse(rest[0], &c->grn); !r.ok()) {
        *error = std::string("GRN '") + rest[0] + "': " + to_string(r);
      } else if (!currency) {
        *error = std::string("CURRENCY '") + rest[2] + "' is not a supported ISO 4217 code";
      } else if (parse_amount(rest[1], *currency, &c->amount) != ParseNumberError::ok) {
        *error = std::string("AMOUNT '") + rest[1] + "' is not a decimal amount";
      } else if (!parse_small(rest[3], 100, &reduction)) {
        *error = std::string("REDUCTION '") + rest[3] + "' is not a percentage (100, 50, 30, 0)";
      }
      c->reduction_percent = static_cast<uint8_t>(reduction);
      return error->empty();
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

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

uint64_t wall_clock_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// declare PRINCIPAL MRN ITINERARY GOODS GUARANTEES [flags]: the amounts to cover are computed
// here, as at any point where a declaration enters; the access codes travel beside the command.
// load-reference ... FILE [--effective-from DATE]: the file's text into *text (which the
// command's view points into), checked with the server's own loader so that an error names its
// line and field here.
bool parse_load_reference(std::span<const char* const> rest, TransitCommand* c,
                          std::string* text, std::string* error) {
  if (rest.size() != 1 && rest.size() != 3) return false;
  c->date = date_of_ns(wall_clock_ns());
  if (rest.size() == 3 && (std::string_view(rest[1]) != "--effective-from" ||
                           Date::parse(rest[2], &c->date) != DateError::ok)) {
    *error = std::string("expected --effective-from YYYY-MM-DD, not '") + rest[1] + " " +
             rest[2] + "'";
    return false;
  }
  // A regular file of at most the limit: a directory or a device (/dev/zero) is refused before
  // anything is read.
  std::error_code fs_error;
  const std::uintmax_t size = std::filesystem::file_size(rest[0], fs_error);
  if (fs_error || !std::filesystem::is_regular_file(rest[0], fs_error) || size == 0 ||
      size > reference_text_bytes_max) {
    *error = std::string("FILE '") + rest[0] + "' is not a regular file of 1 to " +
             std::to_string(reference_text_bytes_max) + " bytes";
    return false;
  }
  std::ifstream file(rest[0], std::ios::binary);
  text->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  if (file.bad() || text->size() != size) {
    *error = std::string("FILE '") + rest[0] + "' cannot be read";
    return false;
  }
  ReferenceData data;
  LoadError load_error;
  if (load_reference_data_text(*text, rest[0], &data, &load_error) != LoadErrorCode::ok) {
    *error = load_error.to_string();
    return false;
  }
  c->reference_text = *text;
  return true;
}

// "1250.00:EUR,300.00:EUR": what the declarant expects each reference to be, in order.
bool parse_expected(std::string_view text, std::vector<Amount>* out) {
  out->clear();
  for (const std::string_view item : split(text, ',')) {
    const std::vector<std::string_view> f = split(item, ':');
    const std::optional<Currency> currency =
        f.size() == 2 ? currency_from_code(f[1]) : std::nullopt;
    Amount amount;
    if (!currency || parse_amount(f[0], *currency, &amount) != ParseNumberError::ok ||
        amount.minor() <= 0) {
      return false;
    }
    out->push_back(amount);
  }
  return !out->empty();
}

bool parse_declare(std::span<const char* const> rest, TransitCommand* c,
                   std::vector<std::string>* codes, std::string* error) {
  if (rest.size() < 4) return false;
  Mrn mrn;
  if (const ReferenceStatus r = Mrn::parse(rest[0], &mrn); !r.ok()) {
    *error = std::string("MRN '") + rest[0] + "': " + to_string(r);
    return false;
  }
  std::vector<Country> itinerary;
  for (const std::string_view code : split(rest[1], ',')) {
    Country country;
    if (Country::parse(code, &country) != CountryError::ok) {
      *error = "ITINERARY '" + std::string(code) + "' is not an ISO 3166 alpha-2 code";
      return false;
    }
    itinerary.push_back(country);
  }
  std::vector<GoodsItem> items;
  for (const std::string_view item : split(rest[2], ',')) {
    const std::vector<std::string_view> f = split(item, ':');  // HS6:VALUE:CURRENCY
    uint64_t hs6 = 0;
    const std::optional<Currency> currency =
        f.size() == 3 ? currency_from_code(f[2]) : std::nullopt;
    GoodsItem goods;
    if (f.size() != 3 || !parse_small(f[0], 999999, &hs6) || !currency ||
        parse_amount(f[1], *currency, &goods.customs_value) != ParseNumberError::ok) {
      *error = "GOODS '" + std::string(item) + "' is not HS6:VALUE:CURRENCY (HS6 0: unknown)";
      return false;
    }
    goods.hs6 = static_cast<uint32_t>(hs6);
    items.push_back(goods);
  }
  std::vector<Grn> grns;
  for (const std::string_view reference : split(rest[3], ',')) {
    const size_t colon = reference.find(':');
    Grn grn;
    if (const ReferenceStatus r = Grn::parse(reference.substr(0, colon), &grn); !r.ok()) {
      *error = "GUARANTEES '" + std::string(reference) + "': " + to_string(r);
      return false;
    }
    grns.push_back(grn);
    codes->push_back(colon == std::string_view::npos ? ""
                                                     : std::string(reference.substr(colon + 1)));
  }
  // The facts and, at most, expectations: the server computes the amounts to be covered.
  bool national = false;
  std::vector<Amount> expected;
  uint64_t days = 8;
  for (size_t i = 4; i < rest.size(); i += 2) {
    const std::string_view flag = rest[i];
    if (i + 1 >= rest.size()) return false;
    const std::string_view value = rest[i + 1];
    if (flag == "--rule" && (value == "regional" || value == "national")) {
      national = value == "national";
    } else if (flag == "--expect" && parse_expected(value, &expected)) {
    } else if (flag == "--time-limit-days" && parse_small(value, 365, &days) && days > 0) {
    } else if (flag == "--date" || flag == "--currency") {
      *error = std::string(flag) + ": the server computes the amounts, at its date and in the "
               "guarantee's currency (docs/movements.md)";
      return false;
    } else {
      *error = "bad flag or value: " + std::string(flag) + " " + std::string(value);
      return false;
    }
  }
  const std::optional<uint64_t> start = start_of_day_ns(date_of_ns(wall_clock_ns()));
  KERVAN_ASSERT(start.has_value());
  if (!build_declaration_of_facts(DeclarationInput{.mrn = mrn,
                                                   .principal = c->actor,
                                                   .items = items,
                                                   .itinerary = itinerary,
                                                   .time_limit_ns =
                                                       *start + days * 86'400'000'000'000ull,
                                                   .guarantees = grns},
                                  national, expected, &c->declaration)) {
    *error = "GUARANTEES: give one, or (--rule national) one per itinerary country, and at most "
             "one --expect amount each; at most 64 goods items and 16 countries";
    return false;
  }
  return true;
}

std::string money(Amount a) {
  return format_amount(a) + " " + std::string(currency_code(a.currency()));
}

void movement_fields(Output* o, const Movement& m) {
  const Declaration& d = m.declaration;
  o->field("mrn", d.mrn.text());
  o->field("state", movement_state_name(m.state));
  o->number("principal", static_cast<uint64_t>(d.principal));
  std::string itinerary;
  for (size_t i = 0; i < d.itinerary_count; ++i) {
    if (i != 0) itinerary += ',';
    itinerary += d.itinerary[i].text();
  }
  o->field("itinerary", itinerary);
  o->number("crossings", m.crossings);
  if (m.released_ns != 0) o->field("released", format_rfc3339_ns(m.released_ns));
  if (m.arrived_ns != 0) o->field("arrived", format_rfc3339_ns(m.arrived_ns));
  o->field("time_limit", format_rfc3339_ns(d.time_limit_ns));
  // The reference data version the server computed the amounts with (0: given by a simulation).
  o->number("reference_version", d.reference_version);
  if (m.claimed_ns != 0) {
    o->field("claim_country", m.claim_country.text());
    o->field("claimed", money(m.claimed));
    o->field("drawn", money(m.drawn));
  }
  o->list("references");
  for (size_t i = 0; i < d.references_count; ++i) {
    const GuaranteeReference& r = d.references[i];
    o->begin_row();
    o->row_field("grn", r.grn.text(), true);
    o->row_field("amount", format_amount(r.amount_concerned), true);
    o->row_field("currency", currency_code(r.amount_concerned.currency()), true);
    o->row_field("leg", r.leg == whole_movement ? "all" : std::to_string(r.leg), true);
    o->row_field("discharged", (m.discharged_references >> i) & 1 ? "true" : "false", false);
    o->end_row();
  }
  o->list("history");
  for (size_t i = 0; i < m.history_count; ++i) {
    const MovementHistoryEntry& e = m.history[i];
    o->begin_row();
    o->row_field("event", movement_event_name(e.event), true);
    o->row_field("country", e.country.empty() ? "" : e.country.text(), true);
    o->row_number("party", static_cast<uint64_t>(e.party));
    o->row_field("at", format_rfc3339_ns(e.at_ns), true);
    o->end_row();
  }
}

void guarantee_fields(Output* o, const Guarantee& g, const GuaranteeBalance& b) {
  o->field("grn", g.spec.grn.text());
  o->field("type", guarantee_type_name(g.spec.type));
  o->field("status", guarantee_status_name(g.status));
  o->number("provider", static_cast<uint64_t>(g.spec.provider));
  o->number("principal", static_cast<uint64_t>(g.spec.principal));
  o->field("valid_from", g.spec.valid_from.to_string());
  o->field("valid_to", g.spec.valid_to.to_string());
  o->field("reference_amount", money(g.spec.reference_amount));
  o->number("reduction_percent", g.spec.reduction_percent);
  o->field("amount", money(b.amount));
  o->field("reserved", money(b.reserved));
  o->field("drawn", money(b.drawn));
  o->field("available", money(b.available));
  o->number("open_movements", b.open_movements);
}

// FROM TO as dates, inclusive: [start of FROM, end of TO].
bool parse_period(std::span<const char* const> args, uint64_t* from_ns, uint64_t* to_ns) {
  if (args.empty()) return true;
  Date from, to;
  if (args.size() != 2 || Date::parse(args[0], &from) != DateError::ok ||
      Date::parse(args[1], &to) != DateError::ok) {
    return false;
  }
  const std::optional<uint64_t> start = start_of_day_ns(from);
  const std::optional<Date> after = to.plus_days(1);
  const std::optional<uint64_t> end = after ? start_of_day_ns(*after) : std::nullopt;
  if (!start || !end) return false;
  *from_ns = *start;
  *to_ns = *end - 1;
  return true;
}

}  // namespace

int run_transit_step(Session& s, std::span<const char* const> args) {
  TransitCommand command;
  std::string error;
  std::vector<std::string> codes;
  std::string reference_text;
  const std::string_view step = args.empty() ? std::string_view() : args[0];
  bool parsed = false;
  if (args.size() >= 2 && step == "declare") {
    parsed = parse_transit(args.first(2), &command, &error) &&
             parse_declare(args.subspan(2), &command, &codes, &error);
  } else if (args.size() >= 2 && step == "load-reference") {
    parsed = parse_transit(args.first(2), &command, &error) &&
             parse_load_reference(args.subspan(2), &command, &reference_text, &error);
  } else {
    parsed = parse_transit(args, &command, &error);
  }
  if (!parsed) return error.empty() ? exit_usage : explain_usage(s, error);
  std::vector<std::string_view> views(codes.begin(), codes.end());
  TransitResult result{};
  const ProtocolStatus status = s.client->transit(command, &result, s.timeout_ms, 0, views);
  if (s.client->in_flight() != 0) return timed_out(s);
  if (status != ProtocolStatus::ok) return refused(s, "transit_command", status);
  s.out->field("step", args[0]);
  s.out->field("result", result_name(result));
  if (command.operation == TransitOperation::declare_movement) {
    // What the server computed, as it recorded it (the principal reads its own movement).
    s.out->field("mrn", command.declaration.mrn.text());
    TransitAnswer answer;
    const TransitQuery query{.kind = QueryKind::movement, .mrn = command.declaration.mrn};
    if (result == TransitResult::ok &&
        s.client->transit_query(query, &answer, s.timeout_ms) == ProtocolStatus::ok &&
        answer.result == QueryResult::ok) {
      const Declaration& d = answer.movement.declaration;
      s.out->number("reference_version", d.reference_version);
      for (size_t i = 0; i < d.references_count; ++i) {
        s.out->field("covered_" + std::to_string(i), money(d.references[i].amount_concerned));
      }
    }
  }
  s.out->flush();
  return result == TransitResult::ok ? exit_ok : exit_refused;
}

int run_transit_query(Session& s, std::span<const char* const> args) {
  // Every query names something, but the list of reference data versions.
  if (args.empty() || (args.size() < 2 && std::string_view(args[0]) != "reference")) {
    return exit_usage;
  }
  const std::string_view kind = args[0];
  const std::span<const char* const> rest = args.subspan(1);
  TransitQuery q;
  if (kind == "movement" && rest.size() == 1) {
    q.kind = QueryKind::movement;
    if (const ReferenceStatus r = Mrn::parse(rest[0], &q.mrn); !r.ok()) {
      return explain_usage(s, std::string("MRN '") + rest[0] + "': " + to_string(r));
    }
  } else if ((kind == "guarantee" && rest.size() == 1) || kind == "usage") {
    q.kind = kind == "usage" ? QueryKind::guarantee_usage : QueryKind::guarantee;
    if (const ReferenceStatus r = Grn::parse(rest[0], &q.grn); !r.ok()) {
      return explain_usage(s, std::string("GRN '") + rest[0] + "': " + to_string(r));
    }
    std::span<const char* const> period = rest.subspan(1);
    if (q.kind == QueryKind::guarantee_usage && period.size() == 3) {  // FROM TO SKIP
      uint64_t skip = 0;
      if (!parse_small(period[2], UINT32_MAX, &skip)) {
        return explain_usage(s, "SKIP must be a count of entries");
      }
      q.skip = static_cast<uint32_t>(skip);
      period = period.first(2);
    }
    if (!parse_period(period, &q.from_ns, &q.to_ns)) {
      return explain_usage(s, "FROM and TO must be dates, YYYY-MM-DD");
    }
  } else if (kind == "exposure" && rest.size() <= 2) {
    q.kind = QueryKind::exposure;
    uint64_t provider = 0, skip = 0;
    if (!parse_small(rest[0], UINT64_MAX, &provider) || provider == 0 ||
        (rest.size() == 2 && !parse_small(rest[1], UINT32_MAX, &skip))) {
      return explain_usage(s, "exposure PROVIDER [SKIP]: party ids and counts are decimal");
    }
    q.provider = PartyId{provider};
    q.skip = static_cast<uint32_t>(skip);
  } else if (kind == "duties" && rest.size() >= 2) {
    q.kind = QueryKind::duty_statement;
    const std::optional<Currency> currency = currency_from_code(rest[1]);
    if (Country::parse(rest[0], &q.country) != CountryError::ok || !currency) {
      return explain_usage(s, "duties COUNTRY CURRENCY: an ISO 3166 and an ISO 4217 code");
    }
    q.currency = *currency;
    if (!parse_period(rest.subspan(2), &q.from_ns, &q.to_ns)) {
      return explain_usage(s, "FROM and TO must be dates, YYYY-MM-DD");
    }
  } else if (kind == "reference" && rest.empty()) {
    q.kind = QueryKind::reference_versions;
  } else if (kind == "events" && rest.size() <= 2) {
    q.kind = QueryKind::events;
    uint64_t from = 0, limit = events_entries_max;
    if (!parse_small(rest[0], UINT64_MAX, &from) || from == 0 ||
        (rest.size() == 2 && (!parse_small(rest[1], events_entries_max, &limit) || limit == 0))) {
      return explain_usage(s, "events FROM [LIMIT]: a journal sequence from 1, at most 1024");
    }
    q.from_sequence = from;
    q.limit = static_cast<uint32_t>(limit);
  } else if (kind == "cover" && rest.size() >= 5) {
    // The arguments of `transit declare`: what the server would compute for it now.
    q.kind = QueryKind::cover;
    TransitCommand c;
    std::vector<std::string> codes;
    std::string error;
    uint64_t principal = 0;
    if (!parse_small(rest[0], UINT64_MAX, &principal) || principal == 0) {
      return explain_usage(s, std::string("PRINCIPAL must be a party id, not '") + rest[0] + "'");
    }
    c.actor = PartyId{principal};
    if (!parse_declare(rest.subspan(1), &c, &codes, &error)) {
      return error.empty() ? exit_usage : explain_usage(s, error);
    }
    q.declaration = c.declaration;
  } else {
    return exit_usage;
  }
  TransitAnswer a;
  const ProtocolStatus status = s.client->transit_query(q, &a, s.timeout_ms);
  if (s.client->in_flight() != 0) return timed_out(s);
  if (status != ProtocolStatus::ok) return refused(s, "transit_query", status);
  s.out->field("query", query_kind_name(a.kind));
  s.out->field("result", query_result_name(a.result));
  if (a.result == QueryResult::refused) s.out->field("refusal", result_name(a.refusal));
  if (a.result != QueryResult::ok) {
    s.out->flush();
    return exit_refused;
  }
  switch (a.kind) {
    case QueryKind::movement:
      movement_fields(s.out, a.movement);
      break;
    case QueryKind::reference_versions:
      s.out->list("versions");
      for (const TransitAnswer::Version& v : a.versions) {
        s.out->begin_row();
        s.out->row_number("id", v.id);
        s.out->row_field("effective_from", v.effective_from.to_string(), true);
        s.out->row_field("loaded", format_rfc3339_ns(v.loaded_ns), true);
        s.out->row_field("content_hash", to_hex(v.content_hash), true);
        s.out->row_number("superseded_by", v.superseded_by);
        s.out->end_row();
      }
      break;
    case QueryKind::events:
      s.out->number("next_from", a.next_from);
      s.out->number("durable_last", a.durable_last);
      s.out->list("steps");
      for (const JournaledStep& step : a.steps) {
        TransitCommand c;
        if (!decode_transit_command(step.command_bytes, &c)) continue;  // Checked when decoded.
        s.out->begin_row();
        s.out->row_number("sequence", step.sequence);
        s.out->row_field("at", format_rfc3339_ns(step.at_ns), true);
        s.out->row_field("step", step_name(c.operation), true);
        s.out->row_number("actor", static_cast<uint64_t>(c.actor));
        s.out->end_row();
      }
      break;
    case QueryKind::cover: {
      const Declaration& d = a.declaration;
      s.out->number("reference_version", d.reference_version);
      for (size_t i = 0; i < d.references_count; ++i) {
        s.out->field("covered_" + std::to_string(i), money(d.references[i].amount_concerned));
      }
      for (size_t i = 0; i < d.itinerary_count; ++i) {
        s.out->field("duties_" + std::to_string(i) + "_" + std::string(d.itinerary[i].text()),
                     money(d.duties[i]));
      }
      break;
    }
    case QueryKind::guarantee:
      guarantee_fields(s.out, a.guarantee, a.balance);
      break;
    case QueryKind::guarantee_usage:
      s.out->number("total", a.total);
      s.out->list("usage");
      for (const GuaranteeUsage& u : a.usage) {
        s.out->begin_row();
        s.out->row_field("mrn", u.mrn.text(), true);
        s.out->row_field("covered", money(u.covered), true);
        s.out->row_field("state", movement_state_name(u.state), true);
        s.out->row_field("locked", format_rfc3339_ns(u.lock_ns), true);
        s.out->row_field("released", u.release_ns == 0 ? "" : format_rfc3339_ns(u.release_ns),
                         true);
        s.out->end_row();
      }
      break;
    case QueryKind::exposure:
      s.out->number("provider", static_cast<uint64_t>(a.provider));
      s.out->number("total", a.total);
      s.out->list("principals");
      for (const PrincipalExposure& e : a.exposure) {
        s.out->begin_row();
        s.out->row_number("principal", static_cast<uint64_t>(e.principal));
        s.out->row_field("reserved", money(e.reserved), true);
        s.out->row_field("drawn", money(e.drawn), true);
        s.out->row_number("open_movements", e.open_movements);
        s.out->row_number("guarantees", e.guarantees);
        s.out->end_row();
      }
      break;
    case QueryKind::duty_statement: {
      const DutyStatement& d = a.duties;
      s.out->field("country", d.country.text());
      s.out->field("suspended_now", money(d.suspended_now));
      s.out->number("claims", d.claims);
      s.out->field("claimed", money(d.claimed));
      s.out->field("drawn", money(d.drawn));
      s.out->field("uncovered", money(d.uncovered));
      s.out->field("collected", money(d.collected));
      break;
    }
  }
  s.out->flush();
  return exit_ok;
}

}  // namespace kervan
