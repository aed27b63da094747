#include "sim/outcome_log.h"

#include "core/assert.h"
#include "sim/csv_field.h"
#include "sim/json_writer.h"

namespace kervan {

namespace {

void cell(std::string* out, int64_t value) {
  out->push_back(',');
  if (value >= 0) *out += std::to_string(value);
}

}  // namespace

std::string outcome_log_csv(const Scenario& scenario, const TrafficPlan& plan,
                            const std::vector<TruckOutcome>& outcomes) {
  KERVAN_ASSERT(outcomes.size() == plan.trucks.size());
  std::string out =
      "truck,corridor,principal,ready_s,departed_s,waited_s,refused,arrived_s,transit_days,"
      "claimed_s\n";
  out.reserve(out.size() + outcomes.size() * 64);
  for (const TruckOutcome& o : outcomes) {
    const Truck& t = plan.trucks[o.truck];
    out += std::to_string(o.truck);
    out.push_back(',');
    append_csv_field(&out, scenario.corridors[t.corridor].name);
    cell(&out, t.principal);
    cell(&out, t.ready_s);
    cell(&out, o.departed_s);
    cell(&out, o.waited_s);
    out += o.refused ? ",1" : ",0";
    cell(&out, o.arrived_s);
    out.push_back(',');
    if (o.arrived_s >= 0) out += format_double(double(o.arrived_s - t.ready_s) / sim_day_s);
    cell(&out, o.claimed_s);
    out.push_back('\n');
  }
  return out;
}

std::string outcome_log_file_name(uint32_t replication, const std::string& scheme) {
  std::string name = "events_r" + std::to_string(replication) + "_";
  for (const char c : scheme) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_';
    name.push_back(plain ? c : '_');
  }
  return name + ".csv";
}

}  // namespace kervan
