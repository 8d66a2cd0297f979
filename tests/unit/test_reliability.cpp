// Failures and checkpointing (models/reliability): failure-table rates, interruption rates, checkpoint
// write times, Daly's interval, spare units, the first-order efficiency, and the real Llama 3 table.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "models/reliability.hpp"
#include "sim/io/fleet_loader.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/yaml_view.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {

constexpr double kDay = 86400.0;
constexpr double kInf = std::numeric_limits<double>::infinity();

FailureCause cause(const std::string& name, double count, bool repair) {
  FailureCause c;
  c.name = name;
  c.component = repair ? "gpu" : "software";
  c.interruptions = test::q(count);
  c.needs_repair = repair;
  return c;
}

// 419 interruptions over 16,384 chips x 54 days: 300 need a repair, 119 do not.
FailureTable table_419() {
  FailureTable t;
  t.id = "t";
  t.exposure_chips = test::q(16384);
  t.exposure_duration_s = test::q(54 * kDay);
  t.causes.push_back(cause("hw", 300, true));
  t.causes.push_back(cause("sw", 119, false));
  return t;
}

ReliabilitySpec spec_419() {
  ReliabilitySpec r;
  r.enabled = true;
  r.table = table_419();
  r.rate_scale = test::q(1.0);
  r.checkpoint_bytes_per_param = test::q(14);
  r.checkpoint_bandwidth_bytes_per_s = test::q(2e12);
  r.restart_s = test::q(600);
  r.repair_s = test::q(2 * kDay);
  r.spare_fraction = test::q(0.01);
  return r;
}

}  // namespace

TEST_CASE("reliability: failure table rates per chip-second and repair fraction", "[reliability]") {
  const FailureTable t = table_419();
  // 16384 x 54 x 86400 = 76,441,190,400 chip-seconds.
  CHECK(t.rate_per_chip_s() == Approx(419.0 / 76441190400.0).epsilon(1e-12));
  CHECK(t.rate_per_chip_s() == Approx(5.481337977698474e-09).epsilon(1e-12));
  CHECK(t.rate_per_chip_s(t.causes[0]) == Approx(300.0 / 76441190400.0).epsilon(1e-12));
  CHECK(t.rate_per_chip_s(t.causes[1]) == Approx(119.0 / 76441190400.0).epsilon(1e-12));
  CHECK(t.repair_fraction() == Approx(300.0 / 419.0));

  FailureTable none = t;
  none.causes.clear();
  CHECK(none.rate_per_chip_s() == 0.0);
  CHECK(none.repair_fraction() == 0.0);

  FailureTable zero = t;
  zero.causes = {cause("a", 0, true), cause("b", 0, false)};
  CHECK(zero.rate_per_chip_s() == 0.0);
  CHECK(zero.repair_fraction() == 0.0);  // no interruptions at all: no 0/0

  FailureTable all_repair = t;
  all_repair.causes = {cause("a", 5, true)};
  CHECK(all_repair.repair_fraction() == 1.0);
}

TEST_CASE("reliability: interruption rate is zero when disabled and scales with chips and rate_scale", "[reliability]") {
  ReliabilitySpec r = spec_419();
  // The whole observed run: 419 interruptions in 54 days.
  CHECK(interruption_rate_per_s(r, 16384) == Approx(419.0 / (54 * kDay)).epsilon(1e-12));
  CHECK(interruption_rate_per_s(r, 8192) == Approx(419.0 / (108 * kDay)).epsilon(1e-12));
  CHECK(interruption_rate_per_s(r, 1) == Approx(419.0 / (16384 * 54 * kDay)).epsilon(1e-12));
  CHECK(interruption_rate_per_s(r, 0) == 0.0);

  r.rate_scale = test::q(2.5);
  CHECK(interruption_rate_per_s(r, 16384) == Approx(2.5 * 419.0 / (54 * kDay)).epsilon(1e-12));
  r.rate_scale = test::q(0.0);
  CHECK(interruption_rate_per_s(r, 16384) == 0.0);

  r.rate_scale = test::q(1.0);
  r.enabled = false;  // the table is still there, but jobs never fail
  CHECK(interruption_rate_per_s(r, 16384) == 0.0);
  CHECK(interruption_rate_per_s(r, 1e9) == 0.0);
}

TEST_CASE("reliability: checkpoint write time is params x bytes per param / bandwidth", "[reliability]") {
  ReliabilitySpec r = spec_419();
  // 405e9 params x 14 B = 5.67e12 B at 2e12 B/s.
  CHECK(checkpoint_write_s(r, 405e9) == Approx(2.835));
  CHECK(checkpoint_write_s(r, 0) == 0.0);
  r.checkpoint_bandwidth_bytes_per_s = test::q(1e11);
  r.checkpoint_bytes_per_param = test::q(2);
  CHECK(checkpoint_write_s(r, 7e9) == Approx(0.14));
}

TEST_CASE("reliability: Daly's interval against the formula computed by hand", "[reliability]") {
  // delta = 60 s, M = 3600 s:
  //   sqrt(2 x 60 x 3600) = sqrt(432000) = 657.2670690...
  //   1 + sqrt(60 / 7200) / 3 + 60 / 64800 = 1 + 0.0304290 + 0.000925926 = 1.0313549...
  //   tau = 657.2670690 x 1.0313549 - 60 = 617.87565
  CHECK(daly_interval_s(60, 3600) == Approx(617.8756496256495).epsilon(1e-12));

  // Llama 3 405B on its 16,384 chips: M = 54 d / 419 = 11135.0835 s, delta = 2.835 s.
  CHECK(daly_interval_s(2.835, 54 * kDay / 419) == Approx(249.38218248408702).epsilon(1e-12));

  SECTION("delta >= 2M: the interval is M") {
    CHECK(daly_interval_s(100, 50) == 50);  // exactly 2M
    CHECK(daly_interval_s(100, 49) == 49);
    CHECK(daly_interval_s(1e6, 10) == 10);
    // Just below 2M the formula still applies: sqrt(4M^2)(1 + 1/3 + 1/9) - 2M = 8/9 M.
    CHECK(daly_interval_s(99.999999, 50) == Approx(50.0 * 8 / 9).epsilon(1e-6));
  }
  SECTION("infinite MTBF: never checkpoint") {
    CHECK(std::isinf(daly_interval_s(60, kInf)));
    CHECK(daly_interval_s(60, kInf) > 0);
    CHECK(std::isinf(daly_interval_s(0, kInf)));
  }
  SECTION("small delta: Young's sqrt(2 delta M) is the leading term") {
    const double young = std::sqrt(2.0 * 1.0 * 1e6);  // 1414.2136
    const double tau = daly_interval_s(1.0, 1e6);
    CHECK(tau == Approx(young).epsilon(1e-3));
    CHECK(tau < young);  // - delta outweighs the positive corrections here
    // By hand: 1414.2136 x (1 + 2.357e-4 + 5.6e-8) - 1 = 1413.5470
    CHECK(tau == Approx(1414.2135623730951 * (1 + std::sqrt(1.0 / 2e6) / 3 + 1.0 / 18e6) - 1).epsilon(1e-12));
    // The relative distance to Young shrinks as delta / M does.
    const double young2 = std::sqrt(2.0 * 1e-2 * 1e6);
    CHECK(std::abs(daly_interval_s(1e-2, 1e6) / young2 - 1) < std::abs(tau / young - 1));
  }
}

TEST_CASE("reliability: the checkpoint interval a job uses", "[reliability]") {
  ReliabilitySpec r = spec_419();
  SECTION("Daly's, from the job's size and the table") {
    CHECK(checkpoint_interval_s(r, 405e9, 16384) == Approx(249.38218248408702).epsilon(1e-12));
    // Half the chips: twice the MTBF.
    CHECK(checkpoint_interval_s(r, 405e9, 8192) == Approx(daly_interval_s(2.835, 2 * 54 * kDay / 419)).epsilon(1e-12));
    CHECK(checkpoint_interval_s(r, 405e9, 8192) > checkpoint_interval_s(r, 405e9, 16384));
  }
  SECTION("a fixed interval wins") {
    r.checkpoint_interval_s = 1800;
    CHECK(checkpoint_interval_s(r, 405e9, 16384) == 1800);
    CHECK(checkpoint_interval_s(r, 1e9, 8) == 1800);
    r.enabled = false;
    CHECK(checkpoint_interval_s(r, 405e9, 16384) == 1800);
  }
  SECTION("no failures: infinite") {
    r.enabled = false;
    CHECK(std::isinf(checkpoint_interval_s(r, 405e9, 16384)));
    r.enabled = true;
    r.rate_scale = test::q(0);
    CHECK(std::isinf(checkpoint_interval_s(r, 405e9, 16384)));
  }
}

TEST_CASE("reliability: spare unit chips", "[reliability]") {
  ReliabilitySpec r = spec_419();
  // Default: the system's chips, capped at 8.
  CHECK(spare_unit_chips(r, 8) == 8);
  CHECK(spare_unit_chips(r, 4) == 4);
  CHECK(spare_unit_chips(r, 1) == 1);
  CHECK(spare_unit_chips(r, 72) == 8);
  // Explicit: taken as given, but never more than the system.
  r.spare_unit_chips = 72;
  CHECK(spare_unit_chips(r, 72) == 72);
  CHECK(spare_unit_chips(r, 144) == 72);
  CHECK(spare_unit_chips(r, 8) == 8);
  r.spare_unit_chips = 4;
  CHECK(spare_unit_chips(r, 72) == 4);
  CHECK(spare_unit_chips(r, 2) == 2);
}

TEST_CASE("reliability: expected efficiency", "[reliability]") {
  // No failures: only the checkpoints cost, 1 / (1 + delta / tau).
  CHECK(expected_efficiency(600, 60, 0, 600) == Approx(1.0 / 1.1));
  CHECK(expected_efficiency(100, 0, 0, 0) == 1.0);
  // loss = 1e-4 x (300 + 600) = 0.09: (1 - 0.09) / 1.1
  CHECK(expected_efficiency(600, 60, 1e-4, 600) == Approx(0.91 / 1.1));
  // More delay per interruption: less efficient.
  CHECK(expected_efficiency(600, 60, 1e-4, 1200) < expected_efficiency(600, 60, 1e-4, 600));
  // loss >= 1: nothing useful gets done.
  CHECK(expected_efficiency(2, 0.1, 0.5, 1) == 0.0);  // loss = 0.5 x (1 + 1) = 1 exactly
  CHECK(expected_efficiency(600, 60, 1e-3, 1000) == 0.0);  // loss = 1.3
  // Infinite interval (no failures): everything is useful.
  CHECK(expected_efficiency(kInf, 60, 0, 600) == 1.0);
  // Daly's interval beats much shorter and much longer ones at the Llama 3 rate.
  const double lambda = 419.0 / (54 * kDay);
  const double tau = daly_interval_s(2.835, 1 / lambda);
  const double best = expected_efficiency(tau, 2.835, lambda, 600);
  CHECK(best > expected_efficiency(tau / 10, 2.835, lambda, 600));
  CHECK(best > expected_efficiency(tau * 10, 2.835, lambda, 600));
}

TEST_CASE("reliability: the real Llama 3 405B failure table", "[reliability]") {
  const auto file = test::source_dir() / "platforms" / "reliability" / "llama3-405b.yaml";
  auto doc = std::make_shared<io::Document>();
  doc->file = "unit.yaml";
  const io::YamlView referenced_by(YAML::Load("failures: llama3-405b.yaml"), "", doc);
  const FailureTable t = io::load_failure_table(file, referenced_by.at("failures"));

  CHECK(t.id == "llama3-405b");
  REQUIRE(t.causes.size() == 18);
  double total = 0, repair = 0;
  for (const auto& c : t.causes) {
    total += c.interruptions.value;
    if (c.needs_repair) repair += c.interruptions.value;
  }
  CHECK(total == 419);
  CHECK(repair == 324);  // all but software bugs 54, host maintenance 32, NCCL timeouts 7, dependencies 2
  CHECK(t.causes[0].name == "faulty-gpu");
  CHECK(t.causes[0].interruptions.value == 148);
  CHECK(t.causes[0].interruptions.provenance.label == Label::kOfficial);
  CHECK(t.exposure_chips.value == 16384);
  CHECK(t.exposure_duration_s.value == Approx(54 * kDay));
  CHECK(t.rate_per_chip_s() == Approx(419.0 / (16384.0 * 54 * kDay)).epsilon(1e-12));
  CHECK(t.repair_fraction() == Approx(324.0 / 419.0));

  ReliabilitySpec r;
  r.enabled = true;
  r.table = t;
  r.rate_scale = test::q(1);
  const double mtbf_h = 1.0 / interruption_rate_per_s(r, 16384) / 3600;
  CHECK(mtbf_h == Approx(3.1).epsilon(0.05));  // the paper: one interruption about every 3 hours
  CHECK(mtbf_h == Approx(1296.0 / 419).epsilon(1e-12));  // 54 x 24 h / 419

  SECTION("a missing table is an error at the referencing key") {
    CHECK_THROWS_WITH(io::load_failure_table(test::source_dir() / "platforms" / "reliability" / "no-such.yaml", referenced_by.at("failures")),
                      Catch::Contains("failure table not found"));
  }
}
