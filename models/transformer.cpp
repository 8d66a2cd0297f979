#include "transformer.hpp"

namespace gigasim {

ParamCount count_params(const TransformerSpec& m) {
  const auto h = static_cast<double>(m.hidden);
  ParamCount p;
  p.attention_per_layer = h * (h + 2.0 * static_cast<double>(m.kv_dim())) + h * h;
  const double one_mlp = static_cast<double>(m.mlp_matrices()) * h * static_cast<double>(m.ffn_width());
  p.mlp_per_layer = m.moe() ? one_mlp * static_cast<double>(m.experts) + h * static_cast<double>(m.experts) /* router */ : one_mlp;
  p.active_mlp_per_layer = m.moe() ? one_mlp * static_cast<double>(m.active_experts) : one_mlp;
  p.embedding = static_cast<double>(m.vocab) * h * (m.tied_embeddings ? 1.0 : 2.0);
  const auto L = static_cast<double>(m.layers);
  p.total = L * (p.attention_per_layer + p.mlp_per_layer) + p.embedding;
  p.active = L * (p.attention_per_layer + p.active_mlp_per_layer) + p.embedding;
  return p;
}

TokenFlops token_flops(const TransformerSpec& m) {
  const ParamCount p = count_params(m);
  TokenFlops f;
  f.linear_per_layer = 2.0 * (p.attention_per_layer + p.active_mlp_per_layer);
  // QK^T and AV: 2 x (2 x seq x hidden) per token for the full score matrix.
  f.attention_per_layer = 4.0 * static_cast<double>(m.seq_len) * static_cast<double>(m.hidden);
  f.logits = 2.0 * static_cast<double>(m.hidden) * static_cast<double>(m.vocab);
  f.model_forward = 2.0 * p.active + static_cast<double>(m.layers) * f.attention_per_layer / 2.0;
  return f;
}

}  // namespace gigasim
