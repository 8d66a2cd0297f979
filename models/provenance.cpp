#include "provenance.hpp"

#include <array>
#include <utility>

namespace gigasim {
namespace {
constexpr std::array<std::pair<Label, std::string_view>, 7> kLabels{{
    {Label::kOfficial, "official"},
    {Label::kVendorClaim, "vendor-claim"},
    {Label::kEstimate, "estimate"},
    {Label::kDerived, "derived"},
    {Label::kMeasured, "measured"},
    {Label::kWhatIf, "what-if"},
    {Label::kScenario, "scenario"},
}};
}  // namespace

std::string_view to_string(Label label) {
  for (const auto& [l, name] : kLabels)
    if (l == label) return name;
  return "unknown";
}

bool parse_label(std::string_view text, Label& out) {
  for (const auto& [l, name] : kLabels)
    if (name == text) {
      out = l;
      return true;
    }
  return false;
}

}  // namespace gigasim
