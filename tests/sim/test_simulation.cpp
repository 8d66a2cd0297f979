// Simulation tests. Each TEST_CASE runs in its own process (ctest, via catch_discover_tests), because
// SimGrid allows one engine per process; simulate_choice refuses a second call in the same process.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "../unit/test_helpers.hpp"
#include "models/power.hpp"
#include "models/planner.hpp"
#include "models/step_model.hpp"
#include "models/units.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/io/platform_xml.hpp"
#include "sim/io/scenario_loader.hpp"

using namespace gigasim;

namespace {

const std::filesystem::path kFile = test::source_dir() / "scenarios" / "simtest.yaml";

// One H100 choice with `chips` installed and the given jobs (YAML flow mappings).
Scenario scenario(std::int64_t chips, const std::string& jobs, double horizon_days = 30, std::int64_t block_chips = 8,
                  const std::string& layout = "") {
  const std::string text = "name: simtest\n"
                           "horizon_days: " + std::to_string(horizon_days) + "\n"
                           "catalog: " + test::catalog_dir().string() + "\n"
                           "site: {power_w: 1.0e9, pue: 1.2, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10" + layout + "}\n"
                           "workload:\n  pretraining:\n" + jobs +
                           "hardware_choices:\n"
                           "  - {name: h100, system: h100-x8, chips: " + std::to_string(chips) + ", block_chips: " + std::to_string(block_chips) + "}\n";
  return io::load_scenario_text(text, kFile);
}

PlanResult plan_of(const Scenario& s, std::size_t job) {
  const auto& spec = s.workload.pretraining.at(job);
  return plan_layout(training_workload(spec), hardware_from_catalog(s.choices[0].system, spec.chips));
}

double tokens_per_step(const Scenario& s, std::size_t job) {
  const auto& spec = s.workload.pretraining.at(job);
  return static_cast<double>(spec.global_batch_sequences * spec.model.seq_len);
}

double sum_months(const io::ChoiceResult& r, double io::MonthRecord::*field) {
  double s = 0;
  for (const auto& m : r.months) s += m.*field;
  return s;
}

}  // namespace

TEST_CASE("a one-block job runs at the step model's time and the energy plugin matches the power model") {
  // 8 chips, one block, no inter-block traffic: duration and energy have closed forms.
  const Scenario s = scenario(16, "    - {name: j, params: 1.0e9, tokens: 1.0e11, chips: 8, global_batch_tokens: 1048576}\n", 10);
  const HardwareChoice& c = s.choices[0];
  const io::ChoiceResult r = sim::simulate_choice(s, c, {});
  REQUIRE(r.jobs.size() == 1);
  const PlanResult plan = plan_of(s, 0);
  REQUIRE(plan.found);
  const double steps = std::ceil(1e11 / tokens_per_step(s, 0));
  const double expected_duration = steps * plan.estimate.step_time_s;
  CHECK(r.jobs[0].end_s - r.jobs[0].start_s == Approx(expected_duration).epsilon(1e-9));
  CHECK(r.jobs[0].step_time_s == plan.estimate.step_time_s);
  CHECK(r.jobs[0].layout.rfind("tp", 0) == 0);
  // While it computes, the block draws idle + activity x (busy - idle) per chip (models/power); the site's
  // network and storage draw their power per installed chip all the time.
  const BlockPower p = block_power(c.system, 8);
  const double activity = training_activity(plan.estimate.breakdown);
  REQUIRE(activity > 0.5);
  REQUIRE(activity < 1.0);
  const double job_w = p.idle_w + activity * (p.busy_w - p.idle_w);
  const double infra_w = 16 * s.site.infra_w_per_chip();
  REQUIRE(infra_w > 0);
  const double expected_energy = 2 * p.idle_w * s.horizon_s + (job_w - p.idle_w) * expected_duration + infra_w * s.horizon_s;
  CHECK(r.it_energy_j == Approx(expected_energy).epsilon(1e-9));
  CHECK(r.jobs[0].energy_it_j == Approx(job_w * expected_duration).epsilon(1e-9));
  CHECK(r.jobs[0].flops_done == Approx(1e11 * 3 * token_flops(s.workload.pretraining[0].model).model_forward));
}

TEST_CASE("monthly series sum to the totals (energy to 1e-9 relative)") {
  const Scenario s = scenario(64,
                              "    - {name: a, params: 7.0e9, tokens: 3.0e11, chips: 64, global_batch_tokens: 4194304}\n"
                              "    - {name: b, params: 1.0e9, tokens: 1.0e12, chips: 32, submit_day: 20, global_batch_tokens: 1048576}\n",
                              95);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 4);  // 95 days = 3.12 reporting months
  CHECK(sum_months(r, &io::MonthRecord::it_energy_j) == Approx(r.it_energy_j).epsilon(1e-9));
  CHECK(sum_months(r, &io::MonthRecord::duration_s) == Approx(s.horizon_s).epsilon(1e-12));
  double tokens_jobs = 0;
  for (const auto& j : r.jobs) tokens_jobs += j.tokens_done;
  CHECK(sum_months(r, &io::MonthRecord::tokens) == Approx(tokens_jobs).epsilon(1e-9));
}

TEST_CASE("FIFO: a job that does not fit waits for the running one") {
  const Scenario s = scenario(64,
                              "    - {name: first, params: 1.0e9, tokens: 1.0e11, chips: 64, global_batch_tokens: 1048576}\n"
                              "    - {name: second, params: 1.0e9, tokens: 1.0e11, chips: 64, global_batch_tokens: 1048576}\n");
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.jobs.size() == 2);
  CHECK(r.jobs[0].start_s == 0);
  CHECK(r.jobs[1].start_s == Approx(r.jobs[0].end_s));
  CHECK(r.jobs[1].end_s > r.jobs[1].start_s);
}

TEST_CASE("a job cut by the horizon reports the tokens it trained so far") {
  // 1e13 tokens of a 7B model on 64 H100 take weeks; the horizon is 3 days.
  const Scenario s = scenario(64, "    - {name: long, params: 7.0e9, tokens: 1.0e13, chips: 64, global_batch_tokens: 4194304}\n", 3);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.jobs.size() == 1);
  CHECK(r.jobs[0].end_s < 0);
  const double ideal = tokens_per_step(s, 0) / plan_of(s, 0).estimate.step_time_s * s.horizon_s;
  CHECK(r.jobs[0].tokens_done > 0.9 * ideal);
  CHECK(r.jobs[0].tokens_done <= ideal * (1 + 1e-9));
}

TEST_CASE("an oversubscribed hall stretches a job whose gradient traffic crosses blocks") {
  // 8 blocks of 8 H100 in one hall whose spine carries 1/8 of the uplinks: every block's ring flow gets an
  // eighth of its uplink, so a step takes max(model step, scale-out bytes per chip / (50 GB/s / 8)).
  const Scenario s = scenario(64, "    - {name: dp, params: 1.0e9, tokens: 2.0e10, chips: 64, global_batch_tokens: 262144}\n", 30, 8,
                              ", layout: {hall_oversubscription: 8}");
  const PlanResult plan = plan_of(s, 0);
  REQUIRE(plan.found);
  REQUIRE(plan.layout.dp > 1);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const double comm_per_step = plan.estimate.dp_scale_out_bytes_per_chip / (50e9 / 8);
  const double steps = std::ceil(2e10 / tokens_per_step(s, 0));
  REQUIRE(comm_per_step > plan.estimate.step_time_s);  // the fabric, not the chips, sets the pace
  CHECK(r.jobs[0].end_s - r.jobs[0].start_s == Approx(steps * comm_per_step).epsilon(0.01));
}

TEST_CASE("a platform file written by gigasim gives the same results as the generated platform") {
  Scenario s = scenario(32, "    - {name: j, params: 1.0e9, tokens: 3.0e11, chips: 32, global_batch_tokens: 1048576}\n", 10);
  const auto xml = std::filesystem::temp_directory_path() / "gigasim-simtest-platform.xml";
  std::ofstream(xml) << io::platform_xml(layout_platform(s.site, s.choices[0], Precision::kBf16));
  s.choices[0].platform_file = xml;
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  std::filesystem::remove(xml);
  const double steps = std::ceil(3e11 / tokens_per_step(s, 0));
  CHECK(r.jobs[0].end_s == Approx(steps * plan_of(s, 0).estimate.step_time_s).epsilon(1e-6));
}

TEST_CASE("a platform file that does not match the scenario is bad input") {
  Scenario s = scenario(32, "    - {name: j, params: 1.0e9, tokens: 1.0e10, chips: 32, global_batch_tokens: 1048576}\n", 10);
  HardwareChoice other = s.choices[0];
  other.chips = 64;
  const auto xml = std::filesystem::temp_directory_path() / "gigasim-simtest-mismatch.xml";
  std::ofstream(xml) << io::platform_xml(layout_platform(s.site, other, Precision::kBf16));
  s.choices[0].platform_file = xml;
  CHECK_THROWS_WITH(sim::simulate_choice(s, s.choices[0], {}), Catch::Contains("the platform has 8 hosts but the scenario needs 4"));
  std::filesystem::remove(xml);
}

TEST_CASE("a second engine in the same process is refused") {
  const Scenario s = scenario(16, "    - {name: j, params: 1.0e9, tokens: 1.0e9, chips: 8, global_batch_tokens: 1048576}\n", 1);
  sim::simulate_choice(s, s.choices[0], {});
  CHECK_THROWS_WITH(sim::simulate_choice(s, s.choices[0], {}), Catch::Contains("one engine per process"));
}
