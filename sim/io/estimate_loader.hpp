// `gigasim estimate FILE.yaml`: loads an estimate request. Training:
//   estimate: training
//   model: {layers, hidden, heads, ffn_hidden, seq_len, vocab, [kv_heads, mlp, tied_embeddings,
//           experts, active_experts, expert_ffn_hidden]}
//   hardware: <catalog id>      chips: N       precision: fp16 | bf16 | fp8
//   global_batch_sequences: N   [micro_batch_sequences: N]
//   layout: auto | {tp, pp, dp, ep, pp_interleave}   (keys given are fixed; the rest is searched)
//   [recompute: none | selective | full]  [sequence_parallel: bool]
//   [attention: flash | materialized]  [optimizer_sharding: none | optimizer | gradients]
//   [overlap_dp: bool]  [power_cap_w: W]  [catalog: DIR]
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/planner.hpp"
#include "models/step_model.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

struct TrainingEstimateRequest {
  std::filesystem::path file;
  std::string hardware_id;
  SystemSpec system;
  std::int64_t chips = 0;
  TrainingWorkload workload;
  LayoutConstraints constraints;
  double power_cap_w = 0;
};

// `default_catalog` is used when the file has no `catalog` key.
TrainingEstimateRequest load_training_estimate(const std::filesystem::path& file, const std::filesystem::path& default_catalog,
                                               const std::vector<std::string>& overrides = {});
TrainingEstimateRequest load_training_estimate_text(const std::string& text, const std::filesystem::path& file,
                                                    const std::filesystem::path& default_catalog, const std::vector<std::string>& overrides = {});

// Reads a transformer architecture (shared with inference estimates and scenarios).
TransformerSpec read_transformer(const YamlView& v);

}  // namespace gigasim::io
