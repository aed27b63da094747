// `kervan client transit ...` and `kervan client query ...`: the transit domain from the
// command line (docs/operations.md, "Command-line client").
//
//   transit STEP ACTOR ...   one step: register a party or guarantee (with access codes, hashed
//                            here with Argon2id), amend it, change its status; declare a movement
//                            (the amounts to cover computed here from the embedded CAREC tariffs,
//                            the access codes sent for the server to check), release, cancel,
//                            cross, arrive, write off, incident, enquiry, claim, claim paid;
//                            settle a provider's claims
//   query KIND ...           movement MRN | guarantee GRN | usage GRN [FROM TO] |
//                            exposure PROVIDER | duties COUNTRY CURRENCY [FROM TO]
#pragma once

#include <span>

#include "api/cli_output.h"

namespace kervan {

// Both return an exit status (cli_output.h); args start after "transit" / "query".
int run_transit_step(Session& s, std::span<const char* const> args);
int run_transit_query(Session& s, std::span<const char* const> args);

// The usage lines of both, for the client's help.
extern const char* const transit_usage;

}  // namespace kervan
