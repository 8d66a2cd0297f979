#include <catch2/catch.hpp>

#include "models/power.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

TEST_CASE("block power is linear in busy chips and includes the system overhead share") {
  const SystemSpec s = test::test_system();
  const BlockPower p = block_power(s, 16);
  // 16 slots of (100 W chip + 100 W overhead) idle, (700 + 100) busy.
  CHECK(p.idle_w == Approx(3200));
  CHECK(p.busy_w == Approx(12800));
  CHECK(p.at(0, 16) == Approx(3200));
  CHECK(p.at(16, 16) == Approx(12800));
  CHECK(p.at(4, 16) == Approx(3200 + 4 * 600));
}
