#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "models/fleet_plan.hpp"
#include "models/units.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {

constexpr double kYear = units::kSecondsPerYear;  // 31,557,600 s: every time below is a whole second
constexpr double kQuarter = kYear / 4;

// test_system() with another bf16 peak and chip busy power. Its chip slot is chip + 100 W of overhead,
// so with the base blocks of 8 chips and PUE 1.25 a block draws 8 x (busy + 100) W of IT power.
SystemSpec system_with(double bf16_flops_per_s, double chip_busy_w) {
  SystemSpec s = test::test_system();
  s.chip.dense_flops_per_s[Precision::kBf16] = test::q(bf16_flops_per_s);
  s.chip.power_busy_w = test::q(chip_busy_w);
  return s;
}

// Block of 8 chips: 6,400 W IT, 8,000 W facility; 6.25e11 FLOP/s per W (1000e12 x 0.5 / 800).
SystemSpec old_system() { return test::test_system(); }
// Same power, 3x the FLOP/s per watt.
SystemSpec better_system() { return system_with(3000e12, 700); }
// Same power, exactly 2x and 1.5x the FLOP/s per watt.
SystemSpec double_system() { return system_with(2000e12, 700); }
SystemSpec slightly_better_system() { return system_with(1500e12, 700); }
// Block of 8 chips: 12,800 W IT, 16,000 W facility; 3x the FLOP/s per watt.
SystemSpec big_system() { return system_with(6000e12, 1500); }

Generation generation(const SystemSpec& s, double available_s, double service_life_s = 5 * kYear) {
  return Generation{s, available_s, 200000, service_life_s};
}

// Two halls of 40 kW (5 old blocks each), an 80 kW site, $200k per 8-chip system = one block, no other
// limit, quarterly orders over 2 years, one generation kept forever.
FleetInput base_input() {
  FleetInput in;
  in.layout.buildings = 1;
  in.layout.halls_per_building = 2;
  in.layout.hall_power_w = 40000;
  in.site_power_w = 80000;
  in.pue = 1.25;
  in.block_chips = 8;
  in.horizon_s = 2 * kYear;
  in.refresh.policy = RefreshPolicy::kKeep;
  in.roadmap = {generation(old_system(), 0)};
  return in;
}

std::vector<std::int64_t> blocks_of(const FleetPlan& p) {
  std::vector<std::int64_t> out;
  for (const Lot& lot : p.lots) out.push_back(lot.blocks());
  return out;
}

std::vector<double> deliveries_of(const FleetPlan& p) {
  std::vector<double> out;
  for (const Lot& lot : p.lots) out.push_back(lot.delivery_s);
  return out;
}

std::vector<std::string> limits_of(const FleetPlan& p) {
  std::vector<std::string> out;
  for (const Lot& lot : p.lots) out.push_back(lot.limited_by);
  return out;
}

using Slots = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("fleet plan: block power, FLOP/s per watt and the power ramp", "[fleet_plan]") {
  CHECK(block_facility_busy_w(generation(old_system(), 0), 8, 1.25, 0) == Approx(8000));
  CHECK(block_facility_busy_w(generation(old_system(), 0), 8, 1.25, 100) == Approx(8000 + 8 * 100 * 1.25));  // network and storage
  CHECK(block_facility_busy_w(generation(big_system(), 0), 16, 1.0, 0) == Approx(16 * 1600));
  CHECK(flops_per_watt(old_system(), Precision::kBf16) == Approx(6.25e11));
  CHECK(flops_per_watt(old_system(), Precision::kFp8) == Approx(12.5e11));
  CHECK(flops_per_watt(old_system(), Precision::kFp16) == Approx(6.25e11));  // falls back to bf16

  FleetInput in = base_input();
  CHECK(power_available_w(in, -1) == 80000);  // empty ramp: the site power, always
  CHECK(power_available_w(in, 10 * kYear) == 80000);
  in.power_ramp = {{kYear, 10000}, {2 * kYear, 30000}, {2 * kYear, 50000}, {3 * kYear, 70000}};
  CHECK(power_available_w(in, 0) == 10000);  // before the first point: its power
  CHECK(power_available_w(in, kYear) == 10000);
  CHECK(power_available_w(in, 1.25 * kYear) == Approx(15000));
  CHECK(power_available_w(in, 2 * kYear) == 50000);  // a step: the later point holds from its time
  CHECK(power_available_w(in, 2.5 * kYear) == Approx(60000));
  CHECK(power_available_w(in, 3 * kYear) == 70000);
  CHECK(power_available_w(in, 9 * kYear) == 70000);  // after the last point: its power
}

TEST_CASE("fleet plan: a static fleet fills the site with its first order and buys nothing after", "[fleet_plan]") {
  FleetInput in = base_input();
  in.facility_capex_usd_per_w = 10;
  const FleetPlan p = plan_fleet(in);
  CHECK(p.slots_per_hall == Slots{5, 5});
  CHECK(p.slots == 10);
  CHECK(p.block_chips == 8);
  REQUIRE(p.lots.size() == 1);
  const Lot& lot = p.lots[0];
  CHECK(lot.generation == 0);
  CHECK(lot.order_s == 0);
  CHECK(lot.delivery_s == 0);
  CHECK(lot.retire_s == kInfinity);
  CHECK(lot.retire_reason.empty());
  CHECK(lot.slots == Slots{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(lot.limited_by == "power");  // power and slots both allow 10: power comes first
  CHECK(lot.capex_systems_usd == Approx(10 * 200000.0));
  CHECK(lot.capex_facility_usd == Approx(10 * 6400.0 * 10));
  CHECK(p.chips_installed(-1) == 0);
  CHECK(p.chips_installed(0) == 80);
  CHECK(p.chips_installed(in.horizon_s) == 80);
  CHECK(p.chips_installed(0, 0) == 80);
  CHECK(p.chips_installed(0, 1) == 0);  // no such generation: nothing installed
}

TEST_CASE("fleet plan: site power below the halls' total binds, slots run on into the next hall", "[fleet_plan]") {
  FleetInput in = base_input();
  in.site_power_w = 60000;  // 7.5 blocks
  const FleetPlan p = plan_fleet(in);
  REQUIRE(p.lots.size() == 1);
  CHECK(p.lots[0].slots == Slots{0, 1, 2, 3, 4, 5, 6});
  CHECK(p.lots[0].limited_by == "power");

  in.site_power_w = 1e6;  // the halls bind
  in.layout.buildings = 2;  // 2 buildings x 2 halls
  const FleetPlan q = plan_fleet(in);
  CHECK(q.slots_per_hall == Slots{5, 5, 5, 5});
  REQUIRE(q.lots.size() == 1);
  CHECK(q.lots[0].blocks() == 20);
  CHECK(q.lots[0].limited_by == "slots");
}

TEST_CASE("fleet plan: lots grow with the power ramp", "[fleet_plan]") {
  FleetInput in = base_input();
  in.facility_capex_usd_per_w = 1;
  // 16 kW at 0 rising linearly to 56 kW at one year: 2, 3.25, 4.5, 5.75 and 7 blocks at the quarters.
  in.power_ramp = {{0, 16000}, {kYear, 56000}};
  const FleetPlan p = plan_fleet(in);
  CHECK(blocks_of(p) == Slots{2, 1, 1, 1, 2});
  CHECK(deliveries_of(p) == std::vector<double>{0, kQuarter, 2 * kQuarter, 3 * kQuarter, kYear});
  REQUIRE(p.lots.size() == 5);
  CHECK(p.lots[0].slots == Slots{0, 1});
  CHECK(p.lots[3].slots == Slots{4});
  CHECK(p.lots[4].slots == Slots{5, 6});  // hall 1
  for (const Lot& lot : p.lots) {
    CHECK(lot.limited_by == "power");
    CHECK(lot.capex_facility_usd == Approx(static_cast<double>(lot.blocks()) * 6400));  // every lot raises the peak
  }
  CHECK(p.chips_installed(kQuarter - 1) == 16);
  CHECK(p.chips_installed(kQuarter) == 24);
  CHECK(p.chips_installed(in.horizon_s) == 56);
}

TEST_CASE("fleet plan: the supply cap per quarter scales with the order interval", "[fleet_plan]") {
  FleetInput in = base_input();
  in.supply.chips_per_quarter = 24;  // 3 blocks a quarter
  const FleetPlan p = plan_fleet(in);
  CHECK(blocks_of(p) == Slots{3, 3, 3, 1});
  CHECK(limits_of(p) == std::vector<std::string>{"supply", "supply", "supply", "power"});
  REQUIRE(p.lots.size() == 4);
  CHECK(p.lots[0].order_s == 0);  // order_interval_s = 0: quarterly
  CHECK(p.lots[1].order_s == kQuarter);
  CHECK(p.lots[1].slots == Slots{3, 4, 5});
  CHECK(p.lots[3].slots == Slots{9});

  in.order_interval_s = kYear / 12;  // monthly: 8 chips an order, one block
  in.horizon_s = kYear;
  const FleetPlan m = plan_fleet(in);
  CHECK(blocks_of(m) == Slots(10, 1));
  CHECK(m.lots.back().order_s == 9 * kYear / 12);

  in.supply.chips_per_quarter = 20;  // 6.67 chips a month: not one block
  CHECK(plan_fleet(in).lots.empty());
}

TEST_CASE("fleet plan: lead time delays deliveries, no order is delivered at or after the horizon", "[fleet_plan]") {
  FleetInput in = base_input();
  in.supply.chips_per_quarter = 24;
  in.supply.lead_time_s = 0.3 * kYear;
  in.horizon_s = kYear;
  const FleetPlan p = plan_fleet(in);
  // Orders at 0, Q, 2Q arrive at 0.3, 0.55, 0.8 years; the order at 3Q would arrive at 1.05 years.
  CHECK(blocks_of(p) == Slots{3, 3, 3});
  REQUIRE(p.lots.size() == 3);
  CHECK(p.lots[2].order_s == 2 * kQuarter);
  CHECK(p.lots[2].delivery_s == 2 * kQuarter + 0.3 * kYear);
  CHECK(p.chips_installed(0) == 0);
  CHECK(p.chips_installed(0.3 * kYear - 1) == 0);
  CHECK(p.chips_installed(0.3 * kYear) == 24);
  CHECK(p.chips_installed(0.9 * kYear) == 72);
}

TEST_CASE("fleet plan: the total budget counts systems and new facility", "[fleet_plan]") {
  FleetInput in = base_input();
  in.facility_capex_usd_per_w = 1;  // $6,400 of facility per block
  in.budget.total_usd = 1.0e6;  // 4 blocks cost $825,600, 5 blocks $1,032,000
  const FleetPlan p = plan_fleet(in);
  REQUIRE(p.lots.size() == 1);  // the $174,400 left never buys a block
  CHECK(p.lots[0].blocks() == 4);
  CHECK(p.lots[0].limited_by == "budget-total");
  CHECK(p.lots[0].capex_systems_usd + p.lots[0].capex_facility_usd == Approx(825600));

  in.budget.total_usd = 5 * 206400.0;  // exactly 5 blocks
  const FleetPlan exact = plan_fleet(in);
  REQUIRE(exact.lots.size() == 1);
  CHECK(exact.lots[0].blocks() == 5);
}

TEST_CASE("fleet plan: the yearly budget is spent in the plan year of delivery", "[fleet_plan]") {
  FleetInput in = base_input();
  in.horizon_s = 3 * kYear;
  in.budget.per_year_usd = 600000;  // 3 blocks a year
  const FleetPlan p = plan_fleet(in);
  CHECK(blocks_of(p) == Slots{3, 3, 3});
  CHECK(deliveries_of(p) == std::vector<double>{0, kYear, 2 * kYear});
  CHECK(limits_of(p) == std::vector<std::string>{"budget-year", "budget-year", "budget-year"});

  SECTION("with a total budget too") {
    in.budget.total_usd = 1.0e6;
    const FleetPlan q = plan_fleet(in);
    CHECK(blocks_of(q) == Slots{3, 2});
    CHECK(limits_of(q) == std::vector<std::string>{"budget-year", "budget-total"});
  }
  SECTION("orders placed in one year and delivered in the next are charged in the next") {
    in.horizon_s = 2 * kYear;
    in.supply.lead_time_s = 0.5 * kYear;
    const FleetPlan q = plan_fleet(in);
    CHECK(blocks_of(q) == Slots{3, 3});
    CHECK(deliveries_of(q) == std::vector<double>{0.5 * kYear, kYear});
    REQUIRE(q.lots.size() == 2);
    CHECK(q.lots[1].order_s == 2 * kQuarter);
  }
}

TEST_CASE("fleet plan: max_chips caps the installed chips", "[fleet_plan]") {
  FleetInput in = base_input();
  in.max_chips = 36;  // 4.5 blocks
  const FleetPlan p = plan_fleet(in);
  REQUIRE(p.lots.size() == 1);
  CHECK(p.lots[0].blocks() == 4);
  CHECK(p.lots[0].limited_by == "max-chips");

  // The cap holds across retirements: each replacement brings the fleet back to 4 blocks.
  in.refresh.policy = RefreshPolicy::kEndOfLife;
  in.roadmap[0].service_life_s = 0.5 * kYear;
  const FleetPlan r = plan_fleet(in);
  CHECK(blocks_of(r) == Slots{4, 4, 4, 4});
  for (double t = 0; t < in.horizon_s; t += kQuarter / 2) CHECK(r.chips_installed(t) <= 36);
}

TEST_CASE("fleet plan: end-of-life retirement and replacement by the newest generation", "[fleet_plan]") {
  FleetInput in = base_input();
  in.refresh.policy = RefreshPolicy::kEndOfLife;
  in.horizon_s = 2.5 * kYear;
  in.facility_capex_usd_per_w = 1;
  in.roadmap = {generation(old_system(), 0, kYear), generation(better_system(), 0.5 * kYear, kYear)};
  const FleetPlan p = plan_fleet(in);
  CHECK(blocks_of(p) == Slots{10, 10, 10});
  REQUIRE(p.lots.size() == 3);
  CHECK(p.lots[0].generation == 0);
  CHECK(p.lots[0].retire_s == kYear);
  CHECK(p.lots[0].retire_reason == "end-of-life");
  // Retiring at 1 year frees the site for the order delivered at 1 year.
  CHECK(p.lots[1].generation == 1);
  CHECK(p.lots[1].delivery_s == kYear);
  CHECK(p.lots[1].retire_s == 2 * kYear);
  CHECK(p.lots[1].retire_reason == "end-of-life");
  CHECK(p.lots[1].slots == p.lots[0].slots);
  CHECK(p.lots[2].delivery_s == 2 * kYear);
  CHECK(p.lots[2].retire_s == kInfinity);  // 3 years is past the horizon
  CHECK(p.lots[2].retire_reason.empty());
  // Equal power replaced: no new facility.
  CHECK(p.lots[0].capex_facility_usd == Approx(64000));
  CHECK(p.lots[1].capex_facility_usd == 0);
  CHECK(p.lots[2].capex_facility_usd == 0);
  CHECK(p.lots[1].capex_systems_usd == Approx(2e6));

  CHECK(p.chips_installed(kYear - 1, 0) == 80);
  CHECK(p.chips_installed(kYear - 1, 1) == 0);
  CHECK(p.chips_installed(kYear, 0) == 0);
  CHECK(p.chips_installed(kYear, 1) == 80);
  CHECK(p.chips_installed(kYear) == 80);

  SECTION("a retirement off the order grid leaves a gap until the next delivery") {
    in.roadmap = {generation(old_system(), 0, 1.1 * kYear)};
    const FleetPlan q = plan_fleet(in);
    // The replacement ordered at 1.25 years retires at 2.35; the order at 2.25 years finds no room.
    CHECK(blocks_of(q) == Slots{10, 10});
    REQUIRE(q.lots.size() == 2);
    CHECK(q.lots[0].retire_s == Approx(1.1 * kYear));
    CHECK(q.lots[1].delivery_s == 5 * kQuarter);
    CHECK(q.chips_installed(1.1 * kYear - 1) == 80);
    CHECK(q.chips_installed(1.1 * kYear) == 0);
    CHECK(q.chips_installed(1.2 * kYear) == 0);
    CHECK(q.chips_installed(5 * kQuarter) == 80);
  }
  SECTION("a service life ending exactly at the horizon is no retirement") {
    in.roadmap = {generation(old_system(), 0, 2.5 * kYear)};
    const FleetPlan q = plan_fleet(in);
    REQUIRE(q.lots.size() == 1);
    CHECK(q.lots[0].retire_s == kInfinity);
    CHECK(q.lots[0].retire_reason.empty());
  }
}

TEST_CASE("fleet plan: kKeep never retires, so a newer generation finds no room", "[fleet_plan]") {
  FleetInput in = base_input();
  in.roadmap = {generation(old_system(), 0, kYear), generation(better_system(), 0.5 * kYear, kYear)};
  const FleetPlan p = plan_fleet(in);
  REQUIRE(p.lots.size() == 1);
  CHECK(p.lots[0].retire_s == kInfinity);
  CHECK(p.chips_installed(in.horizon_s, 0) == 80);
}

TEST_CASE("fleet plan: no order before the first generation is available", "[fleet_plan]") {
  FleetInput in = base_input();
  in.roadmap = {generation(old_system(), 0.3 * kYear)};
  const FleetPlan p = plan_fleet(in);
  REQUIRE(p.lots.size() == 1);
  CHECK(p.lots[0].order_s == 2 * kQuarter);
}

TEST_CASE("fleet plan: kUpgrade retires the oldest lots early when the gain is large enough", "[fleet_plan]") {
  FleetInput in = base_input();
  in.refresh.policy = RefreshPolicy::kUpgrade;
  in.refresh.min_gain = 2;
  in.supply.chips_per_quarter = 40;  // 5 blocks a quarter
  in.facility_capex_usd_per_w = 1;
  in.roadmap = {generation(old_system(), 0), generation(better_system(), 2 * kQuarter)};
  const FleetPlan p = plan_fleet(in);
  // 0: 5 old blocks; Q: 5 more, the site is full. 2Q: the better generation (3x) replaces the first lot;
  // replacing the second too would not grow the order (supply: 5 blocks), so it stays. 3Q: the second
  // old lot goes; the next oldest is of the new generation (gain 1), so upgrading stops.
  CHECK(blocks_of(p) == Slots{5, 5, 5, 5});
  REQUIRE(p.lots.size() == 4);
  CHECK(p.lots[0].retire_s == 2 * kQuarter);
  CHECK(p.lots[0].retire_reason == "upgrade");
  CHECK(p.lots[1].retire_s == 3 * kQuarter);
  CHECK(p.lots[1].retire_reason == "upgrade");
  CHECK(p.lots[2].generation == 1);
  CHECK(p.lots[2].slots == Slots{0, 1, 2, 3, 4});
  CHECK(p.lots[2].limited_by == "power");  // power, slots and supply all allow 5
  CHECK(p.lots[2].retire_s == kInfinity);
  CHECK(p.lots[3].slots == Slots{5, 6, 7, 8, 9});
  CHECK(p.lots[2].capex_facility_usd == 0);  // same power as what it replaced
  CHECK(p.lots[3].capex_facility_usd == 0);
  CHECK(p.chips_installed(2 * kQuarter, 0) == 40);
  CHECK(p.chips_installed(2 * kQuarter, 1) == 40);
  CHECK(p.chips_installed(3 * kQuarter, 0) == 0);
  CHECK(p.chips_installed(in.horizon_s, 1) == 80);

  SECTION("a gain of exactly min_gain is enough") {
    in.roadmap[1].system = double_system();
    CHECK(blocks_of(plan_fleet(in)) == Slots{5, 5, 5, 5});
  }
  SECTION("a gain below min_gain retires nothing") {
    in.roadmap[1].system = slightly_better_system();
    const FleetPlan q = plan_fleet(in);
    CHECK(blocks_of(q) == Slots{5, 5});
    for (const Lot& lot : q.lots) CHECK(lot.retire_s == kInfinity);
  }
  SECTION("kEndOfLife does not upgrade") {
    in.refresh.policy = RefreshPolicy::kEndOfLife;
    CHECK(blocks_of(plan_fleet(in)) == Slots{5, 5});
  }
}

TEST_CASE("fleet plan: kUpgrade keeps a lot whose retirement would not grow the order enough", "[fleet_plan]") {
  FleetInput in = base_input();
  in.refresh.policy = RefreshPolicy::kUpgrade;
  in.refresh.min_gain = 2;
  in.budget.per_year_usd = 600000;  // 3 blocks a year
  // One block fits until half a year, then three.
  in.power_ramp = {{0, 8000}, {0.5 * kYear, 8000}, {0.5 * kYear, 24000}};
  in.roadmap = {generation(old_system(), 0), generation(better_system(), 2 * kQuarter)};
  const FleetPlan p = plan_fleet(in);
  // 0: one old block. 2Q: power and the year's budget both allow 2 new blocks (power binds first);
  // retiring the old block would free power but not budget: the order would stay at 2, so it stays.
  // 3Q: no power, no budget left. 1 year: a new budget year: retiring the old block lets the order
  // buy one block in its slot: upgraded.
  CHECK(blocks_of(p) == Slots{1, 2, 1});
  CHECK(deliveries_of(p) == std::vector<double>{0, 2 * kQuarter, kYear});
  REQUIRE(p.lots.size() == 3);
  CHECK(p.lots[1].limited_by == "power");
  CHECK(p.lots[1].slots == Slots{1, 2});
  CHECK(p.lots[0].retire_s == kYear);
  CHECK(p.lots[0].retire_reason == "upgrade");
  CHECK(p.lots[2].generation == 1);
  CHECK(p.lots[2].slots == Slots{0});
  CHECK(p.lots[1].retire_s == kInfinity);
}

TEST_CASE("fleet plan: kUpgrade needs the new fleet to hold as many chips", "[fleet_plan]") {
  FleetInput in = base_input();
  in.refresh.policy = RefreshPolicy::kUpgrade;
  // 3x the FLOP/s per watt but twice the power per block: 5 new blocks fit where 10 old ones were.
  in.roadmap = {generation(old_system(), 0), generation(big_system(), 2 * kQuarter)};
  const FleetPlan p = plan_fleet(in);
  REQUIRE(p.lots.size() == 1);
  CHECK(p.lots[0].retire_s == kInfinity);
}

TEST_CASE("fleet plan: hall power limits place generations of different block power", "[fleet_plan]") {
  FleetInput in = base_input();
  in.site_power_w = 200000;  // the halls bind, not the site
  in.supply.chips_per_quarter = 24;  // 3 blocks an order
  in.facility_capex_usd_per_w = 1;
  in.roadmap = {generation(old_system(), 0), generation(big_system(), kQuarter)};
  const FleetPlan p = plan_fleet(in);
  CHECK(p.slots_per_hall == Slots{5, 5});  // 40 kW holds 5 old blocks or 2 big ones: the larger count
  // 0: 3 old blocks in hall 0 (24 kW). Q: a big block (16 kW) fits once more in hall 0, twice in hall 1.
  // 2Q on: hall 0 is full, hall 1 has 8 kW left: no big block fits, though slots 7 to 9 are free.
  CHECK(blocks_of(p) == Slots{3, 3});
  REQUIRE(p.lots.size() == 2);
  CHECK(p.lots[0].slots == Slots{0, 1, 2});
  CHECK(p.lots[1].generation == 1);
  CHECK(p.lots[1].slots == Slots{3, 5, 6});
  CHECK(p.lots[1].limited_by == "slots");  // slots and supply both allow 3: slots come first
  CHECK(p.lots[1].capex_facility_usd == Approx(3 * 12800));
  CHECK(p.chips_installed(kQuarter, 1) == 24);

  in.layout.hall_power_w = 7999;  // not one block
  const FleetPlan none = plan_fleet(in);
  CHECK(none.slots_per_hall == Slots{0, 0});
  CHECK(none.slots == 0);
  CHECK(none.lots.empty());
}

TEST_CASE("fleet plan: facility capex is charged only on a rise of the peak IT power", "[fleet_plan]") {
  FleetInput in = base_input();
  in.layout.halls_per_building = 1;
  in.layout.hall_power_w = 200000;
  in.refresh.policy = RefreshPolicy::kEndOfLife;
  in.facility_capex_usd_per_w = 2;
  in.horizon_s = 1.5 * kYear;
  // 80 kW until one year, 96 kW from then on.
  in.power_ramp = {{0, 80000}, {kYear, 80000}, {kYear, 96000}};
  in.roadmap = {generation(old_system(), 0, kYear), generation(big_system(), 2 * kQuarter, kYear)};
  const FleetPlan p = plan_fleet(in);
  // 0: 10 old blocks (64 kW IT). 1 year: they retire; 6 big blocks (76.8 kW IT) replace them: only the
  // 12.8 kW above the old peak needs new facility.
  CHECK(blocks_of(p) == Slots{10, 6});
  REQUIRE(p.lots.size() == 2);
  CHECK(p.lots[0].capex_facility_usd == Approx(2 * 64000));
  CHECK(p.lots[1].capex_facility_usd == Approx(2 * 12800));
  CHECK(p.lots[1].capex_systems_usd == Approx(6 * 200000));
  CHECK(p.lots[1].slots == Slots{0, 1, 2, 3, 4, 5});
}

TEST_CASE("fleet plan: inputs the loader should have refused throw", "[fleet_plan]") {
  const auto throws = [](auto change) {
    FleetInput in = base_input();
    change(in);
    CHECK_THROWS_AS(plan_fleet(in), std::invalid_argument);
  };
  CHECK_NOTHROW(plan_fleet(base_input()));
  throws([](FleetInput& in) { in.roadmap.clear(); });
  throws([](FleetInput& in) { in.block_chips = 12; });  // not a multiple of 8
  throws([](FleetInput& in) { in.block_chips = 0; });
  throws([](FleetInput& in) { in.roadmap[0].system.chips = 0; });
  throws([](FleetInput& in) { in.roadmap.push_back(generation(old_system(), -1)); });  // not sorted
  throws([](FleetInput& in) { in.roadmap[0].system.chip.power_busy_w = test::q(0); in.roadmap[0].system.overhead_power_w = test::q(0); });
  throws([](FleetInput& in) { in.roadmap[0].price_usd = -1; });
  throws([](FleetInput& in) { in.pue = 0.9; });
  throws([](FleetInput& in) { in.horizon_s = 0; });
  throws([](FleetInput& in) { in.horizon_s = kInfinity; });
  throws([](FleetInput& in) { in.order_interval_s = -kQuarter; });
  throws([](FleetInput& in) { in.order_interval_s = 1; });  // 63 million orders
  throws([](FleetInput& in) { in.layout.halls_per_building = 0; });
  throws([](FleetInput& in) { in.layout.hall_power_w = -1; });
  throws([](FleetInput& in) { in.site_power_w = std::nan(""); });
  throws([](FleetInput& in) { in.power_ramp = {{0, 20000}, {kYear, 10000}}; });  // decreasing
  throws([](FleetInput& in) { in.power_ramp = {{kYear, 10000}, {0, 20000}}; });  // not sorted
  throws([](FleetInput& in) { in.budget.total_usd = -1; });
  throws([](FleetInput& in) { in.budget.per_year_usd = std::nan(""); });
  throws([](FleetInput& in) { in.supply.chips_per_quarter = -8; });
  throws([](FleetInput& in) { in.supply.lead_time_s = -1; });
  throws([](FleetInput& in) { in.max_chips = -8; });
  throws([](FleetInput& in) { in.facility_capex_usd_per_w = -1; });
  throws([](FleetInput& in) {
    in.refresh.policy = RefreshPolicy::kEndOfLife;
    in.roadmap[0].service_life_s = 0;
  });
  throws([](FleetInput& in) {
    in.refresh.policy = RefreshPolicy::kUpgrade;
    in.refresh.min_gain = 0.5;
  });
  throws([](FleetInput& in) { in.layout.hall_power_w = 1e12; });  // 125 million slots a hall
}
