// Loads a SimGrid platform file and reports what SimGrid sees: hosts, cores, power at idle and at full
// load (from wattage_per_state), links, and how long loading took. One engine per process.
#pragma once

#include <cstdint>
#include <filesystem>

namespace gigasim::sim {

struct PlatformProbe {
  std::int64_t hosts = 0;
  std::int64_t cores = 0;
  std::int64_t links = 0;
  double idle_w = 0;  // sum over hosts of the first wattage_per_state value
  double busy_w = 0;  // sum over hosts of the last wattage_per_state value
  double load_s = 0;  // wall time of Engine::load_platform
};

PlatformProbe probe_platform(const std::filesystem::path& xml);

}  // namespace gigasim::sim
