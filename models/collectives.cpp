#include "collectives.hpp"

#include <cmath>
#include <limits>

namespace gigasim {
namespace {

double ring_allreduce(const CollectiveInput& in) {
  if (in.participants <= 1) return 0.0;
  const auto n = static_cast<double>(in.participants);
  return 2.0 * (n - 1.0) / n * in.bytes / in.link.bandwidth_bytes_per_s + 2.0 * (n - 1.0) * in.link.latency_s;
}

double tree_allreduce(const CollectiveInput& in) {
  if (in.participants <= 1) return 0.0;
  const auto n = static_cast<double>(in.participants);
  return 2.0 * in.bytes / in.link.bandwidth_bytes_per_s + 2.0 * std::ceil(std::log2(n)) * in.link.latency_s;
}

double hierarchical_allreduce(const CollectiveInput& in) {
  if (in.participants <= 1) return 0.0;
  const std::int64_t k = in.group;
  if (k <= 1 || in.participants % k != 0 || in.participants == k) return std::numeric_limits<double>::infinity();
  const double inner = 2.0 * ring_allgather_s(in.bytes, k, in.group_link);  // reduce-scatter + all-gather
  CollectiveInput outer = in;
  outer.bytes = in.bytes / static_cast<double>(k);
  outer.participants = in.participants / k;
  return inner + ring_allreduce(outer);
}

}  // namespace

const std::map<std::string, AllReduceFn>& allreduce_algorithms() {
  static const std::map<std::string, AllReduceFn> registry = {
      {"hierarchical", hierarchical_allreduce},
      {"ring", ring_allreduce},
      {"tree", tree_allreduce},
  };
  return registry;
}

double slow_link_bytes(const std::string& algorithm, const CollectiveInput& in) {
  if (in.participants <= 1) return 0.0;
  const auto n = static_cast<double>(in.participants);
  if (algorithm == "ring") return 2.0 * (n - 1.0) / n * in.bytes;
  if (algorithm == "tree") return 2.0 * in.bytes;
  if (algorithm == "hierarchical") {
    const double groups = n / static_cast<double>(in.group);
    return 2.0 * (groups - 1.0) / groups * in.bytes / static_cast<double>(in.group);
  }
  return 0.0;
}

CollectiveTime best_allreduce(const CollectiveInput& in) {
  if (in.participants <= 1 || in.bytes <= 0) return {0.0, "none", 0.0};
  CollectiveTime best{std::numeric_limits<double>::infinity(), "", 0.0};
  for (const auto& [name, fn] : allreduce_algorithms()) {
    const double t = fn(in);
    if (t < best.time_s) best = {t, name, 0.0};
  }
  best.slow_link_bytes = slow_link_bytes(best.algorithm, in);
  return best;
}

double ring_allgather_s(double bytes, std::int64_t participants, const LinkSpec& link) {
  if (participants <= 1) return 0.0;
  const auto n = static_cast<double>(participants);
  return (n - 1.0) / n * bytes / link.bandwidth_bytes_per_s + (n - 1.0) * link.latency_s;
}

double p2p_s(double bytes, const LinkSpec& link) { return bytes / link.bandwidth_bytes_per_s + link.latency_s; }

}  // namespace gigasim
