#include "demand.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

#include "units.hpp"

namespace gigasim {
namespace {

constexpr double kForever = std::numeric_limits<double>::infinity();
constexpr double kDayS = units::kSecondsPerDay;
constexpr double kOmega = 2 * std::numbers::pi / kDayS;  // the daily cycle, radians per second

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("demand: ") + what);
}

void check(const GeneratedDemandSpec& s) {
  require(std::isfinite(s.tokens_per_s) && s.tokens_per_s >= 0, "generated tokens_per_s must be finite and >= 0");
  require(std::isfinite(s.input_tokens) && s.input_tokens >= 0, "generated input_tokens must be finite and >= 0");
  require(std::isfinite(s.output_tokens) && s.output_tokens > 0, "generated output_tokens must be finite and > 0");
  require(std::isfinite(s.start_s) && !std::isnan(s.until_s), "generated start_s must be finite and until_s a number");
  require(std::isfinite(s.growth_per_year) && s.growth_per_year > 0, "generated growth_per_year must be finite and > 0");
  require(s.daily_amplitude >= 0 && s.daily_amplitude < 1, "generated daily_amplitude must be in [0, 1)");
  require(std::isfinite(s.daily_peak_hour), "generated daily_peak_hour must be finite");
  require(std::isfinite(s.weekend_factor) && s.weekend_factor >= 0, "generated weekend_factor must be finite and >= 0");
  require(s.start_weekday >= 0 && s.start_weekday <= 6, "generated start_weekday must be in [0, 6]");
  require(std::isfinite(s.noise) && s.noise >= 0, "generated noise must be finite and >= 0");
}

void check_step(double t0_s, double t1_s) {
  require(std::isfinite(t0_s) && std::isfinite(t1_s) && t1_s >= t0_s, "a step must be finite with t1_s >= t0_s");
}

// The weekly factor of day `day` (day 0 starts at time 0): weekdays run above the mean and weekends at
// weekend_factor x the weekday rate, so that 5 weekdays and 2 weekend days average to 1.
double weekly_factor(const GeneratedDemandSpec& s, double day) {
  const double weekday_rate = 7.0 / (5.0 + 2.0 * s.weekend_factor);
  const double weekday = std::fmod(std::fmod(day + s.start_weekday, 7.0) + 7.0, 7.0);  // 0 = Monday
  return weekday >= 5 ? s.weekend_factor * weekday_rate : weekday_rate;
}

// Phase of the daily cycle at `x_s` seconds after midnight: the cosine peaks at daily_peak_hour.
double daily_phase(const GeneratedDemandSpec& s, double x_s) { return kOmega * x_s - 2 * std::numbers::pi * s.daily_peak_hour / 24.0; }

// The noise-free integral of the rate over [a, b] (already clipped to [start_s, until_s)). Inside one
// day the weekly factor is constant and the rate is tokens_per_s x W x e^(k (t - start)) x (1 + A cos(w x
// - phi)), whose integral has a closed form, so the step is split at midnights only and each piece is
// exact up to rounding (no quadrature). The cosine is evaluated on the time of day, never on t itself,
// so its argument stays small ten years in.
double integral(const GeneratedDemandSpec& s, double a, double b) {
  const double k = std::log(s.growth_per_year) / units::kSecondsPerYear;  // growth rate, 1/s
  const double amplitude = s.daily_amplitude;
  double sum = 0;
  double t = a;
  while (t < b) {
    const double day = std::floor(t / kDayS);
    const double midnight = day * kDayS;
    const double end = std::min(b, midnight + kDayS);
    const double x0 = t - midnight, x1 = end - midnight, dx = end - t;
    if (dx > 0) {
      // e^(k(t - start)) factored out at the piece's start: relative to it the piece grows by e^(k dx).
      const double growth0 = std::exp(k * (t - s.start_s));
      const double flat = k == 0 ? dx : std::expm1(k * dx) / k;  // integral of e^(k(x - x0)) dx
      // integral of e^(k(x - x0)) cos(w x - phi) dx = [e^(k(x - x0)) (k cos + w sin) / (k^2 + w^2)]
      double cyclic = 0;
      if (amplitude > 0) {
        const double p0 = daily_phase(s, x0), p1 = daily_phase(s, x1);
        cyclic = (std::exp(k * dx) * (k * std::cos(p1) + kOmega * std::sin(p1)) - (k * std::cos(p0) + kOmega * std::sin(p0))) /
                 (k * k + kOmega * kOmega);
      }
      sum += weekly_factor(s, day) * growth0 * (flat + amplitude * cyclic);
    }
    if (end <= t) break;  // no progress (t at the edge of double resolution): nothing left to add
    t = end;
  }
  return s.tokens_per_s * sum;
}

// A standard normal draw by Box-Muller from the raw 64-bit output: std::normal_distribution's algorithm
// is left to the library, so it would give other numbers on another platform; this does not.
double standard_normal(std::mt19937_64& rng) {
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  const double u1 = static_cast<double>((rng() >> 11) + 1) * kTwoToMinus53;  // (0, 1]: log(u1) is finite
  const double u2 = static_cast<double>(rng() >> 11) * kTwoToMinus53;        // [0, 1)
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

class GeneratedDemand final : public DemandSource {
 public:
  GeneratedDemand(const GeneratedDemandSpec& spec, std::uint64_t seed) : s_(spec), rng_(seed) { check(s_); }

  DemandStep step(double t0_s, double t1_s) override {
    check_step(t0_s, t1_s);
    if (t1_s == t0_s) return {};
    // One factor per step, drawn even when the step has no demand, so that step n always gets the n-th
    // draw of the seed whatever the stream's start and end.
    double factor = 1;
    if (s_.noise > 0) factor = std::exp(s_.noise * standard_normal(rng_) - 0.5 * s_.noise * s_.noise);
    const double a = std::max(t0_s, s_.start_s), b = std::min(t1_s, s_.until_s);
    if (!(b > a)) return {};
    DemandStep d;
    d.output_tokens = integral(s_, a, b) * factor;
    d.requests = d.output_tokens / s_.output_tokens;
    d.input_tokens = d.requests * s_.input_tokens;
    return d;
  }

 private:
  GeneratedDemandSpec s_;
  std::mt19937_64 rng_;
};

class TraceDemand final : public DemandSource {
 public:
  explicit TraceDemand(const TraceDemandSpec& spec) : s_(spec) {
    require(s_.bins != nullptr, "trace demand without request bins");
    const RequestBins& b = *s_.bins;
    const std::size_t n = b.requests.size();
    require(n > 0 && b.input_tokens.size() == n && b.output_tokens.size() == n, "request bins must be non-empty and of equal lengths");
    require(std::isfinite(b.bin_s) && b.bin_s > 0, "request bins: bin_s must be finite and > 0");
    require(std::isfinite(b.period_s) && b.period_s > 0, "request bins: period_s must be finite and > 0");
    // The bins cover [0, period_s) and the last one may be partial: n - 1 bins end before the period and
    // n reach it (with a little slack for the rounding of n x bin_s).
    require(static_cast<double>(n - 1) * b.bin_s < b.period_s * (1 + 1e-12) && b.period_s <= static_cast<double>(n) * b.bin_s * (1 + 1e-12),
            "request bins must cover [0, period_s) with the last bin reaching period_s");
    require(std::isfinite(s_.start_s), "trace start_s must be finite");
    require(std::isfinite(s_.time_scale) && s_.time_scale > 0, "trace time_scale must be finite and > 0");
    require(std::isfinite(s_.rate_scale) && s_.rate_scale >= 0, "trace rate_scale must be finite and >= 0");
    require(std::isfinite(s_.growth_per_year) && s_.growth_per_year > 0, "trace growth_per_year must be finite and > 0");

    // Prefix sums, so that a step is a few look-ups whatever its length. A bin's count is the difference
    // of two neighbours, so the bins themselves are not needed after this.
    const auto prefix = [n](const std::vector<double>& bins) {
      std::vector<double> p(n + 1, 0.0);
      for (std::size_t i = 0; i < n; ++i) {
        require(std::isfinite(bins[i]) && bins[i] >= 0, "request bins must hold finite counts >= 0");
        p[i + 1] = p[i] + bins[i];
      }
      return p;
    };
    requests_ = prefix(b.requests);
    input_ = prefix(b.input_tokens);
    output_ = prefix(b.output_tokens);
    bin_s_ = b.bin_s;
    period_s_ = b.period_s;
    end_s_ = s_.loop ? kForever : s_.start_s + period_s_ * s_.time_scale;
    s_.bins.reset();  // the prefix sums say it all: release the bins unless someone else holds them
  }

  DemandStep step(double t0_s, double t1_s) override {
    check_step(t0_s, t1_s);
    const double a = std::max(t0_s, s_.start_s), b = std::min(t1_s, end_s_);
    if (!(b > a)) return {};
    const Position p0 = position((a - s_.start_s) / s_.time_scale), p1 = position((b - s_.start_s) / s_.time_scale);
    // Approximation: growth is taken at the midpoint of the step's part inside the replay, not integrated
    // against the arrivals within the step. For hourly steps at 10x a year the factor varies by 0.03%
    // across a step and the midpoint's error is second order in that, so totals are unaffected in
    // practice while a step stays a few look-ups; steps of days or more at steep growth drift.
    const double growth = std::pow(s_.growth_per_year, (0.5 * (a + b) - s_.start_s) / units::kSecondsPerYear);
    const double scale = s_.rate_scale * growth;
    DemandStep d;
    d.requests = scale * between(requests_, p0, p1);
    d.input_tokens = scale * between(input_, p0, p1);
    d.output_tokens = scale * between(output_, p0, p1);
    return d;
  }

 private:
  // A trace time as whole passes plus where it falls in a pass: the bin and the fraction of it elapsed
  // (arrivals are spread uniformly over a bin, and over the covered part of a partial last bin).
  struct Position {
    double passes = 0;
    std::size_t bin = 0;
    double fraction = 0;
  };

  Position position(double tau) const {
    Position p;
    double r = tau;
    if (s_.loop) {
      p.passes = std::floor(tau / period_s_);
      r = tau - p.passes * period_s_;
    }
    // The cumulative count is continuous in r (0 at 0, a pass's total at period_s), so clamping the
    // rounding of the subtraction above moves nothing.
    r = std::clamp(r, 0.0, period_s_);
    const std::size_t n = requests_.size() - 1;
    p.bin = std::min(n - 1, static_cast<std::size_t>(r / bin_s_));
    const double lo = static_cast<double>(p.bin) * bin_s_;
    const double width = std::min(bin_s_, period_s_ - lo);
    p.fraction = width > 0 ? std::clamp((r - lo) / width, 0.0, 1.0) : 1.0;
    return p;
  }

  // The count between two positions: whole passes arithmetically (never a loop over passes), plus the
  // difference of the two cumulative counts within their passes, subtracted as small numbers so that
  // year ten is as exact as year zero.
  static double between(const std::vector<double>& prefix, const Position& p0, const Position& p1) {
    const auto within = [&prefix](const Position& p) {
      return prefix[p.bin] + (prefix[p.bin + 1] - prefix[p.bin]) * p.fraction;
    };
    return std::max(0.0, (p1.passes - p0.passes) * prefix.back() + (within(p1) - within(p0)));
  }

  TraceDemandSpec s_;
  std::vector<double> requests_, input_, output_;  // prefix sums: [i] = bins [0, i); [n] = one pass
  double bin_s_ = 1, period_s_ = 0;
  double end_s_ = kForever;  // the end of the replay: after one pass without loop
};

}  // namespace

std::unique_ptr<DemandSource> make_generated_demand(const GeneratedDemandSpec& spec, std::uint64_t seed) {
  return std::make_unique<GeneratedDemand>(spec, seed);
}

std::unique_ptr<DemandSource> make_trace_demand(const TraceDemandSpec& spec) { return std::make_unique<TraceDemand>(spec); }

double generated_rate_tokens_per_s(const GeneratedDemandSpec& spec, double t_s) {
  check(spec);
  if (!(t_s >= spec.start_s && t_s < spec.until_s)) return 0.0;
  const double day = std::floor(t_s / kDayS);
  const double growth = std::pow(spec.growth_per_year, (t_s - spec.start_s) / units::kSecondsPerYear);
  const double daily = 1 + spec.daily_amplitude * std::cos(daily_phase(spec, t_s - day * kDayS));
  return spec.tokens_per_s * growth * daily * weekly_factor(spec, day);
}

}  // namespace gigasim
