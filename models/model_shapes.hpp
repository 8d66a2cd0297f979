// A standard dense transformer shape for a parameter count, for scenarios that give only `params`.
// Aspect ratio hidden/layers ~ 128 (GPT-3 175B: 12288/96; Kaplan et al. 2020 find loss flat over a wide
// range of shapes), hidden a multiple of 1024, head dimension 128, GELU MLP of 4 x hidden, and layers so
// that 12 L h^2 + 2 V h ~ params.
#pragma once

#include <cstdint>

#include "transformer.hpp"

namespace gigasim {
inline constexpr std::int64_t kDefaultVocab = 128'256;  // Llama 3's vocabulary
TransformerSpec standard_shape(double params, std::int64_t seq_len, std::int64_t vocab);
}
