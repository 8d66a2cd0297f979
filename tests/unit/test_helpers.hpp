// Shared helpers for unit tests: a valid system and scenario built in code, and the repo's paths.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "models/scenario.hpp"

namespace gigasim::test {

inline std::filesystem::path source_dir() { return GIGASIM_SOURCE_DIR; }
inline std::filesystem::path catalog_dir() { return source_dir() / "platforms" / "catalog"; }

// A file under ../shared (traces, calibration) that the test needs. When it is absent the test is reported
// as skipped, never as passed: the process exits with 77, which tests/CMakeLists.txt registers as ctest's
// SKIP_RETURN_CODE for unit and simulation tests.
inline void require_shared_file(const std::filesystem::path& path) {
  if (std::filesystem::exists(path)) return;
  std::fprintf(stderr, "SKIPPED: %s is absent (see docs/traces.md)\n", path.c_str());
  std::fflush(nullptr);
  std::_Exit(77);
}

inline Quantity q(double v) { return Quantity{v, {Label::kScenario, "test", ""}}; }

// A simple 8-chip system with round numbers.
inline SystemSpec test_system() {
  SystemSpec s;
  s.id = "test-x8";
  s.chips = 8;
  s.chip.dense_flops_per_s[Precision::kBf16] = q(1000e12);
  s.chip.dense_flops_per_s[Precision::kFp8] = q(2000e12);
  s.chip.gemm_efficiency = q(0.5);
  s.chip.power_idle_w = q(100);
  s.chip.power_busy_w = q(700);
  s.overhead_power_w = q(800);  // 100 W per chip slot
  s.price_usd = q(200000);
  s.scale_out.bandwidth_bytes_per_s_per_chip = q(50e9);
  s.scale_out.latency_s = q(5e-6);
  s.service_life_years = q(5);
  return s;
}

// A minimal valid scenario text using the real catalog; `extra` is appended verbatim.
inline std::string scenario_text(const std::string& choices = "  - {name: h100, system: h100-x8, chips: 64}\n") {
  return "name: unit\n"
         "horizon_days: 30\n"
         "catalog: " + catalog_dir().string() + "\n"
         "site: {power_w: 1.0e7, pue: 1.2, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10}\n"
         "workload:\n"
         "  pretraining:\n"
         "    - {name: j1, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 1, global_batch_tokens: 1048576}\n"
         "hardware_choices:\n" + choices;
}

}  // namespace gigasim::test
