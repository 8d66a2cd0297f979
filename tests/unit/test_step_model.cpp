#include <catch2/catch.hpp>

#include <limits>

#include "models/collectives.hpp"
#include "models/planner.hpp"
#include "models/step_model.hpp"
#include "models/transformer.hpp"
#include "sim/io/catalog_loader.hpp"
#include "test_helpers.hpp"

using namespace gigasim;

namespace {

TransformerSpec gpt3_175b() {
  TransformerSpec m;
  m.layers = 96;
  m.hidden = 12288;
  m.heads = 96;
  m.kv_heads = 96;
  m.ffn_hidden = 4 * 12288;
  m.seq_len = 2048;
  m.vocab = 51200;
  return m;
}

SystemSpec catalog_system(const std::string& id) { return io::load_system_file(test::catalog_dir() / (id + ".yaml")).spec; }

}  // namespace

TEST_CASE("parameter and FLOP counts match the closed forms") {
  const TransformerSpec m = gpt3_175b();
  const ParamCount p = count_params(m);
  // 12 h^2 per layer (4 h^2 attention, 8 h^2 MLP) + 2 V h (untied embeddings).
  CHECK(p.attention_per_layer == Approx(4.0 * 12288 * 12288));
  CHECK(p.mlp_per_layer == Approx(8.0 * 12288 * 12288));
  CHECK(p.total == Approx(96 * 12.0 * 12288 * 12288 + 2.0 * 51200 * 12288));
  const TokenFlops f = token_flops(m);
  CHECK(f.linear_per_layer == Approx(24.0 * 12288 * 12288));
  CHECK(f.attention_per_layer == Approx(4.0 * 2048 * 12288));
  CHECK(f.model_forward == Approx(2 * p.total + 96 * 2.0 * 2048 * 12288));

  TransformerSpec g = m;  // grouped-query attention and SwiGLU
  g.kv_heads = 8;
  g.mlp = Mlp::kSwiglu;
  const ParamCount q = count_params(g);
  CHECK(q.attention_per_layer == Approx(12288.0 * (12288 + 2 * 1024) + 12288.0 * 12288));
  CHECK(q.mlp_per_layer == Approx(3.0 * 12288 * 49152));

  TransformerSpec moe = m;  // 8 experts, 2 active
  moe.experts = 8;
  moe.active_experts = 2;
  moe.expert_ffn_hidden = 49152;
  const ParamCount e = count_params(moe);
  CHECK(e.mlp_per_layer == Approx(8 * 8.0 * 12288 * 12288 + 12288 * 8));
  CHECK(e.active_mlp_per_layer == Approx(2 * 8.0 * 12288 * 12288));
}

TEST_CASE("collective algorithms: ring, tree, hierarchical, and the best of them") {
  const LinkSpec link{100e9, 1e-6};
  CollectiveInput in{1e9, 8, link, 1, link};
  CHECK(allreduce_algorithms().at("ring")(in) == Approx(2.0 * 7 / 8 * 1e9 / 100e9 + 14e-6));
  CHECK(allreduce_algorithms().at("tree")(in) == Approx(2.0 * 1e9 / 100e9 + 6e-6));
  CHECK(best_allreduce(in).algorithm == "ring");
  // Tiny messages: latency dominates and the tree wins at scale.
  in.bytes = 1e3;
  in.participants = 1024;
  CHECK(best_allreduce(in).algorithm == "tree");
  // Hierarchical: 8 per fast group at 10x the bandwidth.
  CollectiveInput h{8e9, 64, {10e9, 5e-6}, 8, {100e9, 1e-6}};
  const double inner = 2.0 * (7.0 / 8 * 8e9 / 100e9 + 7e-6);
  const double outer = 2.0 * 7.0 / 8 * 1e9 / 10e9 + 14 * 5e-6;
  CHECK(allreduce_algorithms().at("hierarchical")(h) == Approx(inner + outer));
  CHECK(best_allreduce(h).algorithm == "hierarchical");
  CHECK(best_allreduce({1e9, 1, link, 1, link}).time_s == 0);
}

TEST_CASE("GEMM efficiency reproduces the two measured H100 GEMMs within 1%") {
  const SystemSpec h100 = catalog_system("h100-x8");
  CHECK(gemm_efficiency(h100, 8192, 8192, 8192) * 989e12 == Approx(676e12).epsilon(0.01));
  CHECK(gemm_efficiency(h100, 16384, 16384, 16384) * 989e12 == Approx(691e12).epsilon(0.01));
  CHECK(gemm_efficiency(h100, 16384, 128, 16384) < gemm_efficiency(h100, 16384, 4096, 16384));
}

TEST_CASE("power cap: full speed at the busy power, cube-root slowdown below") {
  const SystemSpec h100 = catalog_system("h100-x8");
  CHECK(power_cap_speed_fraction(h100, 0) == 1.0);
  CHECK(power_cap_speed_fraction(h100, 800) == 1.0);
  CHECK(power_cap_speed_fraction(h100, 74 + (700 - 74) / 8.0) == Approx(0.5));
}

TEST_CASE("activation memory follows Korthikanti et al. 2022 (Table 2)") {
  const SystemSpec a100 = catalog_system("a100-80gb-x8");
  TrainingWorkload w;
  w.model = gpt3_175b();
  w.model.layers = 8;  // 8 layers on one stage: pp = 1, so one micro-batch in flight
  w.global_batch_sequences = 1;
  w.attention = Attention::kMaterialized;
  TrainingHardware hw = hardware_from_catalog(a100, 8);
  const double s = 2048, b = 1, h = 12288, a = 96, t = 8;
  auto activations = [&](Recompute r, bool sp) {
    ParallelLayout l{8, 1, 1, 1, 1, 1, r, sp};
    const StepEstimate e = estimate_step(w, hw, l);
    const double logits = 2 * 4.0 * s * b * 51200 / t;
    return e.memory.activations_bytes - logits;
  };
  CHECK(activations(Recompute::kNone, false) == Approx(8 * s * b * h * (10 + 24 / t + 5 * a * s / (h * t))));
  CHECK(activations(Recompute::kSelective, true) == Approx(8 * s * b * h * 34 / t));
  CHECK(activations(Recompute::kFull, false) == Approx(8 * 2 * s * b * h));
}

TEST_CASE("invalid layouts say why") {
  const SystemSpec h100 = catalog_system("h100-x8");
  TrainingWorkload w;
  w.model = gpt3_175b();
  w.global_batch_sequences = 64;
  const TrainingHardware hw = hardware_from_catalog(h100, 64);
  CHECK_THAT(estimate_step(w, hw, {8, 4, 1}).reason, Catch::Contains("tp x pp x dp = 32 but the job has 64 chips"));
  CHECK_THAT(estimate_step(w, hw, {16, 4, 1}).reason, Catch::Contains("must divide the scale-up domain of 8"));
  CHECK_THAT(estimate_step(w, hw, {1, 1, 64}).reason, Catch::Contains("more than the 73 GB usable"));
  CHECK_THAT(estimate_step(w, hw, {8, 8, 1, 1, 1, 1, Recompute::kNone, false}).reason, Catch::Contains("GB per chip"));
  CHECK(estimate_step(w, hw, {8, 8, 1, 1, 1, 3, Recompute::kFull, false}).valid);
  w.global_batch_sequences = 12;  // 12 micro-batches cannot be interleaved over 8 stages
  CHECK_THAT(estimate_step(w, hw, {8, 8, 1, 1, 1, 3, Recompute::kFull, false}).reason, Catch::Contains("multiple of pp"));
}

TEST_CASE("more bubble, less interleaving: the step time falls as micro-batches grow") {
  const SystemSpec a100 = catalog_system("a100-80gb-x8");
  TrainingWorkload w;
  w.model = gpt3_175b();
  const TrainingHardware hw = hardware_from_catalog(a100, 64);
  const ParallelLayout l{8, 8, 1, 1, 1, 1, Recompute::kFull, false};
  w.global_batch_sequences = 8;
  const StepEstimate few = estimate_step(w, hw, l);
  w.global_batch_sequences = 64;
  const StepEstimate many = estimate_step(w, hw, l);
  REQUIRE(few.valid);
  REQUIRE(many.valid);
  CHECK(few.breakdown.bubble_s / few.step_time_s > many.breakdown.bubble_s / many.step_time_s);
  CHECK(many.breakdown.bubble_s == Approx(7.0 / 64 * (many.step_time_s - many.breakdown.bubble_s - many.breakdown.optimizer_s)).epsilon(0.01));
}

TEST_CASE("the planner returns the same best layout as an independent exhaustive search") {
  const SystemSpec h100 = catalog_system("h100-x8");
  TrainingWorkload w;
  w.model = gpt3_175b();
  w.model.layers = 48;
  w.global_batch_sequences = 256;
  for (std::int64_t chips : {64, 256, 512}) {
    INFO("chips " << chips);
    const TrainingHardware hw = hardware_from_catalog(h100, chips);
    const PlanResult plan = plan_layout(w, hw);
    REQUIRE(plan.found);
    // Brute force over every combination, not through candidate_layouts.
    double best = std::numeric_limits<double>::infinity();
    ParallelLayout best_layout;
    for (std::int64_t tp = 1; tp <= 8; ++tp)
      for (std::int64_t pp = 1; pp <= w.model.layers; ++pp)
        for (std::int64_t mb = 1; mb <= 16; ++mb)
          for (std::int64_t v = 1; v <= 8; ++v)
            for (Recompute r : {Recompute::kNone, Recompute::kSelective, Recompute::kFull})
              for (bool sp : {false, true}) {
                if (chips % (tp * pp) != 0) continue;
                const ParallelLayout l{tp, pp, chips / (tp * pp), 1, mb, v, r, sp};
                const StepEstimate e = estimate_step(w, hw, l);
                if (e.valid && e.step_time_s < best) best = e.step_time_s, best_layout = l;
              }
    CHECK(plan.estimate.step_time_s == Approx(best).epsilon(1e-12));
    CHECK(plan.layout == best_layout);
  }
}

TEST_CASE("find_fitting_layout finds a layout exactly when the planner does") {
  const SystemSpec h100 = catalog_system("h100-x8");
  TrainingWorkload w;
  w.model = gpt3_175b();
  w.global_batch_sequences = 64;
  for (std::int64_t chips : {1, 8, 16, 64}) {
    INFO("chips " << chips);
    const TrainingHardware hw = hardware_from_catalog(h100, chips);
    const PlanResult any = find_fitting_layout(w, hw);
    const PlanResult best = plan_layout(w, hw);
    CHECK(any.found == best.found);
    if (any.found) CHECK(any.estimate.valid);
    CHECK(any.evaluated <= best.evaluated);
  }
}
