// Serving a transformer: one replica of `chips` accelerators (tensor parallel inside one scale-up
// domain) running continuous batching. Pure arithmetic, documented term by term in
// docs/models.md#serving-model; used by `gigasim estimate` (estimate: inference) and the simulation's
// inference pools.
//
//   prefill   one request's prompt, a forward pass over input_tokens tokens: compute-bound GEMMs;
//   decode    one iteration for the whole batch: every weight matrix is read once (memory-bound at small
//             batch, compute-bound at large batch), plus the batch's KV cache for attention;
//   each matrix product is its own roofline: max(bytes / (HBM bandwidth x kMemoryEfficiency),
//             FLOP / (peak x gemm_efficiency(m, n, k))), with the training model's efficiency curve;
//   tensor parallelism: two all-reduces of the activations per layer over the scale-up links;
//   memory:   weights / chips, plus each request's KV cache for its whole context (input + output; a
//             chip holds ceil(kv_heads / chips) KV heads, at least one), bound the batch;
//   mixture-of-experts: only the experts the batch touches are read, E (1 - (1 - a/E)^rows), spread over
//             the chips, the busiest reading at least one whole expert;
//   steady state of continuous batching at batch B, with P the prefill time, O output tokens and D = O - 1
//             decode iterations per request (the prefill computes the first token; D = O without a prompt):
//             requests/s R = 1 / (P + D x step(B) / B); output tokens/s = R x O;
//             TPOT = step(B) + B x P / max(D, 1) (decode iterations stall for the prefills interleaved with them);
//             TTFT = P + step(B) (a new request waits for the running iteration, then its prefill);
//   batch auto: the largest batch meeting the TTFT and TPOT objectives (throughput grows with batch);
//   power: per chip idle + (busy - idle) x activity, activity = max(compute busy fraction,
//             kMemoryPowerFraction x HBM busy fraction), time-weighted over prefill and decode.
#pragma once

#include <cstdint>
#include <string>

#include "catalog.hpp"
#include "power.hpp"
#include "transformer.hpp"

namespace gigasim {

struct ServingWorkload {
  TransformerSpec model;  // seq_len is not used: the context is input + output tokens
  Precision precision = Precision::kBf16;  // of weights, KV cache and compute (fp8: 1 byte, else 2)
  double input_tokens = 0;  // mean prompt per request (>= 0)
  double output_tokens = 1;  // mean generated per request (>= 1)
};

struct ServingObjectives {
  double ttft_s = 0;  // time to first token; 0: no objective
  double tpot_s = 0;  // time per output token; 0: no objective
};

struct ServingBreakdown {
  double decode_weights_s = 0;  // decode iteration: matrix products (each at its roofline)
  double decode_attention_s = 0;  // reading the batch's KV cache
  double decode_tp_comm_s = 0;
  double prefill_compute_s = 0;  // prefill of one request: matrix products and attention
  double prefill_tp_comm_s = 0;
};

struct ServingEstimate {
  bool valid = false;
  std::string reason;  // why not, when !valid
  std::int64_t chips = 0;  // of one replica
  std::int64_t batch = 0;  // concurrent requests
  std::int64_t max_batch = 0;  // what the KV cache leaves room for
  double weights_bytes_per_chip = 0;
  double kv_bytes_per_request_per_chip = 0;  // for the whole context
  double memory_capacity_bytes = 0;  // usable HBM per chip
  double prefill_s = 0;  // one request's prompt
  double decode_step_s = 0;  // one iteration of the whole batch
  double ttft_s = 0;
  double tpot_s = 0;
  double requests_per_s = 0;  // of the replica at steady state
  double tokens_per_s = 0;  // output tokens per second of the replica at steady state
  double decode_tokens_per_s = 0;  // batch / decode_step_s (decode alone, no prefill)
  double compute_activity = 0;  // time-weighted fraction of the tensor cores' sustained rate in use
  double memory_activity = 0;  // time-weighted fraction of HBM bandwidth in use
  double chip_power_w = 0;  // one accelerator
  double power_w = 0;  // the replica: its chips plus their share of the systems' overhead
  double energy_per_token_j = 0;  // power_w / tokens_per_s
  ServingBreakdown breakdown;
};

// The replica at batch `batch` (>= 1). Invalid when chips exceed the scale-up domain, the heads do not
// split over the chips, the weights do not fit, or the batch's KV cache does not fit.
ServingEstimate estimate_serving(const ServingWorkload& w, const SystemSpec& system, std::int64_t chips, std::int64_t batch);

// The largest batch meeting the objectives (the KV cache's limit when there are none). Invalid, with
// the reason, when even batch 1 misses them.
ServingEstimate estimate_serving_auto(const ServingWorkload& w, const SystemSpec& system, std::int64_t chips, const ServingObjectives& o);

// The replica size for a fleet: among the chip counts that divide the system (powers of two, and the
// whole system), the one whose auto batch gives the most output tokens per second per chip (ties: fewer
// chips). Invalid when none is.
ServingEstimate best_serving_replica(const ServingWorkload& w, const SystemSpec& system, const ServingObjectives& o);

namespace serving_constants {
inline constexpr double kMemoryPowerFraction = power_constants::kMemoryPowerFraction;  // models/power.hpp
}  // namespace serving_constants

}  // namespace gigasim
