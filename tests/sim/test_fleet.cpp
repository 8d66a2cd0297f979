// Simulation tests of the fleet over time (issue D): deliveries and retirements from the plan, failures
// and checkpoints, scheduling policies, generated and replayed work. Each TEST_CASE runs in its own
// process (ctest via catch_discover_tests): SimGrid allows one engine per process.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "../unit/test_helpers.hpp"
#include "models/choice_fleet.hpp"
#include "models/planner.hpp"
#include "models/reliability.hpp"
#include "models/step_model.hpp"
#include "models/units.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/io/scenario_loader.hpp"

using namespace gigasim;

namespace {

const std::filesystem::path kFile = test::source_dir() / "scenarios" / "simtest-fleet.yaml";

// A scenario: `body` holds everything after the catalog line (site, workload, choices, ...).
Scenario load(const std::string& body, double horizon_days) {
  const std::string text = "name: simtest-fleet\nseed: 3\nstart_date: 2026-01-01\nhorizon_days: " + std::to_string(horizon_days) +
                           "\ncatalog: " + test::catalog_dir().string() + "\n" + body;
  return io::load_scenario_text(text, kFile);
}

const char* kSite = "site: {power_w: 1.0e9, pue: 1.2, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10}\n";

std::string failures(const std::string& extra) {
  return "reliability: {failures: " + (test::source_dir() / "platforms" / "reliability" / "llama3-405b.yaml").string() + extra + "}\n";
}

const io::JobRecord& job(const io::ChoiceResult& r, const std::string& name) {
  for (const auto& j : r.jobs)
    if (j.name == name) return j;
  FAIL("no job " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("deliveries follow the fleet plan: chips installed by month, no energy before the first delivery") {
  // 20 MW ramping from 5 MW; H100 then B200; orders every quarter, 60 days from order to delivery.
  const Scenario s = load(std::string("site: {power_w: 2.0e7, pue: 1.2, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10,\n"
                                      "       power_ramp: [{day: 0, power_w: 5.0e6}, {day: 365, power_w: 2.0e7}]}\n") +
                              "workload: {}\n"
                              "hardware_choices:\n"
                              "  - name: nv\n"
                              "    roadmap: [{system: h100-x8, day: 0}, {system: b200-x8, day: 180}]\n"
                              "    block_chips: 64\n"
                              "    supply: {lead_time_days: 60}\n",
                              730);
  const HardwareChoice& c = s.choices[0];
  const FleetPlan plan = plan_choice_fleet(s.site, s.budget, c, s.horizon_s);
  REQUIRE(plan.lots.size() >= 3);
  const io::ChoiceResult r = sim::simulate_choice(s, c, {});
  REQUIRE(r.months.size() == 24);
  CHECK(r.months[0].it_energy_j == 0);  // nothing delivered before day 60 (in month 1)
  CHECK(r.months[1].it_energy_j > 0);
  for (std::size_t m = 0; m < r.months.size(); ++m) {
    const double end = std::min(static_cast<double>(m + 1) * units::kSecondsPerMonth, s.horizon_s);
    REQUIRE(r.months[m].chips_installed.size() == 2);
    INFO("month " << m);
    CHECK(r.months[m].chips_installed[0] == plan.chips_installed(end, 0));
    CHECK(r.months[m].chips_installed[1] == plan.chips_installed(end, 1));
  }
  // Idle installed chips draw their idle power: month 23's energy is the plan's idle power for a month.
  const auto& last = r.months.back();
  // (plus the site's network and storage, per installed chip)
  const double idle_w = static_cast<double>(last.chips_installed[0]) * (c.roadmap[0].system.chip_slot_idle_w() + s.site.infra_w_per_chip()) +
                        static_cast<double>(last.chips_installed[1]) * (c.roadmap[1].system.chip_slot_idle_w() + s.site.infra_w_per_chip());
  CHECK(last.it_energy_j == Approx(idle_w * last.duration_s).epsilon(1e-9));
}

TEST_CASE("a retirement stops the jobs on the retiring blocks: they resume on the next generation") {
  // H100 with a 30-day service life, B200 from day 20: the job starts on H100 and is requeued at day 30.
  const Scenario s = load(std::string(kSite) +
                              "workload:\n  pretraining:\n"
                              "    - {name: long, params: 1.0e9, tokens: 2.0e13, chips: 64, global_batch_tokens: 1048576}\n"
                              "hardware_choices:\n"
                              "  - name: nv\n"
                              "    roadmap: [{system: h100-x8, day: 0, service_life_years: 0.08213552361396304}, {system: b200-x8, day: 20}]\n"
                              "    block_chips: 64\n"
                              "    chips: 64\n",
                              200);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const io::JobRecord& j = job(r, "long");
  CHECK(j.preemptions == 1);
  CHECK(j.system == "b200-x8");
  REQUIRE(j.end_s > 0);
  CHECK(j.tokens_done == j.tokens_target);
  CHECK(j.lost_chip_s < 64 * 1.0);  // it checkpoints before yielding: at most the step in progress (< 1 s here)
  CHECK(r.lots_retired >= 1);
}

TEST_CASE("failures: the count follows the rate, and without spares every repair waits repair_s") {
  // 512 chips at 200x Llama 3's per-chip rate: one interruption every ~ 1 / (512 x 200 x 5.5e-9) s ~ 0.5 h.
  const Scenario s = load(std::string(kSite) + failures(", rate_scale: 200, spare_fraction: 0, restart_s: 300, repair_s: 3600") +
                              "workload:\n  pretraining:\n"
                              "    - {name: j, params: 1.0e9, tokens: 1.0e15, chips: 512, global_batch_tokens: 1048576}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 512, block_chips: 64}\n",
                              20);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const io::JobRecord& j = job(r, "j");
  const ReliabilitySpec& rel = s.reliability;
  // Interruptions happen during running time only: the expected count is lambda x running time.
  const double lambda = interruption_rate_per_s(rel, 512);
  const double down_s = j.downtime_chip_s / 512;
  const double running_s = s.horizon_s - j.start_s - down_s;
  const double expected = lambda * running_s;
  CHECK(std::abs(static_cast<double>(j.interruptions) - expected) < 4 * std::sqrt(expected));
  // No spares: each repair waits its own repair, every interruption pays the restart (the last one's
  // wait may be cut by the horizon).
  const double full_s = static_cast<double>(j.interruptions) * 300 + static_cast<double>(j.repairs) * 3600;
  CHECK(down_s <= full_s * (1 + 1e-12));
  CHECK(down_s >= full_s - 3900);
  CHECK(static_cast<double>(j.repairs) / static_cast<double>(j.interruptions) == Approx(rel.table.repair_fraction()).margin(0.1));
  CHECK(j.lost_chip_s > 0);
  std::int64_t monthly = 0;
  for (const auto& m : r.months) monthly += m.interruptions;
  CHECK(monthly == j.interruptions);
  // Goodput: useful / allocated, below one by the checkpoints, the lost work and the downtime.
  double useful = 0, alloc = 0;
  for (const auto& m : r.months) useful += m.useful_chip_s, alloc += m.allocated_chip_s;
  CHECK(useful / alloc < 1.0);
  CHECK(useful + j.lost_chip_s + j.downtime_chip_s <= alloc * (1 + 1e-9));
  CHECK(useful / alloc == Approx(1 - (j.lost_chip_s + j.downtime_chip_s) / alloc).margin(0.05));  // the rest is checkpoint writes
}

TEST_CASE("without a failure table nothing fails and every allocated chip-second is useful") {
  const Scenario s = load(std::string(kSite) +
                              "workload:\n  pretraining:\n"
                              "    - {name: j, params: 1.0e9, tokens: 1.0e15, chips: 512, global_batch_tokens: 1048576}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 512, block_chips: 64}\n",
                              10);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  CHECK(job(r, "j").interruptions == 0);
  double useful = 0, alloc = 0;
  for (const auto& m : r.months) useful += m.useful_chip_s, alloc += m.allocated_chip_s;
  CHECK(useful == Approx(alloc).epsilon(1e-6));
}

namespace {
// 64 chips; a long job on 48, then a 64-chip job (blocked), then a short 8-chip job.
Scenario queue_scenario(const std::string& policy) {
  return load(std::string(kSite) + "scheduler: {policy: " + policy + "}\n" +
                  "workload:\n  pretraining:\n"
                  "    - {name: a, params: 1.0e9, tokens: 2.0e12, chips: 48, global_batch_tokens: 1048576}\n"
                  "    - {name: b, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 1, global_batch_tokens: 1048576}\n"
                  "    - {name: c, params: 1.0e9, tokens: 1.0e10, chips: 8, submit_day: 2, global_batch_tokens: 1048576}\n"
                  "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 64, block_chips: 8}\n",
              60);
}
}  // namespace

TEST_CASE("fifo: a short job waits behind a blocked head") {
  const Scenario s = queue_scenario("fifo");
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(job(r, "a").end_s > 0);
  CHECK(job(r, "b").start_s == Approx(job(r, "a").end_s));
  CHECK(job(r, "c").start_s >= job(r, "b").start_s);
}

TEST_CASE("backfill: a short job that does not delay the head starts at once") {
  const Scenario s = queue_scenario("backfill");
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  CHECK(job(r, "c").start_s == Approx(2 * units::kSecondsPerDay));
  CHECK(job(r, "c").end_s < job(r, "a").end_s);  // it fits in the head's shadow
  CHECK(job(r, "b").start_s == Approx(job(r, "a").end_s));  // the head is not delayed
}

TEST_CASE("priority: a higher-priority job preempts a preemptible one, which resumes and finishes") {
  const Scenario s = load(std::string(kSite) + "scheduler: {policy: priority}\n" +
                              "workload:\n  pretraining:\n"
                              "    - {name: low, params: 1.0e9, tokens: 1.0e12, chips: 64, global_batch_tokens: 1048576, preemptible: true}\n"
                              "    - {name: high, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 1, global_batch_tokens: 1048576, priority: 5}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 64, block_chips: 8}\n",
                              60);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  CHECK(job(r, "high").start_s == Approx(units::kSecondsPerDay));
  CHECK(job(r, "low").preemptions == 1);
  CHECK(job(r, "low").end_s > job(r, "high").end_s);
  CHECK(job(r, "low").tokens_done == job(r, "low").tokens_target);
  // A preempted job checkpoints its whole steps before it yields: at most the step in progress is lost.
  CHECK(job(r, "low").lost_chip_s <= 64 * job(r, "low").step_time_s * 1.0001);
}

TEST_CASE("a frontier run is sized to the fleet: a power of two of 8 systems, at most fleet_fraction of the chips") {
  const Scenario s = load(std::string(kSite) +
                              "workload:\n  frontier: {first_day: 1, every_days: 1000, first_flops: 1.0e26, growth_per_year: 4,\n"
                              "    fleet_fraction: 0.5, max_duration_days: 30, seq_len: 4096, global_batch_tokens: 4194304}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 8192, block_chips: 512}\n",
                              3);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.jobs.size() == 1);
  const io::JobRecord& j = r.jobs[0];
  CHECK(j.kind == "frontier");
  // 1e26 FLOP in 30 days needs more than 4,096 H100: capped at half the fleet.
  CHECK(j.chips == 4096);
  CHECK(j.start_s == Approx(units::kSecondsPerDay));
  // The compute is what 4,096 chips do in 30 days at the planned MFU: 6 N D of it.
  const double flops = 6 * (j.tokens_target / 20) * j.tokens_target;  // 6 N D with N = D / 20
  CHECK(flops == Approx(4096 * 989e12 * j.mfu * 30 * units::kSecondsPerDay).epsilon(0.1));
}

TEST_CASE("job classes: arrivals from the seed's stream run at their planned layouts") {
  const Scenario s = load(std::string(kSite) +
                              "workload:\n  job_classes:\n"
                              "    - {name: ft, arrivals_per_day: 24, params: [1.0e9, 7.0e9], chips: [8, 16], tokens: {min: 1.0e8, max: 1.0e9},\n"
                              "       global_batch_tokens: 65536}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 256, block_chips: 8}\n",
                              5);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  // 24 a day for 5 days: 120 expected (Poisson, sd 11).
  CHECK(r.jobs.size() > 80);
  CHECK(r.jobs.size() < 160);
  for (const auto& j : r.jobs) {
    CHECK(j.kind == "generated");
    CHECK((j.chips == 8 || j.chips == 16));
    if (j.end_s > 0) CHECK(j.tokens_done == j.tokens_target);
  }
}

TEST_CASE("a replayed job trace runs each job's work at the ratio of chip speeds") {
  const auto trace = test::source_dir().parent_path() / "shared" / "traces" / "alibaba_gpu_v2023" / "openb_pod_list_default.csv";
  test::require_shared_file(trace);
  const Scenario s = load(std::string(kSite) + "workload:\n  job_traces:\n    - {name: openb, file: " + trace.string() +
                              ", reference_system: v100-x8, time_scale: 0.02, rate_scale: 0.1}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 4096, block_chips: 8}\n",
                              3);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(!r.jobs.empty());
  const SystemSpec& h100 = s.choices[0].system;
  const SystemSpec& v100 = s.workload.job_traces[0].reference;
  const double ratio = (v100.peak_flops_per_s(Precision::kBf16) * v100.chip.gemm_efficiency.value) /
                       (h100.peak_flops_per_s(Precision::kBf16) * h100.chip.gemm_efficiency.value);
  int finished = 0;
  for (const auto& j : r.jobs) {
    CHECK(j.kind == "trace");
    CHECK(j.step_time_s == Approx(ratio));  // one unit = one reference-chip second
    if (j.end_s > 0) ++finished;
  }
  CHECK(finished > 0);
}

TEST_CASE("two explicit architectures alike but for their MLP width each run at their own planned layout") {
  const Scenario s = load(std::string(kSite) +
                              "workload:\n  pretraining:\n"
                              "    - {name: narrow, model: {layers: 16, hidden: 2048, heads: 16, ffn_hidden: 4096, seq_len: 2048, vocab: 32000},\n"
                              "       tokens: 1.0e10, chips: 64, global_batch_tokens: 1048576}\n"
                              "    - {name: wide, model: {layers: 16, hidden: 2048, heads: 16, ffn_hidden: 16384, seq_len: 2048, vocab: 32000},\n"
                              "       tokens: 1.0e10, chips: 64, global_batch_tokens: 1048576}\n"
                              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 128, block_chips: 8}\n",
                              10);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  for (const auto& spec : s.workload.pretraining) {
    const PlanResult p = plan_layout(training_workload(spec), hardware_from_catalog(s.choices[0].system, spec.chips));
    CHECK(job(r, spec.name).step_time_s == Approx(p.estimate.step_time_s).epsilon(1e-12));
  }
  CHECK(job(r, "wide").step_time_s > job(r, "narrow").step_time_s);
}
