#include "compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "input_error.hpp"

namespace gigasim::io {

const std::vector<CompareMetric>& compare_metrics() {
  static const std::vector<CompareMetric> m = {
      {"chips_peak", "chips", {"chips"}},
      {"tokens_trained", "tokens", {"training", "tokens"}},
      {"flops_trained", "FLOP", {"training", "flops"}},
      {"tokens_served", "tokens", {"inference", "tokens_served"}},
      {"energy_facility_mwh", "MWh", {"energy", "facility_mwh"}},
      {"power_facility_peak_month_w", "W", {"energy", "facility_power_peak_month_w"}},
      {"capex_usd", "USD", {"cost", "capex_usd"}},
      {"opex_usd", "USD", {"cost", "opex_usd"}},
      {"total_usd", "USD", {"cost", "total_usd"}},
      {"npv_usd", "USD", {"cost", "npv_usd"}},
      {"usd_per_million_tokens_trained", "USD/Mtoken", {"cost", "usd_per_million_tokens_trained"}},
      {"usd_per_million_tokens_served", "USD/Mtoken", {"cost", "usd_per_million_tokens_served"}},
      {"usd_per_pflop_day", "USD/PFLOP-day", {"cost", "usd_per_pflop_day"}},
      {"carbon_t", "t CO2e", {"carbon", "total_t"}},
  };
  return m;
}

namespace {

// Sections a run may lack (a run without inference has no "inference"): the value is missing, not an error.
bool optional_section(const std::string& key) { return key == "inference"; }

std::optional<double> value_at(const CompareRun& run, const std::string& choice, const nlohmann::json& c, const CompareMetric& m) {
  const nlohmann::json* at = &c;
  std::string path = fmt::format("choices.{}", choice);
  for (const std::string& key : m.path) {
    path += "." + key;
    if (!at->is_object() || !at->contains(key)) {
      if (optional_section(key)) return std::nullopt;
      throw InputError(fmt::format("{}: {} is missing: expected a summary.json written by this version of gigasim run", run.file, path));
    }
    at = &(*at)[key];
  }
  if (at->is_null()) return std::nullopt;  // a ratio with a zero denominator
  if (!at->is_number()) throw InputError(fmt::format("{}: {}: expected a number, got {}", run.file, path, at->dump()));
  return at->get<double>();
}

std::string human(double v, const std::string& unit) {
  if (unit == "USD") {
    if (std::abs(v) >= 1e9) return fmt::format("${:.3g}B", v / 1e9);
    if (std::abs(v) >= 1e6) return fmt::format("${:.3g}M", v / 1e6);
    return fmt::format("${:.3g}", v);
  }
  if (unit == "USD/Mtoken" || unit == "USD/PFLOP-day") return fmt::format("${:.4g}", v);
  if (unit == "MWh") {
    if (v >= 1e6) return fmt::format("{:.4g} TWh", v / 1e6);
    return v >= 1e3 ? fmt::format("{:.4g} GWh", v / 1e3) : fmt::format("{:.4g} MWh", v);
  }
  if (unit == "W") return v >= 1e9 ? fmt::format("{:.3g} GW", v / 1e9) : fmt::format("{:.3g} MW", v / 1e6);
  if (unit == "chips") return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

// A CSV cell: quoted when it holds a comma, a quote or a line break (a directory name may).
std::string cell(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = "\"";
  for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

}  // namespace

std::optional<double> Comparison::ratio(std::size_t row, std::size_t metric) const {
  const auto& v = rows[row].values[metric];
  const auto& b = rows[baseline].values[metric];
  if (!v || !b || *b == 0) return std::nullopt;
  return *v / *b;
}

Comparison compare_runs(const std::vector<CompareRun>& runs, const std::string& baseline) {
  Comparison out;
  std::map<std::string, int> seen;
  for (const CompareRun& run : runs) {
    const auto it = run.summary.find("choices");
    if (it == run.summary.end() || !it->is_object() || it->empty())
      throw InputError(fmt::format("{}: no 'choices': expected a summary.json written by gigasim run", run.file));
    for (const auto& [choice, c] : it->items()) {
      ComparisonRow row{choice, run.name, choice, {}};
      for (const CompareMetric& m : compare_metrics()) row.values.push_back(value_at(run, choice, c, m));
      ++seen[choice];
      out.rows.push_back(std::move(row));
    }
  }
  // Labels: the choice's name, prefixed with its run's when the name appears in several runs.
  std::map<std::string, int> labels;
  for (ComparisonRow& r : out.rows) {
    if (seen[r.choice] > 1) r.label = r.run + "/" + r.choice;
    if (++labels[r.label] > 1)
      throw InputError(fmt::format("two runs are both named '{}' with a choice '{}': compare runs from directories with different names", r.run,
                                   r.choice));
  }
  if (!baseline.empty()) {
    std::vector<std::size_t> hits;
    for (std::size_t i = 0; i < out.rows.size(); ++i)
      if (out.rows[i].label == baseline) hits = {i};
    if (hits.empty())
      for (std::size_t i = 0; i < out.rows.size(); ++i)
        if (out.rows[i].choice == baseline) hits.push_back(i);
    if (hits.size() != 1) {
      std::string names;
      for (const auto& r : out.rows) names += (names.empty() ? "" : ", ") + r.label;
      throw InputError(fmt::format("--baseline '{}' {} (the choices are: {})", baseline, hits.empty() ? "names no choice" : "is ambiguous", names));
    }
    out.baseline = hits.front();
  }
  return out;
}

std::string comparison_markdown(const Comparison& c) {
  // Metrics down, choices across: a handful of choices stay readable; each cell is the value and its
  // ratio to the baseline.
  const auto& metrics = compare_metrics();
  std::string t = "| metric |";
  std::string rule = "|---|";
  for (const auto& r : c.rows) t += " " + r.label + " |", rule += "---|";
  t += "\n" + rule + "\n";
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    t += "| " + metrics[i].name + " |";
    for (std::size_t r = 0; r < c.rows.size(); ++r) {
      const auto& v = c.rows[r].values[i];
      const auto x = c.ratio(r, i);
      std::string cell = v ? human(*v, metrics[i].unit) : std::string("-");
      if (x && r != c.baseline) cell += fmt::format(" ({:.2f}x)", *x);
      t += " " + cell + " |";
    }
    t += "\n";
  }
  t += fmt::format("\nIn parentheses: the ratio to {} (value / baseline); - where a run has no such figure.\n", c.rows[c.baseline].label);
  return t;
}

std::string comparison_csv(const Comparison& c) {
  std::string t = "label,run,choice,metric,value,unit,ratio_to_baseline\n";
  const auto& metrics = compare_metrics();
  for (std::size_t r = 0; r < c.rows.size(); ++r)
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      const auto& v = c.rows[r].values[i];
      const auto x = c.ratio(r, i);
      t += fmt::format("{},{},{},{},{},{},{}\n", cell(c.rows[r].label), cell(c.rows[r].run), cell(c.rows[r].choice), metrics[i].name, v ? fmt::format("{}", *v) : "",
                       metrics[i].unit, x ? fmt::format("{}", *x) : "");
    }
  return t;
}

}  // namespace gigasim::io
