#include "quantity_reader.hpp"

#include <fmt/format.h>

namespace gigasim::io {
namespace {

Label read_label(const YamlView& v) {
  Label label;
  const std::string text = v.as_enum({"official", "vendor-claim", "estimate", "derived", "measured", "what-if", "scenario"});
  parse_label(text, label);
  return label;
}

}  // namespace

Quantity read_quantity(const YamlView& v, const Range& range) {
  Quantity q;
  // A plain number, a distribution, or a mapping that is neither (as_number says what was expected).
  const bool quantity_map = v.is_map() && (v.has("value") || v.has("label") || v.has("source") || v.has("note"));
  if (!quantity_map) {
    q.value = v.as_number(range);
    q.provenance = {Label::kScenario, v.location(), ""};
    return q;
  }
  v.expect_map({"value", "label", "source", "note"});
  q.value = v.at("value").as_number(range);
  q.provenance.label = v.has("label") ? read_label(v.at("label")) : Label::kScenario;
  q.provenance.source = v.has("source") ? v.at("source").as_string() : v.location();
  if (v.has("note")) q.provenance.note = v.at("note").as_string();
  return q;
}

Quantity read_sourced_quantity(const YamlView& v, const Range& range, const std::map<std::string, std::string>& sources) {
  if (!v.is_map())
    v.fail(fmt::format("expected {{value, label, source}} (catalog numbers carry their provenance), got {}", v.describe_value()));
  v.expect_map({"value", "label", "source", "note"});
  Quantity q;
  q.value = v.at("value").as_number(range);
  q.provenance.label = read_label(v.at("label"));
  const YamlView src = v.at("source");
  const std::string key = src.as_string();
  const auto it = sources.find(key);
  if (it == sources.end()) {
    std::vector<std::string> names;
    for (const auto& [k, text] : sources) names.push_back(k);
    std::string msg = fmt::format("unknown source '{}' (not in this file's sources)", key);
    if (auto best = closest_name(key, names)) msg += fmt::format("; did you mean '{}'?", *best);
    src.fail(msg);
  }
  q.provenance.source = it->second;
  if (v.has("note")) q.provenance.note = v.at("note").as_string();
  return q;
}

}  // namespace gigasim::io
