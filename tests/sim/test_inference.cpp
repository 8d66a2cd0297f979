// Simulation tests of the inference pools (sim/engine/simulation.cpp, "Inference pools"): demand streams
// served by replicas sized by models/serving, sharing the fleet with training under the inference-first
// and partition policies. Each TEST_CASE runs in its own process (ctest via catch_discover_tests):
// SimGrid allows one engine per process, so each calls simulate_choice once.
//
// Expected values come from the models (best_serving_replica, the demand streams) and from the documented
// semantics (docs/models.md), computed here step by step; never from the simulation's own bookkeeping.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../unit/test_helpers.hpp"
#include "models/demand.hpp"
#include "models/serving.hpp"
#include "models/units.hpp"
#include "models/workload.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/io/scenario_loader.hpp"

using namespace gigasim;

namespace {

const std::filesystem::path kFile = test::source_dir() / "scenarios" / "simtest-inference.yaml";
constexpr double kHour = 3600.0;
constexpr double kDay = units::kSecondsPerDay;

const char* kSite = "site: {power_w: 1.0e9, pue: 1.2, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10}\n";
const char* kChatModel = "    - {name: chat-70b, params: 7.0e10, precision: fp8, ttft_s: 2.0, tpot_s: 0.05}\n";
const char* kCodeModel = "    - {name: code-8b, params: 8.0e9, precision: bf16, ttft_s: 1.0, tpot_s: 0.03}\n";

// A scenario: `body` holds everything after the site (workload, inference, hardware_choices).
Scenario load(const std::string& body, double horizon_days, int seed = 3) {
  const std::string text = "name: simtest-inference\nseed: " + std::to_string(seed) + "\nstart_date: 2026-01-05\nhorizon_days: " +
                           std::to_string(horizon_days) + "\ncatalog: " + test::catalog_dir().string() + "\n" + kSite + body;
  return io::load_scenario_text(text, kFile);
}

// One H100 choice of `chips` chips in blocks of `block`.
std::string h100(std::int64_t chips, std::int64_t block = 64) {
  return "hardware_choices:\n  - {name: h100, system: h100-x8, chips: " + std::to_string(chips) + ", block_chips: " + std::to_string(block) + "}\n";
}

// The replica models/serving picks for demand stream `s` on generation `g` of the first choice.
ServingEstimate replica(const Scenario& sc, std::size_t s, std::size_t g = 0) {
  const DemandStream& d = sc.inference.demand.at(s);
  const ServedModel& m = sc.inference.models.at(d.model);
  const ServingEstimate e =
      best_serving_replica({m.model, m.precision, d.input_tokens(), d.output_tokens()}, sc.choices.at(0).roadmap.at(g).system, {m.ttft_s, m.tpot_s});
  REQUIRE(e.valid);
  REQUIRE(e.chips > 0);
  REQUIRE(e.tokens_per_s > 0);
  return e;
}

// Stream `s`'s arrivals step by step over the horizon, from the demand model with the stream's own seed.
std::vector<DemandStep> arrivals(const Scenario& sc, std::size_t s, double step_s, std::uint64_t seed) {
  const DemandStream& d = sc.inference.demand.at(s);
  auto src = make_generated_demand(d.generated, stream_seed(seed, "demand/" + d.name));
  std::vector<DemandStep> out;
  for (double t = 0; t < sc.horizon_s; t += step_s) out.push_back(src->step(t, std::min(sc.horizon_s, t + step_s)));
  return out;
}

double sum(const io::ChoiceResult& r, double io::MonthRecord::*field) {
  double s = 0;
  for (const auto& m : r.months) s += m.*field;
  return s;
}

const io::JobRecord& job(const io::ChoiceResult& r, const std::string& name) {
  for (const auto& j : r.jobs)
    if (j.name == name) return j;
  FAIL("no job " << name);
  throw std::logic_error("unreachable");
}

// Replicas needed for `tokens` output tokens in a step of dt seconds (as the documented rounding: whole
// replicas, a 1e-9 slack so an exact fit is not rounded up).
std::int64_t replicas_for(double tokens, double dt, double tokens_per_s) {
  return static_cast<std::int64_t>(std::ceil(tokens / dt / tokens_per_s - 1e-9));
}

// The documented serving semantics for one stream with at most `max_replicas` replicas, written
// independently of the engine: each step the waiting requests (backlog + this step's arrivals) ask for
// whole replicas; the replicas serve the oldest first; what has waited longer than max_delay_s by the
// end of the step is dropped. Requests are a fluid.
struct Reference {
  double arrived = 0, served = 0, late = 0, dropped = 0, waiting = 0;
  double output_tokens = 0, input_tokens = 0;
};
Reference reference_queue(const std::vector<DemandStep>& steps, double dt, double tokens_per_s, std::int64_t max_replicas, double max_delay_s) {
  struct Entry {
    double requests, input, output;
    std::size_t step;
  };
  Reference ref;
  std::deque<Entry> queue;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const DemandStep& a = steps[k];
    ref.arrived += a.requests;
    if (a.requests > 0) queue.push_back({a.requests, a.input_tokens, a.output_tokens, k});
    double want = 0;
    for (const Entry& e : queue) want += e.output;
    const std::int64_t n = std::min(max_replicas, replicas_for(want, dt, tokens_per_s));
    double budget = static_cast<double>(n) * tokens_per_s * dt;
    for (Entry& e : queue) {
      if (budget <= 0) break;
      const double f = std::min(1.0, budget / e.output);
      budget -= f * e.output;
      ref.served += f * e.requests;
      ref.output_tokens += f * e.output;
      ref.input_tokens += f * e.input;
      if (e.step < k) ref.late += f * e.requests;
      e.requests *= 1 - f, e.input *= 1 - f, e.output *= 1 - f;
    }
    while (!queue.empty() && (queue.front().output <= 1e-9 || static_cast<double>(k + 1 - queue.front().step) * dt > max_delay_s)) {
      if (queue.front().output > 1e-9) ref.dropped += queue.front().requests;
      queue.pop_front();
    }
  }
  for (const Entry& e : queue) ref.waiting += e.requests;
  return ref;
}

}  // namespace

TEST_CASE("inference: a constant demand under capacity is served whole by ceil of demand over the replica rate replicas", "[inference]") {
  // 64 H100 chips, nothing else to do; chat at 10,000 output tokens/s, no cycles, no noise.
  const double rate = 1.0e4;
  const Scenario s = load(std::string("workload: {}\n"
                                      "inference:\n  step_s: 3600\n  models:\n") +
                              kChatModel +
                              "  demand:\n"
                              "    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211}\n" +
                              h100(64),
                          10);
  const ServingEstimate e = replica(s, 0);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const double horizon = 10 * kDay;
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  const std::int64_t replicas = static_cast<std::int64_t>(std::ceil(rate / e.tokens_per_s));
  REQUIRE(replicas * e.chips < 64);  // the test's premise: capacity to spare
  CHECK(m.requests_arrived == Approx(rate * horizon / 211).epsilon(1e-9));
  CHECK(m.requests_served == Approx(m.requests_arrived).epsilon(1e-9));
  CHECK(m.requests_dropped == 0);
  CHECK(m.requests_late == 0);
  CHECK(m.output_tokens_served == Approx(rate * horizon).epsilon(1e-9));
  CHECK(m.input_tokens_served == Approx(rate * horizon / 211 * 1155).epsilon(1e-9));
  CHECK(m.serving_chips == replicas * e.chips);
  CHECK(m.serving_chip_s == Approx(static_cast<double>(replicas * e.chips) * horizon).epsilon(1e-9));
  // The pool's chips are held: allocated chip-seconds are exactly serving's (no training here).
  CHECK(m.allocated_chip_s == Approx(m.serving_chip_s).epsilon(1e-9));
  CHECK(m.serving_preemptions == 0);
  // The replica record is models/serving's choice.
  REQUIRE(r.serving_replicas.size() == 1);
  const io::ServingReplicaRecord& rec = r.serving_replicas[0];
  CHECK(rec.stream == "chat");
  CHECK(rec.model == "chat-70b");
  CHECK(rec.system == "h100-x8");
  CHECK(rec.valid);
  CHECK(rec.chips == e.chips);
  CHECK(rec.batch == e.batch);
  CHECK(rec.tokens_per_s == Approx(e.tokens_per_s).epsilon(1e-12));
  CHECK(rec.power_w == Approx(e.power_w).epsilon(1e-12));
}

TEST_CASE("inference: demand above the fleet's capacity is served at capacity and the rest dropped, arrived equals served plus dropped",
          "[inference]") {
  // 16 H100 chips (4 chat replicas) against three times their capacity, max_delay_s 0, 45 days (two months).
  const Scenario s0 = load(std::string("workload: {}\ninference:\n  models:\n") + kChatModel +
                               "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0, input_tokens: 1155, output_tokens: 211}\n" +
                               h100(16, 16),
                           45);
  const ServingEstimate e = replica(s0, 0);
  const std::int64_t replicas = 16 / e.chips;
  REQUIRE(replicas >= 1);
  const double capacity = static_cast<double>(replicas) * e.tokens_per_s;
  const double demand = 3 * capacity;
  const Scenario s = load(std::string("workload: {}\ninference:\n  max_delay_s: 0\n  models:\n") + kChatModel +
                              "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: " + std::to_string(demand) +
                              ", input_tokens: 1155, output_tokens: 211}\n" + h100(16, 16),
                          45);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const double horizon = s.horizon_s;
  const double want = s.inference.demand[0].generated.tokens_per_s;
  REQUIRE(r.months.size() == 2);
  // Over the horizon: capacity x time served, the rest dropped, nothing late.
  CHECK(sum(r, &io::MonthRecord::output_tokens_served) == Approx(capacity * horizon).epsilon(1e-9));
  CHECK(sum(r, &io::MonthRecord::requests_arrived) == Approx(want * horizon / 211).epsilon(1e-9));
  CHECK(sum(r, &io::MonthRecord::requests_served) == Approx(capacity * horizon / 211).epsilon(1e-9));
  CHECK(sum(r, &io::MonthRecord::requests_dropped) == Approx((want - capacity) * horizon / 211).epsilon(1e-9));
  CHECK(sum(r, &io::MonthRecord::requests_late) == 0);
  for (std::size_t k = 0; k < r.months.size(); ++k) {
    const io::MonthRecord& m = r.months[k];
    INFO("month " << k);
    CHECK(m.serving_chips == replicas * e.chips);
    CHECK(m.serving_chip_s == Approx(static_cast<double>(replicas * e.chips) * m.duration_s).epsilon(1e-9));
    // Per month: a step's arrivals, service and drops are spread over the step, so each month's books
    // balance, the step cut by the month's end included.
    CHECK(m.requests_arrived == Approx(m.requests_served + m.requests_dropped).epsilon(1e-9));
    CHECK(m.requests_arrived == Approx(want * m.duration_s / 211).epsilon(1e-9));
    CHECK(m.requests_dropped == Approx((want - capacity) * m.duration_s / 211).epsilon(1e-9));
    CHECK(m.requests_late == 0);
  }
}

TEST_CASE("inference: requests beyond capacity wait up to max_delay_s, served late oldest first, then dropped", "[inference]") {
  // 16 H100 chips (4 chat replicas); demand averaging 0.9 of their capacity with a daily cycle of +-50%:
  // each afternoon the backlog outgrows two hours of waiting. Checked against the documented fluid queue.
  const Scenario s0 = load(std::string("workload: {}\ninference:\n  models:\n") + kChatModel +
                               "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0, input_tokens: 1155, output_tokens: 211}\n" +
                               h100(16, 16),
                           20);
  const ServingEstimate e = replica(s0, 0);
  const std::int64_t max_replicas = 16 / e.chips;
  const double capacity = static_cast<double>(max_replicas) * e.tokens_per_s;
  const Scenario s = load(std::string("workload: {}\ninference:\n  step_s: 3600\n  max_delay_s: 7200\n  models:\n") + kChatModel +
                              "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: " + std::to_string(0.9 * capacity) +
                              ", input_tokens: 1155, output_tokens: 211, daily_amplitude: 0.5, daily_peak_hour: 15}\n" + h100(16, 16),
                          20);
  const Reference ref = reference_queue(arrivals(s, 0, kHour, s.seed), kHour, e.tokens_per_s, max_replicas, 7200);
  REQUIRE(ref.late > 0);  // the scenario's premises
  REQUIRE(ref.dropped > 0);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  CHECK(m.requests_arrived == Approx(ref.arrived).epsilon(1e-9));
  CHECK(m.requests_served == Approx(ref.served).epsilon(1e-6));
  CHECK(m.requests_late == Approx(ref.late).epsilon(1e-6));
  CHECK(m.requests_dropped == Approx(ref.dropped).epsilon(1e-6));
  CHECK(m.output_tokens_served == Approx(ref.output_tokens).epsilon(1e-6));
  CHECK(m.input_tokens_served == Approx(ref.input_tokens).epsilon(1e-6));
  // Conservation: what arrived was served, dropped, or is still waiting (at most two steps' worth).
  const double waiting = m.requests_arrived - m.requests_served - m.requests_dropped;
  CHECK(waiting >= -1e-6 * m.requests_arrived);
  CHECK(waiting <= 2 * 1.5 * 0.9 * capacity * kHour / 211);
  CHECK(waiting == Approx(ref.waiting).margin(1e-6 * m.requests_arrived));
  CHECK(m.requests_late <= m.requests_served);
  // Never more than the capacity.
  CHECK(m.output_tokens_served <= capacity * s.horizon_s * (1 + 1e-12));
}

TEST_CASE("inference: under partition training never uses the serving chips, and serving never exceeds its share", "[inference]") {
  // 256 H100 chips, partition 0.25: serving owns 64 chips (16 chat replicas) and sheds the peaks above
  // them; training (saturating, preemptible) gets at most the other 192 chips, even while serving idles
  // most of its share at night (2 replicas, 8 chips). Jobs asking for more than 192 chips can never run:
  // rejected.
  const std::string body = std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n  job_classes:\n"
                                       "    - {name: train, arrivals_per_day: 24, params: [1.0e9], chips: [32, 64, 128, 256], tokens: {min: 1.0e11, max: 1.0e12},\n"
                                       "       global_batch_tokens: 1048576, preemptible: true}\n"
                                       "inference:\n  policy: partition\n  partition: 0.25\n  step_s: 3600\n  models:\n") +
                           kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 2.4e4, input_tokens: 1155, output_tokens: 211,\n"
                           "       daily_amplitude: 0.8, daily_peak_hour: 15}\n" +
                           h100(256);
  const Scenario s = load(body, 20);
  const ServingEstimate e = replica(s, 0);
  const std::int64_t share = 64;  // floor(0.25 x 256)
  const std::int64_t max_replicas = share / e.chips;
  // Served: each step the smaller of its demand and the share's replicas (max_delay_s 0).
  const std::vector<DemandStep> steps = arrivals(s, 0, kHour, s.seed);
  const Reference ref = reference_queue(steps, kHour, e.tokens_per_s, max_replicas, 0);
  REQUIRE(ref.dropped > 0);  // premises: the peaks exceed the share, the troughs leave most of it idle
  REQUIRE(replicas_for(2.4e4 * 0.2 * kHour, kHour, e.tokens_per_s) * e.chips <= share - 32);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  CHECK(m.output_tokens_served == Approx(ref.output_tokens).epsilon(1e-9));
  CHECK(m.requests_dropped == Approx(ref.dropped).epsilon(1e-9));
  CHECK(m.serving_chips <= share);
  CHECK(m.serving_chip_s <= static_cast<double>(share) * m.duration_s * (1 + 1e-12));
  CHECK(m.serving_chip_s > 0);
  const double training_chip_s = m.allocated_chip_s - m.serving_chip_s;
  CHECK(training_chip_s <= 0.75 * m.installed_chip_s * (1 + 1e-12));
  CHECK(training_chip_s >= 0.5 * m.installed_chip_s);  // premise: training is saturated
  // Serving under a partition never preempts; equal priorities never preempt each other.
  CHECK(m.serving_preemptions == 0);
  std::int64_t rejected = 0;
  for (const auto& j : r.jobs) {
    INFO(j.name << " asks " << j.chips << " chips");
    CHECK(j.preemptions == 0);
    CHECK(j.rejected == (j.chips > 192));
    rejected += j.rejected ? 1 : 0;
  }
  CHECK(rejected > 0);
  CHECK(r.jobs_rejected == rejected);
}

TEST_CASE("inference: inference-first with a daily cycle preempts preemptible training at the peaks, serves every request, and jobs still finish",
          "[inference]") {
  // 128 H100 chips; chat peaks at 52 chips and ebbs to 16; short preemptible training jobs fill the rest.
  const std::string body = std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n  job_classes:\n"
                                       "    - {name: train, arrivals_per_day: 12, params: [1.0e9], chips: [32, 64], tokens: {min: 2.0e10, max: 2.0e11},\n"
                                       "       global_batch_tokens: 1048576, preemptible: true}\n"
                                       "inference:\n  policy: inference-first\n  step_s: 3600\n  models:\n") +
                           kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 2.0e4, input_tokens: 1155, output_tokens: 211,\n"
                           "       daily_amplitude: 0.6, daily_peak_hour: 15}\n" +
                           h100(128);
  const Scenario s = load(body, 10);
  const ServingEstimate e = replica(s, 0);
  REQUIRE(static_cast<double>(replicas_for(2.0e4 * 1.6 * kHour, kHour, e.tokens_per_s) * e.chips) < 128);  // the peak fits
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  // Serving takes what it needs: every request is served in its step.
  CHECK(m.requests_served == Approx(m.requests_arrived).epsilon(1e-9));
  CHECK(m.requests_dropped == 0);
  CHECK(m.requests_late == 0);
  CHECK(m.serving_preemptions > 0);
  // Equal priorities and no failures: every preemption of a job is serving's.
  std::int64_t preemptions = 0, finished = 0, preempted_and_finished = 0;
  for (const auto& j : r.jobs) {
    preemptions += j.preemptions;
    if (j.end_s > 0) {
      ++finished;
      INFO(j.name);
      CHECK(j.tokens_done == j.tokens_target);
      if (j.preemptions > 0) ++preempted_and_finished;
    }
  }
  CHECK(preemptions == m.serving_preemptions);
  CHECK(finished > 0);
  CHECK(preempted_and_finished > 0);
  CHECK(m.jobs_completed == finished);
  // Training fills what serving leaves.
  CHECK(m.allocated_chip_s - m.serving_chip_s > 0.3 * m.installed_chip_s);
}

TEST_CASE("inference: inference-first never preempts a non-preemptible job, so serving is capped by it and drops at the peaks", "[inference]") {
  // 128 H100 chips; a non-preemptible 64-chip job submitted at noon waits while serving holds more than 64
  // chips, starts at the first step serving needs 64 or fewer, and from then on serving has 64 chips.
  const std::string body = std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n  pretraining:\n"
                                       "    - {name: pinned, params: 1.0e9, tokens: 1.0e14, chips: 64, submit_day: 0.5, global_batch_tokens: 1048576,\n"
                                       "       preemptible: false}\n"
                                       "inference:\n  policy: inference-first\n  step_s: 3600\n  max_delay_s: 0\n  models:\n") +
                           kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 3.0e4, input_tokens: 1155, output_tokens: 211,\n"
                           "       daily_amplitude: 0.6, daily_peak_hour: 15}\n" +
                           h100(128);
  const Scenario s = load(body, 10);
  const ServingEstimate e = replica(s, 0);
  const std::vector<DemandStep> steps = arrivals(s, 0, kHour, s.seed);
  // The job's start: the first step from noon on whose demand fits in 64 chips.
  const std::int64_t room = 64 / e.chips;
  std::size_t k0 = 12;
  while (k0 < steps.size() && replicas_for(steps[k0].output_tokens, kHour, e.tokens_per_s) > room) ++k0;
  REQUIRE(k0 > 12);  // premise: serving holds more than 64 chips at noon
  REQUIRE(k0 < 24);
  double served = 0, arrived = 0;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    arrived += steps[k].output_tokens;
    served += k < k0 ? steps[k].output_tokens : std::min(steps[k].output_tokens, static_cast<double>(room) * e.tokens_per_s * kHour);
  }
  REQUIRE(served < arrived);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const io::JobRecord& j = job(r, "pinned");
  CHECK(j.start_s == Approx(static_cast<double>(k0) * kHour).margin(1e-6));
  CHECK(j.preemptions == 0);
  CHECK(j.end_s < 0);  // still running at the horizon
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  CHECK(m.serving_preemptions == 0);
  CHECK(m.output_tokens_served == Approx(served).epsilon(1e-9));
  CHECK(m.requests_dropped == Approx((arrived - served) / 211).epsilon(1e-9));
  CHECK(m.serving_chips <= 64);
}

TEST_CASE("inference: serving adds its replicas' power above idle at their load to the IT energy, and books its chips' idle power",
          "[inference]") {
  // 64 H100 chips, no training: the IT energy is the idle fleet plus what the replicas draw above idle,
  // (power_w - chips x slot idle) at load demand / capacity.
  const double rate = 1.0e4;
  const Scenario s = load(std::string("workload: {}\ninference:\n  step_s: 3600\n  models:\n") + kChatModel +
                              "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211}\n" +
                              h100(64),
                          10);
  const ServingEstimate e = replica(s, 0);
  const SystemSpec& sys = s.choices[0].system;
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  const double horizon = 10 * kDay;
  const auto replicas = static_cast<double>(std::ceil(rate / e.tokens_per_s));
  const double idle = sys.chip_slot_idle_w();
  const double extra_w = replicas * (e.power_w - static_cast<double>(e.chips) * idle) * rate / (replicas * e.tokens_per_s);
  REQUIRE(extra_w > 0);
  const double serving_chips = replicas * static_cast<double>(e.chips);
  CHECK(m.serving_energy_j == Approx((serving_chips * idle + extra_w) * horizon).epsilon(1e-9));
  CHECK(m.it_energy_j == Approx((64 * (idle + s.site.infra_w_per_chip()) + extra_w) * horizon).epsilon(1e-9));  // + network, storage
  CHECK(r.it_energy_j == Approx(m.it_energy_j).epsilon(1e-12));
}

TEST_CASE("inference: a looped Azure-format trace replays passes x rows x rate_scale requests, and once without loop", "[inference]") {
  // 30 requests 20 s apart: a span of 580 s, a period of 600 s; time_scale 6 makes a pass last an hour.
  const auto dir = std::filesystem::temp_directory_path() / ("gigasim-test-inference-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto csv = dir / "azure.csv";
  double input = 0, output = 0;
  {
    std::ofstream out(csv);
    out << "TIMESTAMP,ContextTokens,GeneratedTokens\n";
    for (int i = 0; i < 30; ++i) {
      const int in = 100 + 37 * i, o = 10 + 3 * i;
      char ts[64];
      std::snprintf(ts, sizeof ts, "2024-05-10 00:%02d:%02d.000000+00:00", (20 * i) / 60, (20 * i) % 60);
      out << ts << ',' << in << ',' << o << '\n';
      input += in, output += o;
    }
  }
  const std::string body = std::string("workload: {}\ninference:\n  step_s: 3600\n  models:\n") + kChatModel +
                           "  demand:\n"
                           "    - {name: looped, model: chat-70b, file: " + csv.string() + ", format: azure, time_scale: 6, rate_scale: 2.5, loop: true}\n"
                           "    - {name: once, model: chat-70b, file: " + csv.string() + ", time_scale: 6, rate_scale: 4, start_day: 2}\n" +
                           h100(64);
  const Scenario s = load(body, 10);
  std::filesystem::remove_all(dir);
  const ServingEstimate e = replica(s, 0);
  CHECK(s.inference.demand[0].input_tokens() == Approx(input / 30).epsilon(1e-12));
  CHECK(s.inference.demand[0].output_tokens() == Approx(output / 30).epsilon(1e-12));
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  const double passes = 10 * 24;  // one an hour
  const double requests = passes * 30 * 2.5 + 30 * 4;
  CHECK(m.requests_arrived == Approx(requests).epsilon(1e-9));
  CHECK(m.requests_served == Approx(requests).epsilon(1e-9));
  CHECK(m.requests_dropped == 0);
  CHECK(m.output_tokens_served == Approx((passes * 2.5 + 4) * output).epsilon(1e-9));
  CHECK(m.input_tokens_served == Approx((passes * 2.5 + 4) * input).epsilon(1e-9));
  // A trace's replica is sized for its mean request; the looped stream needs one replica (the other ended).
  REQUIRE(r.serving_replicas.size() == 2);
  CHECK(r.serving_replicas[0].chips == e.chips);
  CHECK(r.serving_replicas[0].tokens_per_s == Approx(e.tokens_per_s).epsilon(1e-12));
  CHECK(m.serving_chips == e.chips);
}

TEST_CASE("inference: a noisy stream draws from its own seeded generator, step by step", "[inference]") {
  // Noise 0.3 on a constant rate, 45 days (two months), capacity to spare: each month's arrivals are its
  // share of the steps from make_generated_demand seeded by stream_seed(seed, "demand/chat") (a step cut
  // by the month's end is split in proportion to time).
  const std::string body = std::string("workload: {}\ninference:\n  step_s: 3600\n  models:\n") + kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211, noise: 0.3}\n" +
                           h100(128);
  const Scenario s = load(body, 45, 7);
  const auto per_month = [&](std::uint64_t seed) {
    std::vector<double> v(2, 0.0);
    const std::vector<DemandStep> steps = arrivals(s, 0, kHour, seed);
    for (std::size_t k = 0; k < steps.size(); ++k) {
      const double t0 = static_cast<double>(k) * kHour, t1 = t0 + kHour;
      const double in_first = std::clamp((units::kSecondsPerMonth - t0) / kHour, 0.0, 1.0);
      REQUIRE(t1 <= s.horizon_s);
      v[0] += steps[k].requests * in_first;
      v[1] += steps[k].requests * (1 - in_first);
    }
    return v;
  };
  const std::vector<double> expected = per_month(7);
  const std::vector<double> other_seed = per_month(8);
  // Premise: the noise matters at this resolution.
  REQUIRE(std::abs(other_seed[0] / expected[0] - 1) > 1e-4);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    INFO("month " << k);
    CHECK(r.months[k].requests_arrived == Approx(expected[k]).epsilon(1e-9));
    CHECK(r.months[k].requests_dropped == 0);
  }
  CHECK(sum(r, &io::MonthRecord::requests_served) == Approx(expected[0] + expected[1]).epsilon(1e-9));
  // The pool follows the noise: each step holds the replicas that step's arrivals need.
  const ServingEstimate e = replica(s, 0);
  double chip_s = 0;
  for (const DemandStep& d : arrivals(s, 0, kHour, 7)) chip_s += static_cast<double>(replicas_for(d.output_tokens, kHour, e.tokens_per_s) * e.chips) * kHour;
  CHECK(sum(r, &io::MonthRecord::serving_chip_s) == Approx(chip_s).epsilon(1e-9));
  CHECK(chip_s != Approx(static_cast<double>(replicas_for(1.0e4, 1, e.tokens_per_s) * e.chips) * s.horizon_s).epsilon(1e-3));
}

namespace {

// Two generations: 64 H100 chips from day 0, 64 B200 chips delivered at the start of month 4 (the second
// quarterly order; supply 64 chips a quarter, no lead time). 120 days.
Scenario two_generations(const std::string& placement, double tokens_per_s) {
  const std::string body = std::string("workload: {}\ninference:\n  placement: ") + placement + "\n  step_s: 3600\n  models:\n" + kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: " + std::to_string(tokens_per_s) +
                           ", input_tokens: 1155, output_tokens: 211}\n"
                           "hardware_choices:\n"
                           "  - name: nv\n"
                           "    roadmap: [{system: h100-x8, day: 0}, {system: b200-x8, day: 1}]\n"
                           "    block_chips: 64\n"
                           "    supply: {chips_per_quarter: 64, lead_time_days: 0}\n";
  return load(body, 120);
}

// Checks common to both placements: the fleet is as planned, and month 1's serving is capped by H100.
void check_two_generations(const Scenario& s, const io::ChoiceResult& r, double demand) {
  REQUIRE(r.months.size() == 4);
  REQUIRE(r.months[1].chips_installed == std::vector<std::int64_t>{64, 0});
  REQUIRE(r.months[3].chips_installed == std::vector<std::int64_t>{64, 64});
  REQUIRE(r.serving_replicas.size() == 2);
  CHECK(r.serving_replicas[0].system == "h100-x8");
  CHECK(r.serving_replicas[1].system == "b200-x8");
  CHECK(r.serving_replicas[0].chips == replica(s, 0, 0).chips);
  CHECK(r.serving_replicas[1].chips == replica(s, 0, 1).chips);
  // Months 1-3: H100 alone, at its capacity.
  const ServingEstimate h = replica(s, 0, 0);
  const double h100_capacity = static_cast<double>(64 / h.chips) * h.tokens_per_s;
  REQUIRE(demand > h100_capacity);
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("month " << k);
    CHECK(r.months[k].serving_chips == 64 / h.chips * h.chips);
    CHECK(r.months[k].output_tokens_served == Approx(h100_capacity * r.months[k].duration_s).epsilon(1e-9));
    CHECK(r.months[k].requests_dropped > 0);
  }
}

}  // namespace

TEST_CASE("inference: oldest-first placement fills the older generation and spills the rest onto the newer one", "[inference]") {
  const double demand = 5.0e4;
  const Scenario s = two_generations("oldest-first", demand);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  check_two_generations(s, r, demand);
  const ServingEstimate h = replica(s, 0, 0), b = replica(s, 0, 1);
  const std::int64_t on_h100 = 64 / h.chips;
  const std::int64_t on_b200 = replicas_for(demand - static_cast<double>(on_h100) * h.tokens_per_s, 1, b.tokens_per_s);
  const io::MonthRecord& m = r.months[3];
  CHECK(m.serving_chips == on_h100 * h.chips + on_b200 * b.chips);
  // From the first step after the delivery (month 4 starts with the delivery, mid-step) all is served.
  const double month_start = 3 * units::kSecondsPerMonth;
  const double first_step = std::ceil(month_start / kHour) * kHour;
  const double h100_capacity = static_cast<double>(on_h100) * h.tokens_per_s;
  CHECK(m.output_tokens_served == Approx(h100_capacity * (first_step - month_start) + demand * (s.horizon_s - first_step)).epsilon(1e-9));
  // The chips serving holds on each generation.
  const double h_chip_s = static_cast<double>(on_h100 * h.chips) * m.duration_s;
  const double b_chip_s = static_cast<double>(on_b200 * b.chips) * (s.horizon_s - first_step);
  CHECK(m.serving_chip_s == Approx(h_chip_s + b_chip_s).epsilon(1e-9));
}

TEST_CASE("inference: newest-first placement moves serving onto the newer generation once it is delivered", "[inference]") {
  const double demand = 5.0e4;
  const Scenario s = two_generations("newest-first", demand);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  check_two_generations(s, r, demand);
  const ServingEstimate h = replica(s, 0, 0), b = replica(s, 0, 1);
  const std::int64_t on_b200 = replicas_for(demand, 1, b.tokens_per_s);
  REQUIRE(on_b200 * b.chips <= 64);
  const io::MonthRecord& m = r.months[3];
  CHECK(m.serving_chips == on_b200 * b.chips);
  const double month_start = 3 * units::kSecondsPerMonth;
  const double first_step = std::ceil(month_start / kHour) * kHour;
  // H100 serves until the first step after the delivery, then B200 alone.
  const double h_chip_s = static_cast<double>(64 / h.chips * h.chips) * (first_step - month_start);
  const double b_chip_s = static_cast<double>(on_b200 * b.chips) * (s.horizon_s - first_step);
  CHECK(m.serving_chip_s == Approx(h_chip_s + b_chip_s).epsilon(1e-9));
  CHECK(m.output_tokens_served ==
        Approx(static_cast<double>(64 / h.chips) * h.tokens_per_s * (first_step - month_start) + demand * (s.horizon_s - first_step)).epsilon(1e-9));
}

TEST_CASE("inference: inference-first with the older generation pinned by a non-preemptible job serves on the newer one", "[inference]") {
  // The two-generation fleet; a non-preemptible job holds all 64 H100 chips from day 0 and demand starts on
  // day 1: nothing can serve until B200 arrives, then oldest-first placement passes over H100 to B200.
  const double demand = 5.0e4;
  const std::string body = std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n  pretraining:\n"
                                       "    - {name: pinned, params: 1.0e9, tokens: 1.0e15, chips: 64, global_batch_tokens: 1048576}\n"
                                       "inference:\n  placement: oldest-first\n  step_s: 3600\n  max_delay_s: 0\n  models:\n") +
                           kChatModel + "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: " + std::to_string(demand) +
                           ", input_tokens: 1155, output_tokens: 211, start_day: 1}\n"
                           "hardware_choices:\n"
                           "  - name: nv\n"
                           "    roadmap: [{system: h100-x8, day: 0}, {system: b200-x8, day: 1}]\n"
                           "    block_chips: 64\n"
                           "    supply: {chips_per_quarter: 64, lead_time_days: 0}\n";
  const Scenario s = load(body, 120);
  const ServingEstimate b = replica(s, 0, 1);
  const std::int64_t on_b200 = replicas_for(demand, 1, b.tokens_per_s);
  REQUIRE(on_b200 * b.chips <= 64);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const io::JobRecord& j = job(r, "pinned");
  CHECK(j.start_s == 0);
  CHECK(j.system == "h100-x8");
  CHECK(j.preemptions == 0);
  REQUIRE(r.months.size() == 4);
  REQUIRE(r.months[3].chips_installed == std::vector<std::int64_t>{64, 64});
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("month " << k);
    CHECK(r.months[k].requests_served == 0);
    CHECK(r.months[k].serving_chip_s == 0);
    CHECK(r.months[k].requests_dropped == Approx(r.months[k].requests_arrived).epsilon(1e-9));
  }
  CHECK(r.months[0].requests_arrived == Approx(demand / 211 * (units::kSecondsPerMonth - kDay)).epsilon(1e-9));
  const io::MonthRecord& m = r.months[3];
  const double first_step = std::ceil(3 * units::kSecondsPerMonth / kHour) * kHour;
  CHECK(m.serving_preemptions == 0);
  CHECK(m.serving_chips == on_b200 * b.chips);
  CHECK(m.output_tokens_served == Approx(demand * (s.horizon_s - first_step)).epsilon(1e-9));
  CHECK(m.serving_chip_s == Approx(static_cast<double>(on_b200 * b.chips) * (s.horizon_s - first_step)).epsilon(1e-9));
}

TEST_CASE("inference: a generation that cannot hold the model is passed over, and its replica record says why", "[inference]") {
  // A 1-trillion-parameter model in fp8 does not fit one H100 system (8 x 80 GB) but fits a B200 system
  // (8 x 192 GB): with oldest-first placement, serving waits for B200 and then runs there.
  const std::string body = std::string("workload: {}\ninference:\n  placement: oldest-first\n  step_s: 3600\n  max_delay_s: 0\n  models:\n"
                                       "    - {name: huge, params: 1.0e12, precision: fp8}\n"
                                       "  demand:\n    - {name: chat, model: huge, tokens_per_s: 2.0e3, input_tokens: 1000, output_tokens: 200}\n"
                                       "hardware_choices:\n"
                                       "  - name: nv\n"
                                       "    roadmap: [{system: h100-x8, day: 0}, {system: b200-x8, day: 1}]\n"
                                       "    block_chips: 64\n"
                                       "    supply: {chips_per_quarter: 64, lead_time_days: 0}\n");
  const Scenario s = load(body, 120);
  const DemandStream& d = s.inference.demand[0];
  const ServedModel& sm = s.inference.models[0];
  const ServingEstimate h = best_serving_replica({sm.model, sm.precision, 1000, 200}, s.choices[0].roadmap[0].system, {});
  REQUIRE_FALSE(h.valid);
  const ServingEstimate b = replica(s, 0, 1);
  REQUIRE(d.output_tokens() == 200);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.serving_replicas.size() == 2);
  CHECK_FALSE(r.serving_replicas[0].valid);
  CHECK(r.serving_replicas[0].reason == h.reason);
  CHECK_FALSE(r.serving_replicas[0].reason.empty());
  CHECK(r.serving_replicas[1].valid);
  CHECK(r.serving_replicas[1].chips == b.chips);
  REQUIRE(r.months.size() == 4);
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("month " << k);
    CHECK(r.months[k].requests_served == 0);
    CHECK(r.months[k].serving_chip_s == 0);
    CHECK(r.months[k].requests_dropped == Approx(2.0e3 / 200 * r.months[k].duration_s).epsilon(1e-9));
  }
  const double first_step = std::ceil(3 * units::kSecondsPerMonth / kHour) * kHour;
  const std::int64_t n = replicas_for(2.0e3, 1, b.tokens_per_s);
  CHECK(r.months[3].serving_chips == n * b.chips);
  CHECK(r.months[3].output_tokens_served == Approx(2.0e3 * (s.horizon_s - first_step)).epsilon(1e-9));
}

TEST_CASE("inference: serving preempts the lowest priority first, then the most recently started", "[inference]") {
  // 192 H100 chips, all held by three 64-chip preemptible jobs: a (priority 1, day 0), b (priority 1, day
  // 0.25), c (priority 5, day 0.5). Serving starts on day 1 and needs 16 chips: b goes, a and c stay.
  const std::string body = std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n  pretraining:\n"
                                       "    - {name: a, params: 1.0e9, tokens: 1.0e14, chips: 64, submit_day: 0, global_batch_tokens: 1048576,"
                                       " priority: 1, preemptible: true}\n"
                                       "    - {name: b, params: 1.0e9, tokens: 1.0e14, chips: 64, submit_day: 0.25, global_batch_tokens: 1048576,"
                                       " priority: 1, preemptible: true}\n"
                                       "    - {name: c, params: 1.0e9, tokens: 1.0e14, chips: 64, submit_day: 0.5, global_batch_tokens: 1048576,"
                                       " priority: 5, preemptible: true}\n"
                                       "inference:\n  step_s: 3600\n  models:\n") +
                           kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211, start_day: 1}\n" +
                           h100(192);
  const Scenario s = load(body, 4);
  const ServingEstimate e = replica(s, 0);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  CHECK(job(r, "a").start_s == 0);
  CHECK(job(r, "b").start_s == Approx(0.25 * kDay));
  CHECK(job(r, "c").start_s == Approx(0.5 * kDay));
  CHECK(job(r, "a").preemptions == 0);
  CHECK(job(r, "b").preemptions == 1);
  CHECK(job(r, "c").preemptions == 0);
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  CHECK(m.serving_preemptions == 1);
  CHECK(m.requests_served == Approx(m.requests_arrived).epsilon(1e-9));
  CHECK(m.serving_chips == replicas_for(1.0e4, 1, e.tokens_per_s) * e.chips);
  // b waits from day 1 on: 128 chips for a and c, 16 for serving, 48 idle.
  CHECK(m.allocated_chip_s == Approx(128 * s.horizon_s + 64 * kDay + m.serving_chip_s - 64 * 0.25 * kDay - 64 * 0.5 * kDay).epsilon(1e-9));
}

TEST_CASE("inference: streams get replicas in the scenario's order when capacity is short", "[inference]") {
  // 32 H100 chips: chat (first) needs few replicas and gets them all; code (second) wants more than the
  // rest and gets the chips left.
  const std::string body = std::string("workload: {}\ninference:\n  step_s: 3600\n  max_delay_s: 0\n  models:\n") + kChatModel + kCodeModel +
                           "  demand:\n"
                           "    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211}\n"
                           "    - {name: code, model: code-8b, tokens_per_s: 2.0e4, input_tokens: 2048, output_tokens: 28}\n" +
                           h100(32, 32);
  const Scenario s = load(body, 10);
  const ServingEstimate chat = replica(s, 0), code = replica(s, 1);
  const std::int64_t chat_replicas = replicas_for(1.0e4, 1, chat.tokens_per_s);
  const std::int64_t code_replicas = (32 - chat_replicas * chat.chips) / code.chips;
  REQUIRE(static_cast<double>(code_replicas) * code.tokens_per_s < 2.0e4);  // premise: code is short
  REQUIRE(code_replicas > 0);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  const double h = s.horizon_s;
  const double code_served = static_cast<double>(code_replicas) * code.tokens_per_s;
  CHECK(m.output_tokens_served == Approx((1.0e4 + code_served) * h).epsilon(1e-9));
  CHECK(m.requests_served == Approx((1.0e4 / 211 + code_served / 28) * h).epsilon(1e-9));
  CHECK(m.requests_dropped == Approx((2.0e4 - code_served) / 28 * h).epsilon(1e-9));
  CHECK(m.input_tokens_served == Approx((1.0e4 / 211 * 1155 + code_served / 28 * 2048) * h).epsilon(1e-9));
  CHECK(m.serving_chips == chat_replicas * chat.chips + code_replicas * code.chips);
}

TEST_CASE("inference: under partition serving keeps to its share even when the rest of the fleet is idle", "[inference]") {
  // 64 H100 chips, partition 0.3, no training: serving may hold floor(0.3 x 64) = 19 chips, whole
  // replicas of 4 chips, against demand for the whole fleet and more.
  const std::string body = std::string("workload: {}\ninference:\n  policy: partition\n  partition: 0.3\n  step_s: 3600\n  models:\n") + kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 5.0e4, input_tokens: 1155, output_tokens: 211}\n" + h100(64);
  const Scenario s = load(body, 10);
  const ServingEstimate e = replica(s, 0);
  const std::int64_t replicas = 19 / e.chips;
  REQUIRE(static_cast<double>(64 / e.chips) * e.tokens_per_s > static_cast<double>(replicas) * e.tokens_per_s);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  REQUIRE(r.months.size() == 1);
  const io::MonthRecord& m = r.months[0];
  CHECK(m.serving_chips == replicas * e.chips);
  CHECK(m.output_tokens_served == Approx(static_cast<double>(replicas) * e.tokens_per_s * s.horizon_s).epsilon(1e-9));
  CHECK(m.requests_dropped == Approx((5.0e4 - static_cast<double>(replicas) * e.tokens_per_s) / 211 * s.horizon_s).epsilon(1e-9));
  CHECK(m.serving_chip_s == Approx(static_cast<double>(replicas * e.chips) * s.horizon_s).epsilon(1e-9));
}

TEST_CASE("inference: under partition a training job as large as the chips outside the partition runs", "[inference]") {
  // 256 H100 chips, partition 0.251: serving reserves floor(0.251 x 256) = 64 chips, training has the
  // other 192, so a 192-chip job fits and must run, not be rejected as larger than the fleet.
  const std::string body = std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n  pretraining:\n"
                                       "    - {name: big, params: 1.0e9, tokens: 1.0e13, chips: 192, global_batch_tokens: 1048576}\n"
                                       "inference:\n  policy: partition\n  partition: 0.251\n  step_s: 3600\n  models:\n") +
                           kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211}\n" +
                           h100(256);
  const Scenario s = load(body, 3);
  REQUIRE(static_cast<std::int64_t>(std::floor(0.251 * 256)) == 64);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const io::JobRecord& j = job(r, "big");
  CHECK_FALSE(j.rejected);
  CHECK(r.jobs_rejected == 0);
  CHECK(j.start_s == 0);
  REQUIRE(r.months.size() == 1);
  CHECK(r.months[0].allocated_chip_s - r.months[0].serving_chip_s == Approx(192 * s.horizon_s).epsilon(1e-9));
}

TEST_CASE("inference: a retirement takes back serving's chips, and serving resumes on the generation delivered next", "[inference]") {
  // 64 H100 chips retired after 30.1 days (mid-step), 64 B200 chips delivered at the next quarterly order
  // (day 91.3); nothing serves in between and every request is dropped.
  const double life_days = 30.1;
  char life[64];
  std::snprintf(life, sizeof life, "%.17g", life_days / 365.25);
  const std::string body = std::string("workload: {}\ninference:\n  step_s: 3600\n  max_delay_s: 0\n  models:\n") + kChatModel +
                           "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211}\n"
                           "hardware_choices:\n"
                           "  - name: nv\n"
                           "    roadmap: [{system: h100-x8, day: 0, service_life_years: " + life + "}, {system: b200-x8, day: 20}]\n"
                           "    block_chips: 64\n"
                           "    chips: 64\n";
  const Scenario s = load(body, 100);
  const ServingEstimate h = replica(s, 0, 0), b = replica(s, 0, 1);
  const double retire_s = life_days * kDay, delivery_s = 3 * units::kSecondsPerMonth;
  const double first_b200_step = std::ceil(delivery_s / kHour) * kHour;
  const std::int64_t h_chips = replicas_for(1.0e4, 1, h.tokens_per_s) * h.chips, b_chips = replicas_for(1.0e4, 1, b.tokens_per_s) * b.chips;
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  CHECK(r.lots_retired == 1);
  REQUIRE(r.months.size() == 4);
  CHECK(r.months[1].chips_installed == std::vector<std::int64_t>{0, 0});
  CHECK(r.months[3].chips_installed == std::vector<std::int64_t>{0, 64});
  const double month = units::kSecondsPerMonth;
  // Chips held: H100 up to the retirement, B200 from the first step after its delivery.
  CHECK(r.months[0].serving_chip_s == Approx(static_cast<double>(h_chips) * retire_s).epsilon(1e-9));
  CHECK(r.months[1].serving_chip_s == 0);
  CHECK(r.months[2].serving_chip_s == 0);
  CHECK(r.months[3].serving_chip_s == Approx(static_cast<double>(b_chips) * (s.horizon_s - first_b200_step)).epsilon(1e-9));
  CHECK(r.months[3].serving_chips == b_chips);
  // Served: all of it while a generation serves (the step cut by the retirement finishes at its rate),
  // none in between.
  const double per_s = 1.0e4 / 211;
  CHECK(r.months[0].requests_served == Approx(per_s * std::ceil(retire_s / kHour) * kHour).epsilon(1e-9));
  CHECK(r.months[1].requests_served == 0);
  CHECK(r.months[1].requests_dropped == Approx(per_s * month).epsilon(1e-9));
  CHECK(r.months[2].requests_served == 0);
  CHECK(r.months[3].requests_served == Approx(per_s * (s.horizon_s - first_b200_step)).epsilon(1e-9));
  for (std::size_t k = 0; k < 4; ++k) {
    INFO("month " << k);
    CHECK(r.months[k].requests_arrived == Approx(r.months[k].requests_served + r.months[k].requests_dropped).epsilon(1e-9));
  }
  // No fleet, no energy: serving draws nothing while nothing is installed.
  CHECK(r.months[1].it_energy_j == 0);
  CHECK(r.months[1].serving_energy_j == 0);
}

// Regression: a run stopped while it waits for its gradient flows (its executions done, the flows slowed
// by a 64x oversubscribed hall) used to kill the simulation: SimGrid 3.32 fails a cancelled detached flow
// with NetworkFailureException, not CancelException. Serving preempts the job at the first hourly step
// with demand (3,600 s), after its compute (about 1,400 s) and during its flows (until about 16,000 s).
TEST_CASE("inference: a run preempted while its gradient flows are in flight stops cleanly and starts again", "[inference]") {
  const Scenario sc = load(std::string("scheduler: {policy: priority, placement: packed}\n"
                                       "workload:\n"
                                       "  pretraining:\n"
                                       "    - {name: spread, params: 1.0e9, tokens: 2.0e10, chips: 128, submit_day: 0, global_batch_tokens: 1048576,\n"
                                       "       preemptible: true}\n"
                                       "inference:\n"
                                       "  policy: inference-first\n"
                                       "  models:\n"
                                       "    - {name: chat-8b, params: 8.0e9, ttft_s: 1.0, tpot_s: 0.05}\n"
                                       "  demand:\n"
                                       "    - {name: chat, model: chat-8b, tokens_per_s: 1.0e6, input_tokens: 500, output_tokens: 200, start_day: 0.05,\n"
                                       "       until_day: 1}\n") +
                               h100(128),
                           3);
  Scenario with_hall = sc;
  with_hall.site.layout.hall_oversubscription = 64;
  const io::ChoiceResult r = sim::simulate_choice(with_hall, with_hall.choices.at(0), {});
  const io::JobRecord& j = job(r, "spread");
  CHECK(j.start_s == 0);
  CHECK(j.preemptions >= 1);
  CHECK(r.months.at(0).serving_preemptions >= 1);
  // Serving ends at day 1; the job then resumes on the whole fleet and finishes within the 3 days.
  CHECK(j.end_s > kDay);
  CHECK(j.tokens_done == j.tokens_target);
}

// Regression: a lot retiring exactly at a serving step, while serving preempts a job on it, used to crash
// (both actors stopped the same job; each cancel lets the other run). Lot 0 retires at 0.5 years = hour 4,383,
// the first serving step with demand.
TEST_CASE("inference: a retirement at the very step serving preempts on the retiring lot stops each job once", "[inference]") {
  const std::string text =
      "name: simtest-inference\nseed: 3\nstart_date: 2026-01-05\nhorizon_days: 200\ncatalog: " + test::catalog_dir().string() + "\n" + kSite +
      "scheduler: {policy: priority, placement: packed}\n"
      "workload:\n  pretraining:\n"
      "    - {name: x, params: 1.0e9, tokens: 1.0e15, chips: 64, submit_day: 0, global_batch_tokens: 1048576, preemptible: true}\n"
      "    - {name: y, params: 1.0e9, tokens: 1.0e15, chips: 64, submit_day: 92, global_batch_tokens: 1048576, priority: 5, preemptible: true}\n"
      "inference:\n  models:\n" + kChatModel +
      "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 1.0e4, input_tokens: 1155, output_tokens: 211, start_day: 182.625}\n"
      "hardware_choices:\n  - name: nv\n    roadmap: [{system: h100-x8, day: 0, service_life_years: 0.5}]\n    block_chips: 64\n    chips: 128\n"
      "    supply: {chips_per_quarter: 64}\n";
  const Scenario s = io::load_scenario_text(text, kFile);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  const io::JobRecord& x = job(r, "x");
  CHECK(x.preemptions == 1);  // by the retirement or by serving, once
  CHECK(r.lots_retired >= 1);
  double served = 0;
  for (const auto& m : r.months) served += m.output_tokens_served;
  CHECK(served > 0);
}

// Chips a serving preemption frees beyond what serving takes go to waiting training at once.
TEST_CASE("inference: chips freed by a preemption for serving start waiting training in the same step", "[inference]") {
  const Scenario s = load(std::string("scheduler: {policy: priority, placement: packed}\n"
                                      "workload:\n  pretraining:\n"
                                      "    - {name: a, params: 1.0e9, tokens: 1.0e15, chips: 48, global_batch_tokens: 1048576, preemptible: true}\n"
                                      "    - {name: b, params: 1.0e9, tokens: 1.0e15, chips: 16, global_batch_tokens: 1048576, preemptible: true}\n"
                                      "    - {name: c, params: 1.0e9, tokens: 1.0e12, chips: 8, submit_day: 0.5, global_batch_tokens: 1048576}\n"
                                      "inference:\n  models:\n") +
                              kChatModel +
                              "  demand:\n    - {name: chat, model: chat-70b, tokens_per_s: 4.0e3, input_tokens: 1155, output_tokens: 211, start_day: 1}\n" +
                              h100(64),
                          5);
  const io::ChoiceResult r = sim::simulate_choice(s, s.choices[0], {});
  CHECK(job(r, "b").preemptions == 1);  // serving needs 8 chips at day 1: b (16, the most recent) goes
  CHECK(job(r, "c").start_s == kDay);  // and c takes 8 of them in the same step
}
