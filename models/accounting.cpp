#include "accounting.hpp"

#include "units.hpp"

namespace gigasim {

double installed_it_power_w(const HardwareChoice& choice) {
  return static_cast<double>(choice.chips) * choice.system.chip_slot_busy_w();
}

CostSummary account_costs(const Scenario& scenario, const HardwareChoice& choice,
                          const std::vector<double>& it_energy_j_by_month) {
  CostSummary c;
  const double systems = static_cast<double>(choice.chips) / static_cast<double>(choice.system.chips);
  c.capex_systems_usd = systems * choice.system.price_usd.value;
  c.capex_facility_usd = installed_it_power_w(choice) * scenario.site.facility_capex_usd_per_w.value;
  c.capex_usd = c.capex_systems_usd + c.capex_facility_usd;

  const double pue = scenario.site.pue.value;
  const double price = scenario.site.electricity_usd_per_kwh.value;
  c.months.reserve(it_energy_j_by_month.size());
  for (std::size_t m = 0; m < it_energy_j_by_month.size(); ++m) {
    MonthlyCost month;
    month.capex_usd = (m == 0) ? c.capex_usd : 0.0;
    month.facility_energy_j = it_energy_j_by_month[m] * pue;
    month.opex_usd = month.facility_energy_j / units::kJoulesPerKwh * price;
    c.opex_electricity_usd += month.opex_usd;
    c.months.push_back(month);
  }
  c.opex_usd = c.opex_electricity_usd;
  c.total_usd = c.capex_usd + c.opex_usd;
  return c;
}

}  // namespace gigasim
