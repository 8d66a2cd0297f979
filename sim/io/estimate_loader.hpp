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
// Inference (one serving replica, models/serving.hpp):
//   estimate: inference
//   model: {... as above; seq_len optional, vocab may be 0 for a layers-only proxy}
//   hardware: <catalog id>   chips: N (tensor parallel, inside one system)   precision: fp16 | bf16 | fp8
//   input_tokens: N   output_tokens: N   batch: N | auto   [ttft_s: S]  [tpot_s: S]  [catalog: DIR]
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/planner.hpp"
#include "models/serving.hpp"
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

struct InferenceEstimateRequest {
  std::filesystem::path file;
  std::string hardware_id;
  SystemSpec system;
  std::int64_t chips = 0;  // one replica
  ServingWorkload workload;
  std::int64_t batch = 0;  // 0: auto (the largest meeting the objectives)
  ServingObjectives objectives;
  ServingEstimate estimate;  // the replica (valid: the loader refuses one that cannot serve)
};

struct EstimateRequest {
  bool inference = false;
  TrainingEstimateRequest training;  // when !inference
  InferenceEstimateRequest inference_request;  // when inference
};

// Either kind, by the file's `estimate` key. `default_catalog` is used when the file has no `catalog` key.
EstimateRequest load_estimate(const std::filesystem::path& file, const std::filesystem::path& default_catalog,
                              const std::vector<std::string>& overrides = {});

EstimateRequest load_estimate_text(const std::string& text, const std::filesystem::path& file, const std::filesystem::path& default_catalog,
                                   const std::vector<std::string>& overrides = {});

// Training only (an inference file is an InputError). `default_catalog` is used when the file has no `catalog` key.
TrainingEstimateRequest load_training_estimate(const std::filesystem::path& file, const std::filesystem::path& default_catalog,
                                               const std::vector<std::string>& overrides = {});
TrainingEstimateRequest load_training_estimate_text(const std::string& text, const std::filesystem::path& file,
                                                    const std::filesystem::path& default_catalog, const std::vector<std::string>& overrides = {});

// Reads a transformer architecture (shared with inference estimates and scenarios).
// `serving`: seq_len is optional and vocab may be 0 (no embedding or output layer).
TransformerSpec read_transformer(const YamlView& v, bool serving = false);

}  // namespace gigasim::io
