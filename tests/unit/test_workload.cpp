// Job sources (models/workload): stream seeds, generated job classes, frontier series, explicit jobs,
// merging, and frontier sizing.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/units.hpp"
#include "models/workload.hpp"

using namespace gigasim;

namespace {

constexpr double kDay = 86400.0;

std::vector<JobArrival> drain(JobSource& s, std::size_t limit = 10'000'000) {
  std::vector<JobArrival> out;
  JobArrival a;
  while (out.size() < limit && s.next(a)) out.push_back(a);
  return out;
}

JobClass small_class() {
  JobClass c;
  c.name = "small";
  c.arrivals_per_s = 1.0 / 3600;  // one an hour
  c.first_s = 1000;
  c.until_s = 1000 + 1000 * kDay;
  c.params = {1e9, 7e9, 70e9};
  c.chips = {8, 64, 512};
  c.tokens_min = 1e9;
  c.tokens_max = 1e11;
  c.seq_len = 4096;
  c.global_batch_tokens = 4e6;  // 976.5625 sequences of 4096
  c.priority = 3;
  c.preemptible = true;
  return c;
}

PretrainingJobSpec job(const std::string& name, double submit_s, int priority = 0, bool preemptible = false) {
  PretrainingJobSpec j;
  j.name = name;
  j.params = 1e9;
  j.tokens = 1e11;
  j.chips = 64;
  j.submit_s = submit_s;
  j.global_batch_sequences = 256;
  j.priority = priority;
  j.preemptible = preemptible;
  return j;
}

FrontierSeries series(double first_s, double interval_s, double until_s) {
  FrontierSeries s;
  s.name = "fr";
  s.first_submit_s = first_s;
  s.interval_s = interval_s;
  s.until_s = until_s;
  s.first_flops = 1e25;
  s.growth_per_year = 4;
  s.max_duration_s = 90 * kDay;
  s.tokens_per_param = 20;
  s.global_batch_sequences = 2048;
  s.priority = 7;
  s.preemptible = true;
  return s;
}

}  // namespace

TEST_CASE("workload: stream_seed is deterministic and separates names and seeds", "[workload]") {
  CHECK(stream_seed(42, "small") == stream_seed(42, "small"));
  CHECK(stream_seed(42, "small") != stream_seed(42, "large"));
  CHECK(stream_seed(42, "small") != stream_seed(43, "small"));
  CHECK(stream_seed(0, "") != stream_seed(1, ""));
  CHECK(stream_seed(0, "a") != stream_seed(0, ""));
  CHECK(stream_seed(0, "ab") != stream_seed(0, "ba"));
  // Many similar names and seeds, no collisions.
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(stream_seed(7, "class-" + std::to_string(i)));
  for (std::uint64_t s = 0; s < 1000; ++s) seen.insert(stream_seed(s, "frontier"));
  CHECK(seen.size() == 2000);
}

TEST_CASE("workload: a job class draws Poisson arrivals and sizes from its lists", "[workload]") {
  const JobClass c = small_class();
  auto src = job_class_source(c, 12345);
  const auto jobs = drain(*src);
  const double expected = c.arrivals_per_s * (c.until_s - c.first_s);  // 24,000
  REQUIRE(expected == Approx(24000));
  // Poisson: standard deviation sqrt(24000) = 155; allow 5 of them.
  CHECK(std::abs(static_cast<double>(jobs.size()) - expected) < 5 * std::sqrt(expected));

  std::map<double, int> params_seen;
  std::map<std::int64_t, int> chips_seen;
  int below_geometric_mean = 0;
  double prev = c.first_s;
  bool ordered = true, in_window = true, tokens_in_range = true, consistent = true;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const JobArrival& a = jobs[i];
    if (a.submit_s < prev) ordered = false;
    prev = a.submit_s;
    if (a.submit_s < c.first_s || a.submit_s >= c.until_s) in_window = false;
    if (a.training.tokens < c.tokens_min || a.training.tokens > c.tokens_max) tokens_in_range = false;
    if (a.training.tokens < 1e10) ++below_geometric_mean;
    ++params_seen[a.training.params];
    ++chips_seen[a.chips];
    if (a.kind != JobKind::kGenerated || a.name != "small-" + std::to_string(i) || a.source != "small" || a.priority != 3 ||
        !a.preemptible || a.training.name != a.name || a.training.chips != a.chips || a.training.submit_s != a.submit_s ||
        a.training.global_batch_sequences != 976 || a.training.model.seq_len != 4096 || a.training.model.layers <= 0 ||
        a.training.tokens != std::round(a.training.tokens))
      consistent = false;
  }
  CHECK(ordered);
  CHECK(in_window);
  CHECK(tokens_in_range);
  CHECK(consistent);
  // Every value of each list appears, each about a third of the time (sd of the share: 0.003).
  REQUIRE(params_seen.size() == 3);
  REQUIRE(chips_seen.size() == 3);
  const double n = static_cast<double>(jobs.size());
  for (double p : c.params) CHECK(params_seen[p] / n == Approx(1.0 / 3).margin(0.02));
  for (std::int64_t k : c.chips) CHECK(chips_seen[k] / n == Approx(1.0 / 3).margin(0.02));
  // Log-uniform tokens: half below the geometric mean sqrt(1e9 x 1e11) = 1e10 (uniform would give 9%).
  CHECK(below_geometric_mean / n == Approx(0.5).margin(0.02));
  // Mean gap ~ 1 h.
  CHECK((jobs.back().submit_s - c.first_s) / n == Approx(3600).epsilon(0.05));
}

TEST_CASE("workload: a job class's global batch is whole sequences, at least one", "[workload]") {
  JobClass c = small_class();
  c.until_s = c.first_s + 10 * kDay;
  c.global_batch_tokens = 4096.0 * 3 + 4095;  // 3.99 sequences -> 3
  JobArrival a;
  REQUIRE(job_class_source(c, 1)->next(a));
  CHECK(a.training.global_batch_sequences == 3);
  c.global_batch_tokens = 100;  // less than one sequence
  REQUIRE(job_class_source(c, 1)->next(a));
  CHECK(a.training.global_batch_sequences == 1);
  c.global_batch_tokens = 4096.0 * 512;
  REQUIRE(job_class_source(c, 1)->next(a));
  CHECK(a.training.global_batch_sequences == 512);
}

TEST_CASE("workload: a job class is reproducible per seed and independent of other classes", "[workload]") {
  JobClass c = small_class();
  c.until_s = c.first_s + 20 * kDay;
  const auto a = drain(*job_class_source(c, 99));
  const auto b = drain(*job_class_source(c, 99));
  REQUIRE(a.size() == b.size());
  REQUIRE(a.size() > 100);
  bool same = true;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].submit_s != b[i].submit_s || a[i].chips != b[i].chips || a[i].training.params != b[i].training.params ||
        a[i].training.tokens != b[i].training.tokens)
      same = false;
  CHECK(same);

  const auto other_seed = drain(*job_class_source(c, 100));
  REQUIRE(!other_seed.empty());
  CHECK(other_seed.front().submit_s != a.front().submit_s);

  JobClass renamed = c;
  renamed.name = "small2";
  const auto other_name = drain(*job_class_source(renamed, 99));
  REQUIRE(!other_name.empty());
  CHECK(other_name.front().submit_s != a.front().submit_s);
  CHECK(other_name.front().name == "small2-0");
}

TEST_CASE("workload: a job class with empty lists or no arrivals is rejected, an empty window yields nothing", "[workload]") {
  JobClass c = small_class();
  c.params.clear();
  CHECK_THROWS_AS(job_class_source(c, 1), std::invalid_argument);
  c = small_class();
  c.chips.clear();
  CHECK_THROWS_AS(job_class_source(c, 1), std::invalid_argument);
  c = small_class();
  c.arrivals_per_s = 0;
  CHECK_THROWS_AS(job_class_source(c, 1), std::invalid_argument);
  c = small_class();
  c.until_s = c.first_s;
  JobArrival a;
  CHECK_FALSE(job_class_source(c, 1)->next(a));
}

TEST_CASE("workload: frontier series: run k at first + k x interval, compute growing per year", "[workload]") {
  const double year = units::kSecondsPerYear;
  const double first = 100 * kDay;
  auto src = frontier_source(series(first, year / 2, first + 2.25 * year));
  const auto runs = drain(*src);
  REQUIRE(runs.size() == 5);  // 0, 0.5, 1, 1.5, 2 years after the first
  const double flops[] = {1e25, 2e25, 4e25, 8e25, 16e25};
  for (std::size_t k = 0; k < runs.size(); ++k) {
    CAPTURE(k);
    const JobArrival& r = runs[k];
    CHECK(r.kind == JobKind::kFrontier);
    CHECK(r.name == "fr-" + std::to_string(k));
    CHECK(r.source == "fr");
    CHECK(r.submit_s == Approx(first + static_cast<double>(k) * year / 2));
    CHECK(r.frontier_flops == Approx(flops[k]).epsilon(1e-12));
    CHECK(r.priority == 7);
    CHECK(r.preemptible);
    CHECK(r.training.name == r.name);
    CHECK(r.training.submit_s == r.submit_s);
    CHECK(r.training.global_batch_sequences == 2048);
  }
  CHECK(runs[0].frontier_flops == 1e25);
}

TEST_CASE("workload: frontier series stops before until_s", "[workload]") {
  // Runs at 0, 10, 20, 30, 40; the one at 50 = until_s is not submitted.
  auto runs = drain(*frontier_source(series(0, 10, 50)));
  REQUIRE(runs.size() == 5);
  CHECK(runs.back().submit_s == 40);
  runs = drain(*frontier_source(series(0, 10, 50.5)));
  CHECK(runs.size() == 6);
  // First run at or after until_s: none.
  CHECK(drain(*frontier_source(series(60, 10, 50))).empty());
  CHECK(drain(*frontier_source(series(50, 10, 50))).empty());
  // No interval: a single run.
  runs = drain(*frontier_source(series(5, 0, 1000)));
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].submit_s == 5);
}

TEST_CASE("workload: explicit jobs come out in submit order, stable for ties, with their priority", "[workload]") {
  auto src = explicit_jobs({job("a", 30, 1, true), job("b", 10, 2, false), job("c", 20, 3, true), job("d", 10, 4, true)});
  const auto out = drain(*src);
  REQUIRE(out.size() == 4);
  CHECK(out[0].name == "b");
  CHECK(out[1].name == "d");  // tie with b at 10 s: list order kept
  CHECK(out[2].name == "c");
  CHECK(out[3].name == "a");
  CHECK(out[0].submit_s == 10);
  CHECK(out[3].submit_s == 30);
  CHECK(out[0].priority == 2);
  CHECK_FALSE(out[0].preemptible);
  CHECK(out[1].priority == 4);
  CHECK(out[1].preemptible);
  CHECK(out[3].priority == 1);
  CHECK(out[3].preemptible);
  for (const auto& a : out) {
    CHECK(a.kind == JobKind::kPretraining);
    CHECK(a.source.empty());
    CHECK(a.chips == 64);
    CHECK(a.training.name == a.name);
    CHECK(a.training.priority == a.priority);
    CHECK(a.training.global_batch_sequences == 256);
  }
  CHECK(drain(*explicit_jobs({})).empty());
}

TEST_CASE("workload: merge_sources interleaves by submit time, ties to the earlier source", "[workload]") {
  auto names = [](std::vector<std::unique_ptr<JobSource>> sources) {
    std::vector<std::string> out;
    auto merged = merge_sources(std::move(sources));
    for (const auto& a : drain(*merged)) out.push_back(a.name);
    return out;
  };
  {
    std::vector<std::unique_ptr<JobSource>> s;
    s.push_back(explicit_jobs({job("x10", 10), job("x20", 20), job("x30", 30)}));
    s.push_back(frontier_source(series(0, 20, 50)));  // 0, 20, 40
    CHECK(names(std::move(s)) == std::vector<std::string>{"fr-0", "x10", "x20", "fr-1", "x30", "fr-2"});
  }
  {
    std::vector<std::unique_ptr<JobSource>> s;
    s.push_back(frontier_source(series(0, 20, 50)));
    s.push_back(explicit_jobs({job("x10", 10), job("x20", 20), job("x30", 30)}));
    CHECK(names(std::move(s)) == std::vector<std::string>{"fr-0", "x10", "fr-1", "x20", "x30", "fr-2"});
  }
  {
    std::vector<std::unique_ptr<JobSource>> s;
    s.push_back(explicit_jobs({}));
    s.push_back(explicit_jobs({job("only", 5)}));
    s.push_back(explicit_jobs({}));
    CHECK(names(std::move(s)) == std::vector<std::string>{"only"});
  }
  CHECK(names({}).empty());
  {
    // A generated class and a frontier: the merge is in time order and keeps every arrival.
    JobClass c;
    c.name = "g";
    c.arrivals_per_s = 1.0 / kDay;
    c.first_s = 0;
    c.until_s = 100 * kDay;
    c.params = {1e9};
    c.chips = {8};
    c.tokens_min = c.tokens_max = 1e10;
    c.global_batch_tokens = 1e6;
    const std::size_t generated = drain(*job_class_source(c, 5)).size();
    std::vector<std::unique_ptr<JobSource>> s;
    s.push_back(job_class_source(c, 5));
    s.push_back(frontier_source(series(0, 10 * kDay, 100 * kDay)));  // 10 runs
    const auto merged = drain(*merge_sources(std::move(s)));
    CHECK(merged.size() == generated + 10);
    bool ordered = true;
    for (std::size_t i = 1; i < merged.size(); ++i)
      if (merged[i].submit_s < merged[i - 1].submit_s) ordered = false;
    CHECK(ordered);
  }
}

TEST_CASE("workload: size_frontier_run bounds compute by the fleet and splits it 6 N D", "[workload]") {
  const FrontierSeries s = series(0, 0, 1);  // 90 days, 20 tokens per parameter
  SECTION("bounded by chips x rate x max duration") {
    // 1000 chips x 4e14 FLOP/s x 90 d = 3.1104e24
    const FrontierSize z = size_frontier_run(s, 1e25, 1000, 4e14);
    CHECK(z.flops == Approx(3.1104e24));
    CHECK(z.params == Approx(160996894379.98486));  // sqrt(3.1104e24 / 120)
    CHECK(z.tokens == Approx(3219937887599.6973));  // 20 N
  }
  SECTION("the asked compute when the fleet can do it") {
    const FrontierSize z = size_frontier_run(s, 1.2e25, 100000, 4e14);  // can: 3.1104e26
    CHECK(z.flops == 1.2e25);
    CHECK(z.params == Approx(316227766016.8379));  // sqrt(1e23)
    CHECK(z.tokens == Approx(20 * 316227766016.8379));
    CHECK(6 * z.params * z.tokens == Approx(1.2e25));
  }
  SECTION("tokens per parameter") {
    FrontierSeries t = s;
    t.tokens_per_param = 5;
    const FrontierSize z = size_frontier_run(t, 3e23, 1e9, 1e15);
    CHECK(z.params == Approx(1e11));  // sqrt(3e23 / 30)
    CHECK(z.tokens == Approx(5e11));
  }
}

TEST_CASE("workload: a job class's arrivals grow by growth_per_year", "[workload]") {
  constexpr double kYear = units::kSecondsPerYear;
  JobClass c = small_class();
  c.arrivals_per_s = 20.0 / kDay;
  c.until_s = c.first_s + 3 * kYear;
  c.growth_per_year = 2;
  const auto jobs = drain(*job_class_source(c, 7), 10'000'000);
  // Expected count per year k: r0 x year x (2^(k+1) - 2^k) / ln 2 = 7,305 / ln 2 x 2^k = 10,539 x 2^k.
  std::vector<double> per_year(3, 0);
  for (const auto& a : jobs) per_year[static_cast<std::size_t>((a.submit_s - c.first_s) / kYear)] += 1;
  for (int k = 0; k < 3; ++k) {
    const double expected = 20.0 * 365.25 / std::log(2.0) * std::pow(2.0, k);
    CHECK(std::abs(per_year[k] - expected) < 5 * std::sqrt(expected));
  }
  // A declining class: 0.5 a year, r0 = 20 a day: at most r0 x year / ln 2 = 10,539 arrivals ever.
  c.growth_per_year = 0.5;
  c.until_s = c.first_s + 100 * kYear;
  const auto fading = drain(*job_class_source(c, 7), 10'000'000);
  const double all = 20.0 * 365.25 / std::log(2.0);
  CHECK(std::abs(static_cast<double>(fading.size()) - all) < 5 * std::sqrt(all));
}
