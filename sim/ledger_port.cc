#include "sim/ledger_port.h"

namespace kervan {

namespace {

class InProcessPort final : public LedgerPort {
 public:
  explicit InProcessPort(const TransitConfig& config) : ledger_(config) {}

  void apply(uint64_t now_ns, const TransitCommand& command) override {
    steps_ += 1;
    const TransitResult result = apply_transit_command(ledger_, now_ns, command);
    if (result != TransitResult::ok && failure_.empty()) {
      failure_ = "step " + std::to_string(static_cast<int>(command.operation)) + " at " +
                 std::to_string(now_ns) + " ns gave " + std::string(result_name(result));
    }
  }

  bool settle(std::string* why) override {
    *why = failure_;
    return failure_.empty();
  }

  std::optional<GuaranteeBalance> balance(const Grn& grn) override {
    const Guarantee* g = ledger_.guarantee(grn);
    if (g == nullptr) return std::nullopt;
    return ledger_.balance(*g);
  }

  const TransitLedger* local() const override { return &ledger_; }
  uint64_t steps() const override { return steps_; }

 private:
  TransitLedger ledger_;
  uint64_t steps_ = 0;
  std::string failure_;
};

}  // namespace

std::unique_ptr<LedgerPort> make_in_process_port(const TransitConfig& config) {
  return std::make_unique<InProcessPort>(config);
}

}  // namespace kervan
