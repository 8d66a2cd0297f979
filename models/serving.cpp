#include "serving.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "collectives.hpp"
#include "step_model.hpp"

namespace gigasim {

using step_constants::kMemoryEfficiency;
using step_constants::kUsableMemoryFraction;

namespace {

double bytes_per_value(Precision p) { return p == Precision::kFp8 ? 1.0 : 2.0; }

// KV heads a chip holds: its query heads' share, rounded up (a KV head serving query heads on two chips
// is on both), and at least one (replicated when there are fewer KV heads than chips).
double kv_heads_per_chip(const TransformerSpec& m, std::int64_t chips) {
  return std::max(1.0, std::ceil(static_cast<double>(m.kv_heads) / static_cast<double>(chips)));
}

// Time and work of a phase (a decode iteration or one prefill) on one chip.
struct PhaseCost {
  double time_s = 0;
  double flops = 0;  // matrix products and attention
  double bytes = 0;  // HBM traffic
};

class ChipCost {
 public:
  ChipCost(const SystemSpec& sys, Precision p)
      : sys_(sys), rate_(sys.peak_flops_per_s(p)), hbm_(sys.chip.hbm_bandwidth_bytes_per_s.value * kMemoryEfficiency), bpv_(bytes_per_value(p)) {}

  // `count` products of m x k activations by a k x n weight matrix, each at its roofline. The weights are
  // read once; activations are bf16 in and out.
  double weights_gemm(PhaseCost& c, double m, double n, double k, double count = 1.0) const {
    if (m <= 0 || n <= 0 || k <= 0 || count <= 0) return 0.0;
    const double flops = 2.0 * m * n * k;
    const double bytes = bpv_ * n * k + 2.0 * (m * k + m * n);
    return add(c, flops, bytes, m, n, k, count);
  }

  // Attention of `queries` query tokens per sequence against `context` cached tokens, for `sequences`
  // sequences; `causal` halves the products (prefill with flash attention).
  double attention(PhaseCost& c, double sequences, double queries, double context, double heads, double kv_heads, double head_dim,
                   bool causal) const {
    if (sequences <= 0 || queries <= 0 || context <= 0) return 0.0;
    const double flops = sequences * heads * 2.0 * (2.0 * queries * context * head_dim) * (causal ? 0.5 : 1.0);
    // The KV cache read once per sequence (K and V), plus the queries and outputs.
    const double bytes = sequences * (2.0 * context * kv_heads * head_dim * bpv_ + 2.0 * 2.0 * queries * heads * head_dim);
    const double group = std::max(1.0, heads / kv_heads);  // query heads sharing one KV head: the products' m
    return add(c, flops, bytes, group * queries, context, head_dim, 1.0);
  }

  double rate() const { return rate_; }
  double hbm() const { return hbm_; }

 private:
  double add(PhaseCost& c, double flops, double bytes, double m, double n, double k, double count) const {
    const double t = std::max(bytes / hbm_, flops / (rate_ * gemm_efficiency(sys_, m, n, k)));
    c.time_s += count * t;
    c.flops += count * flops;
    c.bytes += count * bytes;
    return count * t;
  }
  const SystemSpec& sys_;
  double rate_, hbm_, bpv_;
};

// One forward pass over `tokens` new tokens for each of `sequences` sequences with `context` tokens
// already cached (decode: tokens 1; prefill: sequences 1, context = tokens, causal).
struct ForwardCost {
  PhaseCost cost;
  double weights_s = 0, attention_s = 0, tp_comm_s = 0;
};

ForwardCost forward(const ServingWorkload& w, const SystemSpec& sys, std::int64_t chips, double sequences, double tokens, double context,
                    bool causal, double logits_rows) {
  const TransformerSpec& m = w.model;
  const ChipCost chip(sys, w.precision);
  const auto t = static_cast<double>(chips);
  const auto h = static_cast<double>(m.hidden);
  const double rows = sequences * tokens;  // the products' m
  ForwardCost f;
  PhaseCost layer;
  double weights_s = 0;
  // QKV: the chip's query heads, and its KV heads (replicated when fewer than the chips: kv_heads_per_chip).
  const double kv_local = kv_heads_per_chip(m, chips) * static_cast<double>(m.head_dim());
  weights_s += chip.weights_gemm(layer, rows, h / t + 2.0 * kv_local, h);
  weights_s += chip.weights_gemm(layer, rows, h, h / t);  // output projection
  const auto mats = static_cast<double>(m.mlp_matrices());
  if (m.moe()) {
    const auto e = static_cast<double>(m.experts), a = static_cast<double>(m.active_experts);
    const auto fe = static_cast<double>(m.expert_ffn_hidden);
    // Experts any of the rows route to (balanced, independent routing), spread over the chips; each
    // reads its weights once for the rows routed to it.
    const double touched = e * (1.0 - std::pow(1.0 - a / e, rows));
    const double per_expert = rows * a / touched;
    // Experts are whole on a chip: the busiest chip reads its share of the touched experts, and at least
    // one whole expert when any is touched (it sets the pace of the layer).
    const double on_busiest = std::max(touched / t, std::min(touched, 1.0));
    weights_s += chip.weights_gemm(layer, rows, e, h);  // router (replicated)
    weights_s += chip.weights_gemm(layer, per_expert, fe, h, on_busiest * (mats - 1.0));
    weights_s += chip.weights_gemm(layer, per_expert, h, fe, on_busiest);
  } else {
    const auto ff = static_cast<double>(m.ffn_hidden);
    weights_s += chip.weights_gemm(layer, rows, ff / t, h, mats - 1.0);  // up (and gate)
    weights_s += chip.weights_gemm(layer, rows, h, ff / t);  // down
  }
  const double heads = static_cast<double>(m.heads) / t;
  const double kv_heads = kv_heads_per_chip(m, chips);
  const double attention_s = chip.attention(layer, sequences, tokens, context, heads, kv_heads, static_cast<double>(m.head_dim()), causal);
  // Tensor parallelism: the attention and MLP outputs are all-reduced (bf16 activations).
  double tp_s = 0;
  if (chips > 1) {
    const LinkSpec link{sys.scale_up.bandwidth_bytes_per_s_per_chip.value, sys.scale_up.latency_s.value};
    tp_s = 2.0 * best_allreduce({2.0 * rows * h, chips, link, 1, link}).time_s;
  }
  const auto layers = static_cast<double>(m.layers);
  f.cost.time_s = layers * (layer.time_s + tp_s);
  f.cost.flops = layers * layer.flops;
  f.cost.bytes = layers * layer.bytes;
  f.weights_s = layers * weights_s;
  f.attention_s = layers * attention_s;
  f.tp_comm_s = layers * tp_s;
  // Logits for the rows that produce a token.
  if (m.vocab > 0 && logits_rows > 0) {
    PhaseCost head;
    f.weights_s += chip.weights_gemm(head, logits_rows, static_cast<double>(m.vocab) / t, h);
    f.cost.time_s += head.time_s;
    f.cost.flops += head.flops;
    f.cost.bytes += head.bytes;
  }
  return f;
}

// Busy fractions of a phase: tensor cores against their sustained rate, HBM against its achievable
// bandwidth.
struct Activity {
  double compute = 0, memory = 0;
};
Activity activity_of(const PhaseCost& c, const SystemSpec& sys, Precision p) {
  if (c.time_s <= 0) return {};
  const double sustained = sys.peak_flops_per_s(p) * sys.chip.gemm_efficiency.value;
  const double hbm = sys.chip.hbm_bandwidth_bytes_per_s.value * kMemoryEfficiency;
  return {std::min(1.0, c.flops / sustained / c.time_s), std::min(1.0, c.bytes / hbm / c.time_s)};
}

std::string gb(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", bytes / 1e9);
  return buf;
}
std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g s", s);
  return buf;
}

}  // namespace

ServingEstimate estimate_serving(const ServingWorkload& w, const SystemSpec& sys, std::int64_t chips, std::int64_t batch) {
  ServingEstimate e;
  e.chips = chips;
  e.batch = batch;
  const TransformerSpec& m = w.model;
  if (chips < 1 || batch < 1) {
    e.reason = "chips and batch must be at least 1";
    return e;
  }
  if (chips > sys.chips) {
    e.reason = "tensor parallelism stays inside one scale-up domain: " + std::to_string(chips) + " chips but a " + sys.id + " system has " +
               std::to_string(sys.chips);
    return e;
  }
  if (m.heads % chips != 0) {
    e.reason = "the " + std::to_string(m.heads) + " attention heads do not split evenly over " + std::to_string(chips) + " chips";
    return e;
  }
  const auto t = static_cast<double>(chips);
  const double bpv = bytes_per_value(w.precision);
  const ParamCount pc = count_params(m);
  // Everything splits over the chips but the K and V projections, whose heads a chip holds whole
  // (kv_heads_per_chip, replicated when fewer than the chips).
  const auto h = static_cast<double>(m.hidden), hd = static_cast<double>(m.head_dim()), layers = static_cast<double>(m.layers);
  const double kv_params = layers * 2.0 * h * static_cast<double>(m.kv_heads) * hd;
  e.weights_bytes_per_chip = bpv * ((pc.total - kv_params) / t + layers * 2.0 * h * kv_heads_per_chip(m, chips) * hd);
  const double kv_heads = kv_heads_per_chip(m, chips);
  const double context = w.input_tokens + w.output_tokens;
  e.kv_bytes_per_request_per_chip = context * static_cast<double>(m.layers) * 2.0 * kv_heads * static_cast<double>(m.head_dim()) * bpv;
  e.memory_capacity_bytes = sys.chip.hbm_bytes.value * kUsableMemoryFraction;
  if (e.weights_bytes_per_chip >= e.memory_capacity_bytes) {
    e.reason = "the weights need " + gb(e.weights_bytes_per_chip) + " GB per chip, more than the " + gb(e.memory_capacity_bytes) + " GB usable";
    return e;
  }
  e.max_batch = static_cast<std::int64_t>(std::floor((e.memory_capacity_bytes - e.weights_bytes_per_chip) / e.kv_bytes_per_request_per_chip));
  if (e.max_batch < 1) {
    e.reason = "the KV cache of one request (" + gb(e.kv_bytes_per_request_per_chip) + " GB per chip) does not fit beside the weights";
    return e;
  }
  if (batch > e.max_batch) {
    e.reason = "the KV cache of " + std::to_string(batch) + " requests needs " + gb(static_cast<double>(batch) * e.kv_bytes_per_request_per_chip) +
               " GB per chip; " + gb(e.memory_capacity_bytes - e.weights_bytes_per_chip) + " GB are left beside the weights (at most " +
               std::to_string(e.max_batch) + " requests)";
    return e;
  }
  const auto b = static_cast<double>(batch);
  // Decode: one new token per sequence against the mean context over a request's life.
  const double mean_context = w.input_tokens + w.output_tokens / 2.0;
  const ForwardCost d = forward(w, sys, chips, b, 1.0, mean_context, false, b);
  // Prefill: one request's prompt (none for input_tokens = 0); logits for its last token only.
  ForwardCost p;
  if (w.input_tokens > 0) p = forward(w, sys, chips, 1.0, w.input_tokens, w.input_tokens, true, 1.0);
  e.decode_step_s = d.cost.time_s;
  e.prefill_s = p.cost.time_s;
  e.breakdown = {d.weights_s, d.attention_s, d.tp_comm_s, p.weights_s + p.attention_s, p.tp_comm_s};

  const double o = w.output_tokens;
  // The prefill computes the first output token; decode produces the rest (all of them without a prompt).
  const double decoded = w.input_tokens > 0 ? o - 1.0 : o;
  const double cycle_s = e.prefill_s + decoded * e.decode_step_s / b;  // replica time per request
  e.requests_per_s = 1.0 / cycle_s;
  e.tokens_per_s = e.requests_per_s * o;
  e.decode_tokens_per_s = b / e.decode_step_s;
  e.tpot_s = e.decode_step_s + b * e.prefill_s / std::max(1.0, decoded);
  e.ttft_s = e.prefill_s + e.decode_step_s;

  const Activity ad = activity_of(d.cost, sys, w.precision), ap = activity_of(p.cost, sys, w.precision);
  const double share_p = e.prefill_s / cycle_s, share_d = 1.0 - share_p;
  e.compute_activity = share_p * ap.compute + share_d * ad.compute;
  e.memory_activity = share_p * ap.memory + share_d * ad.memory;
  auto level = [](const Activity& a) { return std::min(1.0, std::max(a.compute, serving_constants::kMemoryPowerFraction * a.memory)); };
  const double activity = share_p * level(ap) + share_d * level(ad);
  const double idle = sys.chip.power_idle_w.value, busy = sys.chip.power_busy_w.value;
  e.chip_power_w = idle + (busy - idle) * activity;
  e.power_w = t * (e.chip_power_w + sys.overhead_power_w.value / static_cast<double>(sys.chips));
  e.energy_per_token_j = e.power_w / e.tokens_per_s;
  e.valid = true;
  return e;
}

namespace {
bool meets(const ServingEstimate& e, const ServingObjectives& o) {
  return e.valid && (o.ttft_s <= 0 || e.ttft_s <= o.ttft_s) && (o.tpot_s <= 0 || e.tpot_s <= o.tpot_s);
}
}  // namespace

ServingEstimate estimate_serving_auto(const ServingWorkload& w, const SystemSpec& sys, std::int64_t chips, const ServingObjectives& o) {
  ServingEstimate one = estimate_serving(w, sys, chips, 1);
  if (!one.valid) return one;
  if (!meets(one, o)) {
    one.valid = false;
    one.reason = "no batch meets the objectives: at batch 1 ";
    if (o.ttft_s > 0 && one.ttft_s > o.ttft_s) one.reason += "TTFT is " + seconds(one.ttft_s) + ", above the objective of " + seconds(o.ttft_s);
    else one.reason += "TPOT is " + seconds(one.tpot_s) + ", above the objective of " + seconds(o.tpot_s);
    return one;
  }
  // TTFT and TPOT grow with the batch, and so does throughput: the largest batch that meets both.
  std::int64_t lo = 1, hi = one.max_batch;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (meets(estimate_serving(w, sys, chips, mid), o)) lo = mid;
    else hi = mid - 1;
  }
  return estimate_serving(w, sys, chips, lo);
}

ServingEstimate best_serving_replica(const ServingWorkload& w, const SystemSpec& sys, const ServingObjectives& o) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t c = 1; c <= sys.chips; c *= 2)
    if (sys.chips % c == 0) sizes.push_back(c);
  if (sizes.back() != sys.chips) sizes.push_back(sys.chips);
  ServingEstimate best;
  std::string last_reason;
  for (std::int64_t c : sizes) {
    ServingEstimate e = estimate_serving_auto(w, sys, c, o);
    if (!e.valid) {
      last_reason = std::to_string(c) + " chips: " + e.reason;
      continue;
    }
    if (!best.valid || e.tokens_per_s / static_cast<double>(c) > best.tokens_per_s / static_cast<double>(best.chips) * (1.0 + 1e-12)) best = e;
  }
  if (!best.valid) best.reason = "no replica of 1 to " + std::to_string(sys.chips) + " chips can serve it (" + last_reason + ")";
  return best;
}

}  // namespace gigasim
