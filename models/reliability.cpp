#include "reliability.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gigasim {

double FailureTable::rate_per_chip_s(const FailureCause& c) const {
  return c.interruptions.value / (exposure_chips.value * exposure_duration_s.value);
}

double FailureTable::rate_per_chip_s() const {
  double r = 0;
  for (const auto& c : causes) r += rate_per_chip_s(c);
  return r;
}

double FailureTable::repair_fraction() const {
  double all = 0, repair = 0;
  for (const auto& c : causes) {
    all += c.interruptions.value;
    if (c.needs_repair) repair += c.interruptions.value;
  }
  return all > 0 ? repair / all : 0.0;
}

std::int64_t spare_unit_chips(const ReliabilitySpec& r, std::int64_t system_chips) {
  if (r.spare_unit_chips > 0) return std::min(r.spare_unit_chips, system_chips);
  return std::min<std::int64_t>(system_chips, 8);
}

std::int64_t spare_units(const ReliabilitySpec& r, std::int64_t installed_chips, std::int64_t unit_chips) {
  if (!r.enabled) return 0;
  return static_cast<std::int64_t>(std::floor(r.spare_fraction.value * static_cast<double>(installed_chips / unit_chips)));
}

double interruption_rate_per_s(const ReliabilitySpec& r, double chips) {
  if (!r.enabled) return 0.0;
  return chips * r.table.rate_per_chip_s() * r.rate_scale.value;
}

double checkpoint_write_s(const ReliabilitySpec& r, double params) {
  return params * r.checkpoint_bytes_per_param.value / r.checkpoint_bandwidth_bytes_per_s.value;
}

double daly_interval_s(double delta_s, double mtbf_s) {
  if (std::isinf(mtbf_s)) return std::numeric_limits<double>::infinity();
  if (delta_s >= 2 * mtbf_s) return mtbf_s;
  const double young = std::sqrt(2 * delta_s * mtbf_s);
  return young * (1 + std::sqrt(delta_s / (2 * mtbf_s)) / 3 + delta_s / (18 * mtbf_s)) - delta_s;
}

double checkpoint_interval_s(const ReliabilitySpec& r, double params, double chips) {
  if (r.checkpoint_interval_s > 0) return r.checkpoint_interval_s;
  const double lambda = interruption_rate_per_s(r, chips);
  const double mtbf = lambda > 0 ? 1.0 / lambda : std::numeric_limits<double>::infinity();
  return daly_interval_s(checkpoint_write_s(r, params), mtbf);
}

double expected_efficiency(double tau_s, double delta_s, double lambda_per_s, double delay_s) {
  if (std::isinf(tau_s)) return 1.0;
  // Per unit of useful work: checkpoints delta/tau; interruptions lambda x wall each costing tau/2 + d.
  // wall = useful (1 + delta/tau) + wall lambda (tau/2 + d)  =>  useful / wall below.
  const double loss = lambda_per_s * (tau_s / 2 + delay_s);
  if (loss >= 1) return 0.0;
  return (1 - loss) / (1 + delta_s / tau_s);
}

}  // namespace gigasim
