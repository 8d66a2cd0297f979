// Inference demand (models/demand): generated streams against closed forms and a fine quadrature, trace
// replay against its bins, and the request bins read from real traces (skipped, exit 77, when ../shared
// is absent) and from small inline files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <numbers>
#include <numeric>
#include <string>
#include <vector>

#include "models/demand.hpp"
#include "models/units.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/request_bins.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
namespace fs = std::filesystem;

namespace {

constexpr double kDay = units::kSecondsPerDay;
constexpr double kHour = units::kSecondsPerHour;
constexpr double kYear = units::kSecondsPerYear;

fs::path traces_dir() { return fs::path(GIGASIM_SOURCE_DIR) / ".." / "shared" / "traces"; }

// A directory of its own for this process (ctest runs test cases in parallel processes), removed at the end.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("gigasim-unit-demand-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

// The sum of `steps` consecutive steps of `dt_s` from `t0_s`.
DemandStep run(DemandSource& d, double t0_s, double dt_s, int steps) {
  DemandStep sum;
  for (int i = 0; i < steps; ++i) {
    const DemandStep s = d.step(t0_s + i * dt_s, t0_s + (i + 1) * dt_s);
    sum.requests += s.requests;
    sum.input_tokens += s.input_tokens;
    sum.output_tokens += s.output_tokens;
  }
  return sum;
}

double output_of(const GeneratedDemandSpec& spec, double t0_s, double t1_s) { return make_generated_demand(spec, 1)->step(t0_s, t1_s).output_tokens; }

// The integral of the noise-free rate over [a, b] by composite Simpson on each day (the weekly factor jumps
// at midnight), 2000 intervals a piece: an independent check of the closed forms.
double simpson(const GeneratedDemandSpec& spec, double a, double b) {
  double sum = 0;
  for (double t = a; t < b;) {
    const double end = std::min(b, (std::floor(t / kDay) + 1) * kDay);
    const int n = 2000;
    const double h = (end - t) / n;
    double piece = 0;
    for (int i = 0; i <= n; ++i) {
      const double w = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2);
      // The end point belongs to the next day: take the rate just before it (the limit from the left).
      const double x = i == n ? std::nextafter(end, t) : t + i * h;
      piece += w * generated_rate_tokens_per_s(spec, x);
    }
    sum += piece * h / 3;
    t = end;
  }
  return sum;
}

GeneratedDemandSpec flat_spec() {
  GeneratedDemandSpec s;
  s.tokens_per_s = 1000;
  s.input_tokens = 2000;
  s.output_tokens = 250;
  return s;
}

// Bins of 1 s (or `bin_s`) from request counts; tokens are 100 in and 10 out per request.
std::shared_ptr<RequestBins> make_bins(const std::vector<double>& requests, double period_s, double bin_s = 1) {
  auto b = std::make_shared<RequestBins>();
  b->bin_s = bin_s;
  b->period_s = period_s;
  b->requests = requests;
  for (double r : requests) {
    b->input_tokens.push_back(100 * r);
    b->output_tokens.push_back(10 * r);
  }
  b->total_requests = std::accumulate(requests.begin(), requests.end(), 0.0);
  b->total_input_tokens = 100 * b->total_requests;
  b->total_output_tokens = 10 * b->total_requests;
  return b;
}

}  // namespace

// --- Generated demand ---------------------------------------------------------------------------------

TEST_CASE("demand: generated: a constant rate integrates to rate x time, only from start_s until until_s", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.start_s = 10 * kHour;
  s.until_s = 30 * kHour;
  auto d = make_generated_demand(s, 7);
  CHECK(d->step(0, 5 * kHour).output_tokens == 0);  // before start
  const DemandStep straddle = d->step(5 * kHour, 12 * kHour);  // 2 h of it inside
  CHECK(straddle.output_tokens == Approx(1000 * 2 * kHour).epsilon(1e-12));
  CHECK(straddle.requests == Approx(1000 * 2 * kHour / 250).epsilon(1e-12));
  CHECK(straddle.input_tokens == Approx(1000 * 2 * kHour / 250 * 2000).epsilon(1e-12));
  CHECK(d->step(12 * kHour, 29.5 * kHour).output_tokens == Approx(1000 * 17.5 * kHour).epsilon(1e-12));
  CHECK(d->step(29.5 * kHour, 40 * kHour).output_tokens == Approx(1000 * 0.5 * kHour).epsilon(1e-12));  // until
  CHECK(d->step(40 * kHour, 100 * kHour).output_tokens == 0);
  CHECK(d->step(100 * kHour, 100 * kHour).output_tokens == 0);  // empty step

  CHECK(generated_rate_tokens_per_s(s, 10 * kHour - 1) == 0);
  CHECK(generated_rate_tokens_per_s(s, 10 * kHour) == 1000);
  CHECK(generated_rate_tokens_per_s(s, 30 * kHour - 1) == 1000);
  CHECK(generated_rate_tokens_per_s(s, 30 * kHour) == 0);
}

TEST_CASE("demand: generated: growth over a year-long step is the integral of g^t", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.growth_per_year = 4;
  s.start_s = 3 * kDay;
  const double analytic = 1000 * kYear * (4 - 1) / std::log(4.0);  // integral of 4^(t / Y) over a year
  CHECK(output_of(s, s.start_s, s.start_s + kYear) == Approx(analytic).epsilon(1e-10));
  // The second year is 4x the first; the rate doubles every half year.
  CHECK(output_of(s, s.start_s + kYear, s.start_s + 2 * kYear) == Approx(4 * analytic).epsilon(1e-10));
  CHECK(generated_rate_tokens_per_s(s, s.start_s + kYear / 2) == Approx(2000).epsilon(1e-12));
  // Shrinking demand too.
  s.growth_per_year = 0.5;
  CHECK(output_of(s, s.start_s, s.start_s + kYear) == Approx(1000 * kYear * (0.5 - 1) / std::log(0.5)).epsilon(1e-10));
}

TEST_CASE("demand: generated: the daily cycle averages to the mean over whole days", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.daily_amplitude = 0.6;
  s.daily_peak_hour = 14;
  CHECK(output_of(s, 0, kDay) == Approx(1000 * kDay).epsilon(1e-12));
  CHECK(output_of(s, 5 * kHour, 3 * kDay + 5 * kHour) == Approx(3000 * kDay).epsilon(1e-12));  // any whole days
  CHECK(generated_rate_tokens_per_s(s, 14 * kHour) == Approx(1600).epsilon(1e-12));
  CHECK(generated_rate_tokens_per_s(s, 2 * kHour) == Approx(400).epsilon(1e-12));
  CHECK(generated_rate_tokens_per_s(s, 10 * kDay + 14 * kHour) == Approx(1600).epsilon(1e-12));
  // The afternoon half-day (8:00 to 20:00, centred on the peak) carries 1 + 2A/pi of its share.
  CHECK(output_of(s, 8 * kHour, 20 * kHour) == Approx(1000 * kDay / 2 * (1 + 2 * 0.6 / std::numbers::pi)).epsilon(1e-12));
}

TEST_CASE("demand: generated: weekends run at weekend_factor x weekdays and keep the weekly mean", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.weekend_factor = 0.4;
  s.start_weekday = 2;  // time 0 is a Wednesday midnight: days 3 and 4 are the weekend
  s.daily_amplitude = 0.3;
  s.growth_per_year = 1;
  CHECK(output_of(s, 0, 7 * kDay) == Approx(1000 * 7 * kDay).epsilon(1e-12));
  CHECK(output_of(s, 1.5 * kDay, 15.5 * kDay) == Approx(1000 * 14 * kDay).epsilon(1e-12));  // any whole weeks
  const double weekday = 1000 * kDay * 7 / (5 + 2 * 0.4);
  CHECK(output_of(s, 0, kDay) == Approx(weekday).epsilon(1e-12));  // Wednesday
  CHECK(output_of(s, 3 * kDay, 4 * kDay) == Approx(0.4 * weekday).epsilon(1e-12));  // Saturday
  CHECK(output_of(s, 4 * kDay, 5 * kDay) == Approx(0.4 * weekday).epsilon(1e-12));  // Sunday
  CHECK(output_of(s, 5 * kDay, 6 * kDay) == Approx(weekday).epsilon(1e-12));  // Monday
  CHECK(generated_rate_tokens_per_s(s, 3 * kDay + 9 * kHour) / generated_rate_tokens_per_s(s, 9 * kHour) == Approx(0.4).epsilon(1e-12));
  // Monday start: Saturday is day 5.
  s.start_weekday = 0;
  CHECK(output_of(s, 5 * kDay, 6 * kDay) / output_of(s, 4 * kDay, 5 * kDay) == Approx(0.4).epsilon(1e-12));
  CHECK(output_of(s, 7 * kDay, 8 * kDay) == Approx(weekday).epsilon(1e-12));  // the next Monday
}

TEST_CASE("demand: generated: steps of 1 s to a day match a fine quadrature to 1e-9", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.growth_per_year = 10;
  s.daily_amplitude = 0.8;
  s.daily_peak_hour = 15.5;
  s.weekend_factor = 0.6;
  s.start_weekday = 4;  // Friday: the weekend starts at day 1
  s.start_s = 0.3 * kDay;
  for (double t0 : {0.3 * kDay, 0.9 * kDay, 1 * kDay - 0.5, 2.75 * kDay, 400 * kDay + 123.4, 3650 * kDay + 0.25}) {
    for (double dt : {1.0, 60.0, kHour, 7 * kHour, kDay}) {
      INFO("t0 = " << t0 << " s, dt = " << dt << " s");
      CHECK(output_of(s, t0, t0 + dt) == Approx(simpson(s, t0, t0 + dt)).epsilon(1e-9));
    }
  }
}

TEST_CASE("demand: generated: one 24 h step equals 24 one-hour steps and 1440 one-minute steps", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.growth_per_year = 3;
  s.daily_amplitude = 0.5;
  s.weekend_factor = 0.5;
  s.start_s = 2 * kHour;
  s.until_s = 40 * kDay;
  for (double t0 : {4.5 * kDay, 39.5 * kDay}) {  // across Friday's midnight, and across until
    const DemandStep day = make_generated_demand(s, 1)->step(t0, t0 + kDay);
    auto hourly = make_generated_demand(s, 1);
    const DemandStep hours = run(*hourly, t0, kHour, 24);
    auto minutely = make_generated_demand(s, 1);
    const DemandStep minutes = run(*minutely, t0, 60, 1440);
    CHECK(hours.output_tokens == Approx(day.output_tokens).epsilon(1e-12));
    CHECK(minutes.output_tokens == Approx(day.output_tokens).epsilon(1e-12));
    CHECK(hours.requests == Approx(day.requests).epsilon(1e-12));
    CHECK(hours.input_tokens == Approx(day.input_tokens).epsilon(1e-12));
  }
}

TEST_CASE("demand: generated: lognormal noise has mean 1 and is deterministic per seed", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.noise = 0.3;
  const int n = 100000;
  std::vector<double> a, b, c;
  auto da = make_generated_demand(s, 42), db = make_generated_demand(s, 42), dc = make_generated_demand(s, 43);
  for (int i = 0; i < n; ++i) {
    a.push_back(da->step(i, i + 1).output_tokens / 1000);
    b.push_back(db->step(i, i + 1).output_tokens / 1000);
    c.push_back(dc->step(i, i + 1).output_tokens / 1000);
  }
  CHECK(a == b);
  CHECK(a != c);
  double mean = 0, log_mean = 0, log_sq = 0;
  for (double f : a) {
    mean += f / n;
    log_mean += std::log(f) / n;
    log_sq += std::log(f) * std::log(f) / n;
  }
  // Standard error of the mean: sqrt(e^(0.09) - 1) / sqrt(n) = 0.001.
  CHECK(mean == Approx(1).margin(0.005));
  CHECK(log_mean == Approx(-0.045).margin(0.005));
  CHECK(std::sqrt(log_sq - log_mean * log_mean) == Approx(0.3).margin(0.005));
  // The factor multiplies the whole step: requests and tokens keep the mean shape.
  const DemandStep one = make_generated_demand(s, 42)->step(0, 1);
  CHECK(one.output_tokens == Approx(1000 * a[0]).epsilon(1e-12));
  CHECK(one.requests == Approx(one.output_tokens / 250).epsilon(1e-12));
  CHECK(one.input_tokens == Approx(one.requests * 2000).epsilon(1e-12));
  // No noise: exact.
  s.noise = 0;
  CHECK(make_generated_demand(s, 42)->step(0, 1).output_tokens == 1000);
}

TEST_CASE("demand: generated: invalid specs are refused", "[demand]") {
  GeneratedDemandSpec s = flat_spec();
  s.output_tokens = 0;
  CHECK_THROWS_AS(make_generated_demand(s, 1), std::invalid_argument);
  s = flat_spec();
  s.daily_amplitude = 1;
  CHECK_THROWS_AS(make_generated_demand(s, 1), std::invalid_argument);
  s = flat_spec();
  s.start_weekday = 7;
  CHECK_THROWS_AS(make_generated_demand(s, 1), std::invalid_argument);
  CHECK_THROWS_AS(make_generated_demand(flat_spec(), 1)->step(10, 5), std::invalid_argument);
}

// --- Trace demand -------------------------------------------------------------------------------------

TEST_CASE("demand: trace: one pass gives the bin totals, nothing before start or after the pass", "[demand]") {
  TraceDemandSpec spec;
  spec.bins = make_bins({3, 0, 5, 2}, 4);
  spec.start_s = 100;
  auto d = make_trace_demand(spec);
  CHECK(d->step(0, 100).requests == 0);
  const DemandStep all = run(*d, 50, 0.7, 100);  // 50 .. 120, in odd steps
  CHECK(all.requests == Approx(10).epsilon(1e-12));
  CHECK(all.input_tokens == Approx(1000).epsilon(1e-12));
  CHECK(all.output_tokens == Approx(100).epsilon(1e-12));
  CHECK(d->step(104, 1e6).requests == 0);  // one pass only
  CHECK(make_trace_demand(spec)->step(0, 1e9).requests == Approx(10).epsilon(1e-12));
  // Whole bins.
  auto w = make_trace_demand(spec);
  CHECK(w->step(100, 101).requests == Approx(3).epsilon(1e-12));
  CHECK(w->step(101, 102).requests == 0);
  CHECK(w->step(102, 103).input_tokens == Approx(500).epsilon(1e-12));
  CHECK(w->step(103, 110).output_tokens == Approx(20).epsilon(1e-12));
}

TEST_CASE("demand: trace: looping N periods gives N x the totals", "[demand]") {
  TraceDemandSpec spec;
  spec.bins = make_bins({3, 0, 5, 2}, 3.5);  // a partial last bin
  spec.loop = true;
  spec.start_s = 1;
  auto d = make_trace_demand(spec);
  CHECK(d->step(0, 1 + 3.5 * 7).requests == Approx(70).epsilon(1e-12));
  // Any window of N periods, in steps that straddle the seams.
  auto e = make_trace_demand(spec);
  CHECK(run(*e, 2.2, 0.35, 100).requests == Approx(100).epsilon(1e-12));  // 35 s = 10 periods
  CHECK(make_trace_demand(spec)->step(2.2, 2.2 + 3.5 * 1000).output_tokens == Approx(100000).epsilon(1e-12));
}

TEST_CASE("demand: trace: time_scale stretches, rate_scale multiplies", "[demand]") {
  TraceDemandSpec spec;
  spec.bins = make_bins({3, 0, 5, 2}, 4);
  spec.time_scale = 24;  // 4 trace seconds last 96 s
  spec.rate_scale = 2.5;
  auto d = make_trace_demand(spec);
  CHECK(d->step(0, 24).requests == Approx(7.5).epsilon(1e-12));  // the first bin
  CHECK(d->step(24, 48).requests == 0);
  CHECK(d->step(48, 60).requests == Approx(6.25).epsilon(1e-12));  // half the third bin
  CHECK(d->step(60, 96).requests == Approx(6.25 + 5).epsilon(1e-12));
  CHECK(d->step(96, 200).requests == 0);
  CHECK(make_trace_demand(spec)->step(0, 96).input_tokens == Approx(2500).epsilon(1e-12));
  spec.loop = true;
  CHECK(make_trace_demand(spec)->step(0, 96 * 5).requests == Approx(125).epsilon(1e-12));
}

TEST_CASE("demand: trace: arrivals spread uniformly within a bin, and within a partial last bin", "[demand]") {
  TraceDemandSpec spec;
  spec.bins = make_bins({4, 8, 6}, 2.5, 1);  // the last bin covers [2, 2.5)
  auto d = make_trace_demand(spec);
  CHECK(d->step(0, 0.25).requests == Approx(1).epsilon(1e-12));
  CHECK(d->step(0.25, 1.5).requests == Approx(3 + 4).epsilon(1e-12));
  CHECK(d->step(1.5, 2.25).requests == Approx(4 + 3).epsilon(1e-12));  // half of the last bin's half second
  CHECK(d->step(2.25, 2.5).requests == Approx(3).epsilon(1e-12));
  CHECK(d->step(2.5, 3).requests == 0);
  // Wider bins.
  spec.bins = make_bins({60, 120}, 120, 60);
  auto m = make_trace_demand(spec);
  CHECK(m->step(0, 1).requests == Approx(1).epsilon(1e-12));
  CHECK(m->step(1, 90).requests == Approx(59 + 60).epsilon(1e-12));
}

TEST_CASE("demand: trace: growth is applied at the step's midpoint", "[demand]") {
  TraceDemandSpec spec;
  spec.bins = make_bins(std::vector<double>(3600, 1.0), 3600);  // one request a second
  spec.loop = true;
  spec.start_s = kDay;
  spec.growth_per_year = 4;
  auto d = make_trace_demand(spec);
  CHECK(d->step(0, kDay + 3600).requests == Approx(3600 * std::pow(4.0, 1800 / kYear)).epsilon(1e-12));
  const double t = kDay + kYear / 2 - 1800;
  CHECK(make_trace_demand(spec)->step(t, t + 3600).requests == Approx(2 * 3600).epsilon(1e-12));
  // Before start_s counts neither demand nor time: the midpoint is of the part after start_s.
  CHECK(make_trace_demand(spec)->step(kDay - 3600, kDay + 3600).requests == Approx(3600 * std::pow(4.0, 1800 / kYear)).epsilon(1e-12));
}

TEST_CASE("demand: trace: ten years of hourly steps over a one-hour trace, each step O(1)", "[demand]") {
  std::vector<double> counts(3600);
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] = static_cast<double>((i * 7) % 5);
  TraceDemandSpec spec;
  spec.bins = make_bins(counts, 3600);
  const double total = spec.bins->total_requests;
  spec.loop = true;
  spec.start_s = 1234.5;  // steps straddle the seams: still one pass an hour
  auto d = make_trace_demand(spec);
  const int steps = 87600;
  double sum = 0, worst = 0;
  for (int i = 0; i < steps; ++i) {
    const double t0 = spec.start_s + i * kHour;
    const DemandStep s = d->step(t0, t0 + kHour);
    sum += s.requests;
    worst = std::max(worst, std::abs(s.requests / total - 1));
  }
  CHECK(worst < 1e-9);
  CHECK(sum == Approx(steps * total).epsilon(1e-12));
}

// --- Request bins from files --------------------------------------------------------------------------

TEST_CASE("demand: request bins: real file: Azure 2023 code", "[demand][real]") {
  const fs::path file = traces_dir() / "azure_llm_2023" / "AzureLLMInferenceTrace_code.csv";
  test::require_shared_file(file);
  const RequestBins b = io::read_request_bins(file, {});
  CHECK(b.total_requests == 8819);
  CHECK(b.mean_input_tokens() == Approx(2047.85).margin(0.01));
  CHECK(b.mean_output_tokens() == Approx(27.88).margin(0.01));
  const double span = 3435.948056;  // 18:17:03.9799600 -> 19:14:19.9280160
  CHECK(b.period_s == Approx(span + span / 8818).margin(1e-6));
  CHECK(b.bin_s == 1);
  CHECK(b.requests.size() == static_cast<std::size_t>(std::ceil(b.period_s)));
  CHECK(b.input_tokens.size() == b.requests.size());
  CHECK(b.output_tokens.size() == b.requests.size());
  CHECK(std::accumulate(b.requests.begin(), b.requests.end(), 0.0) == 8819);
  CHECK(std::accumulate(b.input_tokens.begin(), b.input_tokens.end(), 0.0) == b.total_input_tokens);
  CHECK(std::accumulate(b.output_tokens.begin(), b.output_tokens.end(), 0.0) == b.total_output_tokens);
  CHECK(b.requests[0] >= 1);
  CHECK(b.requests.back() == 0);  // the last bin is past the last arrival (its partial mean gap)
  CHECK(b.requests[b.requests.size() - 2] >= 1);

  // Replayed an hour a day, looped, in hourly steps: three passes carry three times the trace.
  TraceDemandSpec spec;
  spec.bins = std::make_shared<RequestBins>(b);
  spec.time_scale = 24;
  spec.loop = true;
  auto d = make_trace_demand(spec);
  const double end = 3 * 24 * b.period_s;
  DemandStep three;
  for (double t = 0; t < end; t += kHour) {
    const DemandStep s = d->step(t, std::min(t + kHour, end));
    three.requests += s.requests;
    three.input_tokens += s.input_tokens;
    three.output_tokens += s.output_tokens;
  }
  CHECK(three.requests == Approx(3 * 8819).epsilon(1e-12));
  CHECK(three.input_tokens == Approx(3 * b.total_input_tokens).epsilon(1e-12));
  CHECK(three.output_tokens == Approx(3 * b.total_output_tokens).epsilon(1e-12));

  // Wider bins: the same totals.
  const RequestBins m = io::read_request_bins(file, "azure", 60);
  CHECK(m.requests.size() == static_cast<std::size_t>(std::ceil(m.period_s / 60)));
  CHECK(m.period_s == b.period_s);
  CHECK(std::accumulate(m.requests.begin(), m.requests.end(), 0.0) == 8819);
}

TEST_CASE("demand: request bins: real file: Mooncake conversation", "[demand][real]") {
  const fs::path file = traces_dir() / "mooncake_fast25" / "conversation_trace.jsonl";
  test::require_shared_file(file);
  const RequestBins b = io::read_request_bins(file, {});
  CHECK(b.total_requests == 12031);
  CHECK(b.period_s == Approx(3536.999 * (1 + 1.0 / 12030)).margin(1e-9));
  CHECK(b.requests.size() == static_cast<std::size_t>(std::ceil(b.period_s)));
  CHECK(std::accumulate(b.requests.begin(), b.requests.end(), 0.0) == 12031);
  CHECK(b.mean_input_tokens() == Approx(12035).margin(0.5));
  CHECK(b.mean_output_tokens() == Approx(343).margin(0.5));
}

TEST_CASE("demand: request bins: Azure 2024 UTC offsets and variable fractional digits", "[demand]") {
  TempDir dir;
  const fs::path file = dir.write("azure2024.csv",
                                  "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                  "2024-05-10 00:00:00+00:00,100,10\n"
                                  "2024-05-10 00:00:00.00993+00:00,200,20\n"
                                  "2024-05-10 02:00:01.5+02:00,300,30\n"
                                  "2024-05-10 00:00:03.123456789+00:00,600,60\n");
  const RequestBins b = io::read_request_bins(file, {});
  CHECK(b.period_s == Approx(3.123456789 * 4 / 3).margin(1e-12));
  REQUIRE(b.requests.size() == 5);  // [0, 4.16)
  CHECK(b.requests == std::vector<double>{2, 1, 0, 1, 0});
  CHECK(b.input_tokens == std::vector<double>{300, 300, 0, 600, 0});
  CHECK(b.output_tokens == std::vector<double>{30, 30, 0, 60, 0});
  CHECK(b.total_requests == 4);
  CHECK(b.total_input_tokens == 1200);
  CHECK(b.mean_output_tokens() == 30);

  const RequestBins wide = io::read_request_bins(file, "azure", 2.5);
  CHECK(wide.requests == std::vector<double>{3, 1});
}

TEST_CASE("demand: request bins: refusals: jobs trace, too short, bad rows, bad bin width", "[demand]") {
  TempDir dir;
  const fs::path jobs = dir.write("jobs.csv",
                                  "state,gpu_num,submit_time,type,job_id,duration,start_time,end_time\n"
                                  "FAILED,8,2023-03-01 00:18:22+08:00,Other,5778432,117,2023-03-01 00:18:54+08:00,2023-03-01 00:20:51+08:00\n"
                                  "COMPLETED,8,2023-03-01 00:23:58+08:00,Pretrain,5778469,,2023-03-01 00:24:11+08:00,2023-03-01 01:09:04+08:00\n");
  CHECK(error_of([&] { io::read_request_bins(jobs, {}); }) ==
        jobs.string() + " is a jobs trace (acme): inference demand needs a request trace (azure, mooncake)");

  const fs::path one = dir.write("one.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00+00:00,100,10\n");
  CHECK(error_of([&] { io::read_request_bins(one, {}); }) ==
        one.string() + ": expected a request trace of at least 2 records spanning more than 0 s (inference demand replays it with a "
                       "period of the span plus one mean gap), got 1 record spanning 0 s");
  const fs::path flat = dir.write("flat.jsonl",
                                  "{\"timestamp\": 5, \"input_length\": 1, \"output_length\": 1}\n"
                                  "{\"timestamp\": 5, \"input_length\": 2, \"output_length\": 2}\n");
  CHECK_THAT(error_of([&] { io::read_request_bins(flat, "mooncake"); }), Catch::EndsWith("got 2 records spanning 0 s"));
  const fs::path header_only = dir.write("empty.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n");
  CHECK_THAT(error_of([&] { io::read_request_bins(header_only, {}); }), Catch::EndsWith("got 0 records spanning 0 s"));

  const fs::path bad = dir.write("bad.csv",
                                 "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                 "2024-05-10 00:00:00+00:00,100,10\n"
                                 "2024-05-10 00:00:01+00:00,abc,10\n");
  CHECK_THAT(error_of([&] { io::read_request_bins(bad, {}); }), Catch::StartsWith(bad.string() + ":3:2: ContextTokens: expected"));
  CHECK_THAT(error_of([&] { io::read_request_bins(dir.path / "absent.csv", {}); }), Catch::Contains("cannot open the trace: no such file"));
  CHECK_THAT(error_of([&] { io::read_request_bins(bad, "azur"); }), Catch::Contains("did you mean 'azure'?"));
  CHECK(error_of([&] { io::read_request_bins(one, {}, 0); }) == "bin_s: expected a number > 0, got 0");
}

TEST_CASE("demand: request bins: a trace spanning two years gets wider bins, totals kept, at most 2^22 bins", "[demand]") {
  TempDir dir;
  // Three requests over two years (63,072,000 s): 1-s bins would need 63 million.
  const fs::path file = dir.write("long.jsonl",
                                  "{\"timestamp\": 0, \"input_length\": 100, \"output_length\": 10}\n"
                                  "{\"timestamp\": 1000, \"input_length\": 200, \"output_length\": 20}\n"
                                  "{\"timestamp\": 63072000000, \"input_length\": 300, \"output_length\": 30}\n");
  const RequestBins b = io::read_request_bins(file, "mooncake");
  // Reading: the last record needs 63,072,000 / 2^22 = 15 s bins -> 16 s; the period (1.5 x the span, three
  // records) then needs 22.6 s -> 32 s.
  CHECK(b.bin_s == 32);
  CHECK(b.requests.size() <= (std::size_t{1} << 22));
  CHECK(static_cast<double>(b.requests.size()) * b.bin_s >= b.period_s);
  CHECK(b.period_s == Approx(63072000.0 * 1.5));
  CHECK(std::accumulate(b.requests.begin(), b.requests.end(), 0.0) == 3);
  CHECK(std::accumulate(b.output_tokens.begin(), b.output_tokens.end(), 0.0) == 60);
  CHECK(b.requests[0] == 2);  // Mooncake times are milliseconds: 0 and 1 s
  CHECK(b.requests[static_cast<std::size_t>(63072000.0 / b.bin_s)] == 1);
}

TEST_CASE("demand: request bins: a trace averaging under one output token is refused", "[demand]") {
  TempDir dir;
  const fs::path file = dir.write("zero.csv",
                                  "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                  "2024-05-10 00:00:00+00:00,100,0\n"
                                  "2024-05-10 00:00:01+00:00,100,1\n");
  CHECK_THAT(error_of([&] { io::read_request_bins(file, {}); }),
             Catch::Contains("expected requests generating at least one output token on average, got 0.5 over 2 requests"));
}
