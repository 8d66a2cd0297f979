// Monthly cost, finance and carbon of one hardware choice (models/accounting.hpp). Expected values are
// worked out by hand or from closed forms; fleet plans are built by hand where that keeps the numbers round.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include "models/accounting.hpp"
#include "models/choice_fleet.hpp"
#include "models/units.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {
constexpr double kKwh = units::kJoulesPerKwh;
constexpr double kMonth = units::kSecondsPerMonth;

Scenario site_scenario() {
  Scenario s;
  s.site.power_w = test::q(1e9);
  s.site.pue = test::q(1.5);
  s.site.electricity_usd_per_kwh = test::q(0.10);
  s.site.facility_capex_usd_per_w = test::q(10);
  s.site.facility_life_years = test::q(20);
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
// A hand-built lot of `blocks` blocks of generation `g`, delivered at `delivery_s`.
Lot make_lot(double delivery_s, std::int64_t blocks, double systems_usd, double facility_usd = 0, std::size_t g = 0) {
  Lot lot;
  lot.generation = g;
  lot.delivery_s = delivery_s;
  for (std::int64_t b = 0; b < blocks; ++b) lot.slots.push_back(b);
  lot.capex_systems_usd = systems_usd;
  lot.capex_facility_usd = facility_usd;
  return lot;
}
FleetPlan make_plan(std::vector<Lot> lots) {
  FleetPlan plan;
  plan.block_chips = 8;
  plan.lots = std::move(lots);
  return plan;
}
// The annual rate whose monthly compounding is exactly `monthly`.
double annual_for_monthly(double monthly) { return std::pow(1.0 + monthly, 12) - 1.0; }
// Discount factor of an amount at the end of month k (0-based) at an annual rate.
double discount(std::size_t k, double annual) { return std::pow(1.0 + annual, -static_cast<double>(k + 1) / 12.0); }
}  // namespace

TEST_CASE("a static fleet: capex at month 0, electricity each month, totals add up", "[accounting]") {
  const Scenario s = site_scenario();
  const HardwareChoice c = static_choice(64);
  std::vector<MonthUsage> it(2);
  it[0].it_energy_j = units::kJoulesPerKwh * 1000, it[1].it_energy_j = units::kJoulesPerKwh * 2000;
  const CostSummary cost = account_costs(s, c, plan_choice_fleet(s.site, s.budget, c, 2 * units::kSecondsPerMonth), it);
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

TEST_CASE("capex falls in the month of each lot's delivery", "[accounting]") {
  const Scenario s = site_scenario();
  FleetPlan plan;
  Lot a, b, late;
  a.delivery_s = 0.5 * units::kSecondsPerMonth, a.capex_systems_usd = 100, a.capex_facility_usd = 10;
  b.delivery_s = 2.0 * units::kSecondsPerMonth, b.capex_systems_usd = 200, b.capex_facility_usd = 0;
  late.delivery_s = 7 * units::kSecondsPerMonth, late.capex_systems_usd = 1e9;  // after the 3-month horizon: not counted
  plan.lots = {a, b, late};
  HardwareChoice c = static_choice(8);
  c.roadmap.resize(1);
  const CostSummary cost = account_costs(s, c, plan, std::vector<MonthUsage>(3));
  CHECK(cost.months[0].capex_usd == Approx(110));
  CHECK(cost.months[1].capex_usd == 0);
  CHECK(cost.months[2].capex_usd == Approx(200));
  CHECK(cost.capex_usd == Approx(310));
  CHECK(cost.capex_facility_usd == Approx(10));
  CHECK(month_of(units::kSecondsPerMonth) == 1);
  CHECK(month_of(units::kSecondsPerMonth * (1 - 1e-12)) == 1);  // within rounding of the boundary
}

TEST_CASE("a static fleet with half debt: capex split, depreciation, interest, totals and NPV", "[accounting]") {
  Scenario s = site_scenario();
  s.site.network_capex_share = test::q(0.2);
  s.site.storage_capex_usd_per_chip = test::q(1000);
  s.site.network_power_w_per_chip = test::q(50);
  s.site.storage_power_w_per_chip = test::q(25);
  s.finance.debt_share = test::q(0.5);
  s.finance.interest_rate = test::q(0.12);
  s.finance.loan_term_years = test::q(5);
  s.finance.discount_rate = test::q(0.08);
  s.finance.maintenance_share = test::q(0.03);
  HardwareChoice c = static_choice(64);
  c.roadmap[0].service_life_s = 4 * units::kSecondsPerYear;  // the generation's life, not the catalog's 5 years
  std::vector<MonthUsage> usage(3);
  for (std::size_t m = 0; m < 3; ++m) usage[m].it_energy_j = kKwh * 1000 * static_cast<double>(m + 1);
  const CostSummary cost = account_costs(s, c, plan_choice_fleet(s.site, s.budget, c, 3 * kMonth), usage);
  REQUIRE(cost.months.size() == 3);

  // Capex: 8 systems x $200k; network 20% of that; storage 64 chips x $1000; facility 64 chips x (700 + 100
  // + 50 + 25) W x $10/W. All in month 0.
  const double systems = 1.6e6, network = 320000, storage = 64000, facility = 560000;
  const double capex = systems + network + storage + facility;  // 2.544e6
  CHECK(cost.months[0].capex_systems_usd == Approx(systems));
  CHECK(cost.months[0].capex_network_usd == Approx(network));
  CHECK(cost.months[0].capex_storage_usd == Approx(storage));
  CHECK(cost.months[0].capex_facility_usd == Approx(facility));
  CHECK(cost.months[0].capex_usd == Approx(capex));
  CHECK(cost.capex_usd == Approx(capex));
  CHECK(cost.capex_systems_usd == Approx(systems));
  CHECK(cost.capex_network_usd == Approx(network));
  CHECK(cost.capex_storage_usd == Approx(storage));
  CHECK(cost.capex_facility_usd == Approx(facility));
  CHECK(cost.months[1].capex_usd == 0);
  CHECK(cost.months[2].capex_usd == 0);
  CHECK(cost.months[0].chips_delivered == 64);

  // Depreciation: hardware over 48 months, the facility over 240.
  const double depreciation = (systems + network + storage) / 48 + facility / 240;
  for (const MonthlyCost& m : cost.months) CHECK(m.depreciation_usd == Approx(depreciation));
  CHECK(cost.depreciation_usd == Approx(3 * depreciation));

  // Finance: half borrowed over 60 months at 12% a year compounded monthly.
  const double debt = capex / 2;
  const double r = std::pow(1.12, 1.0 / 12) - 1;
  const double payment = debt * r / (1 - std::pow(1 + r, -60));
  const double interest1 = debt * r;
  const double balance1 = debt - (payment - interest1);
  const double interest2 = balance1 * r;
  const double balance2 = balance1 - (payment - interest2);
  CHECK(cost.months[0].equity_usd == Approx(debt));
  CHECK(cost.months[0].debt_drawn_usd == Approx(debt));
  CHECK(cost.months[0].interest_usd == 0);
  CHECK(cost.months[1].interest_usd == Approx(interest1));
  CHECK(cost.months[2].interest_usd == Approx(interest2));
  CHECK(cost.months[1].principal_usd == Approx(payment - interest1));
  CHECK(cost.months[2].interest_usd + cost.months[2].principal_usd == Approx(payment));
  CHECK(cost.months[1].debt_outstanding_usd == Approx(balance1));
  CHECK(cost.debt_outstanding_end_usd == Approx(balance2));
  CHECK(cost.interest_usd == Approx(interest1 + interest2));
  CHECK(cost.principal_usd == Approx(debt - balance2));

  // Opex: electricity at 1.5 x $0.10 per IT kWh, maintenance 3% a year of the capex in service.
  const double electricity[] = {150, 300, 450};
  const double maintenance = capex * 0.03 / 12;  // 6360
  for (std::size_t m = 0; m < 3; ++m) {
    CHECK(cost.months[m].electricity_usd == Approx(electricity[m]));
    CHECK(cost.months[m].maintenance_usd == Approx(maintenance));
    CHECK(cost.months[m].opex_usd == Approx(electricity[m] + maintenance));
    CHECK(cost.months[m].rent_usd == 0);
  }
  const double opex = 900 + 3 * maintenance;
  CHECK(cost.electricity_usd == Approx(900));
  CHECK(cost.maintenance_usd == Approx(3 * maintenance));
  CHECK(cost.opex_usd == Approx(opex));

  // Totals.
  CHECK(cost.total_usd == Approx(capex + opex + interest1 + interest2));
  CHECK(cost.ownership_usd == Approx(3 * depreciation + interest1 + interest2 + opex));
  CHECK(cost.months[1].cost_usd == Approx(electricity[1] + maintenance + interest1));
  CHECK(cost.months[1].ownership_usd == Approx(depreciation + interest1 + electricity[1] + maintenance));
  // NPV: equity + loan payments + opex, each at the end of its month, and the debt still owed at the end.
  const double cash0 = debt + electricity[0] + maintenance;
  const double cash1 = payment + electricity[1] + maintenance;
  const double cash2 = payment + electricity[2] + maintenance + balance2;
  CHECK(cost.months[0].cash_usd == Approx(cash0));
  CHECK(cost.months[1].cash_usd == Approx(cash1));
  CHECK(cost.months[2].cash_usd == Approx(payment + electricity[2] + maintenance));  // the month's own cash
  CHECK(cost.npv_usd == Approx(cash0 * discount(0, 0.08) + cash1 * discount(1, 0.08) + cash2 * discount(2, 0.08)));
  CHECK(cost.npv_usd == Approx(present_value({cash0, cash1, cash2}, 0.08)));
}

TEST_CASE("NPV without debt or discounting is the cash spent", "[accounting]") {
  const Scenario s = site_scenario();
  const FleetPlan plan = make_plan({make_lot(0, 1, 1000, 200)});
  std::vector<MonthUsage> usage(2);
  usage[1].it_energy_j = 100 * kKwh;  // 150 kWh at the facility: $15
  const CostSummary cost = account_costs(s, static_choice(8), plan, usage);
  CHECK(cost.npv_usd == Approx(1215));
  CHECK(cost.total_usd == Approx(1215));
  CHECK(cost.debt_outstanding_end_usd == 0);
}

TEST_CASE("electricity at a flat price, by time of use and from a monthly curve", "[accounting]") {
  Scenario s = site_scenario();
  s.site.pue = test::q(1.25);
  const HardwareChoice c = static_choice(8);
  const FleetPlan empty = make_plan({});
  std::vector<MonthUsage> usage(3);
  usage[0].it_energy_j = 1000 * kKwh, usage[0].it_energy_peak_j = 400 * kKwh;
  usage[1].it_energy_j = 1000 * kKwh, usage[1].it_energy_peak_j = 0;
  usage[2].it_energy_j = 1000 * kKwh, usage[2].it_energy_peak_j = 2000 * kKwh;  // more than the month's: all of it

  SECTION("flat: facility kWh x the price, peak energy or not") {
    const CostSummary cost = account_costs(s, c, empty, usage);
    for (const MonthlyCost& m : cost.months) {
      CHECK(m.pue == Approx(1.25));
      CHECK(m.facility_energy_j == Approx(1250 * kKwh));
      CHECK(m.electricity_usd == Approx(125));
    }
    CHECK(cost.facility_energy_j == Approx(3750 * kKwh));
    CHECK(electricity_price_usd_per_kwh(s.site, 7) == Approx(0.10));
  }
  SECTION("time of use: peak energy at the peak price, the rest at the flat price") {
    s.site.electricity.kind = ElectricityPrice::Kind::kTimeOfUse;
    s.site.electricity.peak_usd_per_kwh = test::q(0.30);
    const CostSummary cost = account_costs(s, c, empty, usage);
    // 400 kWh IT x 1.25 = 500 kWh at $0.30, 750 kWh at $0.10.
    CHECK(cost.months[0].electricity_usd == Approx(150 + 75));
    CHECK(cost.months[1].electricity_usd == Approx(125));
    CHECK(cost.months[2].electricity_usd == Approx(1250 * 0.30));
    CHECK(cost.electricity_usd == Approx(225 + 125 + 375));
  }
  SECTION("a monthly curve: the month's price, the last one past its end") {
    s.site.electricity.kind = ElectricityPrice::Kind::kMonthly;
    s.site.electricity.monthly_usd_per_kwh = {0.20, 0.08};
    const CostSummary cost = account_costs(s, c, empty, usage);
    CHECK(cost.months[0].electricity_usd == Approx(1250 * 0.20));
    CHECK(cost.months[1].electricity_usd == Approx(1250 * 0.08));
    CHECK(cost.months[2].electricity_usd == Approx(1250 * 0.08));
    CHECK(electricity_price_usd_per_kwh(s.site, 0) == Approx(0.20));
    CHECK(electricity_price_usd_per_kwh(s.site, 1) == Approx(0.08));
    CHECK(electricity_price_usd_per_kwh(s.site, 50) == Approx(0.08));
    s.site.electricity.monthly_usd_per_kwh.clear();  // no curve: the flat price
    CHECK(electricity_price_usd_per_kwh(s.site, 1) == Approx(0.10));
  }
}

TEST_CASE("a reporting month takes the calendar months it overlaps, weighted by days", "[accounting]") {
  const double month = 30.4375;  // days
  // From 2026-03-15: month 0 is Mar 15 (17 days to Apr 1) and 13.4375 days of April.
  auto shares = calendar_shares(0, "2026-03-15");
  REQUIRE(shares.size() == 2);
  CHECK((shares[0].year == 2026 && shares[0].month == 3));
  CHECK(shares[0].fraction == Approx(17 / month));
  CHECK((shares[1].year == 2026 && shares[1].month == 4));
  CHECK(shares[1].fraction == Approx(13.4375 / month));
  // From 2026-01-31, month 0 ends on day 30.4375 (Mar 2): 1 day of January, all 28 of February, 1.4375 of
  // March; no calendar month is skipped.
  shares = calendar_shares(0, "2026-01-31");
  REQUIRE(shares.size() == 3);
  CHECK(shares[0].fraction == Approx(1 / month));
  CHECK((shares[1].month == 2 && shares[1].fraction == Approx(28 / month)));
  CHECK((shares[2].month == 3 && shares[2].fraction == Approx(1.4375 / month)));
  // Over any span the shares add up to the calendar's days: a leap year 2028 from Jan 1, twelve months.
  double feb = 0;
  for (std::size_t m = 0; m < 12; ++m) {
    double sum = 0;
    for (const CalendarShare& c : calendar_shares(m, "2028-01-01")) {
      sum += c.fraction;
      if (c.year == 2028 && c.month == 2) feb += c.fraction * month;
    }
    CHECK(sum == Approx(1.0));
  }
  CHECK(feb == Approx(29.0));
  // A horizon ending inside a reporting month clips it: 45 days from 2026-01-01 end on 2026-02-15, so month 1
  // (Jan 31.4375 to Feb 15) is 0.5625 days of January and 14 of February, and nothing of March.
  shares = calendar_shares(1, "2026-01-01", 45 * 86400.0);
  REQUIRE(shares.size() == 2);
  CHECK((shares[0].month == 1 && shares[0].fraction == Approx(0.5625 / 14.5625)));
  CHECK((shares[1].month == 2 && shares[1].fraction == Approx(14 / 14.5625)));

  Scenario s = site_scenario();
  s.start_date = "2026-03-15";
  for (int k = 0; k < 12; ++k) s.site.pue_by_calendar_month.push_back(1.0 + 0.01 * (k + 1));  // Jan 1.01 ... Dec 1.12
  s.site.carbon.grid_kg_per_kwh = test::q(0.5);
  std::vector<MonthUsage> usage(2);
  for (MonthUsage& u : usage) u.it_energy_j = 1000 * kKwh;
  const CostSummary cost = account_costs(s, static_choice(8), make_plan({}), usage);
  const double pue0 = (17 * 1.03 + 13.4375 * 1.04) / month;  // March and April
  CHECK(cost.months[0].pue == Approx(pue0));
  CHECK(cost.months[0].facility_energy_j == Approx(1000 * pue0 * kKwh));
  CHECK(cost.months[0].electricity_usd == Approx(100 * pue0));
  CHECK(cost.months[0].carbon_operational_kg == Approx(500 * pue0));
  // Month 1: Apr 15.4375 (16.5625 days to May 1) and 13.875 days of May.
  CHECK(cost.months[1].pue == Approx((16.5625 * 1.04 + 13.875 * 1.05) / month));
}

TEST_CASE("renting: reserved pays for installed chip-hours, on-demand for allocated ones, and nothing is owned",
          "[accounting]") {
  Scenario s = site_scenario();
  s.finance.debt_share = test::q(0.5);
  s.finance.interest_rate = test::q(0.1);
  s.finance.loan_term_years = test::q(1);
  s.finance.discount_rate = test::q(0.08);
  s.finance.maintenance_share = test::q(0.05);
  s.site.carbon.grid_kg_per_kwh = test::q(0.4);
  s.site.carbon.embodied_kg_per_chip = test::q(100);
  HardwareChoice c = static_choice(16);
  c.rent = RentSpec{test::q(2.0), true};
  const FleetPlan plan = make_plan({make_lot(0, 2, 400000, 50000)});  // 16 chips
  std::vector<MonthUsage> usage(2);
  for (MonthUsage& u : usage) {
    u.it_energy_j = 1000 * kKwh;
    u.installed_chip_s = 16 * 100 * units::kSecondsPerHour;
    u.allocated_chip_s = 10 * 100 * units::kSecondsPerHour;
  }

  auto check_nothing_owned = [](const CostSummary& cost) {
    CHECK(cost.capex_usd == 0);
    CHECK(cost.capex_systems_usd == 0);
    CHECK(cost.capex_facility_usd == 0);
    CHECK(cost.depreciation_usd == 0);
    CHECK(cost.interest_usd == 0);
    CHECK(cost.equity_usd == 0);
    CHECK(cost.debt_drawn_usd == 0);
    CHECK(cost.debt_outstanding_end_usd == 0);
    CHECK(cost.electricity_usd == 0);
    CHECK(cost.maintenance_usd == 0);
    // The energy is still drawn and still emits; the rented chips still carry their embodied carbon.
    CHECK(cost.facility_energy_j == Approx(2 * 1500 * kKwh));
    CHECK(cost.carbon_operational_kg == Approx(2 * 1500 * 0.4));
    CHECK(cost.carbon_embodied_kg == Approx(16 * 100));
    CHECK(cost.months[0].chips_delivered == 16);
  };
  SECTION("reserved") {
    const CostSummary cost = account_costs(s, c, plan, usage);
    check_nothing_owned(cost);
    CHECK(cost.months[0].rent_usd == Approx(1600 * 2.0));
    CHECK(cost.rent_usd == Approx(2 * 3200));
    CHECK(cost.opex_usd == Approx(6400));
    CHECK(cost.total_usd == Approx(6400));
    CHECK(cost.ownership_usd == Approx(6400));
    CHECK(cost.npv_usd == Approx(3200 * discount(0, 0.08) + 3200 * discount(1, 0.08)));
  }
  SECTION("on-demand") {
    c.rent->reserved = false;
    const CostSummary cost = account_costs(s, c, plan, usage);
    check_nothing_owned(cost);
    CHECK(cost.months[1].rent_usd == Approx(1000 * 2.0));
    CHECK(cost.rent_usd == Approx(4000));
    CHECK(cost.ownership_usd == Approx(4000));
  }
}

TEST_CASE("the serving share of ownership: chip-seconds for the rest, energy at the month's average price",
          "[accounting]") {
  Scenario s = site_scenario();
  s.site.pue = test::q(1.25);
  s.site.electricity.kind = ElectricityPrice::Kind::kTimeOfUse;
  s.site.electricity.peak_usd_per_kwh = test::q(0.30);
  s.finance.debt_share = test::q(0.5);
  s.finance.interest_rate = test::q(annual_for_monthly(0.01));
  s.finance.loan_term_years = test::q(1);
  s.finance.maintenance_share = test::q(0.12);
  HardwareChoice c = static_choice(8);
  c.roadmap[0].service_life_s = units::kSecondsPerYear;  // 12 months: $100 a month
  const FleetPlan plan = make_plan({make_lot(0, 1, 1200)});
  std::vector<MonthUsage> usage(3);
  // Month 0: a quarter of the chip-seconds serve; electricity 500 kWh at $0.30 + 750 at $0.10 = $225 for
  // 1000 IT kWh, $0.225 per IT kWh; serving drew 100 of them.
  usage[0].it_energy_j = 1000 * kKwh, usage[0].it_energy_peak_j = 400 * kKwh;
  usage[0].allocated_chip_s = 1000, usage[0].serving_chip_s = 250, usage[0].serving_energy_j = 100 * kKwh;
  // Month 1: half serve; $250 for 2000 IT kWh ($0.125 per IT kWh); serving drew 400.
  usage[1].it_energy_j = 2000 * kKwh;
  usage[1].allocated_chip_s = 2000, usage[1].serving_chip_s = 1000, usage[1].serving_energy_j = 400 * kKwh;
  // Month 2: nothing allocated: no serving share.
  const CostSummary cost = account_costs(s, c, plan, usage);
  const double payment = 600 * 0.01 / (1 - std::pow(1.01, -12));
  const double interest2 = (600 - (payment - 6)) * 0.01;
  // Non-electricity ownership: depreciation 100 + maintenance 12 + interest (0, 6, interest2).
  CHECK(cost.months[0].ownership_usd == Approx(112 + 225));
  CHECK(cost.months[0].serving_ownership_usd == Approx(0.25 * 112 + 22.5));
  CHECK(cost.months[1].ownership_usd == Approx(118 + 250));
  CHECK(cost.months[1].serving_ownership_usd == Approx(0.5 * 118 + 50));
  CHECK(cost.months[2].ownership_usd == Approx(112 + interest2));
  CHECK(cost.months[2].serving_ownership_usd == 0);
  CHECK(cost.serving_ownership_usd == Approx(50.5 + 109));
  CHECK(cost.training_ownership_usd == Approx(337 + 368 + 112 + interest2 - 159.5));
  CHECK(cost.training_ownership_usd + cost.serving_ownership_usd == Approx(cost.ownership_usd));
}

TEST_CASE("serving on rented chips takes its chip-second share of the rent", "[accounting]") {
  Scenario s = site_scenario();
  HardwareChoice c = static_choice(8);
  c.rent = RentSpec{test::q(1.0), true};
  std::vector<MonthUsage> usage(1);
  usage[0].it_energy_j = 1000 * kKwh;
  usage[0].installed_chip_s = 8 * 10 * units::kSecondsPerHour;  // $80
  usage[0].allocated_chip_s = 4 * 10 * units::kSecondsPerHour;
  usage[0].serving_chip_s = 1 * 10 * units::kSecondsPerHour;
  usage[0].serving_energy_j = 500 * kKwh;  // no electricity bill: free
  const CostSummary cost = account_costs(s, c, make_plan({make_lot(0, 1, 0)}), usage);
  CHECK(cost.serving_ownership_usd == Approx(20));
  CHECK(cost.training_ownership_usd == Approx(60));
}

TEST_CASE("carbon: operational from facility energy, embodied from chips delivered", "[accounting]") {
  Scenario s = site_scenario();  // PUE 1.5
  s.site.carbon.grid_kg_per_kwh = test::q(0.4);
  s.site.carbon.embodied_kg_per_chip = test::q(150);
  // 2 blocks in month 0, 1 block in month 2, 4 blocks after the horizon.
  const FleetPlan plan =
      make_plan({make_lot(0.2 * kMonth, 2, 100), make_lot(2.5 * kMonth, 1, 100), make_lot(3 * kMonth, 4, 100)});
  std::vector<MonthUsage> usage(3);
  usage[0].it_energy_j = 1000 * kKwh, usage[1].it_energy_j = 2000 * kKwh, usage[2].it_energy_j = 2000 * kKwh;

  SECTION("a constant grid intensity") {
    const CostSummary cost = account_costs(s, static_choice(8), plan, usage);
    CHECK(cost.months[0].carbon_operational_kg == Approx(1500 * 0.4));
    CHECK(cost.months[1].carbon_operational_kg == Approx(3000 * 0.4));
    CHECK(cost.carbon_operational_kg == Approx(7500 * 0.4));
    CHECK(cost.months[0].chips_delivered == 16);
    CHECK(cost.months[1].chips_delivered == 0);
    CHECK(cost.months[2].chips_delivered == 8);
    CHECK(cost.months[0].carbon_embodied_kg == Approx(16 * 150));
    CHECK(cost.months[1].carbon_embodied_kg == 0);
    CHECK(cost.months[2].carbon_embodied_kg == Approx(8 * 150));
    CHECK(cost.carbon_embodied_kg == Approx(24 * 150));
  }
  SECTION("a monthly curve, its last value past its end") {
    s.site.carbon.monthly_kg_per_kwh = {0.5, 0.3};
    const CostSummary cost = account_costs(s, static_choice(8), plan, usage);
    CHECK(cost.months[0].carbon_operational_kg == Approx(1500 * 0.5));
    CHECK(cost.months[1].carbon_operational_kg == Approx(3000 * 0.3));
    CHECK(cost.months[2].carbon_operational_kg == Approx(3000 * 0.3));
    CHECK(cost.carbon_operational_kg == Approx(750 + 900 + 900));
  }
}

TEST_CASE("hardware is depreciated over its generation's life, or only until an early retirement", "[accounting]") {
  Scenario s = site_scenario();
  s.site.facility_life_years = test::q(10);  // 120 months
  s.finance.maintenance_share = test::q(0.12);  // 1% a month
  HardwareChoice c = static_choice(8);
  c.roadmap[0].service_life_s = 60 * kMonth;
  c.roadmap.push_back(Generation{c.system, 0, c.system.price_usd.value, 24 * kMonth});
  // Generation 0: $6000 over 60 months, $100 a month. Generation 1: $2400 over 24 months, also $100.
  // The facility, $1200 over 120 months: $10 a month.
  Lot kept = make_lot(0, 1, 6000, 1200, 0);
  Lot second = make_lot(1 * kMonth, 1, 2400, 0, 1);
  // Retired early after 2.5 months: $6000 over 2.5 months, $2400 a month, half of it in its last month.
  Lot early = make_lot(0, 1, 6000, 0, 0);
  early.retire_s = 2.5 * kMonth;
  early.retire_reason = "upgrade";
  std::vector<MonthUsage> usage(6);

  SECTION("generation lives and the facility life") {
    const CostSummary cost = account_costs(s, c, make_plan({kept, second}), usage);
    CHECK(cost.months[0].depreciation_usd == Approx(100 + 10));
    for (std::size_t m = 1; m < 6; ++m) CHECK(cost.months[m].depreciation_usd == Approx(100 + 10 + 100));
    CHECK(cost.months[0].maintenance_usd == Approx(60 + 12));
    CHECK(cost.months[1].maintenance_usd == Approx(60 + 12 + 24));
  }
  SECTION("an early retirement") {
    const CostSummary cost = account_costs(s, c, make_plan({early}), usage);
    const double depreciation[] = {2400, 2400, 1200, 0, 0, 0};
    const double maintenance[] = {60, 60, 30, 0, 0, 0};
    for (std::size_t m = 0; m < 6; ++m) {
      CHECK(cost.months[m].depreciation_usd == Approx(depreciation[m]).margin(1e-9));
      CHECK(cost.months[m].maintenance_usd == Approx(maintenance[m]).margin(1e-9));
    }
    CHECK(cost.depreciation_usd == Approx(6000));
  }
  SECTION("a retirement after the service life changes nothing") {
    kept.retire_s = 100 * kMonth;
    const CostSummary cost = account_costs(s, c, make_plan({kept}), usage);
    CHECK(cost.months[5].depreciation_usd == Approx(110));
  }
}
