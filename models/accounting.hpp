// Monthly cost accounting of one hardware choice (first version; issue F adds depreciation, financing,
// maintenance, renting and carbon). Pure arithmetic over the fleet plan and what the simulation measured.
//
//   capex (in the month of each delivery): the lot's systems (blocks x systems per block x price) and
//          the facility built for it (facility_capex_usd_per_w x the rise of the peak installed busy IT
//          power; models/fleet_plan.hpp). A static fleet is one lot delivered in month 0.
//   opex (monthly): electricity = IT energy x PUE x electricity price
#pragma once

#include <vector>

#include "fleet_plan.hpp"
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

// The reporting month (0-based) of a time: months are twelfths of a Julian year.
std::size_t month_of(double t_s);

CostSummary account_costs(const Scenario& scenario, const FleetPlan& plan, const std::vector<double>& it_energy_j_by_month);

}  // namespace gigasim
