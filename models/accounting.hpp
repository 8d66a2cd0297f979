// Monthly energy, cost, finance and carbon of one hardware choice (docs/models.md#cost-and-finance). Pure
// arithmetic over the fleet plan and what the simulation measured each month.
//
//   capex (in the month of each lot's delivery): its systems; the scale-out network (network_capex_share of
//          the systems); storage (per chip); the facility built for it (facility_capex_usd_per_w x the rise
//          of the peak installed busy IT power, network and storage included; models/fleet_plan.hpp).
//   depreciation: straight line, systems, network and storage over the generation's service life, the
//          facility over facility_life_years; finance: a debt share of each purchase repaid in equal monthly
//          payments, the rest paid with equity (models/finance.hpp); maintenance: a yearly share of the
//          capex in service.
//   opex: electricity = IT energy x PUE (the calendar month's when it varies) x price (flat; time of use,
//          from the energy drawn in peak hours; or the month's price from a curve), and maintenance.
//   renting (choice.rent): no capex, no electricity bill, no maintenance; the rent per chip-hour of
//          installed (reserved) or allocated (on-demand) chips.
//   totals: total = capex + opex + interest (what the horizon spends or commits); ownership cost =
//          depreciation + interest + opex (the horizon's share of it, the basis of unit costs); NPV = the
//          present value of the cash out (equity, loan payments, opex, and the debt still owed at the
//          horizon) at the discount rate.
//   carbon: operational = facility energy x grid intensity (constant or the month's); embodied = chips
//          delivered x embodied_kg_per_chip, in the month of delivery.
//   unit costs: the ownership cost split between training and serving by the chip-seconds each held
//          (electricity by the energy each drew), per million tokens trained or served and per PFLOP-day
//          of model FLOPs trained.
#pragma once

#include <vector>

#include "finance.hpp"
#include "fleet_plan.hpp"
#include "scenario.hpp"

namespace gigasim {

// What the simulation measured in one reporting month.
struct MonthUsage {
  double duration_s = 0;
  double it_energy_j = 0;
  double it_energy_peak_j = 0;  // drawn in the time-of-use peak hours (0 without time of use)
  double installed_chip_s = 0;
  double allocated_chip_s = 0;  // held by training or serving
  double serving_chip_s = 0;
  double serving_energy_j = 0;  // IT energy of the serving chips
  double tokens_trained = 0;
  double flops_trained = 0;  // model FLOPs
  double tokens_served = 0;  // output tokens
};

struct MonthlyCost {
  double capex_systems_usd = 0, capex_network_usd = 0, capex_storage_usd = 0, capex_facility_usd = 0;
  double capex_usd = 0;
  double depreciation_usd = 0;
  double equity_usd = 0, debt_drawn_usd = 0, interest_usd = 0, principal_usd = 0, debt_outstanding_usd = 0;
  double electricity_usd = 0, maintenance_usd = 0, rent_usd = 0;
  double opex_usd = 0;  // electricity + maintenance + rent
  double cost_usd = 0;  // capex + opex + interest
  double ownership_usd = 0;  // depreciation + interest + opex
  double cash_usd = 0;  // equity + interest + principal + opex
  double serving_ownership_usd = 0;  // the serving share of ownership_usd
  double pue = 1;
  double facility_energy_j = 0;
  double carbon_operational_kg = 0, carbon_embodied_kg = 0;
  double chips_delivered = 0;
};

struct CostSummary {
  double capex_systems_usd = 0, capex_network_usd = 0, capex_storage_usd = 0, capex_facility_usd = 0, capex_usd = 0;
  double depreciation_usd = 0, interest_usd = 0, equity_usd = 0, debt_drawn_usd = 0, principal_usd = 0, debt_outstanding_end_usd = 0;
  double electricity_usd = 0, maintenance_usd = 0, rent_usd = 0, opex_usd = 0;
  double total_usd = 0;  // capex + opex + interest
  double ownership_usd = 0;  // depreciation + interest + opex
  double npv_usd = 0;  // present value of the cash out, debt owed at the horizon included
  double serving_ownership_usd = 0, training_ownership_usd = 0;
  double facility_energy_j = 0;
  double carbon_operational_kg = 0, carbon_embodied_kg = 0;
  std::vector<MonthlyCost> months;  // one entry per reporting month
};

// The reporting month (0-based) of a time: months are twelfths of a Julian year.
std::size_t month_of(double t_s);
// The calendar months reporting month m overlaps within the horizon (a reporting month is 30.4375 days,
// so usually two; the last one ends at the horizon), each with the fraction of that time it covers (they
// sum to 1). A start date that does not parse counts from January 2000 (tests only: the loader refuses one).
struct CalendarShare {
  int year = 0;
  int month = 1;  // 1-12
  double fraction = 0;
};
std::vector<CalendarShare> calendar_shares(std::size_t m, const std::string& start_date, double horizon_s = kInfinity);
// The PUE of reporting month m: `pue`, or the day-weighted mean of pue_by_calendar_month over the calendar
// months it overlaps.
double pue_of_month(const SiteSpec& site, const std::string& start_date, std::size_t m, double horizon_s = kInfinity);

CostSummary account_costs(const Scenario& scenario, const HardwareChoice& choice, const FleetPlan& plan, const std::vector<MonthUsage>& usage);

// The electricity price in reporting month m when it is flat or a monthly curve (time of use needs the
// peak energy: account_costs).
double electricity_price_usd_per_kwh(const SiteSpec& site, std::size_t m);

}  // namespace gigasim
