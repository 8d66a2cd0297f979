#include "platform_probe.hpp"

#include <simgrid/s4u.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace gigasim::sim {

PlatformProbe probe_platform(const std::filesystem::path& xml) {
  std::vector<std::string> args = {"gigasim", "--log=root.thresh:warning"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  simgrid::s4u::Engine engine(&argc, argv.data());
  const auto t0 = std::chrono::steady_clock::now();
  engine.load_platform(xml.string());
  PlatformProbe p;
  p.load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto* h : engine.get_all_hosts()) {
    ++p.hosts;
    p.cores += h->get_core_count();
    if (const char* w = h->get_property("wattage_per_state")) {
      double idle = 0, eps = 0, busy = 0;
      if (std::sscanf(w, "%lf:%lf:%lf", &idle, &eps, &busy) == 3) p.idle_w += idle, p.busy_w += busy;
    }
  }
  p.links = static_cast<std::int64_t>(engine.get_link_count());
  return p;
}

}  // namespace gigasim::sim
