// The serving model (models/serving.hpp) against values derived by hand from its documented terms: the
// catalog's H100 numbers, the KV-cache batch limit, the steady state of continuous batching, batch auto
// and the replica search checked by brute force, power, and mixture-of-experts decode.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/collectives.hpp"
#include "models/serving.hpp"
#include "models/step_model.hpp"
#include "models/transformer.hpp"
#include "sim/io/catalog_loader.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
using Catch::Matchers::Contains;

namespace {

SystemSpec catalog_system(const std::string& id) { return io::load_system_file(test::catalog_dir() / (id + ".yaml")).spec; }

// The Llama-3-8B layers-only proxy: 6.98e9 parameters, no embedding or logits.
TransformerSpec llama8b_proxy() {
  TransformerSpec m;
  m.layers = 32;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.ffn_hidden = 14336;
  m.mlp = Mlp::kSwiglu;
  m.vocab = 0;
  return m;
}

// Llama-3-70B shaped (141 GB of bf16 weights: more than one H100 holds).
TransformerSpec llama70b() {
  TransformerSpec m;
  m.layers = 80;
  m.hidden = 8192;
  m.heads = 64;
  m.kv_heads = 8;
  m.ffn_hidden = 28672;
  m.mlp = Mlp::kSwiglu;
  m.vocab = 128256;
  return m;
}

ServingWorkload workload(const TransformerSpec& m, double input_tokens, double output_tokens, Precision p = Precision::kBf16) {
  ServingWorkload w;
  w.model = m;
  w.precision = p;
  w.input_tokens = input_tokens;
  w.output_tokens = output_tokens;
  return w;
}

// Parameters by hand: per layer QKV (h x (h + 2 kv_heads head_dim)), output projection (h x h), the MLP
// matrices; plus the embeddings.
double params_by_hand(const TransformerSpec& m) {
  const auto h = static_cast<double>(m.hidden);
  const double head_dim = h / static_cast<double>(m.heads);
  const double attention = h * (h + 2.0 * static_cast<double>(m.kv_heads) * head_dim) + h * h;
  const double mats = m.mlp == Mlp::kSwiglu ? 3.0 : 2.0;
  const double mlp = m.experts > 0 ? static_cast<double>(m.experts) * (mats * h * static_cast<double>(m.expert_ffn_hidden) + h)
                                   : mats * h * static_cast<double>(m.ffn_hidden);
  return static_cast<double>(m.layers) * (attention + mlp) + 2.0 * static_cast<double>(m.vocab) * h;
}

double achievable_hbm(const SystemSpec& s) { return s.chip.hbm_bandwidth_bytes_per_s.value * 0.90; }
double usable_hbm(const SystemSpec& s) { return s.chip.hbm_bytes.value * 0.92; }

double kv_per_request_by_hand(const TransformerSpec& m, double input_tokens, double output_tokens, double chips, double bytes) {
  const double kv_heads_per_chip = std::max(1.0, static_cast<double>(m.kv_heads) / chips);
  const double head_dim = static_cast<double>(m.hidden / m.heads);
  return (input_tokens + output_tokens) * static_cast<double>(m.layers) * 2.0 * kv_heads_per_chip * head_dim * bytes;
}

// The documented roofline of one matrix product, by hand: max(bytes / (HBM x 0.90), FLOP / (peak x
// gemm_efficiency(m, n, k))), the weights (k x n) read at the precision's width, bf16 activations in and out.
struct HandRoofline {
  const SystemSpec& sys;
  double bytes_per_value;
  double time(double flops, double bytes, double m, double n, double k) const {
    return std::max(bytes / achievable_hbm(sys), flops / (sys.peak_flops_per_s(Precision::kBf16) * gemm_efficiency(sys, m, n, k)));
  }
  double gemm(double m, double n, double k) const { return time(2.0 * m * n * k, bytes_per_value * n * k + 2.0 * (m * k + m * n), m, n, k); }
  // Attention of the 8B proxy on one chip (32 heads, 8 KV heads of 128): `queries` per sequence against
  // `context` cached tokens; the KV cache read once per sequence; causal halves the products.
  double attention(double sequences, double queries, double context, bool causal) const {
    const double flops = sequences * 32.0 * 2.0 * (2.0 * queries * context * 128.0) * (causal ? 0.5 : 1.0);
    const double bytes = sequences * (2.0 * context * 8.0 * 128.0 * bytes_per_value + 2.0 * 2.0 * queries * 32.0 * 128.0);
    return time(flops, bytes, 4.0 * queries, context, 128.0);
  }
  // One layer of the 8B proxy's products (QKV, output projection, gate and up, down) for `rows` rows.
  double layer_products(double rows) const {
    return gemm(rows, 6144.0, 4096.0) + gemm(rows, 4096.0, 4096.0) + 2.0 * gemm(rows, 14336.0, 4096.0) + gemm(rows, 4096.0, 14336.0);
  }
};

bool meets(const ServingEstimate& e, const ServingObjectives& o) {
  return e.valid && (o.ttft_s <= 0 || e.ttft_s <= o.ttft_s) && (o.tpot_s <= 0 || e.tpot_s <= o.tpot_s);
}

// The candidate replica sizes the header documents: powers of two that divide the system, and the system.
std::vector<std::int64_t> candidate_sizes(std::int64_t chips) {
  std::vector<std::int64_t> sizes;
  for (std::int64_t c = 1; c <= chips; c *= 2)
    if (chips % c == 0) sizes.push_back(c);
  if (sizes.back() != chips) sizes.push_back(chips);
  return sizes;
}

}  // namespace

TEST_CASE("serving: batch 1 decode of a dense model is bound by reading the weights once", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  const double params = params_by_hand(m);
  CHECK(params == Approx(6.98e9).epsilon(0.001));
  const ServingEstimate e = estimate_serving(workload(m, 0, 1), h100, 1, 1);
  REQUIRE(e.valid);
  CHECK(e.weights_bytes_per_chip == Approx(2.0 * params));
  // 13.96 GB at 0.90 x 3.35 TB/s: 4.63 ms.
  const double expected = 2.0 * params / achievable_hbm(h100);
  CHECK(expected == Approx(4.63e-3).epsilon(0.005));
  CHECK(e.decode_step_s == Approx(expected).epsilon(0.01));
  CHECK(e.decode_step_s >= expected);  // activations and the (tiny) KV cache only add
  CHECK(e.prefill_s == 0);  // no prompt
  CHECK(e.breakdown.prefill_compute_s == 0);
  CHECK(e.breakdown.decode_tp_comm_s == 0);  // one chip
  CHECK(e.breakdown.decode_weights_s == Approx(expected).epsilon(0.01));
  CHECK(e.decode_tokens_per_s == Approx(1.0 / e.decode_step_s));
  CHECK(e.memory_capacity_bytes == Approx(0.92 * 80e9));
  // Memory-bound: HBM busy the whole step, tensor cores nearly idle.
  CHECK(e.memory_activity == Approx(1.0).epsilon(0.01));
  CHECK(e.compute_activity < 0.01);

  // With a vocabulary: the weights hold both embeddings (untied), but a decode step reads only the output
  // projection (the input embedding is a lookup).
  TransformerSpec full = m;
  full.vocab = 128256;
  const ServingEstimate v = estimate_serving(workload(full, 0, 1), h100, 1, 1);
  REQUIRE(v.valid);
  CHECK(v.weights_bytes_per_chip == Approx(2.0 * (params + 2.0 * 128256.0 * 4096.0)));
  CHECK(v.decode_step_s == Approx(2.0 * (params + 128256.0 * 4096.0) / achievable_hbm(h100)).epsilon(0.01));
}

TEST_CASE("serving: a decode step reads the batch's KV cache at the mean context", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  for (const std::int64_t chips : {1, 2, 8}) {
    for (const std::int64_t batch : {1, 32, 128}) {
      CAPTURE(chips, batch);
      const ServingEstimate e = estimate_serving(workload(m, 2000, 400), h100, chips, batch);
      REQUIRE(e.valid);
      // Per layer and sequence: K and V of 2000 + 400 / 2 tokens for this chip's KV heads (bf16), plus the
      // query and output of this chip's heads; memory-bound (4 query heads share a KV head).
      const auto t = static_cast<double>(chips);
      const double kv_heads = std::max(1.0, 8.0 / t), heads = 32.0 / t;
      const double bytes = 2.0 * 2200.0 * kv_heads * 128.0 * 2.0 + 2.0 * 2.0 * heads * 128.0;
      CHECK(e.breakdown.decode_attention_s == Approx(32.0 * static_cast<double>(batch) * bytes / achievable_hbm(h100)).epsilon(0.01));
    }
  }
}

TEST_CASE("serving: fp8 halves the weights and KV cache per chip, and so do twice the chips", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  const ServingEstimate bf16 = estimate_serving(workload(m, 1000, 200), h100, 1, 1);
  const ServingEstimate fp8 = estimate_serving(workload(m, 1000, 200, Precision::kFp8), h100, 1, 1);
  const ServingEstimate two = estimate_serving(workload(m, 1000, 200), h100, 2, 1);
  REQUIRE(bf16.valid);
  REQUIRE(fp8.valid);
  REQUIRE(two.valid);
  CHECK(bf16.weights_bytes_per_chip == Approx(2.0 * params_by_hand(m)));
  CHECK(fp8.weights_bytes_per_chip == Approx(bf16.weights_bytes_per_chip / 2.0));
  CHECK(two.weights_bytes_per_chip == Approx(bf16.weights_bytes_per_chip / 2.0));
  CHECK(fp8.kv_bytes_per_request_per_chip == Approx(bf16.kv_bytes_per_request_per_chip / 2.0));
  CHECK(two.kv_bytes_per_request_per_chip == Approx(bf16.kv_bytes_per_request_per_chip / 2.0));
  // Half the bytes to stream: a batch-1 decode close to twice as fast.
  CHECK(fp8.decode_step_s == Approx(bf16.decode_step_s / 2.0).epsilon(0.02));
  // Eight KV heads over 8 or 16 chips: one per chip either way (replicated when fewer than chips).
  const ServingEstimate eight = estimate_serving(workload(m, 1000, 200), h100, 8, 1);
  REQUIRE(eight.valid);
  CHECK(eight.kv_bytes_per_request_per_chip == Approx(kv_per_request_by_hand(m, 1000, 200, 8, 2)));
  CHECK(eight.kv_bytes_per_request_per_chip == Approx(1200.0 * 32 * 2 * 1 * 128 * 2));
  TransformerSpec mqa = m;  // multi-query: the single KV head is replicated on every chip
  mqa.kv_heads = 1;
  const ServingEstimate r1 = estimate_serving(workload(mqa, 1000, 200), h100, 1, 1);
  const ServingEstimate r4 = estimate_serving(workload(mqa, 1000, 200), h100, 4, 1);
  REQUIRE(r1.valid);
  REQUIRE(r4.valid);
  CHECK(r4.kv_bytes_per_request_per_chip == Approx(r1.kv_bytes_per_request_per_chip));
}

TEST_CASE("serving: the KV cache bounds the batch at the free memory over one request's context", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  for (const std::int64_t chips : {1, 2, 4, 8}) {
    for (const Precision p : {Precision::kBf16, Precision::kFp8}) {
      CAPTURE(chips, to_string(p));
      const ServingWorkload w = workload(m, 1000, 200, p);
      const double bytes = p == Precision::kFp8 ? 1.0 : 2.0;
      const auto t = static_cast<double>(chips);
      const double weights = bytes * params_by_hand(m) / t;
      const double kv = kv_per_request_by_hand(m, 1000, 200, t, bytes);
      const auto max_batch = static_cast<std::int64_t>(std::floor((usable_hbm(h100) - weights) / kv));
      const ServingEstimate at_max = estimate_serving(w, h100, chips, max_batch);
      REQUIRE(at_max.valid);
      CHECK(at_max.max_batch == max_batch);
      CHECK(at_max.kv_bytes_per_request_per_chip == Approx(kv));
      const ServingEstimate over = estimate_serving(w, h100, chips, max_batch + 1);
      CHECK_FALSE(over.valid);
      CHECK_THAT(over.reason, Contains("KV cache"));
      CHECK_THAT(over.reason, Contains("at most " + std::to_string(max_batch) + " requests"));
    }
  }
  // One chip, bf16, 1,000 + 200 tokens: (73.6 - 13.96) GB / 157.3 MB = 379 requests.
  CHECK(estimate_serving(workload(m, 1000, 200), h100, 1, 1).max_batch == 379);
}

TEST_CASE("serving: invalid replicas name the reason", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  SECTION("weights beyond memory") {
    const ServingEstimate e = estimate_serving(workload(llama70b(), 1000, 200), h100, 1, 1);
    CHECK_FALSE(e.valid);
    CHECK_THAT(e.reason, Contains("the weights need 141.1 GB per chip, more than the 73.6 GB usable"));
  }
  SECTION("no room for one request's KV cache beside the weights") {
    // 70.5 GB of weights per chip leave 3.1 GB; 200,000 tokens of context need 32.8 GB per chip.
    const ServingEstimate e = estimate_serving(workload(llama70b(), 100000, 100000), h100, 2, 1);
    CHECK_FALSE(e.valid);
    CHECK(e.max_batch == 0);
    CHECK_THAT(e.reason, Contains("KV cache of one request"));
  }
  SECTION("chips beyond the scale-up domain") {
    const ServingEstimate e = estimate_serving(workload(m, 1000, 200), h100, 16, 1);
    CHECK_FALSE(e.valid);
    CHECK_THAT(e.reason, Contains("16 chips but a h100-x8 system has 8"));
  }
  SECTION("heads that do not split over the chips") {
    const ServingEstimate e = estimate_serving(workload(m, 1000, 200), h100, 3, 1);
    CHECK_FALSE(e.valid);
    CHECK_THAT(e.reason, Contains("32 attention heads do not split evenly over 3 chips"));
  }
  SECTION("batch or chips below 1") {
    CHECK_FALSE(estimate_serving(workload(m, 1000, 200), h100, 1, 0).valid);
    CHECK_FALSE(estimate_serving(workload(m, 1000, 200), h100, 0, 1).valid);
  }
  SECTION("batch auto passes the reason on") {
    const ServingEstimate e = estimate_serving_auto(workload(llama70b(), 1000, 200), h100, 1, {});
    CHECK_FALSE(e.valid);
    CHECK_THAT(e.reason, Contains("weights need"));
  }
}

TEST_CASE("serving: decode throughput grows with the batch and the step turns compute-bound", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  const ServingWorkload w = workload(m, 0, 1);  // no context to speak of: the weights' products alone
  std::vector<ServingEstimate> e;
  for (std::int64_t b = 1; b <= 4096; b *= 2) {
    e.push_back(estimate_serving(w, h100, 1, b));
    REQUIRE(e.back().valid);
  }
  for (std::size_t i = 1; i < e.size(); ++i) {
    CAPTURE(e[i].batch);
    CHECK(e[i].decode_tokens_per_s > e[i - 1].decode_tokens_per_s);
    CHECK(e[i].decode_step_s >= e[i - 1].decode_step_s);
  }
  // Memory-bound at small batch: batch 2 costs what batch 1 does (the same weights, read once).
  CHECK(e[1].decode_step_s == Approx(e[0].decode_step_s).epsilon(0.01));
  CHECK(e[1].decode_tokens_per_s == Approx(2.0 * e[0].decode_tokens_per_s).epsilon(0.01));
  // Compute-bound at large batch: 2 x 2 x params FLOP per row, no faster than the best GEMM efficiency
  // (the catalog's 0.69 at 12288^3, x (1 + 393/12288) as the size grows without bound) ...
  const ServingEstimate& big = e.back();  // batch 4096
  const double flops = 2.0 * params_by_hand(m) * 4096.0;
  const double best_rate = h100.peak_flops_per_s(Precision::kBf16) * h100.chip.gemm_efficiency.value * (1.0 + 393.0 / 12288.0);
  CHECK(big.decode_step_s >= flops / best_rate);
  CHECK(big.decode_step_s > 5.0 * 2.0 * params_by_hand(m) / achievable_hbm(h100));  // far above the weights' read time
  // ... and it grows about linearly with the batch (a little less: larger products run more efficiently).
  const double ratio = e[e.size() - 1].decode_step_s / e[e.size() - 2].decode_step_s;
  CHECK(ratio > 1.8);
  CHECK(ratio <= 2.0);
  CHECK(big.compute_activity > 0.85);
}

TEST_CASE("serving: steady-state identities of continuous batching", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  for (const std::int64_t chips : {1, 2, 8}) {
    for (const std::int64_t batch : {1, 16, 64}) {
      CAPTURE(chips, batch);
      const ServingEstimate e = estimate_serving(workload(llama8b_proxy(), 1000, 200), h100, chips, batch);
      REQUIRE(e.valid);
      const auto b = static_cast<double>(batch);
      CHECK(e.prefill_s > 0);
      // The prefill computes the first of the 200 output tokens; decode the other 199.
      CHECK(e.requests_per_s == Approx(1.0 / (e.prefill_s + 199.0 * e.decode_step_s / b)));
      CHECK(e.tokens_per_s == Approx(200.0 * e.requests_per_s));
      CHECK(e.decode_tokens_per_s == Approx(b / e.decode_step_s));
      CHECK(e.tpot_s == Approx(e.decode_step_s + b * e.prefill_s / 199.0));
      CHECK(e.ttft_s == Approx(e.prefill_s + e.decode_step_s));
      CHECK(e.energy_per_token_j == Approx(e.power_w / e.tokens_per_s));
      CHECK(e.tokens_per_s < e.decode_tokens_per_s);  // prefills take their share of the replica
      // The breakdown adds up to the phases.
      const ServingBreakdown& d = e.breakdown;
      CHECK(d.decode_weights_s + d.decode_attention_s + d.decode_tp_comm_s == Approx(e.decode_step_s));
      CHECK(d.prefill_compute_s + d.prefill_tp_comm_s == Approx(e.prefill_s));
    }
  }
}

TEST_CASE("serving: prefill is compute-bound and costs 2 FLOP per parameter per prompt token", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  const ServingEstimate e = estimate_serving(workload(m, 4096, 1), h100, 1, 1);
  REQUIRE(e.valid);
  // Products: 2 x params x 4096; causal attention per layer: heads x 2 x (2 x s^2 x head_dim) / 2.
  const double linear = 2.0 * params_by_hand(m) * 4096.0;
  const double attention = 32.0 * 32.0 * 2.0 * (2.0 * 4096.0 * 4096.0 * 128.0) * 0.5;
  const double best_rate = h100.peak_flops_per_s(Precision::kBf16) * h100.chip.gemm_efficiency.value * (1.0 + 393.0 / 12288.0);
  CHECK(e.prefill_s >= (linear + attention) / best_rate);
  // At 4096 rows the products run near the catalog's efficiency: within 35% of the sustained rate.
  const double sustained = h100.peak_flops_per_s(Precision::kBf16) * h100.chip.gemm_efficiency.value;
  CHECK(e.prefill_s <= 1.35 * (linear + attention) / sustained);
  // TTFT is the prefill plus one decode iteration.
  CHECK(e.ttft_s == Approx(e.prefill_s + e.decode_step_s));
}

TEST_CASE("serving: prefill and decode on one chip match the roofline of each product by hand", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  TransformerSpec m = llama8b_proxy();
  m.vocab = 128256;
  const HandRoofline r{h100, 2.0};
  // Prefill of 4096 tokens: 32 layers of products and causal attention, then the logits of the last token.
  const ServingEstimate p = estimate_serving(workload(m, 4096, 1), h100, 1, 1);
  REQUIRE(p.valid);
  const double prefill = 32.0 * (r.layer_products(4096.0) + r.attention(1.0, 4096.0, 4096.0, true)) + r.gemm(1.0, 128256.0, 4096.0);
  CHECK(p.prefill_s == Approx(prefill).epsilon(1e-6));
  // Decode at batch 256 (compute-bound products): one row per sequence against the mean context (no
  // prompt, one output token: 0.5), and the logits of every sequence.
  const ServingEstimate d = estimate_serving(workload(m, 0, 1), h100, 1, 256);
  REQUIRE(d.valid);
  const double decode = 32.0 * (r.layer_products(256.0) + r.attention(256.0, 1.0, 0.5, false)) + r.gemm(256.0, 128256.0, 4096.0);
  CHECK(d.decode_step_s == Approx(decode).epsilon(1e-6));
  CHECK(d.breakdown.decode_weights_s == Approx(32.0 * r.layer_products(256.0) + r.gemm(256.0, 128256.0, 4096.0)).epsilon(1e-6));
}

TEST_CASE("serving: compute activity is the FLOP per request over the sustained rate and the replica time per request", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const double params = params_by_hand(llama8b_proxy());
  const double sustained = h100.peak_flops_per_s(Precision::kBf16) * h100.chip.gemm_efficiency.value;
  for (const std::int64_t batch : {1, 32, 200}) {
    CAPTURE(batch);
    const ServingEstimate e = estimate_serving(workload(llama8b_proxy(), 1000, 200), h100, 1, batch);
    REQUIRE(e.valid);
    const auto b = static_cast<double>(batch);
    // Prefill: 2 FLOP per parameter per prompt token, plus causal attention over 1000 tokens.
    const double prefill = 2.0 * params * 1000.0 + 32.0 * 32.0 * 2.0 * (2.0 * 1000.0 * 1000.0 * 128.0) * 0.5;
    // A decode step: 2 FLOP per parameter per sequence, plus attention against the mean context of 1100.
    const double step = 2.0 * params * b + 32.0 * b * 32.0 * 2.0 * (2.0 * 1100.0 * 128.0);
    // Each request: its prefill (which makes the first token) and its share (1 / batch) of the 199 decode
    // steps for the other output tokens, every 1 / requests_per_s.
    CHECK(e.compute_activity == Approx(e.requests_per_s * (prefill + 199.0 * step / b) / sustained).epsilon(1e-6));
  }
}

TEST_CASE("serving: tensor parallelism adds two all-reduces of the activations per layer", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const TransformerSpec m = llama8b_proxy();
  const LinkSpec link{h100.scale_up.bandwidth_bytes_per_s_per_chip.value, h100.scale_up.latency_s.value};
  for (const std::int64_t chips : {2, 4, 8}) {
    CAPTURE(chips);
    const ServingEstimate e = estimate_serving(workload(m, 1000, 200), h100, chips, 32);
    REQUIRE(e.valid);
    // Decode: 32 rows of 4096 bf16 values; prefill: 1000 rows.
    const double decode = 32.0 * 2.0 * best_allreduce({2.0 * 32.0 * 4096.0, chips, link, 1, link}).time_s;
    const double prefill = 32.0 * 2.0 * best_allreduce({2.0 * 1000.0 * 4096.0, chips, link, 1, link}).time_s;
    CHECK(e.breakdown.decode_tp_comm_s == Approx(decode));
    CHECK(e.breakdown.prefill_tp_comm_s == Approx(prefill));
    CHECK(decode > 2.0 * 32.0 * 1e-6);  // at least the link latency, twice per layer
  }
  CHECK(estimate_serving(workload(m, 1000, 200), h100, 1, 32).breakdown.decode_tp_comm_s == 0);
  CHECK(estimate_serving(workload(m, 1000, 200), h100, 1, 32).breakdown.prefill_tp_comm_s == 0);
}

TEST_CASE("serving: batch auto picks the largest batch meeting TTFT and TPOT", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const ServingWorkload w = workload(llama8b_proxy(), 1000, 200);
  struct Case {
    ServingObjectives o;
    const char* what;
  };
  for (const Case& c : {Case{{0.5, 0.03}, "both"}, Case{{0, 0.02}, "tpot"}, Case{{0.04, 0}, "ttft"}}) {
    CAPTURE(c.what);
    const ServingEstimate e = estimate_serving_auto(w, h100, 1, c.o);
    REQUIRE(e.valid);
    CHECK(meets(e, c.o));
    CHECK(e.batch > 1);
    CHECK(e.batch < e.max_batch);  // the objective binds, not the KV cache
    const ServingEstimate next = estimate_serving(w, h100, 1, e.batch + 1);
    CHECK_FALSE(meets(next, c.o));
    // Brute force: the largest batch meeting both, scanning every batch the KV cache allows.
    std::int64_t largest = 0;
    for (std::int64_t b = 1; b <= e.max_batch; ++b)
      if (meets(estimate_serving(w, h100, 1, b), c.o)) largest = b;
    CHECK(e.batch == largest);
  }
  // TTFT and TPOT grow with the batch (what the search relies on).
  double ttft = 0, tpot = 0;
  for (std::int64_t b = 1; b <= 379; b += 6) {
    const ServingEstimate e = estimate_serving(w, h100, 1, b);
    REQUIRE(e.valid);
    CHECK(e.ttft_s >= ttft);
    CHECK(e.tpot_s > tpot);
    ttft = e.ttft_s;
    tpot = e.tpot_s;
  }
}

TEST_CASE("serving: batch auto without objectives fills the KV cache", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const ServingEstimate e = estimate_serving_auto(workload(llama8b_proxy(), 1000, 200), h100, 1, {});
  REQUIRE(e.valid);
  CHECK(e.batch == e.max_batch);
  CHECK(e.batch == 379);
  // Generous objectives: the KV cache binds again.
  const ServingEstimate loose = estimate_serving_auto(workload(llama8b_proxy(), 1000, 200), h100, 1, {100.0, 100.0});
  REQUIRE(loose.valid);
  CHECK(loose.batch == loose.max_batch);
}

TEST_CASE("serving: batch auto with an objective impossible at batch 1 is invalid", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const ServingWorkload w = workload(llama8b_proxy(), 1000, 200);
  // Batch 1 decodes in about 4.7 ms: a 1 ms TPOT is out of reach.
  const ServingEstimate tpot = estimate_serving_auto(w, h100, 1, {0, 0.001});
  CHECK_FALSE(tpot.valid);
  CHECK_THAT(tpot.reason, Contains("no batch meets the objectives"));
  CHECK_THAT(tpot.reason, Contains("TPOT is"));
  CHECK_THAT(tpot.reason, Contains("above the objective of 0.001 s"));
  const ServingEstimate ttft = estimate_serving_auto(w, h100, 1, {0.001, 0});
  CHECK_FALSE(ttft.valid);
  CHECK_THAT(ttft.reason, Contains("no batch meets the objectives"));
  CHECK_THAT(ttft.reason, Contains("TTFT is"));
}

TEST_CASE("serving: best replica has the most tokens per second per chip among the valid sizes", "[serving]") {
  struct Case {
    const char* system;
    TransformerSpec model;
    double input, output;
    ServingObjectives o;
  };
  TransformerSpec wide = llama8b_proxy();  // 48 heads: splits over 12 chips
  wide.hidden = 6144;
  wide.heads = 48;
  wide.kv_heads = 8;
  wide.ffn_hidden = 16384;
  wide.layers = 24;
  TransformerSpec big48 = wide;  // 74.9e9 parameters: 150 GB of bf16, 37 GB per chip on 4 inf2 chips (29 GB usable)
  big48.hidden = 12288;
  big48.ffn_hidden = 32768;
  big48.layers = 48;
  const std::vector<Case> cases = {
      {"h100-x8", llama70b(), 2000, 500, {0, 0.05}},  // 1 chip cannot hold the weights
      {"h100-x8", llama70b(), 2000, 500, {2.0, 0}},
      {"h100-x8", llama8b_proxy(), 1000, 200, {0.5, 0.03}},
      {"h100-x8", llama8b_proxy(), 1000, 200, {}},
      {"inf2-x12", wide, 1000, 200, {0, 0.1}},  // sizes 1, 2, 4 and 12
      {"inf2-x12", big48, 1000, 200, {}},  // only the whole system holds it
  };
  for (const Case& c : cases) {
    const SystemSpec sys = catalog_system(c.system);
    const ServingWorkload w = workload(c.model, c.input, c.output);
    CAPTURE(c.system, c.model.layers, c.o.ttft_s, c.o.tpot_s);
    std::int64_t best_chips = 0;
    double best_per_chip = 0;
    int valid = 0;
    for (const std::int64_t chips : candidate_sizes(sys.chips)) {
      const ServingEstimate e = estimate_serving_auto(w, sys, chips, c.o);
      if (!e.valid) continue;
      ++valid;
      const double per_chip = e.tokens_per_s / static_cast<double>(chips);
      if (per_chip > best_per_chip) {
        best_per_chip = per_chip;
        best_chips = chips;
      }
    }
    REQUIRE(valid > 0);
    const ServingEstimate best = best_serving_replica(w, sys, c.o);
    REQUIRE(best.valid);
    CHECK(best.chips == best_chips);
    CHECK(best.tokens_per_s / static_cast<double>(best.chips) == Approx(best_per_chip));
    CHECK(meets(best, c.o));
  }
  CHECK(candidate_sizes(12) == std::vector<std::int64_t>{1, 2, 4, 12});
  CHECK(best_serving_replica(workload(big48, 1000, 200), catalog_system("inf2-x12"), {}).chips == 12);
  CHECK_FALSE(estimate_serving(workload(llama70b(), 2000, 500), catalog_system("h100-x8"), 1, 1).valid);
}

TEST_CASE("serving: best replica is invalid when no size can serve", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  TransformerSpec m = llama70b();  // 405B-sized: 810 GB of bf16 weights, more than 8 x 73.6 GB
  m.layers = 126;
  m.hidden = 16384;
  m.heads = 128;
  m.ffn_hidden = 53248;
  const ServingEstimate e = best_serving_replica(workload(m, 1000, 200), h100, {});
  CHECK_FALSE(e.valid);
  CHECK_THAT(e.reason, Contains("no replica of 1 to 8 chips can serve it"));
  CHECK_THAT(e.reason, Contains("8 chips: the weights need"));
}

TEST_CASE("serving: chip power lies between idle and busy, and memory-bound decode at the memory power fraction", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  const double idle = h100.chip.power_idle_w.value, busy = h100.chip.power_busy_w.value;
  // The H100 copy at 555.1 W against GEMM at 698.0 W above the 74.4 W idle.
  CHECK(serving_constants::kMemoryPowerFraction == Approx((555.1 - 74.4) / (698.0 - 74.4)));
  CHECK(serving_constants::kMemoryPowerFraction == Approx(0.7708).epsilon(0.001));
  // Batch-1 decode with no prompt: HBM streams the whole time.
  const ServingEstimate mem = estimate_serving(workload(llama8b_proxy(), 0, 1), h100, 1, 1);
  REQUIRE(mem.valid);
  const double expected = idle + (busy - idle) * serving_constants::kMemoryPowerFraction;
  CHECK(expected == Approx(556.6).epsilon(0.001));
  CHECK(mem.chip_power_w == Approx(expected).epsilon(0.02));
  // The replica's power: its chips plus their share of the system's overhead.
  CHECK(mem.power_w == Approx(mem.chip_power_w + h100.overhead_power_w.value / 8.0));
  const ServingEstimate tp = estimate_serving(workload(llama8b_proxy(), 0, 1), h100, 4, 1);
  REQUIRE(tp.valid);
  CHECK(tp.power_w == Approx(4.0 * (tp.chip_power_w + h100.overhead_power_w.value / 8.0)));
  for (const std::int64_t chips : {1, 2, 8}) {
    for (const std::int64_t batch : {1, 8, 32, 100}) {
      for (const double input : {0.0, 1000.0, 4000.0}) {
        CAPTURE(chips, batch, input);
        const ServingEstimate e = estimate_serving(workload(llama8b_proxy(), input, 200), h100, chips, batch);
        REQUIRE(e.valid);
        CHECK(e.chip_power_w >= idle);
        CHECK(e.chip_power_w <= busy);
        CHECK(e.compute_activity >= 0);
        CHECK(e.compute_activity <= 1);
        CHECK(e.memory_activity >= 0);
        CHECK(e.memory_activity <= 1);
      }
    }
  }
  // A compute-bound prefill-heavy load draws more than the memory-bound decode.
  const ServingEstimate prefill_heavy = estimate_serving(workload(llama8b_proxy(), 8000, 1), h100, 1, 1);
  REQUIRE(prefill_heavy.valid);
  CHECK(prefill_heavy.chip_power_w > mem.chip_power_w);
}

TEST_CASE("serving: MoE decode reads only the experts the batch routes to", "[serving]") {
  const SystemSpec h100 = catalog_system("h100-x8");
  TransformerSpec moe = llama8b_proxy();  // 64 experts of width 1792, 8 active
  moe.experts = 64;
  moe.active_experts = 8;
  moe.expert_ffn_hidden = 1792;
  TransformerSpec dense = llama8b_proxy();  // the same MLP parameters in one dense MLP (64 x 1792)
  dense.ffn_hidden = 64 * 1792;
  const double moe_params = params_by_hand(moe), dense_params = params_by_hand(dense);
  CHECK(moe_params == Approx(dense_params).epsilon(0.001));  // all but the router
  CHECK(count_params(moe).total == Approx(moe_params));
  // Layer bytes by hand: attention, router, and `touched` experts of 3 x 4096 x 1792.
  const double attention = 4096.0 * (4096.0 + 2.0 * 1024.0) + 4096.0 * 4096.0;
  const double expert = 3.0 * 4096.0 * 1792.0;
  const double router = 4096.0 * 64.0;
  auto touched = [](double rows) { return 64.0 * (1.0 - std::pow(1.0 - 8.0 / 64.0, rows)); };
  auto step_by_hand = [&](double rows) { return 32.0 * 2.0 * (attention + router + touched(rows) * expert) / achievable_hbm(h100); };
  CHECK(touched(1) == Approx(8.0));
  // On 2 chips, so the 93 GB of weights fit (the experts spread over the chips).
  const ServingWorkload wm = workload(moe, 0, 1), wd = workload(dense, 0, 1);
  const ServingEstimate m1 = estimate_serving(wm, h100, 2, 1), d1 = estimate_serving(wd, h100, 2, 1);
  REQUIRE(m1.valid);
  REQUIRE(d1.valid);
  CHECK(m1.weights_bytes_per_chip == Approx(d1.weights_bytes_per_chip).epsilon(0.001));
  // Batch 1: 8 experts of 64; the step is the bytes of the touched experts on each chip.
  CHECK(m1.decode_step_s == Approx(step_by_hand(1) / 2.0 + m1.breakdown.decode_tp_comm_s).epsilon(0.02));
  CHECK(m1.decode_step_s < 0.25 * d1.decode_step_s);
  // More rows route to more experts: 15 at batch 2, 26.5 at batch 4, all 64 at batch 64.
  double previous = m1.decode_step_s;
  for (const std::int64_t b : {2, 4, 8, 16}) {
    CAPTURE(b);
    const ServingEstimate e = estimate_serving(wm, h100, 2, b);
    REQUIRE(e.valid);
    const auto rows = static_cast<double>(b);
    CHECK(e.decode_step_s > previous);
    CHECK(e.breakdown.decode_weights_s == Approx(step_by_hand(rows) / 2.0).epsilon(0.02));
    previous = e.decode_step_s;
  }
  // Experts are whole on a chip: with 2 active of 64 at batch 1 on 8 chips, 2 experts are touched, a
  // quarter per chip on average, but the chip holding one reads all of it, every layer.
  TransformerSpec sparse = moe;
  sparse.active_experts = 2;
  const ServingEstimate s8 = estimate_serving(workload(sparse, 0, 1), h100, 8, 1);
  REQUIRE(s8.valid);
  CHECK(s8.breakdown.decode_weights_s >= 32.0 * 2.0 * expert / achievable_hbm(h100));
  CHECK(s8.breakdown.decode_weights_s <= 32.0 * 2.0 * (expert + (attention + router) / 8.0 + router) / achievable_hbm(h100) * 1.01);
  const ServingEstimate m64 = estimate_serving(wm, h100, 2, 64), d64 = estimate_serving(wd, h100, 2, 64);
  REQUIRE(m64.valid);
  REQUIRE(d64.valid);
  CHECK(touched(64) == Approx(64.0).epsilon(0.001));
  CHECK(m64.breakdown.decode_weights_s == Approx(d64.breakdown.decode_weights_s).epsilon(0.05));
  // Prefill: each token is computed by its 8 active experts only, 1/8 of the dense model's MLP work.
  const ServingEstimate mp = estimate_serving(workload(moe, 4096, 1), h100, 2, 1), dp = estimate_serving(workload(dense, 4096, 1), h100, 2, 1);
  REQUIRE(mp.valid);
  REQUIRE(dp.valid);
  const double active = 32.0 * (attention + 8.0 * expert);
  const double best_rate = h100.peak_flops_per_s(Precision::kBf16) * h100.chip.gemm_efficiency.value * (1.0 + 393.0 / 12288.0);
  CHECK(mp.prefill_s >= 2.0 * active * 4096.0 / 2.0 / best_rate);
  CHECK(mp.prefill_s < 0.3 * dp.prefill_s);
}
