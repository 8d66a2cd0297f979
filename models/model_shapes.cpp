#include "model_shapes.hpp"

#include <algorithm>
#include <cmath>

namespace gigasim {

TransformerSpec standard_shape(double params, std::int64_t seq_len, std::int64_t vocab) {
  constexpr double kAspect = 128.0;  // hidden / layers
  constexpr std::int64_t kHeadDim = 128;
  // 12 L h^2 with L = h / 128: h^3 = 128 params / 12 (embeddings are small at these sizes).
  const double h_exact = std::cbrt(kAspect * params / 12.0);
  TransformerSpec m;
  // hidden a multiple of 1024 (so heads are a multiple of 8 and any tensor-parallel degree up to 8
  // divides them), as real models are: 7B -> 4096, 13B -> 5120; 128 below 1024.
  const std::int64_t step = h_exact >= 1024 ? 1024 : kHeadDim;
  m.hidden = std::max<std::int64_t>(kHeadDim, static_cast<std::int64_t>(std::llround(h_exact / static_cast<double>(step))) * step);
  const double h = static_cast<double>(m.hidden);
  const double body = std::max(params - 2.0 * static_cast<double>(vocab) * h, 12.0 * h * h);
  m.layers = std::max<std::int64_t>(1, std::llround(body / (12.0 * h * h)));
  m.heads = m.hidden / kHeadDim;
  m.kv_heads = m.heads;
  m.ffn_hidden = 4 * m.hidden;
  m.seq_len = seq_len;
  m.vocab = vocab;
  m.mlp = Mlp::kGelu;
  return m;
}

}  // namespace gigasim
