#include "catalog.hpp"

#include <array>
#include <utility>

namespace gigasim {
namespace {
constexpr std::array<std::pair<Precision, std::string_view>, 3> kPrecisions{{
    {Precision::kFp16, "fp16"},
    {Precision::kBf16, "bf16"},
    {Precision::kFp8, "fp8"},
}};
}  // namespace

std::string_view to_string(Precision p) {
  for (const auto& [v, name] : kPrecisions)
    if (v == p) return name;
  return "unknown";
}

bool parse_precision(std::string_view text, Precision& out) {
  for (const auto& [v, name] : kPrecisions)
    if (name == text) {
      out = v;
      return true;
    }
  return false;
}

double SystemSpec::peak_flops_per_s(Precision p) const {
  if (auto it = chip.dense_flops_per_s.find(p); it != chip.dense_flops_per_s.end()) return it->second.value;
  return chip.dense_flops_per_s.at(Precision::kBf16).value;
}

}  // namespace gigasim
