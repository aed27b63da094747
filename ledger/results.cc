#include "ledger/results.h"

namespace kervan {

#define KERVAN_RESULT_CASE(name, number) \
  case number:                           \
    return #name;

std::string_view result_name(CreateAccountResult result) {
  switch (static_cast<int>(result)) {
    KERVAN_CREATE_ACCOUNT_RESULTS(KERVAN_RESULT_CASE)
    default:
      return "unknown";
  }
}

std::string_view result_name(CreateTransferResult result) {
  switch (static_cast<int>(result)) {
    KERVAN_CREATE_TRANSFER_RESULTS(KERVAN_RESULT_CASE)
    default:
      return "unknown";
  }
}

#undef KERVAN_RESULT_CASE

}  // namespace kervan
