#include <catch2/catch.hpp>

#include "models/accounting.hpp"
#include "models/units.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

TEST_CASE("capex at month 0, electricity each month, totals add up") {
  Scenario s;
  s.site.pue = test::q(1.5);
  s.site.electricity_usd_per_kwh = test::q(0.10);
  s.site.facility_capex_usd_per_w = test::q(10);
  HardwareChoice c;
  c.system = test::test_system();
  c.chips = 64;
  const std::vector<double> it = {units::kJoulesPerKwh * 1000, units::kJoulesPerKwh * 2000};
  const CostSummary cost = account_costs(s, c, it);
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
