#include "uncertainty.hpp"

#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <stdexcept>

namespace gigasim {
namespace {

// FNV-1a: a stable 64-bit hash of the key (std::hash may differ between library versions).
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return h;
}

// A uniform double in [0, 1) from 53 random bits (std::mt19937_64's output is fully specified; the
// standard distributions are not, so they are not used).
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Phi(-4) and Phi(4): the standard normal's cumulative probability at the truncation points.
double truncation_lo() { return boost::math::cdf(boost::math::normal_distribution<double>(), -kTruncationSigmas); }

}  // namespace

std::string_view to_string(DistributionKind k) {
  switch (k) {
    case DistributionKind::kUniform: return "uniform";
    case DistributionKind::kTriangular: return "triangular";
    case DistributionKind::kNormal: return "normal";
    case DistributionKind::kLognormal: return "lognormal";
  }
  return "?";
}

std::string describe(const Distribution& d) {
  char buf[128];
  if (d.kind == DistributionKind::kTriangular)
    std::snprintf(buf, sizeof buf, "triangular(%g, %g, %g)", d.a, d.b, d.c);
  else
    std::snprintf(buf, sizeof buf, "%s(%g, %g)", std::string(to_string(d.kind)).c_str(), d.a, d.b);
  return buf;
}

double central_value(const Distribution& d) {
  switch (d.kind) {
    case DistributionKind::kUniform: return 0.5 * (d.a + d.b);
    case DistributionKind::kTriangular: return d.b;
    case DistributionKind::kNormal: return d.a;
    case DistributionKind::kLognormal: return d.a;
  }
  return d.a;
}

std::pair<double, double> support(const Distribution& d) {
  switch (d.kind) {
    case DistributionKind::kUniform: return {d.a, d.b};
    case DistributionKind::kTriangular: return {d.a, d.c};
    case DistributionKind::kNormal: return {d.a - kTruncationSigmas * d.b, d.a + kTruncationSigmas * d.b};
    case DistributionKind::kLognormal: return {d.a * std::exp(-kTruncationSigmas * d.b), d.a * std::exp(kTruncationSigmas * d.b)};
  }
  return {d.a, d.a};
}

double quantile(const Distribution& d, double u) {
  if (!(u >= 0 && u <= 1)) throw std::invalid_argument("quantile: probability outside [0, 1]");
  const auto [lo, hi] = support(d);
  if (lo == hi) return lo;  // a degenerate distribution (zero width or zero spread)
  double v = 0;
  switch (d.kind) {
    case DistributionKind::kUniform: v = boost::math::quantile(boost::math::uniform_distribution<double>(d.a, d.b), u); break;
    case DistributionKind::kTriangular:
      v = boost::math::quantile(boost::math::triangular_distribution<double>(d.a, d.b, d.c), u);
      break;
    case DistributionKind::kNormal:
    case DistributionKind::kLognormal: {
      const double t = truncation_lo();
      const double z = boost::math::quantile(boost::math::normal_distribution<double>(), t + u * (1 - 2 * t));
      v = d.kind == DistributionKind::kNormal ? d.a + d.b * z : d.a * std::exp(d.b * z);
      break;
    }
  }
  return std::clamp(v, lo, hi);
}

double lhs_coordinate(std::uint64_t seed, std::string_view key, std::size_t index, std::size_t count) {
  if (count == 0 || index >= count) throw std::invalid_argument("lhs_coordinate: sample index out of range");
  // The parameter's permutation of the strata (Fisher-Yates), then a point within stratum perm[index].
  std::mt19937_64 rng(seed ^ (fnv1a(key) * 0x9E3779B97F4A7C15ULL));
  std::vector<std::size_t> perm(count);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  for (std::size_t j = count - 1; j > 0; --j) {
    const auto r = static_cast<std::size_t>(unit(rng) * static_cast<double>(j + 1));
    std::swap(perm[j], perm[std::min(r, j)]);
  }
  std::mt19937_64 point(seed ^ fnv1a(key) ^ (0xD1B54A32D192ED03ULL * (index + 1)));
  double within = unit(point);
  if (within == 0) within = 0.5;  // keep the coordinate strictly inside (0, 1)
  return (static_cast<double>(perm[index]) + within) / static_cast<double>(count);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) throw std::invalid_argument("percentile of no values");
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * std::clamp(p, 0.0, 100.0) / 100.0;
  const auto i = static_cast<std::size_t>(std::floor(h));
  if (i + 1 >= values.size()) return values.back();
  return values[i] + (h - static_cast<double>(i)) * (values[i + 1] - values[i]);
}

}  // namespace gigasim
