#include "invariants.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

#include "models/accounting.hpp"
#include "models/units.hpp"

namespace gigasim::io {
namespace {

bool close(double a, double b, double rel) { return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1e-300}); }

[[noreturn]] void violated(const std::string& choice, const std::string& what) {
  throw std::logic_error(fmt::format("invariant violated in choice '{}': {}", choice, what));
}

}  // namespace

void check_invariants(const Scenario& scenario, const std::vector<ChoiceResult>& results, const RunOutputs& outputs) {
  for (const ChoiceResult& r : results) {
    double energy = 0, duration = 0;
    for (std::size_t i = 0; i < r.months.size(); ++i) {
      const auto& m = r.months[i];
      energy += m.it_energy_j;
      duration += m.duration_s;
      if (m.it_energy_j < 0 || m.tokens < 0 || m.allocated_chip_s < -1e-6) violated(r.choice, "a negative monthly quantity");
      const double pue = pue_of_month(scenario.site, scenario.start_date, i, scenario.horizon_s);
      if (m.duration_s > 0 && m.it_energy_j / m.duration_s * pue > scenario.site.power_w.value * (1 + 1e-9))
        violated(r.choice, fmt::format("average facility power {:.6g} W in month {} above the site's {:.6g} W", m.it_energy_j / m.duration_s * pue, i,
                                       scenario.site.power_w.value));
    }
    if (scenario.site.power_cap.enabled()) {
      // The controller's bound was within the cap at every check, and the metered energy within the bound.
      if (r.power_cap_violations != 0)
        violated(r.choice, fmt::format("the power cap controller found the site above its cap {} times", r.power_cap_violations));
      for (std::size_t i = 0; i < r.months.size(); ++i) {
        const auto& m = r.months[i];
        if (m.it_energy_j > m.power_bound_it_j * (1 + 1e-9) + 1e-6 * m.duration_s)
          violated(r.choice, fmt::format("month {}: metered IT energy {:.9g} J above the power cap controller's bound {:.9g} J", i, m.it_energy_j,
                                         m.power_bound_it_j));
      }
    }
    if (!close(energy, r.it_energy_j, 1e-9))
      violated(r.choice, fmt::format("monthly IT energy sums to {:.17g} J but the hosts consumed {:.17g} J", energy, r.it_energy_j));
    if (!close(duration, r.horizon_s, 1e-9)) violated(r.choice, fmt::format("months cover {:.17g} s of a {:.17g} s horizon", duration, r.horizon_s));
    for (const auto& j : r.jobs) {
      if (j.tokens_done > j.tokens_target * (1 + 1e-12)) violated(r.choice, fmt::format("job '{}' trained more tokens than asked", j.name));
      if (j.end_s >= 0 && (j.start_s < 0 || j.end_s < j.start_s)) violated(r.choice, fmt::format("job '{}' ends before it starts", j.name));
      if (j.start_s >= 0 && j.start_s < j.submit_s) violated(r.choice, fmt::format("job '{}' starts before it is submitted", j.name));
    }
    const auto& cost = outputs.summary.at("choices").at(r.choice).at("cost");
    const double total = cost.at("total_usd").get<double>();
    if (!close(cost.at("capex_usd").get<double>() + cost.at("opex_usd").get<double>() + cost.at("interest_usd").get<double>(), total, 1e-12))
      violated(r.choice, "capex + opex + interest != total cost");
  }
  // The cumulative cost series ends at each choice's total.
  std::istringstream in(outputs.timeseries_csv);
  std::string line;
  std::map<std::string, double> last_cumulative, monthly_sum;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string choice, month, metric, value;
    std::getline(row, choice, ',');
    std::getline(row, month, ',');
    std::getline(row, metric, ',');
    std::getline(row, value, ',');
    if (metric == "cost_cumulative_usd") last_cumulative[choice] = std::stod(value);
    if (metric == "cost_usd") monthly_sum[choice] += std::stod(value);
  }
  for (const ChoiceResult& r : results) {
    const double total = outputs.summary.at("choices").at(r.choice).at("cost").at("total_usd").get<double>();
    if (!close(last_cumulative[r.choice], total, 1e-9)) violated(r.choice, "the cumulative cost does not end at the total");
    if (!close(monthly_sum[r.choice], total, 1e-9)) violated(r.choice, "the monthly costs do not sum to the total");
  }
}

}  // namespace gigasim::io
