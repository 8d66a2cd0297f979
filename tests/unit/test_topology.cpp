#include <catch2/catch.hpp>

#include "models/platform_layout.hpp"
#include "models/topology.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {

// test_system(): 8 chips per system, slot busy 800 W, 50 GB/s per chip scale-out.
HardwareChoice choice(std::int64_t chips, std::int64_t block_chips) {
  HardwareChoice c;
  c.name = "c";
  c.system = test::test_system();
  c.chips = chips;
  c.block_chips = block_chips;
  return c;
}

SiteSpec site(std::int64_t buildings, std::int64_t halls_per_building, double hall_power_w, double hall_over = 1, double bld_over = 1,
              double campus_over = 1) {
  SiteSpec s;
  s.pue = test::q(1.0);
  s.layout = {buildings, halls_per_building, hall_power_w, hall_over, bld_over, campus_over};
  s.power_w = test::q(hall_power_w * static_cast<double>(buildings * halls_per_building));
  return s;
}

}  // namespace

TEST_CASE("halls are filled in order within their power") {
  // A block of 64 chips draws 64 x 800 W = 51.2 kW; a hall of 120 kW holds 2 blocks.
  const SiteSpec s = site(2, 2, 120e3);
  CHECK(blocks_per_hall(s, choice(64, 64)) == 2);
  CHECK(site_capacity_blocks(s, choice(64, 64)) == 8);
  const PlatformLayout p = layout_platform(s, choice(5 * 64, 64), Precision::kBf16);
  REQUIRE(p.halls.size() == 3);
  CHECK(p.halls[0].blocks == 2);
  CHECK(p.halls[2].blocks == 1);
  CHECK(p.halls[2].building == 1);
  CHECK(p.buildings.size() == 2);
  CHECK(p.hall_of(0) == 0);
  CHECK(p.hall_of(3) == 1);
  CHECK(p.hall_of(4) == 2);
  CHECK(p.uplink_bandwidth_bytes_per_s == Approx(64 * 50e9));
  CHECK(p.link_latency_s == Approx(5e-6 / 3));
}

TEST_CASE("hop distances follow the tiers") {
  const SiteSpec s = site(2, 2, 120e3);
  const PlatformLayout p = layout_platform(s, choice(8 * 64, 64), Precision::kBf16);
  const Topology t(p);
  CHECK(t.connected());
  CHECK(t.hop_distance(0, 0) == 0);
  CHECK(t.hop_distance(0, 1) == 2);  // same hall
  CHECK(t.hop_distance(0, 2) == 4);  // same building
  CHECK(t.hop_distance(0, 7) == 6);  // other building
}

TEST_CASE("bisection bandwidth is the max flow through spines and cores") {
  // One hall of 8 blocks of 64 chips: uplink 3.2 TB/s each.
  const double up = 64 * 50e9;
  {
    const PlatformLayout p = layout_platform(site(1, 1, 1e9), choice(8 * 64, 64), Precision::kBf16);
    CHECK(Topology(p).bisection_bytes_per_s() == Approx(4 * up));  // non-blocking
  }
  {
    const PlatformLayout p = layout_platform(site(1, 1, 1e9, 4), choice(8 * 64, 64), Precision::kBf16);
    CHECK(Topology(p).bisection_bytes_per_s() == Approx(8 * up / 4));  // the spine carries 1/4 of the uplinks
  }
  {
    // Two halls of 4 blocks, hall uplinks at 1:2: the halves are the two halls.
    const PlatformLayout p = layout_platform(site(1, 2, 4 * 51.2e3 * 1.0001, 1, 2), choice(8 * 64, 64), Precision::kBf16);
    REQUIRE(p.halls.size() == 2);
    CHECK(Topology(p).bisection_bytes_per_s() == Approx(4 * up / 2));
  }
}

TEST_CASE("node and pod granularity give the same chips, power and bisection bandwidth") {
  // Halls hold exactly 3 pods of 512 chips (a hair of margin against rounding).
  const double hall_w = 3 * 512 * 800 * 1.000001;
  const SiteSpec s = site(2, 3, hall_w, 1, 2, 4);
  const PlatformLayout node = layout_platform(s, choice(18 * 512, 8), Precision::kBf16);
  const PlatformLayout pod = layout_platform(s, choice(18 * 512, 512), Precision::kBf16);
  CHECK(node.chips() == pod.chips());
  CHECK(node.hosts == 64 * pod.hosts);
  CHECK(static_cast<double>(node.hosts) * node.first().power.busy_w == Approx(static_cast<double>(pod.hosts) * pod.first().power.busy_w));
  CHECK(static_cast<double>(node.hosts) * node.first().power.idle_w == Approx(static_cast<double>(pod.hosts) * pod.first().power.idle_w));
  REQUIRE(node.halls.size() == pod.halls.size());
  CHECK(Topology(node).bisection_bytes_per_s() == Approx(Topology(pod).bisection_bytes_per_s()));
  CHECK(node.campus_core_bandwidth_bytes_per_s == Approx(pod.campus_core_bandwidth_bytes_per_s));
}

TEST_CASE("placement keeps a job in one hall when it fits, best fit first, else nearest halls") {
  const SiteSpec s = site(2, 2, 4 * 51.2e3 * 1.0001);  // 4 blocks of 64 chips per hall, 16 blocks
  const PlatformLayout p = layout_platform(s, choice(16 * 64, 64), Precision::kBf16);
  const Topology t(p);
  std::vector<std::int64_t> free(16, 64);
  // Hall 0 has 64 free chips, hall 1 has 192, halls 2-3 have 256: a 192-chip job goes to hall 1.
  free[0] = free[1] = free[2] = 0;
  free[4] = 0;
  using S = Topology::Slice;
  CHECK(t.nearby_free_chips(free, 192) == std::vector<S>{{5, 64}, {6, 64}, {7, 64}});
  // 320 chips: no hall fits; a full hall plus the nearest other hall in the same building.
  const auto five = t.nearby_free_chips(free, 320);
  REQUIRE(five.size() == 5);
  int max_hops = 0;
  for (auto a : five) {
    CHECK(free[static_cast<std::size_t>(a.block)] >= a.chips);
    for (auto b : five) max_hops = std::max(max_hops, t.hop_distance(a.block, b.block));
  }
  CHECK(max_hops == 4);  // within one building
  CHECK(t.nearby_free_chips(free, 12 * 64 + 1).empty());  // only 768 free
}

TEST_CASE("placement fills partly used blocks before whole ones") {
  const SiteSpec s = site(1, 1, 1e9);
  const PlatformLayout p = layout_platform(s, choice(4 * 64, 64), Precision::kBf16);
  const Topology t(p);
  std::vector<std::int64_t> free = {64, 16, 64, 40};
  using S = Topology::Slice;
  CHECK(t.nearby_free_chips(free, 16) == std::vector<S>{{1, 16}});
  CHECK(t.nearby_free_chips(free, 60) == std::vector<S>{{1, 16}, {3, 40}, {0, 4}});
  CHECK(t.nearby_free_chips(free, 30) == std::vector<S>{{1, 16}, {3, 14}});
}
