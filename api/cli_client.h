// `kervan client`: the command-line client for people and scripts.
//
//   kervan client [--endpoint E] [--server-key K] [--key FILE] [--json] [--timeout-ms N]
//                 <command> [arguments]
//
// Commands (docs/operations.md, "Command-line client"):
//   ping | stats | accounts ID... | transfers ID... | history ACCOUNT [LIMIT]
//   create-account ID LEDGER CODE
//   transfer ID DEBIT CREDIT AMOUNT LEDGER CODE   (single-phase)
//   reserve ID DEBIT CREDIT AMOUNT LEDGER CODE    (pending: cover held)
//   post ID PENDING [AMOUNT] | void ID PENDING    (resolve a reservation)
//   transit STEP ACTOR ...                        (one step of the transit domain: parties,
//                                                  guarantees, declarations, movement steps,
//                                                  settlement: api/cli_transit.h)
//   query KIND ...                                (movement, guarantee, usage, exposure, duties)
//
// Human output is aligned text; --json prints exactly one JSON object per command on one line
// (u128 values as decimal strings, since JSON numbers cannot hold them), for scripts and jq.
// Exit status: 0 when every event succeeded, 1 when the server refused the request or an
// event failed (the output says which and why), 2 on bad usage, 3 when the server did not
// answer within --timeout-ms.
#pragma once

#include <cstdio>

namespace kervan {

// argv[0] is "client"'s first argument (the tool passes argv + 2).
int run_client_command(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace kervan
