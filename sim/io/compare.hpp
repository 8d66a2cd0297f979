// `gigasim compare`: the headline figures of one or more runs (their summary.json), per hardware choice,
// side by side and as ratios to a baseline choice. Pure: JSON in, text out (the command reads and writes
// the files).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gigasim::io {

struct CompareMetric {
  std::string name;  // column name, e.g. "usd_per_million_tokens_trained"
  std::string unit;
  std::vector<std::string> path;  // inside a choice of summary.json, e.g. {"cost", "total_usd"}
};

// The metrics compared, in order.
const std::vector<CompareMetric>& compare_metrics();

struct CompareRun {
  std::string name;  // how the run is named in labels (its directory)
  std::string file;  // summary.json, for messages
  nlohmann::json summary;
};

struct ComparisonRow {
  std::string label;  // the choice's name, or "<run>/<choice>" when names repeat across runs
  std::string run, choice;
  std::vector<std::optional<double>> values;  // per metric; empty when the run does not have it (no inference)
};

struct Comparison {
  std::vector<ComparisonRow> rows;
  std::size_t baseline = 0;  // index into rows
  // values[i] / baseline's values[i]; empty when either is missing or the baseline's is 0
  std::optional<double> ratio(std::size_t row, std::size_t metric) const;
};

// Throws InputError naming the file and key when a summary lacks what is compared, and when `baseline`
// (a label or, if unambiguous, a choice name; empty: the first row) names no row.
Comparison compare_runs(const std::vector<CompareRun>& runs, const std::string& baseline);

// A Markdown report: the values (in readable units), then the ratios to the baseline.
std::string comparison_markdown(const Comparison& c);
// Tidy CSV: label,run,choice,metric,value,unit,ratio_to_baseline (empty cells where a value is missing).
std::string comparison_csv(const Comparison& c);

}  // namespace gigasim::io
