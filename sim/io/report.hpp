// Turns simulated results into the run's outputs: summary.json, timeseries.csv (tidy long form:
// choice,month,metric,value,unit), jobs.csv, fleet.csv (the procurement plan), and the comparison table printed on stdout.
// Numbers are printed in shortest round-trip form, so identical runs give byte-identical files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/scenario.hpp"
#include "results.hpp"

namespace gigasim::io {

struct RunOutputs {
  nlohmann::json summary;
  std::string timeseries_csv;
  std::string jobs_csv;
  std::string fleet_csv;  // the procurement plan: one row per lot
  std::string samples_csv;  // --samples only: every sample's draws and numbers (else no samples.csv)
};

RunOutputs build_outputs(const Scenario& scenario, const std::vector<ChoiceResult>& results);

// A fixed-width comparison of the choices, one row each.
std::string comparison_table(const nlohmann::json& summary);

// Writes `content` to `path` through a temporary file in the same directory and a rename, so a reader
// never sees a half-written file.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Refuses (InputError) to write into `dir` when it holds results of another scenario, unless `force`.
void check_output_dir(const std::filesystem::path& dir, const std::string& scenario_name, bool force);

// Writes the four files (five with samples.csv) into `dir` (created if needed), each atomically; a
// samples.csv left by an earlier sampled run is removed when this run has none.
void write_outputs(const std::filesystem::path& dir, const RunOutputs& outputs);

}  // namespace gigasim::io
