// Training step time of a transformer on a parallel layout (tensor, pipeline, data, expert
// parallelism; micro-batching; interleaved 1F1B pipeline; activation recomputation; sequence
// parallelism), and its memory per chip. Pure arithmetic, documented term by term in
// docs/models.md#training-step-model. Used by `gigasim estimate`, the planner and the simulation.
#pragma once

#include <cstdint>
#include <string>

#include "catalog.hpp"
#include "collectives.hpp"
#include "transformer.hpp"

namespace gigasim {

enum class Recompute { kNone, kSelective, kFull };
enum class OptimizerSharding { kNone, kOptimizer, kGradients };  // ZeRO stage 0, 1, 2

std::string_view to_string(Recompute r);
std::string_view to_string(OptimizerSharding o);

struct ParallelLayout {
  std::int64_t tp = 1;  // tensor parallel, inside the scale-up domain
  std::int64_t pp = 1;  // pipeline stages
  std::int64_t dp = 1;  // data parallel replicas
  std::int64_t ep = 1;  // expert parallel (divides dp); 1 for dense models
  std::int64_t micro_batch = 1;  // sequences per micro-batch
  std::int64_t pp_interleave = 1;  // model chunks per stage (interleaved 1F1B)
  Recompute recompute = Recompute::kNone;
  bool sequence_parallel = false;
  bool operator==(const ParallelLayout&) const = default;
};

struct TrainingWorkload {
  TransformerSpec model;
  Precision precision = Precision::kBf16;
  std::int64_t global_batch_sequences = 1;
  Attention attention = Attention::kFlash;
  OptimizerSharding optimizer_sharding = OptimizerSharding::kOptimizer;
  bool overlap_dp = true;  // overlap the data-parallel reduction with the last backward pass
};

struct PretrainingJobSpec;
// The workload of a scenario's pretraining job (flash attention, ZeRO-1, overlapped reduction).
TrainingWorkload training_workload(const PretrainingJobSpec& job);

struct TrainingHardware {
  const SystemSpec* system = nullptr;
  std::int64_t chips = 0;
  LinkSpec scale_up;  // per chip, inside a system
  LinkSpec scale_out;  // per chip, between systems
  double power_cap_w = 0;  // per chip; 0 = the catalog's busy power (no cap)
};
TrainingHardware hardware_from_catalog(const SystemSpec& system, std::int64_t chips);

struct StepBreakdown {
  double compute_s = 0;  // matrix products (incl. recomputation) on the slowest stage
  double memory_bound_s = 0;  // normalisation, activations, residuals, softmax, cross-entropy
  double tp_comm_s = 0;  // exposed tensor-parallel collectives
  double pp_comm_s = 0;  // pipeline point-to-point transfers
  double ep_comm_s = 0;  // expert all-to-all
  double bubble_s = 0;  // pipeline fill and drain
  double dp_comm_s = 0;  // exposed data-parallel gradient reduction
  double optimizer_s = 0;  // optimizer step (memory-bound)
};

struct MemoryBreakdown {
  double weights_bytes = 0;
  double gradients_bytes = 0;
  double optimizer_bytes = 0;
  double activations_bytes = 0;
  double total_bytes = 0;
  double capacity_bytes = 0;  // usable HBM
};

struct StepEstimate {
  bool valid = false;
  std::string reason;  // why the layout is invalid or does not fit
  double step_time_s = 0;
  double tokens_per_s = 0;
  double model_flops_per_step = 0;
  double hardware_flops_per_step = 0;  // including recomputation
  double mfu = 0;  // model FLOP/s / (chips x dense peak at the precision)
  std::int64_t micro_batches = 0;
  std::string tp_algorithm, dp_algorithm;
  double dp_scale_out_bytes_per_chip = 0;  // per step, what each chip's gradient reduction sends between systems
  StepBreakdown breakdown;
  MemoryBreakdown memory;
};

StepEstimate estimate_step(const TrainingWorkload& w, const TrainingHardware& hw, const ParallelLayout& layout);

// Efficiency of one matrix product of m x k by k x n on `system` at `cap_scale` of full clocks: the
// catalog's large-GEMM efficiency scaled by the arithmetic-intensity curve calibrated on the measured
// H100 GEMMs (docs/models.md).
double gemm_efficiency(const SystemSpec& system, double m, double n, double k);
// Fraction of full-speed compute a chip keeps under a per-chip power cap (f ~ P^(1/3) above idle).
double power_cap_speed_fraction(const SystemSpec& system, double cap_w);

// Constants of the model, with their sources (docs/models.md).
namespace step_constants {
inline constexpr double kGemmIntensityKnee = 393.0;  // d0: fitted to the H100's 676 and 691 TFLOP/s at 8192^3 and 16384^3
inline constexpr double kGemmReferenceSize = 12288.0;  // the size the catalog's gemm_efficiency refers to (between the two)
inline constexpr double kMemoryEfficiency = 0.90;  // measured H100 copy: 3.02 of 3.35 TB/s
inline constexpr double kUsableMemoryFraction = 0.92;  // CUDA/Neuron runtime, allocator fragmentation
inline constexpr double kOptimizerBytesPerParam = 28.0;  // AdamW: fp32 param, m, v read+write; bf16 grad in, bf16 param out
inline constexpr double kGradientBytes = 4.0;  // fp32 gradient accumulation and reduction (Megatron default)
}  // namespace step_constants

}  // namespace gigasim
