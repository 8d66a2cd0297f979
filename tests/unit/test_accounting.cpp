#include <catch2/catch.hpp>

#include "models/accounting.hpp"
#include "models/choice_fleet.hpp"
#include "models/units.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {
Scenario site_scenario() {
  Scenario s;
  s.site.power_w = test::q(1e9);
  s.site.pue = test::q(1.5);
  s.site.electricity_usd_per_kwh = test::q(0.10);
  s.site.facility_capex_usd_per_w = test::q(10);
  s.site.layout.hall_power_w = 1e9;
  return s;
}
HardwareChoice static_choice(std::int64_t chips) {
  HardwareChoice c;
  c.system = test::test_system();
  c.chips = chips;
  c.block_chips = 8;
  c.roadmap.push_back(Generation{c.system, 0, c.system.price_usd.value, 5 * units::kSecondsPerYear});
  return c;
}
}  // namespace

TEST_CASE("a static fleet: capex at month 0, electricity each month, totals add up") {
  const Scenario s = site_scenario();
  const HardwareChoice c = static_choice(64);
  const std::vector<double> it = {units::kJoulesPerKwh * 1000, units::kJoulesPerKwh * 2000};
  const CostSummary cost = account_costs(s, plan_choice_fleet(s.site, s.budget, c, 2 * units::kSecondsPerMonth), it);
  CHECK(cost.capex_systems_usd == Approx(8 * 200000.0));
  // 64 slots x 800 W busy x $10/W
  CHECK(cost.capex_facility_usd == Approx(64 * 800 * 10.0));
  REQUIRE(cost.months.size() == 2);
  CHECK(cost.months[0].capex_usd == Approx(cost.capex_usd));
  CHECK(cost.months[1].capex_usd == 0);
  CHECK(cost.months[0].opex_usd == Approx(1000 * 1.5 * 0.10));
  CHECK(cost.months[1].opex_usd == Approx(2000 * 1.5 * 0.10));
  CHECK(cost.opex_usd == Approx(450));
  CHECK(cost.total_usd == Approx(cost.capex_usd + 450));
}

TEST_CASE("capex falls in the month of each lot's delivery") {
  const Scenario s = site_scenario();
  FleetPlan plan;
  Lot a, b, late;
  a.delivery_s = 0.5 * units::kSecondsPerMonth, a.capex_systems_usd = 100, a.capex_facility_usd = 10;
  b.delivery_s = 2.0 * units::kSecondsPerMonth, b.capex_systems_usd = 200, b.capex_facility_usd = 0;
  late.delivery_s = 7 * units::kSecondsPerMonth, late.capex_systems_usd = 1e9;  // after the 3-month horizon: not counted
  plan.lots = {a, b, late};
  const CostSummary cost = account_costs(s, plan, {0, 0, 0});
  CHECK(cost.months[0].capex_usd == Approx(110));
  CHECK(cost.months[1].capex_usd == 0);
  CHECK(cost.months[2].capex_usd == Approx(200));
  CHECK(cost.capex_usd == Approx(310));
  CHECK(cost.capex_facility_usd == Approx(10));
  CHECK(month_of(units::kSecondsPerMonth) == 1);
  CHECK(month_of(units::kSecondsPerMonth * (1 - 1e-12)) == 1);  // within rounding of the boundary
}
