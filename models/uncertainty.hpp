// Uncertain inputs: a number given as a probability distribution, how to draw coherent samples of many
// such numbers, and how to summarise what the samples produce (percentiles).
//
// Sampling is a Latin hypercube: for N samples, each parameter's unit interval is cut into N equal
// strata and every stratum is used exactly once, in an order (a permutation) and at a point within the
// stratum that depend only on the sampling seed, the parameter's key and the sample index. So a
// parameter draws the same value in sample k wherever and however often it is read (every hardware
// choice sees the same draw: common random numbers), and adding a parameter never changes another's
// draws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gigasim {

enum class DistributionKind { kUniform, kTriangular, kNormal, kLognormal };

// uniform [a, b]; triangular [a, b = mode, c]; normal (a = mean, b = standard deviation);
// lognormal (a = median, b = sigma, the standard deviation of the logarithm).
// Normal and lognormal are truncated at +-4 standard deviations (of the value, or of its logarithm):
// 6e-5 of their mass, so that every draw stays within a finite, checkable support.
struct Distribution {
  DistributionKind kind = DistributionKind::kUniform;
  double a = 0, b = 0, c = 0;
};

inline constexpr double kTruncationSigmas = 4.0;

std::string_view to_string(DistributionKind k);
// e.g. "triangular(1.1, 1.15, 1.4)"
std::string describe(const Distribution& d);

// A number of the scenario or catalog given as a distribution, and the value this load used.
struct UncertainInput {
  std::string key;       // what the draw is keyed on: "site.pue", "catalog/h100-x8.yaml:chip.price_usd"
  std::string location;  // file:line:col (or "--set k=v")
  Distribution distribution;
  double value = 0;  // the central value, or sample k's draw
};

// How a load resolves distributions: their central values (count == 0), or sample `index` of `count`.
struct SamplingSpec {
  std::uint64_t seed = 0;
  std::size_t index = 0;
  std::size_t count = 0;
};

// The value a run without --samples uses: uniform's midpoint, triangular's mode, normal's mean,
// lognormal's median.
double central_value(const Distribution& d);
// The smallest and largest value a draw can take (after truncation).
std::pair<double, double> support(const Distribution& d);
// The value at cumulative probability u in [0, 1] (of the truncated distribution).
double quantile(const Distribution& d, double u);

// The Latin-hypercube coordinate in (0, 1) of sample `index` (of `count`) for the parameter `key`.
double lhs_coordinate(std::uint64_t seed, std::string_view key, std::size_t index, std::size_t count);

// The p-th percentile (p in [0, 100]) by linear interpolation between order statistics (Hyndman and
// Fan's definition 7, numpy's default). `values` must not be empty.
double percentile(std::vector<double> values, double p);

}  // namespace gigasim
