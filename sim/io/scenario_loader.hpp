// YAML scenario -> validated Scenario. Strict: unknown keys, wrong types, out-of-range values, unknown
// catalog ids and inconsistent choices are InputErrors naming file, line, column and key path.
// Paths inside a scenario resolve relative to the scenario file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <cstdint>
#include <optional>

#include "models/scenario.hpp"
#include "input_error.hpp"

namespace gigasim::io {

struct LoadOptions {
  std::vector<std::string> overrides;  // "key.path=value", applied in order before validation
  std::optional<std::uint64_t> seed;  // replaces the scenario's seed when set
  // How numbers given as distributions resolve: central values (count 0), or sample index of count,
  // drawn from a stream of their own seeded from the scenario's seed (models/uncertainty.hpp).
  std::size_t sample_index = 0;
  std::size_t sample_count = 0;
};

Scenario load_scenario(const std::filesystem::path& file, const LoadOptions& options = {});

// A site file (for `gigasim platform`): a scenario with only name, description, catalog, site and
// hardware_choices; site prices are optional. Returned as a Scenario with no workload and no horizon.
Scenario load_site(const std::filesystem::path& file, const LoadOptions& options = {});

// The same, from text (for tests and fuzzing); `file` is only used in messages and to resolve paths.
Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file, const LoadOptions& options = {});

// Limits that keep absurd inputs from exhausting memory before anything runs.
inline constexpr std::int64_t kMaxChips = 100'000'000;  // 100 M accelerators (~50-100 GW)
inline constexpr std::int64_t kMaxHosts = 200'000;  // SimGrid hosts per choice (~3.2 KB and ~23 us each)
inline constexpr double kMaxHorizonYears = 50;
inline constexpr std::size_t kMaxJobs = 1'000'000;
inline constexpr std::int64_t kMaxHalls = 10'000;
// The standard shape of a job given only `params`: sequence length and vocabulary (Llama 3's).
inline constexpr std::int64_t kDefaultSeqLen = 4096;

}  // namespace gigasim::io
