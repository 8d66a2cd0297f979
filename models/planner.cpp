#include "planner.hpp"

#include <limits>

namespace gigasim {
namespace {

std::vector<std::int64_t> divisors(std::int64_t n, std::int64_t max) {
  std::vector<std::int64_t> out;
  for (std::int64_t d = 1; d <= n && d <= max; ++d)
    if (n % d == 0) out.push_back(d);
  return out;
}

template <typename T>
std::vector<T> fixed_or(const std::optional<T>& fixed, std::vector<T> all) {
  if (fixed) return {*fixed};
  return all;
}

constexpr std::int64_t kMaxMicroBatch = 16;
constexpr std::int64_t kMaxInterleave = 8;

}  // namespace

std::vector<ParallelLayout> candidate_layouts(const TrainingWorkload& w, const TrainingHardware& hw, const LayoutConstraints& c) {
  std::vector<ParallelLayout> out;
  const TransformerSpec& m = w.model;
  for (std::int64_t tp : fixed_or(c.tp, divisors(hw.system->chips, hw.system->chips))) {
    if (tp < 1 || hw.chips % tp != 0) continue;
    for (std::int64_t pp : fixed_or(c.pp, divisors(hw.chips / tp, m.layers))) {
      if (pp < 1 || hw.chips % (tp * pp) != 0) continue;
      const std::int64_t dp = hw.chips / (tp * pp);
      if (c.dp && *c.dp != dp) continue;
      for (std::int64_t ep : fixed_or(c.ep, m.moe() ? divisors(dp, m.experts) : std::vector<std::int64_t>{1})) {
        for (std::int64_t mb : fixed_or(c.micro_batch, divisors(w.global_batch_sequences / std::max<std::int64_t>(1, dp), kMaxMicroBatch))) {
          std::vector<std::int64_t> interleaves{1};
          for (std::int64_t v = 2; pp > 1 && v <= kMaxInterleave && pp * v <= m.layers; ++v) interleaves.push_back(v);
          for (std::int64_t v : fixed_or(c.pp_interleave, interleaves)) {
            for (Recompute r : fixed_or(c.recompute, {Recompute::kNone, Recompute::kSelective, Recompute::kFull})) {
              for (bool sp : fixed_or(c.sequence_parallel, tp > 1 ? std::vector<bool>{false, true} : std::vector<bool>{false})) {
                out.push_back({tp, pp, dp, ep, mb, v, r, sp});
              }
            }
          }
        }
      }
    }
  }
  return out;
}

PlanResult plan_layout(const TrainingWorkload& w, const TrainingHardware& hw, const LayoutConstraints& c) {
  PlanResult best;
  double best_time = std::numeric_limits<double>::infinity();
  for (const ParallelLayout& l : candidate_layouts(w, hw, c)) {
    const StepEstimate e = estimate_step(w, hw, l);
    ++best.evaluated;
    if (!e.valid) {
      if (!best.found) best.reason = e.reason;
      continue;
    }
    if (e.step_time_s < best_time) {
      best_time = e.step_time_s;
      best.found = true;
      best.layout = l;
      best.estimate = e;
    }
  }
  return best;
}

PlanResult find_fitting_layout(const TrainingWorkload& w, const TrainingHardware& hw, const LayoutConstraints& c) {
  PlanResult r;
  for (const ParallelLayout& l : candidate_layouts(w, hw, c)) {
    const StepEstimate e = estimate_step(w, hw, l);
    ++r.evaluated;
    if (e.valid) {
      r.found = true;
      r.layout = l;
      r.estimate = e;
      return r;
    }
    r.reason = e.reason;
  }
  return r;
}

}  // namespace gigasim
