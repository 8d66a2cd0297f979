#include <catch2/catch.hpp>

#include <functional>

#include "models/units.hpp"
#include "sim/io/scenario_loader.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
using namespace gigasim::io;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}
const std::filesystem::path kFile = test::source_dir() / "scenarios" / "unit.yaml";
}  // namespace

TEST_CASE("the quick-start scenario loads with resolved catalog systems") {
  const Scenario s = load_scenario(test::source_dir() / "scenarios" / "quickstart.yaml");
  CHECK(s.name == "quickstart");
  REQUIRE(s.choices.size() == 2);
  CHECK(s.choices[0].system.id == "h100-x8");
  CHECK(s.choices[0].block_chips == 8);  // defaults to the system size
  CHECK(s.choices[1].system.chip.dense_flops_per_s.at(Precision::kBf16).value == 667e12);
  CHECK(s.horizon_s == Approx(120 * units::kSecondsPerDay));
  CHECK(s.resolved_sha256.size() == 64);
  CHECK(s.site.pue.provenance.label == Label::kScenario);
  CHECK_THAT(s.site.pue.provenance.source, Catch::Contains("quickstart.yaml:"));
}

TEST_CASE("the hash covers overrides and the seed, not formatting") {
  const Scenario a = load_scenario_text(test::scenario_text(), kFile);
  const Scenario b = load_scenario_text("# a comment\n" + test::scenario_text(), kFile);
  CHECK(a.resolved_sha256 == b.resolved_sha256);
  LoadOptions o;
  o.overrides = {"site.pue=1.3"};
  CHECK(load_scenario_text(test::scenario_text(), kFile, o).resolved_sha256 != a.resolved_sha256);
  LoadOptions seeded;
  seeded.seed = 99;
  const Scenario c = load_scenario_text(test::scenario_text(), kFile, seeded);
  CHECK(c.seed == 99);
  CHECK(c.resolved_sha256 != a.resolved_sha256);
}

TEST_CASE("scenario numbers may carry their own provenance") {
  std::string text = test::scenario_text();
  const std::string from = "pue: 1.2";
  text.replace(text.find(from), from.size(), "pue: {value: 1.15, label: official, source: \"AWS sustainability report\"}");
  const Scenario s = load_scenario_text(text, kFile);
  CHECK(s.site.pue.value == 1.15);
  CHECK(s.site.pue.provenance.label == Label::kOfficial);
  CHECK(s.site.pue.provenance.source == "AWS sustainability report");
}

TEST_CASE("cross-checks: block and fleet sizes, site power, job sizes") {
  CHECK_THAT(error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x8, chips: 60}\n"), kFile); }),
             Catch::Contains("hardware_choices[0].chips: expected a multiple of block_chips (8), got 60"));
  CHECK_THAT(error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x8, chips: 64, block_chips: 12}\n"), kFile); }),
             Catch::Contains("hardware_choices[0].block_chips: expected a multiple of the system size of h100-x8 (8 chips)"));
  CHECK_THAT(error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x8, chips: 32}\n"), kFile); }),
             Catch::Contains("job 'j1' asks for 64 chips but choice 'h' installs only 32"));
  CHECK_THAT(error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x8, chips: 8000}\n"), kFile); }),
             Catch::Contains("above the site's 10 MW by"));
  CHECK_THAT(error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x8, chips: 64}\n  - {name: h, system: h100-x8, chips: 64}\n"), kFile); }),
             Catch::Contains("duplicate choice name 'h'"));
}

TEST_CASE("unknown catalog ids suggest the closest and list the known ones") {
  const auto msg = error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x9, chips: 64}\n"), kFile); });
  CHECK_THAT(msg, Catch::Contains("unit.yaml:9:") && Catch::Contains("hardware_choices[0].system: unknown catalog system 'h100-x9'") &&
                      Catch::Contains("did you mean 'h100-x8'?") && Catch::Contains("known systems:"));
}

TEST_CASE("absurd sizes are refused before anything is allocated") {
  CHECK_THAT(error_of([] { load_scenario_text(test::scenario_text("  - {name: h, system: h100-x8, chips: 1e12}\n"), kFile); }),
             Catch::Contains("chips: expected an integer in [1, 100000000]"));
  LoadOptions o;
  o.overrides = {"horizon_days=365250000"};
  CHECK_THAT(error_of([&] { load_scenario_text(test::scenario_text(), kFile, o); }), Catch::Contains("horizon_days: expected a number in (0, 18262.5]"));
}

TEST_CASE("overrides use the same validation and say where they came from") {
  LoadOptions o;
  o.overrides = {"hardware_choices.h100.chips=-8"};
  CHECK_THAT(error_of([&] { load_scenario_text(test::scenario_text(), kFile, o); }),
             Catch::Contains("--set hardware_choices.h100.chips=-8: hardware_choices[0].chips: expected an integer"));
  o.overrides = {"site.pwr_w=5"};
  CHECK_THAT(error_of([&] { load_scenario_text(test::scenario_text(), kFile, o); }), Catch::Contains("did you mean 'power_w'?"));
}
