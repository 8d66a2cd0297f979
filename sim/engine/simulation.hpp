// Simulates one hardware choice of a scenario in SimGrid. SimGrid allows one engine per process, so
// this is called exactly once per process (gigasim forks a child per choice).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "models/scenario.hpp"
#include "sim/io/results.hpp"

namespace gigasim::sim {

struct SimulationOptions {
  std::string simgrid_log_threshold = "warning";  // SimGrid's own log: critical|error|warning|info|verbose|debug
  // Called at each reporting month with the fraction of the horizon done and the simulated time.
  std::function<void(double fraction, double now_s)> progress;
  // Called when the simulation enters a phase ("load-platform", "simulate"), so a process that dies
  // inside SimGrid can say where.
  std::function<void(const std::string& phase)> on_phase;
  // Where the generated platform XML is written (and removed once SimGrid has read it); empty: $TMPDIR.
  // The runner passes its own temporary directory, which it removes even when a signal kills the child.
  std::filesystem::path scratch_dir;
};

// Throws io::InputError when the choice's platform file does not match the scenario.
io::ChoiceResult simulate_choice(const Scenario& scenario, const HardwareChoice& choice, const SimulationOptions& options);

}  // namespace gigasim::sim
