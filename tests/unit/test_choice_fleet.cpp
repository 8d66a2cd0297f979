// A choice with procurement tracks (models/choice_fleet.hpp): each track planned within its share of the
// site, the plans merged hall by hall. Expected slots worked out by hand below.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/choice_fleet.hpp"
#include "models/units.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {
constexpr double kYear = units::kSecondsPerYear;

// test_system(): 8-chip blocks of 6,400 W IT (8 x (700 + 100)), 8,000 W at PUE 1.25. big: 12,800 W IT, 16,000 W.
SystemSpec big_system() {
  SystemSpec s = test::test_system();
  s.id = "big";
  s.chip.power_busy_w = test::q(1500);
  return s;
}

SiteSpec two_halls() {
  SiteSpec s;
  s.power_w = test::q(80000);
  s.pue = test::q(1.25);
  s.layout.buildings = 1;
  s.layout.halls_per_building = 2;
  s.layout.hall_power_w = 40000;
  s.facility_capex_usd_per_w = test::q(0);
  return s;
}

HardwareChoice two_tracks(double share_a, double share_b) {
  HardwareChoice c;
  c.name = "mixed";
  c.block_chips = 8;
  c.procured = true;
  c.roadmap = {Generation{test::test_system(), 0, 200000, 10 * kYear, GenerationUse::kTraining},
               Generation{big_system(), 0, 400000, 10 * kYear, GenerationUse::kServing}};
  c.system = c.roadmap.front().system;
  Track a{"a", GenerationUse::kTraining, share_a, 0, 1, {}, {}};
  Track b{"b", GenerationUse::kServing, share_b, 1, 1, {}, {}};
  a.refresh.policy = b.refresh.policy = RefreshPolicy::kKeep;
  c.tracks = {a, b};
  return c;
}
}  // namespace

TEST_CASE("tracks: each planned within its share, merged hall by hall", "[choice_fleet]") {
  // Half each: track a gets 20 kW per hall (2 of its 8 kW blocks) and 40 kW of site (5 blocks, so the
  // 4 slots bind); track b 20 kW per hall (1 of its 16 kW blocks), 40 kW of site (2 blocks).
  const FleetPlan p = plan_choice_fleet(two_halls(), BudgetSpec{}, two_tracks(0.5, 0.5), 2 * kYear);
  CHECK(p.slots_per_hall == std::vector<std::int64_t>{3, 3});
  CHECK(p.slots == 6);
  std::vector<std::int64_t> a, b;
  for (const Lot& lot : p.lots) {
    CHECK(lot.delivery_s == 0);
    auto& into = lot.generation == 0 ? a : b;
    into.insert(into.end(), lot.slots.begin(), lot.slots.end());
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // Hall 0 holds slots 0-2: track a's two, then track b's one; hall 1 holds 3-5 the same way.
  CHECK(a == std::vector<std::int64_t>{0, 1, 3, 4});
  CHECK(b == std::vector<std::int64_t>{2, 5});
  CHECK(p.chips_installed(1.0, 0) == 32);
  CHECK(p.chips_installed(1.0, 1) == 16);
  // Within each track's share of the site's facility power: 4 x 8 kW <= 40 kW and 2 x 16 kW <= 40 kW.
}

TEST_CASE("tracks: a share sets the track's power, hall power and budget", "[choice_fleet]") {
  const HardwareChoice c = two_tracks(0.75, 0.25);
  const FleetInput in = track_input(two_halls(), BudgetSpec{1e6, 5e5}, c, c.tracks[1], 2 * kYear);
  CHECK(in.site_power_w == Approx(20000));
  CHECK(in.layout.hall_power_w == Approx(10000));
  CHECK(in.budget.total_usd == Approx(2.5e5));
  CHECK(in.budget.per_year_usd == Approx(1.25e5));
  REQUIRE(in.roadmap.size() == 1);
  CHECK(in.roadmap[0].system.id == "big");
  // 10 kW halls hold no 16 kW block: the serving track installs nothing, the training track 3 + 3.
  const FleetPlan p = plan_choice_fleet(two_halls(), BudgetSpec{}, c, 2 * kYear);
  CHECK(p.chips_installed(1.0, 1) == 0);
  CHECK(p.chips_installed(1.0, 0) == 6 * 8);  // 30 kW per hall: 3 blocks; 60 kW of site: 7 blocks
}
