// Loading the energy, cost, finance and carbon assumptions of a scenario (issue F): monthly PUE, the price of
// electricity (flat, time of use, or a monthly curve from CSV), the scale-out network and storage, the
// facility's life, carbon, financing, and renting instead of owning. Every number is a Quantity with its
// provenance; a key the scenario leaves out takes a documented default labelled as such (cost_defaults()).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

// The defaults, with their provenance (docs/scenarios.md#cost-and-finance-defaults).
struct CostDefaults {
  Quantity facility_life_years, network_power_w_per_chip, network_capex_share, storage_power_w_per_chip, storage_capex_usd_per_chip;
  Quantity grid_kg_per_kwh, embodied_kg_per_chip;
  Quantity debt_share, interest_rate, loan_term_years, discount_rate, maintenance_share;
};
const CostDefaults& cost_defaults();

// site: pue_by_month, electricity, facility_life_years, network, storage, carbon (the keys of read_site
// that are about cost). Monthly curves must cover the horizon.
void read_site_costs(const YamlView& site, SiteSpec& s, const std::string& start_date, double horizon_s);
FinanceSpec read_finance(const YamlView& v);
RentSpec read_rent(const YamlView& v);
FinanceSpec default_finance();

// A CSV of calendar months, "YYYY-MM,value" per row after a header, as one value per reporting month
// (reporting month m takes the day-weighted mean of the calendar months it overlaps). Every reporting month must be there.
std::vector<double> read_monthly_curve(const std::filesystem::path& file, const std::string& start_date, double horizon_s, const Range& range,
                                       const YamlView& referenced_by);

}  // namespace gigasim::io
