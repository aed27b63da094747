#include "api/demo.h"

#include <memory>
#include <string>
#include <vector>

#include "core/amount.h"
#include "core/country.h"
#include "core/reference_number.h"
#include "core/time.h"
#include "ledger/state_machine.h"

namespace kervan {
namespace {

// Account codes of this demonstration's small chart of accounts.
enum AccountCode : uint16_t { provider = 1, guarantee = 2, movement = 3, country = 4 };

struct Party {
  u128 id;
  const char* name;
};

class Demo {
 public:
  explicit Demo(std::FILE* out)
      : out_(out),
        ledger_(std::make_unique<StateMachine>(LedgerConfig{
            .accounts_max = 64, .transfers_max = 1024, .failed_ids_max = 64, .hash_seed = 1})) {}

  int run();

 private:
  void open_accounts();
  void fund_guarantees();
  void reserve_discharge_and_claim();
  void linked_release_across_guarantees();
  void expiry_and_replay();
  void print_balances();
  bool check_totals();

  CreateTransferResult submit(const char* what, const Transfer& event, CreateTransferResult want);
  std::vector<CreateTransferResult> submit_batch(const std::vector<Transfer>& events);
  std::string eur(u128 minor) const {
    return format_amount(Amount::from_minor(static_cast<i128>(minor), Currency::eur)) + " EUR";
  }

  std::FILE* out_;
  std::unique_ptr<StateMachine> ledger_;
  uint64_t now_ns_ = static_cast<uint64_t>(days_from_civil(2026, 3, 2)) * ns_per_day;
  u128 next_transfer_id_ = 1;
  bool all_as_expected_ = true;

  static constexpr u128 bank = 1;
  static constexpr u128 grn_kz = 2;
  static constexpr u128 grn_uz = 3;
  static constexpr u128 transit_a = 4;
  static constexpr u128 transit_b = 5;
  static constexpr u128 customs_kz = 6;
  const std::vector<Party> parties_ = {
      {bank, "provider (bank)"},
      {grn_kz, "guarantee 1 cover"},
      {grn_uz, "guarantee 2 cover"},
      {transit_a, "transit A: cover locked"},
      {transit_b, "transit B: cover locked"},
      {customs_kz, "customs KZ receivable"},
  };
};

constexpr uint32_t ledger_eur = 978;

Transfer make_transfer(u128 id, u128 debit, u128 credit, u128 amount, uint16_t flags) {
  Transfer t;
  t.id = id;
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.ledger = ledger_eur;
  t.code = 1;
  t.flags = flags;
  return t;
}

CreateTransferResult Demo::submit(const char* what, const Transfer& event,
                                  CreateTransferResult want) {
  CreateTransferResult result = CreateTransferResult::ok;
  ledger_->create_transfers(now_ns_, std::span(&event, 1), std::span(&result, 1));
  const bool as_expected = result == want;
  all_as_expected_ = all_as_expected_ && as_expected;
  std::fprintf(out_, "  %-58s -> %s%s\n", what, std::string(result_name(result)).c_str(),
               as_expected ? "" : "   (UNEXPECTED)");
  return result;
}

std::vector<CreateTransferResult> Demo::submit_batch(const std::vector<Transfer>& events) {
  std::vector<CreateTransferResult> results(events.size());
  ledger_->create_transfers(now_ns_, events, results);
  return results;
}

void Demo::open_accounts() {
  const Grn grn1 = make_grn(26, Country::of("KZ"), "HALYK0000001");
  const Grn grn2 = make_grn(26, Country::of("UZ"), "NBU000000042");
  const Mrn mrn_a = make_mrn(26, Country::of("CN"), "KHORGOS00001");
  std::fprintf(out_,
               "1. Accounts in ledger 978 (EUR). Guarantee 1 is GRN %s, guarantee 2 is GRN %s;\n"
               "   transit A is MRN %s. Guarantee cover accounts may never be debited past\n"
               "   their credits: that is the cover limit.\n",
               std::string(grn1.text()).c_str(), std::string(grn2.text()).c_str(),
               std::string(mrn_a.text()).c_str());
  std::vector<Account> accounts;
  for (const Party& party : parties_) {
    Account a;
    a.id = party.id;
    a.ledger = ledger_eur;
    a.code = party.id == bank                             ? provider
             : (party.id == grn_kz || party.id == grn_uz) ? guarantee
             : party.id == customs_kz                     ? country
                                                          : movement;
    if (a.code == guarantee) a.flags = flags_of(AccountFlags::debits_must_not_exceed_credits);
    accounts.push_back(a);
  }
  std::vector<CreateAccountResult> results(accounts.size());
  ledger_->create_accounts(now_ns_, accounts, results);
  for (CreateAccountResult r : results) all_as_expected_ &= r == CreateAccountResult::ok;
}

void Demo::fund_guarantees() {
  std::fprintf(out_, "2. The provider registers cover: 100,000.00 EUR and 20,000.00 EUR.\n");
  submit("fund guarantee 1", make_transfer(next_transfer_id_++, bank, grn_kz, 10'000'000, 0),
         CreateTransferResult::ok);
  submit("fund guarantee 2", make_transfer(next_transfer_id_++, bank, grn_uz, 2'000'000, 0),
         CreateTransferResult::ok);
}

void Demo::reserve_discharge_and_claim() {
  const uint16_t pending = flags_of(TransferFlags::pending);
  std::fprintf(out_, "3. Customs release transit A: 40,000.00 EUR of cover locked (pending).\n");
  submit("reserve 40,000.00 on guarantee 1 for transit A",
         make_transfer(100, grn_kz, transit_a, 4'000'000, pending), CreateTransferResult::ok);
  std::fprintf(out_, "   Transit B asks for 70,000.00 EUR; only 60,000.00 EUR is free.\n");
  submit("reserve 70,000.00 on guarantee 1 for transit B",
         make_transfer(101, grn_kz, transit_b, 7'000'000, pending),
         CreateTransferResult::exceeds_credits);
  std::fprintf(out_, "4. Transit A arrives and is discharged: the reservation is voided.\n");
  Transfer discharge = make_transfer(102, 0, 0, 0, flags_of(TransferFlags::void_pending_transfer));
  discharge.pending_id = 100;
  discharge.ledger = 0;
  discharge.code = 0;
  submit("void reservation of transit A", discharge, CreateTransferResult::ok);
  std::fprintf(out_,
               "5. Transit B (25,000.00 EUR locked) has an incident; KZ claims 18,500.00 EUR:\n"
               "   the claim posts part of the pending amount and releases the rest.\n");
  submit("reserve 25,000.00 on guarantee 1 for transit B",
         make_transfer(103, grn_kz, transit_b, 2'500'000, pending), CreateTransferResult::ok);
  Transfer claim =
      make_transfer(104, 0, 0, 1'850'000, flags_of(TransferFlags::post_pending_transfer));
  claim.pending_id = 103;
  claim.ledger = 0;
  claim.code = 0;
  submit("post 18,500.00 of transit B's reservation (claim)", claim, CreateTransferResult::ok);
  submit("move the drawn 18,500.00 to customs KZ's receivable",
         make_transfer(105, transit_b, customs_kz, 1'850'000, 0), CreateTransferResult::ok);
}

void Demo::linked_release_across_guarantees() {
  std::fprintf(out_,
               "6. A release that needs 50,000.00 on guarantee 1 and 30,000.00 on guarantee 2,\n"
               "   linked so that both lock or neither does. Guarantee 2 has only 20,000.00.\n");
  const uint16_t pending = flags_of(TransferFlags::pending);
  const uint16_t linked = flags_of(TransferFlags::linked);
  const auto results = submit_batch({
      make_transfer(200, grn_kz, transit_a, 5'000'000, pending | linked),
      make_transfer(201, grn_uz, transit_a, 3'000'000, pending),
  });
  const bool as_expected = results.size() == 2 &&
                           results[0] == CreateTransferResult::linked_event_failed &&
                           results[1] == CreateTransferResult::exceeds_credits;
  all_as_expected_ = all_as_expected_ && as_expected;
  std::fprintf(out_, "  %-58s -> %s, %s%s\n", "linked reservation on both guarantees",
               std::string(result_name(results[0])).c_str(),
               std::string(result_name(results[1])).c_str(), as_expected ? "" : " (UNEXPECTED)");
}

void Demo::expiry_and_replay() {
  std::fprintf(out_,
               "7. A reservation with a 1-day time limit, then two days pass (the ledger is\n"
               "   told the time; it never reads a clock): the reservation expires.\n");
  Transfer short_lived =
      make_transfer(300, grn_uz, transit_a, 500'000, flags_of(TransferFlags::pending));
  short_lived.timeout_s = 24 * 3600;
  submit("reserve 5,000.00 on guarantee 2 for one day", short_lived, CreateTransferResult::ok);
  now_ns_ += 2 * ns_per_day;
  const uint32_t expired = ledger_->expire_pending_transfers(now_ns_);
  all_as_expected_ = all_as_expected_ && expired == 1;
  std::fprintf(out_, "  %-58s -> %u expired\n", "expire what is due two days later", expired);
  std::fprintf(out_,
               "8. A client retries after a timeout: the same event is answered, not applied.\n");
  submit(
      "resend the claim of step 5",
      [] {
        Transfer t =
            make_transfer(104, 0, 0, 1'850'000, flags_of(TransferFlags::post_pending_transfer));
        t.pending_id = 103;
        t.ledger = 0;
        t.code = 0;
        return t;
      }(),
      CreateTransferResult::exists);
}

void Demo::print_balances() {
  std::fprintf(out_, "\nBalances (debits and credits, pending and posted):\n");
  std::fprintf(out_, "  %-30s %16s %16s %16s %16s\n", "account", "debits pending", "debits posted",
               "credits pending", "credits posted");
  for (const Party& party : parties_) {
    const Account* a = ledger_->lookup_account(party.id);
    std::fprintf(out_, "  %-30s %16s %16s %16s %16s\n", party.name, eur(a->debits_pending).c_str(),
                 eur(a->debits_posted).c_str(), eur(a->credits_pending).c_str(),
                 eur(a->credits_posted).c_str());
  }
  const Account* g1 = ledger_->lookup_account(grn_kz);
  std::fprintf(out_, "  Guarantee 1: cover 100,000.00, drawn %s, reserved %s, available %s.\n",
               eur(g1->debits_posted).c_str(), eur(g1->debits_pending).c_str(),
               eur(g1->credits_posted - g1->debits_posted - g1->debits_pending).c_str());
}

bool Demo::check_totals() {
  u128 debits_pending = 0, debits_posted = 0, credits_pending = 0, credits_posted = 0;
  for (const Account& a : ledger_->accounts()) {
    debits_pending += a.debits_pending;
    debits_posted += a.debits_posted;
    credits_pending += a.credits_pending;
    credits_posted += a.credits_posted;
  }
  const bool balanced = debits_pending == credits_pending && debits_posted == credits_posted;
  std::fprintf(out_, "\nTotals: debits posted %s = credits posted %s; pending %s = %s: %s\n",
               eur(debits_posted).c_str(), eur(credits_posted).c_str(), eur(debits_pending).c_str(),
               eur(credits_pending).c_str(), balanced ? "balanced" : "NOT BALANCED");
  return balanced;
}

int Demo::run() {
  std::fprintf(out_, "Kervan ledger demonstration (in memory, deterministic)\n\n");
  open_accounts();
  fund_guarantees();
  reserve_discharge_and_claim();
  linked_release_across_guarantees();
  expiry_and_replay();
  print_balances();
  const bool balanced = check_totals();
  std::fprintf(out_, "State hash: %s\n", to_hex(ledger_->state_hash()).c_str());
  std::fprintf(out_, "Transfers: %u, last timestamp %s\n", ledger_->transfers_count(),
               format_rfc3339_ns(ledger_->last_timestamp()).c_str());
  const bool ok = balanced && all_as_expected_;
  std::fprintf(out_, "%s\n", ok ? "Every step gave the expected result." : "UNEXPECTED RESULTS");
  return ok ? 0 : 1;
}

}  // namespace

int run_demo(std::FILE* out) {
  return Demo(out).run();
}

}  // namespace kervan
