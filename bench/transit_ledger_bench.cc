// Movements per second through the transit ledger's domain steps, in memory: declare, release,
// crossing, arrival, write-off and archive of each movement on a regional guarantee (what the
// simulator drives per simulated truck). Archiving keeps the live table small (1,024 slots),
// so memory follows the movements in flight; the core holds every movement's account and two
// transfers.
//
// Declarations per second with the amounts computed by the ledger (BM_DeclareComputed): random
// goods (cars, cigarettes, spirits, clothes, computers, vegetables, unclassifiable items) on
// random CAREC corridors, each declared with the sender's figures absent, computed from the
// shipped reference data on the step's date, then cancelled and archived to keep the table
// small; and the computation alone (BM_ComputeDeclaration).
//
//   build/bench/kervan_transit_ledger_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <memory>
#include <vector>

#include "core/random.h"
#include "ledger/transit/declaration_builder.h"
#include "ledger/transit/reference_data.h"
#include "ledger/transit/transit_command.h"
#include "ledger/transit/transit_ledger.h"

namespace kervan {
namespace {

constexpr uint64_t day_ns = 86'400ull * 1'000'000'000ull;
constexpr PartyId provider{1}, principal{2}, customs_kz{10}, customs_kg{11}, customs_uz{12},
    operator_party{20};

Amount eur(i128 minor) { return Amount::from_minor(minor, Currency::eur); }

void BM_MovementLifeCycle(benchmark::State& state) {
  const auto movements = static_cast<uint32_t>(state.range(0));
  const uint32_t guarantees = 1000;
  for (auto _ : state) {
    state.PauseTiming();
    auto ledger = std::make_unique<TransitLedger>(TransitConfig{
        .parties_max = 16, .guarantees_max = guarantees, .movements_max = 1024,
        .hash_seed = 7,
        .ledger_accounts_max = movements + guarantees + 256,
        .ledger_transfers_max = 2 * movements + 4 * guarantees});
    uint64_t now = static_cast<uint64_t>(Date::from_civil(2026, 3, 2)->days_since_epoch()) * day_ns;
    for (const Party& p : {Party{operator_party, PartyRole::operator_, Country()},
                           Party{provider, PartyRole::provider, Country::of("KZ")},
                           Party{principal, PartyRole::principal, Country::of("CN")},
                           Party{customs_kz, PartyRole::customs, Country::of("KZ")},
                           Party{customs_kg, PartyRole::customs, Country::of("KG")},
                           Party{customs_uz, PartyRole::customs, Country::of("UZ")}}) {
      // The operator first: it registers itself (the bootstrap), then the others.
      KERVAN_ASSERT(ledger->register_party(now, operator_party, p) == TransitResult::ok);
    }
    std::vector<Grn> grns;
    for (uint32_t g = 0; g < guarantees; ++g) {
      char serial[13];
      std::snprintf(serial, sizeof serial, "BENCH%07u", g % 10'000'000);
      GuaranteeSpec s;
      s.grn = make_grn(26, Country::of("KZ"), serial);
      s.provider = provider;
      s.principal = principal;
      s.reference_amount = eur(i128{1'000'000'000'00});
      s.valid_from = *Date::from_civil(2026, 1, 1);
      s.valid_to = *Date::from_civil(2027, 12, 31);
      KERVAN_ASSERT(ledger->register_guarantee(now, provider, s) == TransitResult::ok);
      grns.push_back(s.grn);
    }
    Declaration d;
    d.principal = principal;
    d.itinerary_count = 3;
    d.itinerary[0] = Country::of("KZ");
    d.itinerary[1] = Country::of("KG");
    d.itinerary[2] = Country::of("UZ");
    for (size_t i = 0; i < 3; ++i) d.duties[i] = eur(2'000'00);
    d.goods_count = 2;
    d.goods[0] = GoodsLine{.hs6 = 870323, .value = eur(30'000'00)};
    d.goods[1] = GoodsLine{.hs6 = 90240, .value = eur(5'000'00)};
    d.references_count = 1;
    state.ResumeTiming();
    for (uint32_t m = 0; m < movements; ++m) {
      char serial[13];
      std::snprintf(serial, sizeof serial, "BENCH%07u", m % 10'000'000);
      d.mrn = make_mrn(26, Country::of("KZ"), serial);
      d.time_limit_ns = now + 8 * day_ns;
      d.references[0] = GuaranteeReference{
          .grn = grns[m % guarantees], .amount_concerned = eur(4'000'00), .access_code_valid = true};
      bool ok = ledger->declare_movement(now, principal, d) == TransitResult::ok;
      ok = ok && ledger->release_movement(now + 1, customs_kz, d.mrn) == TransitResult::ok;
      ok = ok && ledger->record_crossing(now + 2, customs_kg, d.mrn, Country::of("KG")) ==
                     TransitResult::ok;
      ok = ok && ledger->record_arrival(now + 3, customs_uz, d.mrn) == TransitResult::ok;
      ok = ok && ledger->write_off(now + 4, customs_kz, d.mrn) == TransitResult::ok;
      ok = ok && ledger->archive_movement(now + 4, operator_party, d.mrn) == TransitResult::ok;
      KERVAN_ASSERT(ok);
      now += 5;
    }
    state.PauseTiming();
    ledger.reset();
    state.ResumeTiming();
  }
  state.counters["movements_per_s"] =
      benchmark::Counter(double(movements) * double(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MovementLifeCycle)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

// A ledger with the shipped reference data in force from `now`, a principal, customs of KZ, an
// operator, and one regional guarantee large enough for every declaration.
std::unique_ptr<TransitLedger> ledger_with_reference_data(uint64_t now, const Grn& grn) {
  auto ledger = std::make_unique<TransitLedger>(TransitConfig{
      .parties_max = 16, .guarantees_max = 4, .movements_max = 1024, .hash_seed = 7,
      .ledger_accounts_max = 4096, .ledger_transfers_max = 4096});
  for (const Party& p : {Party{operator_party, PartyRole::operator_, Country()},
                         Party{principal, PartyRole::principal, Country::of("CN")},
                         Party{provider, PartyRole::provider, Country::of("KZ")},
                         Party{customs_kz, PartyRole::customs, Country::of("KZ")}}) {
    KERVAN_ASSERT(ledger->register_party(now, operator_party, p) == TransitResult::ok);
  }
  KERVAN_ASSERT(ledger->load_reference_data(now, operator_party, embedded_carec_toml(),
                                            date_of_ns(now)) == TransitResult::ok);
  GuaranteeSpec s;
  s.grn = grn;
  s.provider = provider;
  s.principal = principal;
  s.reference_amount = eur(i128{1'000'000'000'00});
  s.valid_from = *Date::from_civil(2026, 1, 1);
  s.valid_to = *Date::from_civil(2027, 12, 31);
  KERVAN_ASSERT(ledger->register_guarantee(now, provider, s) == TransitResult::ok);
  return ledger;
}

// `count` declarations of facts: one to three random goods items on a random corridor.
std::vector<Declaration> random_declarations(uint32_t count, const Grn& grn, uint64_t now) {
  static const std::array<std::array<const char*, 4>, 6> corridors = {{
      {"CN", "KZ", "UZ", nullptr}, {"CN", "KG", "UZ", "TJ"}, {"KZ", "RU", nullptr, nullptr},
      {"TR", "GE", "AZ", "KZ"}, {"CN", "MN", "RU", nullptr}, {"UZ", "TM", "AF", "PK"}}};
  static const std::array<uint32_t, 7> codes = {870323, 240220, 220830, 610910,
                                                847130, 70190,  0};
  SplitMix64 random(42);
  std::vector<Declaration> out(count);
  for (uint32_t m = 0; m < count; ++m) {
    const auto& corridor = corridors[random.below(corridors.size())];
    std::vector<Country> itinerary;
    for (const char* code : corridor) {
      Country country;
      if (code != nullptr && Country::parse(code, &country) == CountryError::ok) {
        itinerary.push_back(country);
      }
    }
    std::array<GoodsItem, 3> items{};
    const size_t item_count = 1 + random.below(3);
    for (size_t i = 0; i < item_count; ++i) {
      items[i] = GoodsItem{.hs6 = codes[random.below(codes.size())],
                           .customs_value = eur(i128(1'000'00 + random.below(200'000'00)))};
    }
    char serial[13];
    std::snprintf(serial, sizeof serial, "DECL%08u", m % 100'000'000);
    const bool built = build_declaration_of_facts(
        DeclarationInput{.mrn = make_mrn(26, itinerary[0], serial),
                         .principal = principal,
                         .items = std::span(items).first(item_count),
                         .itinerary = itinerary,
                         .time_limit_ns = now + 8 * day_ns,
                         .guarantees = {&grn, 1}},
        false, {}, &out[m]);
    KERVAN_ASSERT(built);
  }
  return out;
}

void BM_DeclareComputed(benchmark::State& state) {
  const auto count = static_cast<uint32_t>(state.range(0));
  const uint64_t now = static_cast<uint64_t>(Date::from_civil(2026, 3, 2)->days_since_epoch()) * day_ns;
  const Grn grn = make_grn(26, Country::of("KZ"), "DECLARE00001");
  const std::vector<Declaration> declarations = random_declarations(count, grn, now);
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<TransitLedger> ledger = ledger_with_reference_data(now, grn);
    TransitCommand declare{.operation = TransitOperation::declare_movement, .actor = principal};
    state.ResumeTiming();
    for (const Declaration& d : declarations) {
      declare.declaration = d;
      bool ok = apply_transit_command(*ledger, now, declare) == TransitResult::ok;
      ok = ok && ledger->cancel_movement(now, principal, d.mrn) == TransitResult::ok;
      ok = ok && ledger->archive_movement(now, operator_party, d.mrn) == TransitResult::ok;
      KERVAN_ASSERT(ok);
    }
  }
  state.counters["declarations_per_s"] = benchmark::Counter(
      double(count) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DeclareComputed)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ComputeDeclaration(benchmark::State& state) {
  const auto count = static_cast<uint32_t>(state.range(0));
  const uint64_t now = static_cast<uint64_t>(Date::from_civil(2026, 3, 2)->days_since_epoch()) * day_ns;
  const Grn grn = make_grn(26, Country::of("KZ"), "DECLARE00001");
  const std::vector<Declaration> declarations = random_declarations(count, grn, now);
  const std::unique_ptr<TransitLedger> ledger = ledger_with_reference_data(now, grn);
  Declaration d;
  for (auto _ : state) {
    for (const Declaration& facts : declarations) {
      d = facts;
      KERVAN_ASSERT(ledger->compute_declaration(now, &d) == TransitResult::ok);
      benchmark::DoNotOptimize(d.references[0].amount_concerned);
    }
  }
  state.counters["computations_per_s"] = benchmark::Counter(
      double(count) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ComputeDeclaration)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace kervan

BENCHMARK_MAIN();
