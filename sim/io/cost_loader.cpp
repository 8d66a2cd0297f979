#include "cost_loader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <algorithm>

#include "models/accounting.hpp"
#include "models/calendar.hpp"
#include "models/units.hpp"
#include "quantity_reader.hpp"
#include "traces/fields.hpp"

namespace gigasim::io {
namespace {

Quantity estimate(double value, std::string source, std::string note = {}) { return {value, {Label::kEstimate, std::move(source), std::move(note)}}; }

}  // namespace

const CostDefaults& cost_defaults() {
  static const CostDefaults d = [] {
    CostDefaults c;
    c.facility_life_years = estimate(20, "gigasim assumption", "power and cooling plant and shell, depreciated over 20 years (10-K filings give 15 to 40 years for buildings)");
    c.network_power_w_per_chip =
        estimate(100, "gigasim estimate",
                 "a three-tier 400 Gb/s fat tree: about 5 switch ports per accelerator at ~25 W per port (a 64-port switch draws ~1.6 kW), "
                 "plus optics; set it for the fabric you model");
    c.network_capex_share = {0.19 / 0.81,
                             {Label::kDerived, "Cottier et al. 2024 (arXiv 2405.21015), via REFERENCE.md: interconnect is ~19% of cluster cost",
                              "0.19 / 0.81 of the systems' price"}};
    c.storage_power_w_per_chip = estimate(20, "gigasim assumption", "no public per-accelerator figure used; set it in the scenario");
    c.storage_capex_usd_per_chip = estimate(1000, "gigasim assumption", "no public per-accelerator figure used; set it in the scenario");
    c.grid_kg_per_kwh = estimate(0.39, "US EIA: US electricity generation emitted about 0.86 lb (0.39 kg) CO2 per kWh in 2022",
                                 "the US grid average; a site's own grid may be far cleaner or dirtier");
    c.embodied_kg_per_chip = estimate(318, "Chien et al., Reducing the Carbon Impact of Generative AI Inference, HotCarbon 2023",
                                      "per A100 GPU: 1/8 of an 8-GPU instance's packaging, GPU, CPU, DRAM and storage manufacturing emissions; "
                                      "later chips carry more HBM, so likely an underestimate for them");
    c.debt_share = {0.0, {Label::kScenario, "gigasim default: all equity", ""}};
    c.interest_rate = estimate(0.06, "gigasim assumption", "investment-grade corporate debt, mid-2020s");
    c.loan_term_years = estimate(6, "gigasim assumption", "matches the servers' 6-year depreciation life (REFERENCE.md, 10-K filings)");
    c.discount_rate = estimate(0.08, "gigasim assumption", "a hyperscaler's cost of capital");
    c.maintenance_share = estimate(0.03, "gigasim assumption", "3% of the capex in service per year: hardware support and facility upkeep");
    return c;
  }();
  return d;
}

FinanceSpec default_finance() {
  const CostDefaults& d = cost_defaults();
  return {d.debt_share, d.interest_rate, d.loan_term_years, d.discount_rate, d.maintenance_share};
}

std::vector<double> read_monthly_curve(const std::filesystem::path& file, const std::string& start_date, double horizon_s, const Range& range,
                                       const YamlView& referenced_by) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) referenced_by.fail(fmt::format("{} is a directory, expected a CSV file", file.string()));
  if (!std::filesystem::is_regular_file(file, ec)) referenced_by.fail(fmt::format("file not found: {}", file.string()));
  std::map<std::string, double> by_month;
  try {
    auto in = std::make_unique<std::ifstream>(file, std::ios::binary);
    if (!*in) referenced_by.fail(fmt::format("cannot read {}", file.string()));
    traces::CsvTable table(traces::LineReader(std::move(in), file.string()), "monthly curve", {"month", "value"});
    const std::size_t month_col = table.column("month"), value_col = table.column("value");
    while (table.next_row()) {
      const std::string& m = table.field(month_col);
      const auto date = m.size() == 7 ? parse_iso_date(m + "-01") : std::nullopt;
      if (!date) table.fail_expected(month_col, "a month as YYYY-MM");
      const auto v = traces::parse_decimal(table.field(value_col));
      if (!v || !range.contains(*v)) table.fail(value_col, fmt::format("expected a number {}, got {}", range.describe(), traces::shown(table.field(value_col))));
      if (!by_month.emplace(m, *v).second) table.fail(month_col, fmt::format("month {} appears twice", m));
    }
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.rfind(referenced_by.location(), 0) == 0) throw;
    referenced_by.fail(what);
  }
  // A reporting month (30.4375 days) takes the day-weighted mean of the calendar months it overlaps
  // within the horizon.
  const auto months = static_cast<std::size_t>(std::ceil(horizon_s / units::kSecondsPerMonth - 1e-9));
  std::vector<double> out;
  for (std::size_t m = 0; m < months; ++m) {
    double v = 0;
    for (const CalendarShare& c : calendar_shares(m, start_date, horizon_s)) {
      const std::string key = fmt::format("{:04d}-{:02d}", c.year, c.month);
      const auto it = by_month.find(key);
      if (it == by_month.end())
        referenced_by.fail(fmt::format("{} has no value for {} (reporting month {}): the curve must cover the horizon", file.string(), key, m));
      v += c.fraction * it->second;
    }
    out.push_back(v);
  }
  return out;
}

void read_site_costs(const YamlView& v, SiteSpec& s, const std::string& start_date, double horizon_s) {
  const CostDefaults& d = cost_defaults();
  if (auto p = v.find("pue_by_month")) {
    const auto items = p->items();
    if (items.size() != 12) p->fail(fmt::format("expected 12 values, January to December, got {}", items.size()));
    for (const auto& item : items) s.pue_by_calendar_month.push_back(item.as_number(Range::closed(1.0, 3.0)));
    if (v.has("pue")) v.at("pue").fail("give either 'pue' (all year) or 'pue_by_month', not both");
    // The fleet is planned at the worst month's PUE, so that full load never draws more than the site's
    // power in any month; facility energy uses each month's own.
    const double worst = *std::max_element(s.pue_by_calendar_month.begin(), s.pue_by_calendar_month.end());
    s.pue = {worst, {Label::kScenario, p->location(), "the highest of pue_by_month: the fleet is planned at the worst month"}};
  }
  s.facility_life_years = v.has("facility_life_years") ? read_quantity(v.at("facility_life_years"), Range::closed(1, 100)) : d.facility_life_years;
  s.network_power_w_per_chip = d.network_power_w_per_chip;
  s.network_capex_share = d.network_capex_share;
  if (auto n = v.find("network")) {
    n->expect_map({"power_w_per_chip", "capex_share"});
    if (auto x = n->find("power_w_per_chip")) s.network_power_w_per_chip = read_quantity(*x, Range::closed(0, 1e4));
    if (auto x = n->find("capex_share")) s.network_capex_share = read_quantity(*x, Range::closed(0, 10));
  }
  s.storage_power_w_per_chip = d.storage_power_w_per_chip;
  s.storage_capex_usd_per_chip = d.storage_capex_usd_per_chip;
  if (auto n = v.find("storage")) {
    n->expect_map({"power_w_per_chip", "capex_usd_per_chip"});
    if (auto x = n->find("power_w_per_chip")) s.storage_power_w_per_chip = read_quantity(*x, Range::closed(0, 1e4));
    if (auto x = n->find("capex_usd_per_chip")) s.storage_capex_usd_per_chip = read_quantity(*x, Range::closed(0, 1e7));
  }
  if (auto e = v.find("electricity")) {
    e->expect_map({"peak_usd_per_kwh", "peak_hours", "weekdays_only", "monthly_csv"});
    if (e->has("monthly_csv")) {
      for (const char* k : {"peak_usd_per_kwh", "peak_hours", "weekdays_only"})
        if (e->has(k)) e->at(k).fail("a monthly price curve and a time-of-use tariff exclude each other");
      s.electricity.kind = ElectricityPrice::Kind::kMonthly;
      s.electricity.monthly_file = e->at("monthly_csv").as_path();
      s.electricity.monthly_usd_per_kwh = read_monthly_curve(s.electricity.monthly_file, start_date, horizon_s, Range::closed(0, 10), e->at("monthly_csv"));
    } else {
      s.electricity.kind = ElectricityPrice::Kind::kTimeOfUse;
      s.electricity.peak_usd_per_kwh = read_quantity(e->at("peak_usd_per_kwh"), Range::closed(0, 10));
      const YamlView hours = e->at("peak_hours");
      const auto h = hours.items();
      if (h.size() != 2) hours.fail(fmt::format("expected [start, end] hours of the day, got {} values", h.size()));
      s.electricity.peak_start_hour = h[0].as_number(Range::closed(0, 24));
      s.electricity.peak_end_hour = h[1].as_number(Range::closed(0, 24));
      if (s.electricity.peak_end_hour <= s.electricity.peak_start_hour)
        h[1].fail(fmt::format("expected an end hour after the start ({:g})", s.electricity.peak_start_hour));
      if (auto w = e->find("weekdays_only")) s.electricity.weekdays_only = w->as_bool();
      s.electricity.start_weekday = weekday(*parse_iso_date(start_date));
    }
  }
  s.carbon.grid_kg_per_kwh = d.grid_kg_per_kwh;
  s.carbon.embodied_kg_per_chip = d.embodied_kg_per_chip;
  if (auto c = v.find("carbon")) {
    c->expect_map({"grid_kg_per_kwh", "monthly_csv", "embodied_kg_per_chip"});
    if (c->has("grid_kg_per_kwh") && c->has("monthly_csv")) c->at("monthly_csv").fail("give either 'grid_kg_per_kwh' or 'monthly_csv', not both");
    if (auto x = c->find("grid_kg_per_kwh")) s.carbon.grid_kg_per_kwh = read_quantity(*x, Range::closed(0, 5));
    if (auto x = c->find("monthly_csv")) {
      s.carbon.monthly_file = x->as_path();
      s.carbon.monthly_kg_per_kwh = read_monthly_curve(s.carbon.monthly_file, start_date, horizon_s, Range::closed(0, 5), *x);
    }
    if (auto x = c->find("embodied_kg_per_chip")) s.carbon.embodied_kg_per_chip = read_quantity(*x, Range::closed(0, 1e6));
  }
}

FinanceSpec read_finance(const YamlView& v) {
  v.expect_map({"debt_share", "interest_rate", "loan_term_years", "discount_rate", "maintenance_share"});
  FinanceSpec f = default_finance();
  if (auto x = v.find("debt_share")) f.debt_share = read_quantity(*x, Range::closed(0, 1));
  if (auto x = v.find("interest_rate")) f.interest_rate = read_quantity(*x, Range::closed(0, 1));
  if (auto x = v.find("loan_term_years")) f.loan_term_years = read_quantity(*x, Range::closed(0.25, 50));
  if (auto x = v.find("discount_rate")) f.discount_rate = read_quantity(*x, Range::closed(0, 1));
  if (auto x = v.find("maintenance_share")) f.maintenance_share = read_quantity(*x, Range::closed(0, 1));
  return f;
}

RentSpec read_rent(const YamlView& v) {
  v.expect_map({"usd_per_chip_hour", "basis"});
  RentSpec r;
  r.usd_per_chip_hour = read_quantity(v.at("usd_per_chip_hour"), Range::closed(0, 1000));
  if (auto b = v.find("basis")) r.reserved = b->as_enum({"reserved", "on-demand"}) == "reserved";
  return r;
}

}  // namespace gigasim::io
