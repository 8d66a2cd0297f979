// First-version training throughput model (a roofline), used by the walking skeleton until the step-time
// model of issue C replaces it. Documented in docs/models.md#training-roofline.
//
//   work:     6 N FLOP per token (forward + backward of a dense transformer; attention ignored)
//   compute:  each chip sustains peak(precision) x gemm_efficiency (the calibrated GEMM fraction)
//   network:  once per optimizer step the job's blocks all-reduce one bf16 gradient copy in a ring;
//             every block sends 2 (B-1)/B x 2 N bytes to its ring neighbour per step. The reduction
//             overlaps compute fully, so a chunk takes max(compute, communication).
#pragma once

#include <cstdint>

#include "catalog.hpp"
#include "scenario.hpp"

namespace gigasim {

struct TrainingWork {
  double flops_per_token = 0;
  double total_flops = 0;
  double steps = 0;  // optimizer steps = tokens / global_batch_tokens
  double gradient_bytes = 0;  // one full gradient in bf16
};

TrainingWork training_work(const PretrainingJobSpec& job);

// Per-chip rate a SimGrid host core runs at: dense peak at `p` times the sustained GEMM fraction.
double sustained_flops_per_s(const SystemSpec& system, Precision p);

// Bytes each participant sends in a ring all-reduce of `bytes` over `participants` (0 for one).
double ring_allreduce_bytes_per_participant(double bytes, std::int64_t participants);

}  // namespace gigasim
