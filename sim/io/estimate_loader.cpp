#include "estimate_loader.hpp"

#include <fmt/format.h>

#include "catalog_loader.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

TransformerSpec read_transformer(const YamlView& v, bool serving) {
  v.expect_map({"layers", "hidden", "heads", "kv_heads", "ffn_hidden", "seq_len", "vocab", "mlp", "tied_embeddings", "experts",
                "active_experts", "expert_ffn_hidden"});
  TransformerSpec m;
  m.layers = v.at("layers").as_integer(1, 10'000);
  m.hidden = v.at("hidden").as_integer(1, 1'000'000);
  m.heads = v.at("heads").as_integer(1, 100'000);
  if (m.hidden % m.heads != 0) v.at("heads").fail(fmt::format("expected a divisor of hidden ({}), got {}", m.hidden, m.heads));
  m.kv_heads = v.has("kv_heads") ? v.at("kv_heads").as_integer(1, 100'000) : m.heads;
  if (m.heads % m.kv_heads != 0) v.at("kv_heads").fail(fmt::format("expected a divisor of heads ({}), got {}", m.heads, m.kv_heads));
  m.ffn_hidden = v.at("ffn_hidden").as_integer(1, 10'000'000);
  // Serving takes its context from the requests; a layers-only proxy (vocab 0) has no embedding or logits.
  if (!serving || v.has("seq_len")) m.seq_len = v.at("seq_len").as_integer(1, 100'000'000);
  m.vocab = v.at("vocab").as_integer(serving ? 0 : 1, 100'000'000);
  if (auto mlp = v.find("mlp")) m.mlp = mlp->as_enum({"gelu", "swiglu"}) == "swiglu" ? Mlp::kSwiglu : Mlp::kGelu;
  if (auto t = v.find("tied_embeddings")) m.tied_embeddings = t->as_bool();
  const bool any_moe = v.has("experts") || v.has("active_experts") || v.has("expert_ffn_hidden");
  if (any_moe) {
    m.experts = v.at("experts").as_integer(1, 1'000'000);
    m.active_experts = v.at("active_experts").as_integer(1, m.experts);
    m.expert_ffn_hidden = v.at("expert_ffn_hidden").as_integer(1, 10'000'000);
  }
  return m;
}

namespace {

// The catalog directory: the file's `catalog` key (relative to the file), else the default.
std::filesystem::path catalog_dir(const YamlView& v, const std::filesystem::path& default_catalog) {
  const auto key = v.find("catalog");
  if (!key) return default_catalog;
  const std::filesystem::path dir = key->as_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) key->fail(fmt::format("catalog directory not found: {}", dir.string()));
  return dir;
}

Precision read_precision(const YamlView& v) {
  Precision p = Precision::kBf16;
  parse_precision(v.as_enum({"fp16", "bf16", "fp8"}), p);
  return p;
}

InferenceEstimateRequest parse_inference(const YamlView& v, const std::shared_ptr<Document>& doc, const std::filesystem::path& default_catalog) {
  v.expect_map({"estimate", "model", "hardware", "chips", "precision", "batch", "ttft_s", "tpot_s", "input_tokens", "output_tokens", "catalog"});
  InferenceEstimateRequest r;
  r.file = doc->file;
  r.workload.model = read_transformer(v.at("model"), true);
  const std::filesystem::path catalog = catalog_dir(v, default_catalog);
  const YamlView hw = v.at("hardware");
  r.hardware_id = hw.as_string();
  r.system = load_system(catalog, r.hardware_id, hw).spec;
  const YamlView chips = v.at("chips");
  r.chips = chips.as_integer(1, 100'000'000);
  if (r.chips > r.system.chips)
    chips.fail(fmt::format("expected at most {} (a replica's tensor parallelism stays inside one {} system), got {}", r.system.chips, r.hardware_id,
                           r.chips));
  if (r.workload.model.heads % r.chips != 0)
    chips.fail(fmt::format("expected a divisor of the model's {} heads (each chip holds whole heads), got {}", r.workload.model.heads, r.chips));
  r.workload.precision = read_precision(v.at("precision"));
  r.workload.input_tokens = v.at("input_tokens").as_number(Range::closed(0, 1e8));
  r.workload.output_tokens = v.at("output_tokens").as_number(Range::closed(1, 1e8));
  const YamlView batch = v.at("batch");
  if (batch.is_scalar() && batch.as_string() == "auto") {
    r.batch = 0;
  } else {
    const std::string text = batch.is_scalar() ? batch.as_string() : std::string();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      batch.fail(fmt::format("expected auto or an integer in [1, 100000000], got {}", batch.describe_value()));
    r.batch = batch.as_integer(1, 100'000'000);
  }
  if (auto x = v.find("ttft_s")) r.objectives.ttft_s = x->as_number(Range::positive());
  if (auto x = v.find("tpot_s")) r.objectives.tpot_s = x->as_number(Range::positive());
  // A replica that cannot serve is bad input: say so at the key to change.
  r.estimate = r.batch > 0 ? estimate_serving(r.workload, r.system, r.chips, r.batch)
                           : estimate_serving_auto(r.workload, r.system, r.chips, r.objectives);
  const ServingEstimate& e = r.estimate;
  if (!e.valid) {
    const bool objectives = e.reason.find("objectives") != std::string::npos;
    const bool kv_batch = r.batch > 0 && e.reason.find("KV cache of " + std::to_string(r.batch) + " requests") != std::string::npos;
    const YamlView at = objectives ? v.at(e.reason.find("TTFT") != std::string::npos ? "ttft_s" : "tpot_s") : kv_batch ? batch : chips;
    at.fail(fmt::format("{} chip{} of {} cannot serve this: {}", r.chips, r.chips == 1 ? "" : "s", r.hardware_id, e.reason));
  }
  return r;
}

TrainingEstimateRequest parse_training(const YamlView& v, const std::shared_ptr<Document>& doc, const std::filesystem::path& default_catalog) {
  v.expect_map({"estimate", "model", "hardware", "chips", "precision", "global_batch_sequences", "micro_batch_sequences", "layout",
                "recompute", "sequence_parallel", "attention", "optimizer_sharding", "overlap_dp", "power_cap_w", "catalog"});
  TrainingEstimateRequest r;
  r.file = doc->file;
  r.workload.model = read_transformer(v.at("model"));
  const std::filesystem::path catalog = catalog_dir(v, default_catalog);
  const YamlView hw = v.at("hardware");
  r.hardware_id = hw.as_string();
  r.system = load_system(catalog, r.hardware_id, hw).spec;
  r.chips = v.at("chips").as_integer(1, 100'000'000);
  r.workload.precision = read_precision(v.at("precision"));
  r.workload.global_batch_sequences = v.at("global_batch_sequences").as_integer(1, 1'000'000'000);
  LayoutConstraints& c = r.constraints;
  if (auto mb = v.find("micro_batch_sequences")) c.micro_batch = mb->as_integer(1, r.workload.global_batch_sequences);
  const YamlView layout = v.at("layout");
  if (layout.is_scalar()) {
    if (layout.as_enum({"auto"}) != "auto") layout.fail("expected auto");
  } else {
    layout.expect_map({"tp", "pp", "dp", "ep", "pp_interleave"});
    if (auto x = layout.find("tp")) c.tp = x->as_integer(1, r.chips);
    if (auto x = layout.find("pp")) c.pp = x->as_integer(1, r.workload.model.layers);
    if (auto x = layout.find("dp")) c.dp = x->as_integer(1, r.chips);
    if (auto x = layout.find("ep")) c.ep = x->as_integer(1, r.chips);
    if (auto x = layout.find("pp_interleave")) c.pp_interleave = x->as_integer(1, r.workload.model.layers);
    const std::int64_t product = c.tp.value_or(1) * c.pp.value_or(1) * c.dp.value_or(1);
    if (c.tp && c.pp && c.dp && product != r.chips)
      layout.fail(fmt::format("tp x pp x dp = {} but chips = {}", product, r.chips));
  }
  if (auto x = v.find("recompute")) {
    const std::string s = x->as_enum({"none", "selective", "full"});
    c.recompute = s == "none" ? Recompute::kNone : s == "selective" ? Recompute::kSelective : Recompute::kFull;
  }
  if (auto x = v.find("sequence_parallel")) c.sequence_parallel = x->as_bool();
  if (auto x = v.find("attention")) r.workload.attention = x->as_enum({"flash", "materialized"}) == "flash" ? Attention::kFlash : Attention::kMaterialized;
  if (auto x = v.find("optimizer_sharding")) {
    const std::string s = x->as_enum({"none", "optimizer", "gradients"});
    r.workload.optimizer_sharding = s == "none" ? OptimizerSharding::kNone : s == "optimizer" ? OptimizerSharding::kOptimizer : OptimizerSharding::kGradients;
  }
  if (auto x = v.find("overlap_dp")) r.workload.overlap_dp = x->as_bool();
  if (auto x = v.find("power_cap_w")) {
    r.power_cap_w = x->as_number(Range::positive());
    if (r.power_cap_w <= r.system.chip.power_idle_w.value)
      x->fail(fmt::format("a cap of {:g} W is at or below the chip's idle power ({:g} W)", r.power_cap_w, r.system.chip.power_idle_w.value));
  }
  return r;
}

EstimateRequest parse(YAML::Node root, const std::shared_ptr<Document>& doc, const std::filesystem::path& default_catalog,
                      const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) apply_override(root, o, *doc);
  const YamlView v(root, "", doc);
  if (!v.is_map()) v.expect_map({"estimate"});  // the usual message for a document that is not a mapping
  EstimateRequest r;
  r.inference = v.at("estimate").as_enum({"training", "inference"}) == "inference";
  if (r.inference) r.inference_request = parse_inference(v, doc, default_catalog);
  else r.training = parse_training(v, doc, default_catalog);
  return r;
}

TrainingEstimateRequest training_only(EstimateRequest r, const std::shared_ptr<Document>& doc) {
  if (r.inference) throw InputError(fmt::format("{}: estimate: expected training here, got inference", doc->file.string()));
  return std::move(r.training);
}

}  // namespace

EstimateRequest load_estimate(const std::filesystem::path& file, const std::filesystem::path& default_catalog, const std::vector<std::string>& overrides) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  return parse(load_yaml_file(file), doc, default_catalog, overrides);
}

EstimateRequest load_estimate_text(const std::string& text, const std::filesystem::path& file, const std::filesystem::path& default_catalog,
                                   const std::vector<std::string>& overrides) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  return parse(parse_yaml_text(text, file), doc, default_catalog, overrides);
}

TrainingEstimateRequest load_training_estimate(const std::filesystem::path& file, const std::filesystem::path& default_catalog,
                                               const std::vector<std::string>& overrides) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  return training_only(parse(load_yaml_file(file), doc, default_catalog, overrides), doc);
}

TrainingEstimateRequest load_training_estimate_text(const std::string& text, const std::filesystem::path& file,
                                                    const std::filesystem::path& default_catalog, const std::vector<std::string>& overrides) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  return training_only(parse(parse_yaml_text(text, file), doc, default_catalog, overrides), doc);
}

}  // namespace gigasim::io
