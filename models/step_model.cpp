#include "step_model.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "power.hpp"
#include "scenario.hpp"

namespace gigasim {

using namespace step_constants;

std::string_view to_string(Recompute r) {
  switch (r) {
    case Recompute::kNone: return "none";
    case Recompute::kSelective: return "selective";
    case Recompute::kFull: return "full";
  }
  return "?";
}

std::string_view to_string(OptimizerSharding o) {
  switch (o) {
    case OptimizerSharding::kNone: return "none";
    case OptimizerSharding::kOptimizer: return "optimizer";
    case OptimizerSharding::kGradients: return "gradients";
  }
  return "?";
}

TrainingWorkload training_workload(const PretrainingJobSpec& job) {
  TrainingWorkload w;
  w.model = job.model;
  w.precision = job.precision;
  w.global_batch_sequences = job.global_batch_sequences;
  return w;
}

TrainingHardware hardware_from_catalog(const SystemSpec& system, std::int64_t chips) {
  TrainingHardware hw;
  hw.system = &system;
  hw.chips = chips;
  hw.scale_up = {system.scale_up.bandwidth_bytes_per_s_per_chip.value, system.scale_up.latency_s.value};
  hw.scale_out = {system.scale_out.bandwidth_bytes_per_s_per_chip.value, system.scale_out.latency_s.value};
  return hw;
}

double gemm_efficiency(const SystemSpec& system, double m, double n, double k) {
  // d = 3 x arithmetic intensity (FLOP per element moved); d = n for an n^3 cube.
  const double d = 3.0 / (1.0 / m + 1.0 / n + 1.0 / k);
  return system.chip.gemm_efficiency.value * (1.0 + kGemmIntensityKnee / kGemmReferenceSize) / (1.0 + kGemmIntensityKnee / d);
}

double power_cap_speed_fraction(const SystemSpec& system, double cap_w) {
  const double idle = system.chip.power_idle_w.value, busy = system.chip.power_busy_w.value;
  if (cap_w <= 0 || cap_w >= busy) return 1.0;
  if (cap_w <= idle) return 0.0;
  return std::pow((cap_w - idle) / (busy - idle), 1.0 / power_constants::kDvfsExponent);
}

namespace {

struct Dims {
  double m, n, k;
};

// Time of the matrix products of one layer's forward pass on one TP rank, and their FLOPs.
struct LayerCompute {
  double time_s = 0;
  double flops = 0;
  double attention_time_s = 0;  // the attention-core part (recomputed by selective recomputation)
  double attention_flops = 0;
};

LayerCompute layer_forward_compute(const TrainingWorkload& w, const ParallelLayout& l, const SystemSpec& sys, double rate) {
  const TransformerSpec& m = w.model;
  const auto t = static_cast<double>(l.tp);
  const double tokens = static_cast<double>(l.micro_batch * m.seq_len);
  const auto h = static_cast<double>(m.hidden);
  const auto f = static_cast<double>(m.ffn_width());
  LayerCompute c;
  auto gemm = [&](Dims d, double count) {
    const double flops = 2.0 * d.m * d.n * d.k * count;
    c.flops += flops;
    const double time = flops / (rate * gemm_efficiency(sys, d.m, d.n, d.k));
    c.time_s += time;
    return time;
  };
  gemm({tokens, (h + 2.0 * static_cast<double>(m.kv_dim())) / t, h}, 1);  // QKV
  gemm({tokens, h, h / t}, 1);  // output projection
  if (m.moe()) {
    // Each EP rank runs its experts/ep experts on the tokens routed to them (balanced routing).
    const double routed = tokens * static_cast<double>(m.active_experts) * static_cast<double>(l.ep) / static_cast<double>(m.experts);
    const double local = static_cast<double>(m.experts) / static_cast<double>(l.ep);
    gemm({routed, f / t, h}, local * static_cast<double>(m.mlp_matrices() - 1));
    gemm({routed, h, f / t}, local);
    gemm({tokens, static_cast<double>(m.experts), h}, 1);  // router
  } else {
    gemm({tokens, f / t, h}, static_cast<double>(m.mlp_matrices() - 1));  // up (and gate)
    gemm({tokens, h, f / t}, 1);  // down
  }
  // Attention core: per head, QK^T (s x d x s) and AV (s x s x d); flash skips the masked half.
  const auto s = static_cast<double>(m.seq_len);
  const auto hd = static_cast<double>(m.head_dim());
  const double heads = static_cast<double>(m.heads) / t * static_cast<double>(l.micro_batch);
  const double causal = w.attention == Attention::kFlash ? 0.5 : 1.0;
  const double att_flops = 2.0 * (2.0 * s * s * hd) * heads * causal;
  c.attention_flops = att_flops;
  c.attention_time_s = att_flops / (rate * gemm_efficiency(sys, s, s, hd));
  c.flops += att_flops;
  c.time_s += c.attention_time_s;
  return c;
}

// Bytes of memory-bound traffic of one layer, forward, on one TP rank (bf16 activations).
double layer_forward_memory_bytes(const TrainingWorkload& w, const ParallelLayout& l) {
  const TransformerSpec& m = w.model;
  const auto t = static_cast<double>(l.tp);
  const double tokens = static_cast<double>(l.micro_batch * m.seq_len);
  const auto h = static_cast<double>(m.hidden);
  const auto f = static_cast<double>(m.ffn_width()) * (m.moe() ? static_cast<double>(m.active_experts) : 1.0);
  // Two norms (read + write), two residual adds (2 reads + write): 10 h elements, replicated over TP
  // ranks unless sequence parallelism splits them.
  const double norm_residual = 10.0 * h / (l.sequence_parallel ? t : 1.0);
  // Activation function: gelu reads and writes f; swiglu reads two f and writes one.
  const double activation = (m.mlp == Mlp::kSwiglu ? 3.0 : 2.0) * f / t;
  double bytes = 2.0 * tokens * (norm_residual + activation);
  if (w.attention == Attention::kMaterialized) {
    // Scores written by QK^T, scale-mask-softmax read+write, dropout read+write+mask, read by AV.
    const auto s = static_cast<double>(m.seq_len);
    const double scores = static_cast<double>(l.micro_batch) * static_cast<double>(m.heads) / t * s * s;
    bytes += 13.0 * scores;
  }
  return bytes;
}

double layer_backward_extra_memory_bytes(const TrainingWorkload& w, const ParallelLayout& l) {
  // Backward traffic is twice the forward's, except the materialised scores: dropout, softmax and the
  // two score GEMMs' gradients move ~15 bytes per score element (vs 13 forward).
  double bytes = 2.0 * layer_forward_memory_bytes(w, l);
  if (w.attention == Attention::kMaterialized) {
    const TransformerSpec& m = w.model;
    const auto s = static_cast<double>(m.seq_len);
    const double scores = static_cast<double>(l.micro_batch) * static_cast<double>(m.heads) / static_cast<double>(l.tp) * s * s;
    bytes += (15.0 - 2.0 * 13.0) * scores;
  }
  return bytes;
}

std::string check_layout(const TrainingWorkload& w, const TrainingHardware& hw, const ParallelLayout& l) {
  const TransformerSpec& m = w.model;
  const SystemSpec& sys = *hw.system;
  if (l.tp < 1 || l.pp < 1 || l.dp < 1 || l.ep < 1 || l.micro_batch < 1 || l.pp_interleave < 1) return "every layout dimension must be >= 1";
  if (l.tp * l.pp * l.dp != hw.chips)
    return "tp x pp x dp = " + std::to_string(l.tp * l.pp * l.dp) + " but the job has " + std::to_string(hw.chips) + " chips";
  if (l.tp > sys.chips || sys.chips % l.tp != 0)
    return "tp = " + std::to_string(l.tp) + " must divide the scale-up domain of " + std::to_string(sys.chips) + " chips";
  if (m.heads % l.tp != 0) return "tp = " + std::to_string(l.tp) + " does not divide the " + std::to_string(m.heads) + " heads";
  if (m.kv_heads % l.tp != 0 && l.tp % m.kv_heads != 0) return "tp and kv_heads must divide one another";
  if (l.pp * l.pp_interleave > m.layers)
    return "pp x pp_interleave = " + std::to_string(l.pp * l.pp_interleave) + " is more than the " + std::to_string(m.layers) + " layers";
  if (l.pp_interleave > 1 && l.pp == 1) return "pp_interleave > 1 needs pp > 1";
  if (w.global_batch_sequences % (l.dp * l.micro_batch) != 0)
    return "global_batch_sequences = " + std::to_string(w.global_batch_sequences) + " is not a multiple of dp x micro_batch = " +
           std::to_string(l.dp * l.micro_batch);
  const std::int64_t mb = w.global_batch_sequences / (l.dp * l.micro_batch);
  if (l.pp_interleave > 1 && mb % l.pp != 0) return "the interleaved schedule needs micro-batches (" + std::to_string(mb) + ") to be a multiple of pp";
  if (l.sequence_parallel && l.tp == 1) return "sequence_parallel needs tp > 1";
  if (m.moe()) {
    if (l.dp % l.ep != 0 || m.experts % l.ep != 0) return "ep must divide dp and the number of experts";
  } else if (l.ep != 1) {
    return "ep > 1 needs a mixture-of-experts model";
  }
  return {};
}

}  // namespace

StepEstimate estimate_step(const TrainingWorkload& w, const TrainingHardware& hw, const ParallelLayout& l) {
  StepEstimate e;
  e.reason = check_layout(w, hw, l);
  if (!e.reason.empty()) return e;
  const TransformerSpec& m = w.model;
  const SystemSpec& sys = *hw.system;
  const double cap_fraction = power_cap_speed_fraction(sys, hw.power_cap_w);
  const double rate = sys.peak_flops_per_s(w.precision) * cap_fraction;  // per chip, before kernel efficiency
  const double hbm_rate = sys.chip.hbm_bandwidth_bytes_per_s.value * kMemoryEfficiency;
  const auto t = static_cast<double>(l.tp);
  const auto h = static_cast<double>(m.hidden);
  const double tokens_mb = static_cast<double>(l.micro_batch * m.seq_len);
  // Stages hold whole layers: the fullest holds ceil(L / (pp v)) per chunk; when pp v does not divide L,
  // the missing layers come off the end stages, the last (which also computes the logits) first, as
  // Llama 3 balances 126 layers on 16 stages.
  const std::int64_t chunk_layers = (m.layers + l.pp * l.pp_interleave - 1) / (l.pp * l.pp_interleave);
  const double layers_per_stage = static_cast<double>(chunk_layers * l.pp_interleave);
  const double last_stage_layers = layers_per_stage - (l.pp * chunk_layers * l.pp_interleave > m.layers ? 1.0 : 0.0);
  const std::int64_t micro_batches = w.global_batch_sequences / (l.dp * l.micro_batch);
  e.micro_batches = micro_batches;

  // --- one micro-batch through the slowest (last) stage -------------------------------------------
  const LayerCompute fwd = layer_forward_compute(w, l, sys, rate);
  const bool flash = w.attention == Attention::kFlash;
  double recompute_s = 0, recompute_flops = 0;
  if (l.recompute == Recompute::kFull) recompute_s = fwd.time_s, recompute_flops = fwd.flops;
  if (l.recompute == Recompute::kSelective && !flash) recompute_s = fwd.attention_time_s, recompute_flops = fwd.attention_flops;
  const double layer_compute_s = 3.0 * fwd.time_s + recompute_s;  // backward = 2 x forward
  const double layer_flops = 3.0 * fwd.flops + recompute_flops;

  double layer_memory_bytes = layer_forward_memory_bytes(w, l) + layer_backward_extra_memory_bytes(w, l);
  if (l.recompute == Recompute::kFull) layer_memory_bytes += layer_forward_memory_bytes(w, l);
  const double layer_memory_s = layer_memory_bytes / hbm_rate;

  // Tensor parallelism: 2 all-reduces (or all-gather + reduce-scatter pairs with sequence
  // parallelism: the same bytes) forward, 2 backward, 2 more when the forward is recomputed.
  const double tp_bytes = 2.0 * tokens_mb * h;
  CollectiveTime tp = best_allreduce({tp_bytes, l.tp, hw.scale_up, 1, hw.scale_up});
  const double tp_per_layer = tp.time_s * (4.0 + (l.recompute == Recompute::kFull ? 2.0 : 0.0));
  e.tp_algorithm = tp.algorithm;

  // Expert parallelism: dispatch and combine all-to-all, forward and backward.
  double ep_per_layer = 0;
  if (m.moe() && l.ep > 1) {
    const LinkSpec link = (l.tp * l.ep <= sys.chips) ? hw.scale_up : hw.scale_out;
    const auto ep = static_cast<double>(l.ep);
    const double bytes = tokens_mb / t * static_cast<double>(m.active_experts) * h * 2.0 * (ep - 1.0) / ep;
    ep_per_layer = 4.0 * (bytes / link.bandwidth_bytes_per_s + (ep - 1.0) * link.latency_s);
  }

  // The last stage also computes the logits and the cross-entropy over the vocabulary.
  const auto vocab = static_cast<double>(m.vocab);
  const double logits_flops = 3.0 * 2.0 * tokens_mb * h * vocab / t;
  const double logits_s = logits_flops / (rate * gemm_efficiency(sys, tokens_mb, vocab / t, h)) +
                          3.0 * 4.0 * tokens_mb * vocab / t / hbm_rate;  // fp32 logits, softmax and its gradient

  StepBreakdown& b = e.breakdown;
  // The slowest stage: a full one, or the last with its logits.
  const double stage_layers = (last_stage_layers * layer_compute_s + logits_s > layers_per_stage * layer_compute_s) ? last_stage_layers : layers_per_stage;
  const double stage_layers_compute = stage_layers * layer_compute_s + (stage_layers == last_stage_layers ? logits_s : 0.0);
  const double stage_memory = stage_layers * layer_memory_s;
  const double stage_tp = stage_layers * tp_per_layer;
  const double stage_ep = stage_layers * ep_per_layer;
  // Pipeline: each micro-batch crosses each of the pp_interleave chunk boundaries forward and backward.
  double stage_pp = 0;
  if (l.pp > 1) {
    const LinkSpec link = (l.tp * l.pp <= sys.chips) ? hw.scale_up : hw.scale_out;
    const double act_bytes = 2.0 * tokens_mb * h / t;  // scatter-gather across the TP ranks
    stage_pp = 2.0 * static_cast<double>(l.pp_interleave) * p2p_s(act_bytes, link);
  }
  const double t_mb = stage_layers_compute + stage_memory + stage_tp + stage_ep + stage_pp;
  const auto mbs = static_cast<double>(micro_batches);
  const double bubble_mb = static_cast<double>(l.pp - 1) / static_cast<double>(l.pp_interleave);
  b.compute_s = mbs * stage_layers_compute;
  b.memory_bound_s = mbs * stage_memory;
  b.tp_comm_s = mbs * stage_tp;
  b.ep_comm_s = mbs * stage_ep;
  b.pp_comm_s = mbs * stage_pp;
  b.bubble_s = bubble_mb * t_mb;

  // --- data parallelism and the optimizer ---------------------------------------------------------
  const ParamCount pc = count_params(m);
  const double mlp_local = m.moe() ? pc.mlp_per_layer / static_cast<double>(l.ep) : pc.mlp_per_layer;
  const double params_per_chip =
      (layers_per_stage * (pc.attention_per_layer + mlp_local) + static_cast<double>(m.vocab) * h) / t;  // + embedding or output layer
  const double dp_bytes = params_per_chip * kGradientBytes;
  // DP peers that share a scale-up domain (when tp < domain) can reduce hierarchically.
  const std::int64_t dp_group = std::max<std::int64_t>(1, std::min<std::int64_t>(l.dp, sys.chips / l.tp));
  CollectiveTime dp = best_allreduce({dp_bytes, l.dp, hw.scale_out, dp_group, hw.scale_up});
  e.dp_algorithm = dp.algorithm;
  e.dp_scale_out_bytes_per_chip = dp.slow_link_bytes;
  const double overlap_window = w.overlap_dp ? stage_layers * (2.0 * fwd.time_s + recompute_s) : 0.0;
  b.dp_comm_s = std::max(0.0, dp.time_s - overlap_window);
  const double optimizer_params = params_per_chip / (w.optimizer_sharding == OptimizerSharding::kNone ? 1.0 : static_cast<double>(l.dp));
  b.optimizer_s = optimizer_params * kOptimizerBytesPerParam / hbm_rate;

  e.step_time_s = b.compute_s + b.memory_bound_s + b.tp_comm_s + b.ep_comm_s + b.pp_comm_s + b.bubble_s + b.dp_comm_s + b.optimizer_s;

  // --- FLOPs, throughput, MFU ---------------------------------------------------------------------
  const TokenFlops tf = token_flops(m);
  const double tokens_step = static_cast<double>(w.global_batch_sequences * m.seq_len);
  e.model_flops_per_step = 3.0 * tf.model_forward * tokens_step;
  // Per TP rank figures times tp; every micro-batch crosses all layers once; dp replicas.
  e.hardware_flops_per_step = mbs * static_cast<double>(l.dp) * (static_cast<double>(m.layers) * layer_flops + logits_flops) * t;
  e.tokens_per_s = tokens_step / e.step_time_s;
  e.mfu = e.model_flops_per_step / (e.step_time_s * static_cast<double>(hw.chips) * sys.peak_flops_per_s(w.precision));

  // --- memory per chip (the first stage holds the most activations) -----------------------------
  MemoryBreakdown& mem = e.memory;
  const auto dpd = static_cast<double>(l.dp);
  mem.weights_bytes = 2.0 * params_per_chip;
  mem.gradients_bytes = kGradientBytes * params_per_chip / (w.optimizer_sharding == OptimizerSharding::kGradients ? dpd : 1.0);
  mem.optimizer_bytes = 12.0 * params_per_chip / (w.optimizer_sharding == OptimizerSharding::kNone ? 1.0 : dpd);
  // Activations per layer per micro-batch, Korthikanti et al. 2022 (Table 2) generalised to the MLP width:
  //   s b h (10 + (8 + 2 x matrices x f/h) / t) without sequence parallelism, all of it / t with it,
  //   plus 5 a s / t x s b for the stored attention scores (dropped by selective recomputation or
  //   flash attention); full recomputation keeps only each layer's input, 2 s b h (/ t with SP).
  const auto s = static_cast<double>(m.seq_len);
  const double sbh = s * static_cast<double>(l.micro_batch) * h;
  const double f_ratio = static_cast<double>(m.ffn_width()) / h * (m.moe() ? static_cast<double>(m.active_experts) : 1.0);
  const double sharded = 8.0 + 2.0 * static_cast<double>(m.mlp_matrices()) * f_ratio;
  double per_layer = 0;
  if (l.recompute == Recompute::kFull) {
    per_layer = 2.0 * sbh / (l.sequence_parallel ? t : 1.0);
  } else {
    per_layer = sbh * ((l.sequence_parallel ? 10.0 / t : 10.0) + sharded / t);
    if (l.recompute == Recompute::kNone && !flash) per_layer += 5.0 * static_cast<double>(m.heads) * s / t * s * static_cast<double>(l.micro_batch);
  }
  const double in_flight = std::min<double>(mbs, static_cast<double>(l.pp)) *
                           (l.pp_interleave > 1 ? 1.0 + static_cast<double>(l.pp - 1) / static_cast<double>(l.pp * l.pp_interleave) : 1.0);
  const double logits_bytes = (l.pp == 1 ? 2.0 * 4.0 * tokens_mb * vocab / t : 0.0);  // fp32 logits and gradient, if on this stage
  mem.activations_bytes = per_layer * layers_per_stage * in_flight + logits_bytes;
  mem.total_bytes = mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes + mem.activations_bytes;
  mem.capacity_bytes = sys.chip.hbm_bytes.value * kUsableMemoryFraction;
  if (mem.total_bytes > mem.capacity_bytes) {
    e.reason = "needs " + std::to_string(static_cast<long long>(mem.total_bytes / 1e9)) + " GB per chip, more than the " +
               std::to_string(static_cast<long long>(mem.capacity_bytes / 1e9)) + " GB usable";
    return e;
  }
  e.valid = true;
  return e;
}

}  // namespace gigasim
