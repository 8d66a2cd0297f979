// A decoder-only transformer described by its architecture, and the work it does per token.
// FLOP counts follow Narayanan et al. 2021 (Megatron-LM) generalised to grouped-query attention,
// gated MLPs and mixture-of-experts; one multiply-add = 2 FLOP.
#pragma once

#include <compare>
#include <cstdint>

namespace gigasim {

enum class Mlp { kGelu, kSwiglu };  // swiglu has three ffn matrices, gelu two
enum class Attention { kFlash, kMaterialized };  // flash: causal blocks skipped, scores never stored

struct TransformerSpec {
  std::int64_t layers = 0;
  std::int64_t hidden = 0;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;  // grouped-query attention; = heads for multi-head attention
  std::int64_t ffn_hidden = 0;  // dense MLP width
  std::int64_t seq_len = 0;
  std::int64_t vocab = 0;
  Mlp mlp = Mlp::kGelu;
  bool tied_embeddings = false;
  // Mixture-of-experts: experts > 0 replaces every layer's MLP by `experts` MLPs of width
  // expert_ffn_hidden, of which `active_experts` process each token.
  std::int64_t experts = 0;
  std::int64_t active_experts = 0;
  std::int64_t expert_ffn_hidden = 0;

  bool moe() const { return experts > 0; }
  std::int64_t head_dim() const { return hidden / heads; }
  std::int64_t kv_dim() const { return head_dim() * kv_heads; }
  std::int64_t mlp_matrices() const { return mlp == Mlp::kSwiglu ? 3 : 2; }
  std::int64_t ffn_width() const { return moe() ? expert_ffn_hidden : ffn_hidden; }
  auto operator<=>(const TransformerSpec&) const = default;
};

// Parameter counts.
struct ParamCount {
  double attention_per_layer = 0;  // QKV and output projections
  double mlp_per_layer = 0;  // all experts of a layer (MoE) or the dense MLP
  double active_mlp_per_layer = 0;  // what one token uses
  double embedding = 0;  // input embedding (+ output projection unless tied)
  double total = 0;
  double active = 0;  // per token (MoE: only the active experts)
};
ParamCount count_params(const TransformerSpec& m);

// Forward FLOP per token, by part (multiply by 3 for forward + backward).
struct TokenFlops {
  double linear_per_layer = 0;  // QKV, output projection, MLP (active experts)
  double attention_per_layer = 0;  // QK^T and AV over the whole sequence (not halved for causality)
  double logits = 0;  // output projection to the vocabulary
  // What MFU counts, forward, per token: 2 x all active parameters (embeddings included) plus the
  // causal half of attention, as in ../shared/calibration ("6N per token + causal attention" for
  // forward + backward).
  double model_forward = 0;
};
TokenFlops token_flops(const TransformerSpec& m);

}  // namespace gigasim
