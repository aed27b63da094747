// Transit queries: the codec of queries and answers, what an answer holds (and never holds:
// access-code hashes), and who may read what (ledger/transit/read_access.h), on a small ledger
// with two movements and two guarantees.
#include "api/transit_query.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/password_hash.h"
#include "tests/support/transit_values.h"

namespace kervan {
namespace {

using TR = TransitResult;

constexpr PartyId provider{1};
constexpr PartyId other_provider{3};
constexpr PartyId principal{2};
constexpr PartyId other_principal{4};
constexpr PartyId customs_kz{10};
constexpr PartyId customs_uz{11};
constexpr PartyId customs_tr{14};
constexpr PartyId analyst{99};
constexpr PartyId operator_party{100};

class TransitQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Party& p : parties) ASSERT_EQ(register_parties(ledger, now, {p}), TR::ok);
    GuaranteeSpec s;
    s.grn = grn_kz;
    s.type = GuaranteeType::comprehensive;
    s.provider = provider;
    s.principal = principal;
    s.reference_amount = eur(100'000'00);
    s.valid_from = date(2026, 1, 1);
    s.valid_to = date(2026, 12, 31);
    s.countries_count = 2;  // Valid in KZ and UZ only.
    s.countries[0] = Country::of("KZ");
    s.countries[1] = Country::of("UZ");
    s.access_codes_count = 1;
    ASSERT_EQ(hash_access_code("AB12", &s.access_codes[0]), PasswordHashError::ok);
    ASSERT_EQ(ledger.register_guarantee(now, provider, s), TR::ok);
    s.grn = grn_other;
    s.provider = other_provider;
    s.principal = other_principal;
    s.countries_count = 0;
    ASSERT_EQ(ledger.register_guarantee(now, other_provider, s), TR::ok);
    declare_and_release(mrn_kz_uz, grn_kz, principal, 5'000'00);
    now += day_ns;
    declare_and_release(mrn_second, grn_kz, principal, 7'000'00);
  }

  void declare_and_release(const Mrn& mrn, const Grn& grn, PartyId who, i128 amount) {
    Declaration d;
    d.mrn = mrn;
    d.principal = who;
    d.itinerary_count = 2;
    d.itinerary[0] = Country::of("KZ");
    d.itinerary[1] = Country::of("UZ");
    d.duties[0] = eur(amount);
    d.duties[1] = eur(amount / 2);
    d.goods_count = 1;
    d.goods[0] = GoodsLine{.hs6 = 870323, .value = eur(40'000'00)};
    d.time_limit_ns = now + 8 * day_ns;
    d.references_count = 1;
    d.references[0] = GuaranteeReference{
        .grn = grn, .amount_concerned = eur(amount), .access_code_valid = true};
    ASSERT_EQ(ledger.declare_movement(now, who, d), TR::ok);
    ASSERT_EQ(ledger.release_movement(now, customs_kz, mrn), TR::ok);
  }

  // Answers `q` for `reader` (nullptr: insecure) and decodes the answer.
  QueryAccess ask(const Party* reader, const TransitQuery& q, TransitAnswer* answer) {
    std::vector<uint8_t> out(transit_answer_bytes_max);
    size_t written = 0;
    const QueryAccess access = answer_transit_query(ledger, reader, q, out, &written);
    if (access == QueryAccess::answered) {
      EXPECT_TRUE(decode_transit_answer(std::span(out).first(written), answer));
    } else {
      EXPECT_EQ(written, 0u);
    }
    return access;
  }

  const Party* party(PartyId id) const { return ledger.party(id); }

  const std::array<Party, 9> parties = {{
      {provider, PartyRole::provider, Country::of("KZ")},
      {other_provider, PartyRole::provider, Country::of("UZ")},
      {principal, PartyRole::principal, Country::of("CN")},
      {other_principal, PartyRole::principal, Country::of("KZ")},
      {customs_kz, PartyRole::customs, Country::of("KZ")},
      {customs_uz, PartyRole::customs, Country::of("UZ")},
      {customs_tr, PartyRole::customs, Country::of("TR")},
      {analyst, PartyRole::analyst, Country::of("KZ")},
      {operator_party, PartyRole::operator_, Country()},
  }};
  const Grn grn_kz = make_grn(26, Country::of("KZ"), "QUERY0000001");
  const Grn grn_other = make_grn(26, Country::of("UZ"), "QUERY0000002");
  const Mrn mrn_kz_uz = make_mrn(26, Country::of("KZ"), "QUERY0000001");
  const Mrn mrn_second = make_mrn(26, Country::of("KZ"), "QUERY0000002");
  uint64_t now = static_cast<uint64_t>(date(2026, 3, 2).days_since_epoch()) * day_ns;
  TransitLedger ledger{TransitConfig{
      .parties_max = 16, .guarantees_max = 8, .movements_max = 8, .hash_seed = 3}};
};

TEST(TransitQueryCodec, EveryKindRoundTrips) {
  const std::array<TransitQuery, 5> queries = {{
      {.kind = QueryKind::movement, .mrn = make_mrn(26, Country::of("KZ"), "CODEC0000001")},
      {.kind = QueryKind::guarantee, .grn = make_grn(26, Country::of("KZ"), "CODEC0000001")},
      {.kind = QueryKind::guarantee_usage,
       .grn = make_grn(26, Country::of("KZ"), "CODEC0000002"),
       .from_ns = 5,
       .to_ns = 9,
       .skip = 3},
      {.kind = QueryKind::exposure, .provider = PartyId{77}, .skip = 1024},
      {.kind = QueryKind::duty_statement,
       .country = Country::of("UZ"),
       .currency = Currency::uzs,
       .from_ns = 1,
       .to_ns = 2},
  }};
  for (const TransitQuery& q : queries) {
    std::array<uint8_t, 128> bytes{};
    const size_t size = encode_transit_query(q, bytes);
    ASSERT_NE(size, 0u);
    TransitQuery back;
    ASSERT_TRUE(decode_transit_query(std::span(bytes).first(size), &back));
    EXPECT_EQ(back.kind, q.kind);
    EXPECT_EQ(back.mrn, q.mrn);
    EXPECT_EQ(back.grn, q.grn);
    EXPECT_EQ(back.provider, q.provider);
    EXPECT_EQ(back.country, q.country);
    EXPECT_EQ(back.currency, q.currency);
    EXPECT_EQ(back.from_ns, q.from_ns);
    EXPECT_EQ(back.to_ns, q.to_ns);
    EXPECT_EQ(back.skip, q.skip);
    // Every shorter prefix and one byte more are refused.
    for (size_t n = 0; n < size; ++n) {
      EXPECT_FALSE(decode_transit_query(std::span(bytes).first(n), &back)) << n;
    }
    EXPECT_FALSE(decode_transit_query(std::span(bytes).first(size + 1), &back));
  }
}

TEST(TransitQueryCodec, RefusesBadFieldValues) {
  TransitQuery q;
  const auto decodes = [&](std::vector<uint8_t> bytes) { return decode_transit_query(bytes, &q); };
  EXPECT_FALSE(decodes({0}));     // Kind 0.
  EXPECT_FALSE(decodes({6}));     // Kind past the last.
  EXPECT_FALSE(decodes({1, 0}));  // A movement query without an MRN.
  std::vector<uint8_t> bad_mrn = {1, 18};
  for (const char c : std::string_view("26KZQUERY0000001J9")) bad_mrn.push_back(uint8_t(c));
  EXPECT_FALSE(decodes(bad_mrn));  // Wrong check digit.
  // A duty statement in currency 999 (not ISO 4217 here).
  std::vector<uint8_t> duties = {5};
  const uint16_t kz = Country::of("KZ").code();
  duties.insert(duties.end(), {uint8_t(kz), uint8_t(kz >> 8), 0xe7, 0x03});
  duties.resize(duties.size() + 16, 0);
  EXPECT_FALSE(decodes(duties));
  duties[3] = 0xd2;  // 978: EUR.
  EXPECT_TRUE(decodes(duties));
}

TEST_F(TransitQueries, AMovementAnswerHoldsItsStateReferencesAndHistory) {
  TransitAnswer a;
  ASSERT_EQ(ask(party(analyst), {.kind = QueryKind::movement, .mrn = mrn_kz_uz}, &a),
            QueryAccess::answered);
  ASSERT_EQ(a.result, QueryResult::ok);
  const Movement& m = *ledger.movement(mrn_kz_uz);
  EXPECT_EQ(a.movement.declaration.mrn, mrn_kz_uz);
  EXPECT_EQ(a.movement.state, MovementState::released);
  EXPECT_EQ(a.movement.released_ns, m.released_ns);
  ASSERT_EQ(a.movement.declaration.references_count, 1);
  EXPECT_EQ(a.movement.declaration.references[0].amount_concerned, eur(5'000'00));
  ASSERT_EQ(a.movement.history_count, 2);
  EXPECT_EQ(a.movement.history[1].event, MovementEvent::released);
  EXPECT_EQ(a.movement.history[1].party, customs_kz);
}

TEST_F(TransitQueries, AGuaranteeAnswerHoldsItsBalanceButNeverItsAccessCodes) {
  TransitAnswer a;
  ASSERT_EQ(ask(party(provider), {.kind = QueryKind::guarantee, .grn = grn_kz}, &a),
            QueryAccess::answered);
  ASSERT_EQ(a.result, QueryResult::ok);
  EXPECT_EQ(ledger.guarantee(grn_kz)->spec.access_codes_count, 1);
  EXPECT_EQ(a.guarantee.spec.access_codes_count, 0);
  EXPECT_EQ(a.balance.amount, eur(100'000'00));
  EXPECT_EQ(a.balance.reserved, eur(12'000'00));
  EXPECT_EQ(a.balance.available, eur(88'000'00));
  EXPECT_EQ(a.balance.open_movements, 2u);
  EXPECT_EQ(a.guarantee.status, GuaranteeStatus::active);
}

TEST_F(TransitQueries, UsageAndExposurePageThroughTheirEntries) {
  TransitAnswer a;
  ask(nullptr, {.kind = QueryKind::guarantee_usage, .grn = grn_kz}, &a);
  ASSERT_EQ(a.result, QueryResult::ok);
  EXPECT_EQ(a.total, 2u);
  ASSERT_EQ(a.usage.size(), 2u);
  EXPECT_EQ(a.usage[0].mrn, mrn_kz_uz);  // Lock order.
  EXPECT_EQ(a.usage[1].covered, eur(7'000'00));
  ask(nullptr, {.kind = QueryKind::guarantee_usage, .grn = grn_kz, .skip = 1}, &a);
  EXPECT_EQ(a.total, 2u);
  ASSERT_EQ(a.usage.size(), 1u);
  EXPECT_EQ(a.usage[0].mrn, mrn_second);
  ask(nullptr, {.kind = QueryKind::guarantee_usage, .grn = grn_kz, .skip = 9}, &a);
  EXPECT_EQ(a.total, 2u);
  EXPECT_TRUE(a.usage.empty());
  // Only the first movement locked within its day.
  const uint64_t first_lock = ledger.movement(mrn_kz_uz)->released_ns;
  ask(nullptr,
      {.kind = QueryKind::guarantee_usage, .grn = grn_kz, .from_ns = first_lock,
       .to_ns = first_lock + 1},
      &a);
  EXPECT_EQ(a.total, 1u);
  ask(nullptr, {.kind = QueryKind::exposure, .provider = provider}, &a);
  ASSERT_EQ(a.result, QueryResult::ok);
  EXPECT_EQ(a.provider, provider);
  ASSERT_EQ(a.exposure.size(), 1u);
  EXPECT_EQ(a.exposure[0].principal, principal);
  EXPECT_EQ(a.exposure[0].reserved, eur(12'000'00));
  EXPECT_EQ(a.exposure[0].open_movements, 2u);
}

TEST_F(TransitQueries, NotFoundAndABadPeriodAreAnswers) {
  TransitAnswer a;
  const Mrn unknown = make_mrn(26, Country::of("KZ"), "NOSUCH000001");
  // Whoever asks: an id that does not exist is not_found (nothing of it to protect).
  ASSERT_EQ(ask(party(customs_tr), {.kind = QueryKind::movement, .mrn = unknown}, &a),
            QueryAccess::answered);
  EXPECT_EQ(a.result, QueryResult::not_found);
  ask(party(analyst),
      {.kind = QueryKind::guarantee, .grn = make_grn(26, Country::of("KZ"), "NOSUCH000001")},
      &a);
  EXPECT_EQ(a.result, QueryResult::not_found);
  ask(party(analyst),
      {.kind = QueryKind::duty_statement, .country = Country::of("KZ"),
       .currency = Currency::eur, .from_ns = 9, .to_ns = 8},
      &a);
  EXPECT_EQ(a.result, QueryResult::period_invalid);
  ask(party(customs_kz),
      {.kind = QueryKind::duty_statement, .country = Country::of("KZ"),
       .currency = Currency::eur},
      &a);
  ASSERT_EQ(a.result, QueryResult::ok);
  EXPECT_EQ(a.duties.suspended_now, eur(12'000'00));
}

TEST_F(TransitQueries, EachPartyReadsOnlyWhatIsItsOwn) {
  struct Case {
    const char* name;
    PartyId reader;
    TransitQuery query;
    QueryAccess expected;
  };
  const auto movement = [&](const Mrn& m) {
    return TransitQuery{.kind = QueryKind::movement, .mrn = m};
  };
  const auto guarantee = [&](const Grn& g) {
    return TransitQuery{.kind = QueryKind::guarantee, .grn = g};
  };
  const auto usage = [&](const Grn& g) {
    return TransitQuery{.kind = QueryKind::guarantee_usage, .grn = g};
  };
  const auto exposure = [&](PartyId p) {
    return TransitQuery{.kind = QueryKind::exposure, .provider = p};
  };
  const auto duties = [&](Country c) {
    return TransitQuery{.kind = QueryKind::duty_statement, .country = c, .currency = Currency::eur};
  };
  const Country kz = Country::of("KZ");
  const Country uz = Country::of("UZ");
  constexpr QueryAccess yes = QueryAccess::answered;
  constexpr QueryAccess no = QueryAccess::forbidden;
  const Case cases[] = {
      {"operator reads a movement", operator_party, movement(mrn_kz_uz), yes},
      {"analyst reads a duty statement", analyst, duties(uz), yes},
      {"analyst reads any exposure", analyst, exposure(other_provider), yes},
      {"principal reads its movement", principal, movement(mrn_kz_uz), yes},
      {"another principal does not", other_principal, movement(mrn_kz_uz), no},
      {"principal reads its guarantee", principal, guarantee(grn_kz), yes},
      {"principal not another's", principal, guarantee(grn_other), no},
      {"principal reads no exposure", principal, exposure(provider), no},
      {"principal reads no duties", principal, duties(kz), no},
      {"provider reads the movement its guarantee secures", provider, movement(mrn_kz_uz), yes},
      {"another provider does not", other_provider, movement(mrn_kz_uz), no},
      {"provider reads its guarantee's usage", provider, usage(grn_kz), yes},
      {"provider not another's usage", provider, usage(grn_other), no},
      {"provider reads its exposure", provider, exposure(provider), yes},
      {"provider not another's exposure", provider, exposure(other_provider), no},
      {"provider reads no duties", provider, duties(kz), no},
      {"customs of departure reads the movement", customs_kz, movement(mrn_kz_uz), yes},
      {"customs of destination reads it", customs_uz, movement(mrn_kz_uz), yes},
      {"customs off the itinerary does not", customs_tr, movement(mrn_kz_uz), no},
      {"customs reads a guarantee valid in its country", customs_uz, guarantee(grn_kz), yes},
      {"customs not one valid elsewhere only", customs_tr, guarantee(grn_kz), no},
      {"customs reads a guarantee valid everywhere", customs_tr, guarantee(grn_other), yes},
      {"customs reads its country's duties", customs_kz, duties(kz), yes},
      {"customs not another country's", customs_kz, duties(uz), no},
      {"customs reads no exposure", customs_kz, exposure(provider), no},
  };
  for (const Case& c : cases) {
    TransitAnswer a;
    EXPECT_EQ(ask(party(c.reader), c.query, &a), c.expected) << c.name;
    if (c.expected == yes) {
      EXPECT_EQ(a.result, QueryResult::ok) << c.name;
    }
  }
}

TEST_F(TransitQueries, AnAnswerThatIsCutOrPaddedDoesNotDecode) {
  std::vector<uint8_t> out(transit_answer_bytes_max);
  size_t written = 0;
  ASSERT_EQ(answer_transit_query(ledger, nullptr, {.kind = QueryKind::movement, .mrn = mrn_kz_uz},
                                 out, &written),
            QueryAccess::answered);
  TransitAnswer a;
  for (size_t n = 0; n < written; ++n) {
    EXPECT_FALSE(decode_transit_answer(std::span(out).first(n), &a)) << n;
  }
  EXPECT_FALSE(decode_transit_answer(std::span(out).first(written + 1), &a));
  EXPECT_TRUE(decode_transit_answer(std::span(out).first(written), &a));
}

}  // namespace
}  // namespace kervan
