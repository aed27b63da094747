#include "sim/summary.h"

#include <algorithm>

#include "core/assert.h"

namespace kervan {

namespace {

double value_of(const SchemeRunResult& run, size_t metric) { return run.metrics[metric].value; }

}  // namespace

SimulationSummary summarize(const std::vector<ReplicationResult>& replications) {
  KERVAN_ASSERT(!replications.empty());
  SimulationSummary s;
  const ReplicationResult& first = replications.front();
  for (const SchemeRunResult& run : first.schemes) s.schemes.push_back(run.scheme);
  s.replications = uint32_t(replications.size());
  const size_t schemes = s.schemes.size();
  const size_t metrics = schemes == 0 ? 0 : first.schemes[0].metrics.size();
  for (size_t m = 0; m < metrics; ++m) {
    MetricSummary summary;
    summary.name = first.schemes[0].metrics[m].name;
    std::vector<double> base;
    for (const ReplicationResult& r : replications) base.push_back(value_of(r.schemes[0], m));
    for (size_t k = 0; k < schemes; ++k) {
      std::vector<double> values;
      for (const ReplicationResult& r : replications) {
        KERVAN_ASSERT(r.schemes[k].metrics[m].name == summary.name);
        values.push_back(value_of(r.schemes[k], m));
      }
      summary.schemes.push_back(confidence_interval_95(values));
      summary.differences.push_back(k == 0 ? ConfidenceInterval{.n = values.size()}
                                           : paired_difference_95(values, base));
    }
    s.metrics.push_back(std::move(summary));
  }
  for (size_t k = 0; k < schemes; ++k) {
    SchemeDistributions d;
    std::vector<double> claim_losses;
    for (const ReplicationResult& r : replications) {
      const SchemeRunResult& run = r.schemes[k];
      d.transit_days_sorted.insert(d.transit_days_sorted.end(), run.transit_days.begin(),
                                   run.transit_days.end());
      claim_losses.insert(claim_losses.end(), run.claim_losses_eur.begin(),
                          run.claim_losses_eur.end());
      double year = 0;
      for (const double l : run.claim_losses_eur) year += l;
      d.yearly_pool_loss_sorted.push_back(year);
      if (d.daily_cover_eur.size() < run.daily_cover_eur.size()) {
        d.daily_cover_eur.resize(run.daily_cover_eur.size(), 0.0);
      }
      for (size_t day = 0; day < run.daily_cover_eur.size(); ++day) {
        d.daily_cover_eur[day] += run.daily_cover_eur[day] / double(replications.size());
      }
      s.ledger_steps += run.ledger_steps;
      s.little_relative_error_max = std::max(s.little_relative_error_max,
                                             run.little_relative_error);
      if (!run.ledger_agrees && s.ledger_agrees) {
        s.ledger_agrees = false;
        s.first_disagreement = "replication " + std::to_string(r.replication) + ", scheme " +
                               run.scheme + ": " + run.disagreement;
      }
    }
    std::sort(d.transit_days_sorted.begin(), d.transit_days_sorted.end());
    std::sort(claim_losses.begin(), claim_losses.end());
    std::sort(d.yearly_pool_loss_sorted.begin(), d.yearly_pool_loss_sorted.end());
    if (!d.transit_days_sorted.empty()) {
      d.transit_days_p50 = quantile_sorted(d.transit_days_sorted, 0.50);
      d.transit_days_p95 = quantile_sorted(d.transit_days_sorted, 0.95);
      d.transit_days_p99 = quantile_sorted(d.transit_days_sorted, 0.99);
    }
    if (!claim_losses.empty()) d.claim_loss = tail_risk_sorted(claim_losses, 0.99);
    d.yearly_pool_loss = tail_risk_sorted(d.yearly_pool_loss_sorted, 0.99);
    s.distributions.push_back(std::move(d));
  }
  return s;
}

}  // namespace kervan
