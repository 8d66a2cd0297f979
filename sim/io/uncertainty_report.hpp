// `gigasim run --samples N`: what each sampled run contributes (its numbers, reduced from its outputs)
// and how they become bands around the central run: p5, p50 and p95 per metric and choice in
// summary.json, extra columns p5,p50,p95 in timeseries.csv, and every sample's numbers in samples.csv.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/scenario.hpp"
#include "report.hpp"

namespace gigasim::io {

// One sampled run, reduced: what its distributions drew, and every number of its outputs.
struct SampleRecord {
  std::vector<std::pair<std::string, double>> draws;  // parameter key -> value
  std::vector<std::pair<std::string, double>> metrics;  // "choice\tpath" -> value (summary.json's numbers)
  std::vector<std::pair<std::string, double>> rows;  // "choice,month,metric" -> value (timeseries.csv)
};

SampleRecord reduce_sample(const Scenario& scenario, const RunOutputs& outputs);
nlohmann::json to_json(const SampleRecord& r);
SampleRecord sample_from_json(const nlohmann::json& j);

// The numbers of a choice's summary that get bands: every number outside `assumptions` and outside
// lists, by dotted path ("cost.total_usd").
std::vector<std::pair<std::string, double>> summary_numbers(const nlohmann::json& choice);

// Collects N samples aligned on the central run's metrics and rows (a number the central run does
// not have is not banded; a number a sample lacks is left out of that number's percentiles).
class SampleBands {
 public:
  SampleBands(const Scenario& central, const RunOutputs& outputs, std::size_t count);
  void add(std::size_t index, const SampleRecord& record);
  // Adds the bands to `outputs` (the central run's): summary.json's `uncertainty` sections, the
  // p5,p50,p95 columns of timeseries.csv, and samples.csv.
  void apply(RunOutputs& outputs) const;

 private:
  std::size_t count_;
  std::vector<UncertainInput> parameters_;  // as the central run read them
  std::vector<std::string> metric_keys_, row_keys_;
  std::unordered_map<std::string, std::size_t> metric_index_, row_index_, parameter_index_;
  std::vector<std::vector<double>> metrics_, rows_, draws_;  // [sample][index], NaN where missing
};

// The bands of a few headline metrics per choice, for the terminal.
std::string bands_table(const nlohmann::json& summary);

}  // namespace gigasim::io
