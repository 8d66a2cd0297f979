#include "uncertainty_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "models/uncertainty.hpp"

namespace gigasim::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPercentiles[] = {5, 50, 95};

void flatten(const nlohmann::json& j, const std::string& path, std::vector<std::pair<std::string, double>>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (path.empty() && (k == "assumptions" || k == "uncertainty")) continue;
      flatten(v, path.empty() ? k : path + "." + k, out);
    }
  } else if (j.is_number()) {
    out.emplace_back(path, j.get<double>());
  }
}

// Splits a timeseries.csv line "choice,month,metric,value,unit" into its key and value.
bool split_row(const std::string& line, std::string& key, double& value, std::string& unit) {
  std::size_t commas[4];
  std::size_t at = 0;
  for (int i = 0; i < 4; ++i) {
    at = line.find(',', i == 0 ? 0 : at + 1);
    if (at == std::string::npos) return false;
    commas[i] = at;
  }
  key = line.substr(0, commas[2]);
  value = std::stod(line.substr(commas[2] + 1, commas[3] - commas[2] - 1));
  unit = line.substr(commas[3] + 1);
  return true;
}

std::vector<double> present(const std::vector<std::vector<double>>& by_sample, std::size_t index) {
  std::vector<double> v;
  v.reserve(by_sample.size());
  for (const auto& s : by_sample)
    if (index < s.size() && !std::isnan(s[index])) v.push_back(s[index]);
  return v;
}

nlohmann::json band_json(const std::vector<double>& v) {
  if (v.empty()) return nullptr;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  return {{"p5", percentile(v, 5)}, {"p50", percentile(v, 50)}, {"p95", percentile(v, 95)}, {"mean", mean}};
}

std::string num(double v) { return fmt::format("{}", v); }

}  // namespace

std::vector<std::pair<std::string, double>> summary_numbers(const nlohmann::json& choice) {
  std::vector<std::pair<std::string, double>> out;
  flatten(choice, "", out);
  return out;
}

SampleRecord reduce_sample(const Scenario& scenario, const RunOutputs& outputs) {
  SampleRecord r;
  for (const auto& u : scenario.uncertain) r.draws.emplace_back(u.key, u.value);
  for (const auto& [choice, c] : outputs.summary.at("choices").items())
    for (auto& [path, v] : summary_numbers(c)) r.metrics.emplace_back(choice + "\t" + path, v);
  std::istringstream in(outputs.timeseries_csv);
  std::string line, key, unit;
  std::getline(in, line);  // header
  double v = 0;
  while (std::getline(in, line))
    if (split_row(line, key, v, unit)) r.rows.emplace_back(key, v);
  return r;
}

nlohmann::json to_json(const SampleRecord& r) { return {{"draws", r.draws}, {"metrics", r.metrics}, {"rows", r.rows}}; }

SampleRecord sample_from_json(const nlohmann::json& j) {
  SampleRecord r;
  r.draws = j.at("draws").get<std::vector<std::pair<std::string, double>>>();
  r.metrics = j.at("metrics").get<std::vector<std::pair<std::string, double>>>();
  r.rows = j.at("rows").get<std::vector<std::pair<std::string, double>>>();
  return r;
}

SampleBands::SampleBands(const Scenario& central, const RunOutputs& outputs, std::size_t count)
    : count_(count), parameters_(central.uncertain), metrics_(count), rows_(count), draws_(count) {
  const SampleRecord c = reduce_sample(central, outputs);
  for (const auto& [k, v] : c.metrics) metric_index_.emplace(k, metric_keys_.size()), metric_keys_.push_back(k);
  for (const auto& [k, v] : c.rows) row_index_.emplace(k, row_keys_.size()), row_keys_.push_back(k);
  for (std::size_t i = 0; i < parameters_.size(); ++i) parameter_index_.emplace(parameters_[i].key, i);
}

void SampleBands::add(std::size_t index, const SampleRecord& record) {
  if (index >= count_) throw std::logic_error("SampleBands::add: sample index out of range");
  auto align = [](const std::vector<std::pair<std::string, double>>& from, const std::unordered_map<std::string, std::size_t>& at,
                  std::size_t size) {
    std::vector<double> v(size, kNaN);
    for (const auto& [k, x] : from)
      if (auto it = at.find(k); it != at.end()) v[it->second] = x;
    return v;
  };
  metrics_[index] = align(record.metrics, metric_index_, metric_keys_.size());
  rows_[index] = align(record.rows, row_index_, row_keys_.size());
  draws_[index] = align(record.draws, parameter_index_, parameters_.size());
}

void SampleBands::apply(RunOutputs& out) const {
  nlohmann::json& sum = out.summary;
  nlohmann::json& u = sum["uncertainty"];
  u["samples"] = count_;
  u["method"] = "Latin hypercube; every choice sees the same draws";
  u["percentiles"] = "linear interpolation between order statistics (Hyndman and Fan's definition 7)";
  for (std::size_t p = 0; p < parameters_.size(); ++p) {
    const auto b = band_json(present(draws_, p));
    u["parameters"][p]["drawn"] = b;
  }
  for (std::size_t m = 0; m < metric_keys_.size(); ++m) {
    const std::string& key = metric_keys_[m];
    const auto tab = key.find('\t');
    sum["choices"][key.substr(0, tab)]["uncertainty"][key.substr(tab + 1)] = band_json(present(metrics_, m));
  }

  // timeseries.csv: the central run's rows, with the samples' percentiles.
  std::istringstream in(out.timeseries_csv);
  std::ostringstream ts;
  std::string line, key, unit;
  std::getline(in, line);
  ts << line << ",p5,p50,p95\n";
  double v = 0;
  while (std::getline(in, line)) {
    ts << line;
    if (split_row(line, key, v, unit)) {
      const auto vals = present(rows_, row_index_.at(key));
      for (double p : kPercentiles) ts << ',' << (vals.empty() ? std::string() : num(percentile(vals, p)));
    } else {
      ts << ",,,";
    }
    ts << '\n';
  }
  out.timeseries_csv = ts.str();

  // samples.csv: every sample's draws and summary numbers, tidy.
  std::ostringstream sc;
  sc << "sample,kind,choice,name,value\n";
  for (std::size_t s = 0; s < count_; ++s) {
    for (std::size_t p = 0; p < parameters_.size(); ++p)
      if (p < draws_[s].size() && !std::isnan(draws_[s][p])) sc << s << ",parameter,," << parameters_[p].key << ',' << num(draws_[s][p]) << '\n';
    for (std::size_t m = 0; m < metric_keys_.size(); ++m) {
      if (m >= metrics_[s].size() || std::isnan(metrics_[s][m])) continue;
      const auto tab = metric_keys_[m].find('\t');
      sc << s << ",metric," << metric_keys_[m].substr(0, tab) << ',' << metric_keys_[m].substr(tab + 1) << ',' << num(metrics_[s][m]) << '\n';
    }
  }
  out.samples_csv = sc.str();
}

std::string bands_table(const nlohmann::json& summary) {
  const auto& u = summary.at("uncertainty");
  std::string t = fmt::format("uncertainty: {} samples (p5 / p50 / p95)\n", u.at("samples").get<std::size_t>());
  t += fmt::format("{:<14} {:>36} {:>36} {:>36}\n", "choice", "tokens", "total_$M", "$/M_tokens");
  auto band = [](const nlohmann::json& b, double scale) {
    if (b.is_null()) return std::string("-");
    return fmt::format("{:.4g} / {:.4g} / {:.4g}", b.at("p5").get<double>() / scale, b.at("p50").get<double>() / scale,
                       b.at("p95").get<double>() / scale);
  };
  for (const auto& [name, c] : summary.at("choices").items()) {
    const auto& b = c.at("uncertainty");
    auto get = [&](const char* k) { return b.contains(k) ? b.at(k) : nlohmann::json(); };
    t += fmt::format("{:<14} {:>36} {:>36} {:>36}\n", name, band(get("training.tokens"), 1), band(get("cost.total_usd"), 1e6),
                     band(get("cost.usd_per_million_tokens_trained"), 1));
  }
  return t;
}

}  // namespace gigasim::io
