#include "training_roofline.hpp"

namespace gigasim {

TrainingWork training_work(const PretrainingJobSpec& job) {
  constexpr double kFlopsPerParamPerToken = 6.0;  // 2 forward + 4 backward (Kaplan et al. 2020)
  constexpr double kGradientBytesPerParam = 2.0;  // bf16 gradients
  TrainingWork w;
  w.flops_per_token = kFlopsPerParamPerToken * job.params;
  w.total_flops = w.flops_per_token * job.tokens;
  w.steps = job.tokens / job.global_batch_tokens;
  w.gradient_bytes = kGradientBytesPerParam * job.params;
  return w;
}

double sustained_flops_per_s(const SystemSpec& system, Precision p) {
  return system.peak_flops_per_s(p) * system.chip.gemm_efficiency.value;
}

double ring_allreduce_bytes_per_participant(double bytes, std::int64_t participants) {
  if (participants <= 1) return 0.0;
  const auto n = static_cast<double>(participants);
  return 2.0 * (n - 1.0) / n * bytes;
}

}  // namespace gigasim
