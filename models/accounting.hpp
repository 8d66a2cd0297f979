// Monthly cost accounting of one hardware choice (first version; issue F adds depreciation, financing,
// maintenance, renting and carbon). Pure arithmetic over what the simulation measured.
//
//   capex (month 0): systems bought  = chips / system.chips x system price
//                    facility built  = installed busy IT power x facility_capex_usd_per_w
//   opex (monthly):  electricity     = IT energy x PUE x electricity price
#pragma once

#include <vector>

#include "scenario.hpp"

namespace gigasim {

struct MonthlyCost {
  double capex_usd = 0;
  double opex_usd = 0;
  double facility_energy_j = 0;
};

struct CostSummary {
  double capex_systems_usd = 0;
  double capex_facility_usd = 0;
  double capex_usd = 0;
  double opex_electricity_usd = 0;
  double opex_usd = 0;
  double total_usd = 0;
  std::vector<MonthlyCost> months;  // one entry per reporting month
};

// Installed IT power with every chip busy, W.
double installed_it_power_w(const HardwareChoice& choice);

CostSummary account_costs(const Scenario& scenario, const HardwareChoice& choice,
                          const std::vector<double>& it_energy_j_by_month);

}  // namespace gigasim
