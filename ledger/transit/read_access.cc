#include "ledger/transit/read_access.h"

namespace kervan {

bool reads_everything(const Party& reader) {
  return reader.role == PartyRole::operator_ || reader.role == PartyRole::analyst;
}

bool may_read_movement(const TransitLedger& ledger, const Party& reader,
                       const Movement& movement) {
  if (reads_everything(reader)) return true;
  const Declaration& d = movement.declaration;
  switch (reader.role) {
    case PartyRole::principal:
      return d.principal == reader.id;
    case PartyRole::customs:
      for (size_t i = 0; i < d.itinerary_count; ++i) {
        if (d.itinerary[i] == reader.country) return true;
      }
      return false;
    case PartyRole::provider:
      for (size_t i = 0; i < d.references_count; ++i) {
        const Guarantee* g = ledger.guarantee(d.references[i].grn);
        if (g != nullptr && g->spec.provider == reader.id) return true;
      }
      return false;
    default:
      return false;
  }
}

bool may_read_guarantee(const Party& reader, const Guarantee& guarantee) {
  if (reads_everything(reader)) return true;
  const GuaranteeSpec& s = guarantee.spec;
  switch (reader.role) {
    case PartyRole::principal:
      return s.principal == reader.id;
    case PartyRole::provider:
      return s.provider == reader.id;
    case PartyRole::customs:
      if (s.countries_count == 0) return true;  // Valid in every country.
      for (size_t i = 0; i < s.countries_count; ++i) {
        if (s.countries[i] == reader.country) return true;
      }
      return false;
    default:
      return false;
  }
}

bool may_read_exposure(const Party& reader, PartyId provider) {
  return reads_everything(reader) ||
         (reader.role == PartyRole::provider && reader.id == provider);
}

bool may_read_duties(const Party& reader, Country country) {
  return reads_everything(reader) ||
         (reader.role == PartyRole::customs && reader.country == country);
}

bool may_read_step(const TransitLedger& ledger, const Party& reader, const TransitCommand& step) {
  if (reads_everything(reader)) return true;
  switch (subject_of(step.operation)) {
    case StepSubject::registry:
      return false;
    case StepSubject::guarantee: {
      const Guarantee* g = ledger.guarantee(step_grn(step));
      return g != nullptr && may_read_guarantee(reader, *g);
    }
    case StepSubject::settlement:
      return reader.id == step.actor;
    case StepSubject::union_distribution:
      for (size_t i = 0; i < step.distribution.members_count; ++i) {
        if (may_read_duties(reader, step.distribution.members[i])) return true;
      }
      return false;
    case StepSubject::movement: {
      const Movement* m = ledger.movement(step_mrn(step));
      return m != nullptr && may_read_movement(ledger, reader, *m);
    }
  }
  return false;
}

}  // namespace kervan
