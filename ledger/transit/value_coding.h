// The coding of the transit domain's field types and records inside variable records (journaled transit
// commands, transit queries and their answers): docs/storage_format.md, "Transit commands".
// Empty identifiers and countries code as empty texts / zero, so that unused fields round-trip.
// Every get() validates what it reads (a GRN or MRN is parsed, a currency must be known, a date
// in range) and returns false, leaving the reader to report the failure, on anything else.
#pragma once

#include "core/amount.h"
#include "core/byte_stream.h"
#include "core/country.h"
#include "core/decimal.h"
#include "core/reference_number.h"
#include "core/time.h"
#include "ledger/transit/transit_types.h"

namespace kervan {

void put(ByteWriter& w, Country c);                 // u16 code, 0 when empty.
void put(ByteWriter& w, const Grn& g);              // text (empty: none).
void put(ByteWriter& w, const Mrn& m);              // text (empty: none).
void put(ByteWriter& w, Amount a);                  // i128 minor, u16 ISO 4217 numeric.
void put(ByteWriter& w, Date d);                    // u32 days since 1970-01-01.
void put(ByteWriter& w, Decimal d);                 // i128 mantissa, u8 scale.

[[nodiscard]] bool get(ByteReader& r, Country* c);
[[nodiscard]] bool get(ByteReader& r, Grn* g);
[[nodiscard]] bool get(ByteReader& r, Mrn* m);
[[nodiscard]] bool get(ByteReader& r, Amount* a);   // Currency none only with zero.
[[nodiscard]] bool get(ByteReader& r, Date* d);
[[nodiscard]] bool get(ByteReader& r, Decimal* d);


// Records, field by field in declaration order (docs/storage_format.md).
void put(ByteWriter& w, const Party& p);
void put(ByteWriter& w, const GuaranteeSpec& s);
void put(ByteWriter& w, const Declaration& d);
void put(ByteWriter& w, const UnionDistribution& u);
[[nodiscard]] bool get(ByteReader& r, Party* p);
[[nodiscard]] bool get(ByteReader& r, GuaranteeSpec* s);
[[nodiscard]] bool get(ByteReader& r, Declaration* d);
[[nodiscard]] bool get(ByteReader& r, UnionDistribution* u);

}  // namespace kervan
