#include "accounting.hpp"

#include <cmath>

#include "units.hpp"

namespace gigasim {

std::size_t month_of(double t_s) { return static_cast<std::size_t>(std::floor(t_s / units::kSecondsPerMonth + 1e-9)); }

CostSummary account_costs(const Scenario& scenario, const FleetPlan& plan, const std::vector<double>& it_energy_j_by_month) {
  CostSummary c;
  c.months.resize(it_energy_j_by_month.size());
  for (const Lot& lot : plan.lots) {
    const std::size_t m = month_of(lot.delivery_s);
    if (m >= c.months.size()) continue;  // delivered after the horizon (the plan never does this)
    c.capex_systems_usd += lot.capex_systems_usd;
    c.capex_facility_usd += lot.capex_facility_usd;
    c.months[m].capex_usd += lot.capex_systems_usd + lot.capex_facility_usd;
  }
  c.capex_usd = c.capex_systems_usd + c.capex_facility_usd;

  const double pue = scenario.site.pue.value;
  const double price = scenario.site.electricity_usd_per_kwh.value;
  for (std::size_t m = 0; m < it_energy_j_by_month.size(); ++m) {
    MonthlyCost& month = c.months[m];
    month.facility_energy_j = it_energy_j_by_month[m] * pue;
    month.opex_usd = month.facility_energy_j / units::kJoulesPerKwh * price;
    c.opex_electricity_usd += month.opex_usd;
  }
  c.opex_usd = c.opex_electricity_usd;
  c.total_usd = c.capex_usd + c.opex_usd;
  return c;
}

}  // namespace gigasim
