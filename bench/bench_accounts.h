// Accounts 1..count in ledger 978, in batches of at most batch_events_max, handed to `apply`
// (a state machine's or a store's create_accounts). Shared by the benchmarks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/limits.h"
#include "ledger/types.h"

namespace kervan {

template <typename Apply>
void for_each_account_batch(uint64_t count, Apply apply) {
  std::vector<Account> batch;
  batch.reserve(batch_events_max);
  for (uint64_t id = 1; id <= count; ++id) {
    Account a;
    a.id = id;
    a.ledger = 978;
    a.code = 1;
    batch.push_back(a);
    if (batch.size() == batch_events_max || id == count) {
      apply(std::span<const Account>(batch));
      batch.clear();
    }
  }
}

}  // namespace kervan
