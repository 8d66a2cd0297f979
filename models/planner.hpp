// Finds the fastest parallel layout that fits, for a model, a chip count and a system: an exhaustive
// search over tp (divisors of the scale-up domain), pp (divisors of chips/tp), dp (the rest), ep
// (MoE), micro-batch, interleaving, recomputation and sequence parallelism, with dimensions the caller
// fixes held fixed. Ties go to the layout found first (the enumeration order is documented below).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "step_model.hpp"

namespace gigasim {

// Dimensions fixed by the caller; unset ones are searched.
struct LayoutConstraints {
  std::optional<std::int64_t> tp, pp, dp, ep, micro_batch, pp_interleave;
  std::optional<Recompute> recompute;
  std::optional<bool> sequence_parallel;
};

struct PlanResult {
  bool found = false;
  ParallelLayout layout;
  StepEstimate estimate;
  std::int64_t evaluated = 0;  // layouts whose step time was estimated
  std::string reason;  // when nothing fits: the reason of the last candidate rejected
};

// Candidate layouts in enumeration order: tp (divisors of the domain), pp (divisors of chips/tp, at
// most the layers), ep, micro-batch (divisors of the per-replica batch), interleave ascending; recompute
// none, selective, full; sequence parallelism off, on.
std::vector<ParallelLayout> candidate_layouts(const TrainingWorkload& w, const TrainingHardware& hw, const LayoutConstraints& c);

PlanResult plan_layout(const TrainingWorkload& w, const TrainingHardware& hw, const LayoutConstraints& c = {});

// The first layout (in enumeration order) that fits, without looking for the fastest: enough to
// check that a job can run at all (the loader does this for every job and choice).
PlanResult find_fitting_layout(const TrainingWorkload& w, const TrainingHardware& hw, const LayoutConstraints& c = {});

}  // namespace gigasim
