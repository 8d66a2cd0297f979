#include "accounting.hpp"

#include <algorithm>
#include <cmath>

#include "calendar.hpp"
#include "units.hpp"

namespace gigasim {

std::size_t month_of(double t_s) { return static_cast<std::size_t>(std::floor(t_s / units::kSecondsPerMonth + 1e-9)); }

std::vector<CalendarShare> calendar_shares(std::size_t m, const std::string& start_date, double horizon_s) {
  const Date start = parse_iso_date(start_date).value_or(Date{2000, 1, 1});
  const double month_days = units::kSecondsPerMonth / units::kSecondsPerDay;
  const double a = static_cast<double>(m) * month_days;  // days from the start
  const double b = std::min(a + month_days, horizon_s / units::kSecondsPerDay);
  const double length = b - a;
  if (!(length > 0)) return {};
  Date first = add_seconds(start, a * units::kSecondsPerDay);
  std::vector<CalendarShare> out;
  int y = first.year, mo = static_cast<int>(first.month);
  for (;;) {
    const Date from{y, static_cast<unsigned>(mo), 1};
    const Date to{mo == 12 ? y + 1 : y, static_cast<unsigned>(mo == 12 ? 1 : mo + 1), 1};
    const auto d0 = static_cast<double>(days_between(start, from)), d1 = static_cast<double>(days_between(start, to));
    if (d0 >= b) break;
    const double overlap = std::min(b, d1) - std::max(a, d0);
    if (overlap > 0) out.push_back({y, mo, overlap / length});
    y = to.year, mo = static_cast<int>(to.month);
  }
  return out;
}

double pue_of_month(const SiteSpec& site, const std::string& start_date, std::size_t m, double horizon_s) {
  if (site.pue_by_calendar_month.empty()) return site.pue.value;
  double pue = 0;
  for (const CalendarShare& c : calendar_shares(m, start_date, horizon_s)) pue += c.fraction * site.pue_by_calendar_month[static_cast<std::size_t>(c.month - 1)];
  return pue;
}

double electricity_price_usd_per_kwh(const SiteSpec& site, std::size_t m) {
  const ElectricityPrice& e = site.electricity;
  if (e.kind == ElectricityPrice::Kind::kMonthly && !e.monthly_usd_per_kwh.empty())
    return e.monthly_usd_per_kwh[std::min(m, e.monthly_usd_per_kwh.size() - 1)];
  return site.electricity_usd_per_kwh.value;
}

CostSummary account_costs(const Scenario& s, const HardwareChoice& choice, const FleetPlan& plan, const std::vector<MonthUsage>& usage) {
  const SiteSpec& site = s.site;
  const std::size_t months = usage.size();
  CostSummary c;
  c.months.resize(months);
  const bool rented = choice.rent.has_value();

  // --- purchases and their finance -------------------------------------------------------------------
  std::vector<CapexItem> items;
  for (const Lot& lot : plan.lots) {
    const std::size_t m = month_of(lot.delivery_s);
    if (m >= months) continue;  // delivered after the horizon (the plan never does this)
    const auto chips = static_cast<double>(lot.blocks() * plan.block_chips);
    MonthlyCost& mc = c.months[m];
    mc.chips_delivered += chips;
    if (rented) continue;
    const double systems = lot.capex_systems_usd, network = lot.capex_network_usd, storage = lot.capex_storage_usd;
    const double facility = lot.capex_facility_usd;
    mc.capex_systems_usd += systems, mc.capex_network_usd += network, mc.capex_storage_usd += storage, mc.capex_facility_usd += facility;
    // The hardware is depreciated over its service life, or until it is retired early.
    const Generation& g = choice.roadmap.at(lot.generation);
    const double service_s = std::min(g.service_life_s > 0 ? g.service_life_s : kInfinity, lot.retire_s - lot.delivery_s);
    const double hw_life_months = std::isinf(service_s) ? 1e9 : std::max(1e-9, service_s / units::kSecondsPerMonth);
    const double start = lot.delivery_s / units::kSecondsPerMonth;
    items.push_back({start, systems + network + storage, hw_life_months});
    items.push_back({start, facility, site.facility_life_years.value * 12.0});
  }
  const FinancePlan fp{s.finance.debt_share.value, s.finance.interest_rate.value, s.finance.loan_term_years.value * 12.0, s.finance.discount_rate.value,
                       s.finance.maintenance_share.value};
  double horizon_months = 0;
  for (const MonthUsage& u : usage) horizon_months += u.duration_s / units::kSecondsPerMonth;
  const std::vector<FinanceMonth> fin = finance_schedule(items, fp, months, horizon_months > 0 ? horizon_months : static_cast<double>(months));

  // --- each month ------------------------------------------------------------------------------------
  std::vector<double> cash(months, 0.0);
  for (std::size_t m = 0; m < months; ++m) {
    MonthlyCost& mc = c.months[m];
    const MonthUsage& u = usage[m];
    const FinanceMonth& f = fin[m];
    mc.capex_usd = mc.capex_systems_usd + mc.capex_network_usd + mc.capex_storage_usd + mc.capex_facility_usd;
    mc.depreciation_usd = f.depreciation_usd;
    mc.equity_usd = f.equity_usd, mc.debt_drawn_usd = f.debt_drawn_usd, mc.interest_usd = f.interest_usd;
    mc.principal_usd = f.principal_usd, mc.debt_outstanding_usd = f.debt_outstanding_usd;
    mc.maintenance_usd = f.maintenance_usd;
    mc.pue = pue_of_month(site, s.start_date, m, s.horizon_s > 0 ? s.horizon_s : kInfinity);
    mc.facility_energy_j = u.it_energy_j * mc.pue;
    const double kwh = mc.facility_energy_j / units::kJoulesPerKwh;
    if (rented) {
      const double chip_s = choice.rent->reserved ? u.installed_chip_s : u.allocated_chip_s;
      mc.rent_usd = chip_s / units::kSecondsPerHour * choice.rent->usd_per_chip_hour.value;
    } else if (site.electricity.kind == ElectricityPrice::Kind::kTimeOfUse) {
      const double peak_kwh = std::min(u.it_energy_peak_j, u.it_energy_j) * mc.pue / units::kJoulesPerKwh;
      mc.electricity_usd = peak_kwh * site.electricity.peak_usd_per_kwh.value + (kwh - peak_kwh) * site.electricity_usd_per_kwh.value;
    } else {
      mc.electricity_usd = kwh * electricity_price_usd_per_kwh(site, m);
    }
    mc.opex_usd = mc.electricity_usd + mc.maintenance_usd + mc.rent_usd;
    mc.cost_usd = mc.capex_usd + mc.opex_usd + mc.interest_usd;
    mc.ownership_usd = mc.depreciation_usd + mc.interest_usd + mc.opex_usd;
    mc.cash_usd = mc.equity_usd + mc.interest_usd + mc.principal_usd + mc.opex_usd;
    cash[m] = mc.cash_usd;
    // Serving's share: the chip-seconds it held of those allocated, and the electricity of its energy.
    const double share = u.allocated_chip_s > 0 ? std::clamp(u.serving_chip_s / u.allocated_chip_s, 0.0, 1.0) : 0.0;
    const double usd_per_it_j = u.it_energy_j > 0 ? mc.electricity_usd / u.it_energy_j : 0.0;
    mc.serving_ownership_usd = (mc.ownership_usd - mc.electricity_usd) * share + u.serving_energy_j * usd_per_it_j;
    // Carbon.
    const double intensity = site.carbon.monthly_kg_per_kwh.empty() ? site.carbon.grid_kg_per_kwh.value
                                                                   : site.carbon.monthly_kg_per_kwh[std::min(m, site.carbon.monthly_kg_per_kwh.size() - 1)];
    mc.carbon_operational_kg = kwh * intensity;
    mc.carbon_embodied_kg = mc.chips_delivered * site.carbon.embodied_kg_per_chip.value;

    c.capex_systems_usd += mc.capex_systems_usd, c.capex_network_usd += mc.capex_network_usd, c.capex_storage_usd += mc.capex_storage_usd;
    c.capex_facility_usd += mc.capex_facility_usd, c.capex_usd += mc.capex_usd;
    c.depreciation_usd += mc.depreciation_usd, c.interest_usd += mc.interest_usd, c.equity_usd += mc.equity_usd;
    c.debt_drawn_usd += mc.debt_drawn_usd, c.principal_usd += mc.principal_usd;
    c.electricity_usd += mc.electricity_usd, c.maintenance_usd += mc.maintenance_usd, c.rent_usd += mc.rent_usd, c.opex_usd += mc.opex_usd;
    c.total_usd += mc.cost_usd, c.ownership_usd += mc.ownership_usd, c.serving_ownership_usd += mc.serving_ownership_usd;
    c.facility_energy_j += mc.facility_energy_j;
    c.carbon_operational_kg += mc.carbon_operational_kg, c.carbon_embodied_kg += mc.carbon_embodied_kg;
  }
  c.training_ownership_usd = c.ownership_usd - c.serving_ownership_usd;
  c.debt_outstanding_end_usd = months > 0 ? c.months.back().debt_outstanding_usd : 0.0;
  if (months > 0) cash.back() += c.debt_outstanding_end_usd;  // still owed at the horizon
  c.npv_usd = present_value(cash, s.finance.discount_rate.value);
  return c;
}

}  // namespace gigasim
