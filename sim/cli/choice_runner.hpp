// Runs each hardware choice of a scenario in its own child process (SimGrid allows one engine per
// process), at most `parallel` at a time, and collects their results in scenario order.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "sim/io/results.hpp"

namespace gigasim::cli {

struct RunnerOptions {
  unsigned parallel = 1;
  std::string simgrid_log_threshold = "warning";
  bool show_progress = false;  // a status line on stderr (only when it is a terminal)
  bool check_only = false;  // load and check each platform, do not simulate (validate)
};

// Throws io::InputError when a child reports bad input (exit 2), std::runtime_error for any other failure.
std::vector<io::ChoiceResult> run_choices(const Scenario& scenario, const RunnerOptions& options);

// Runs body(0) ... body(count - 1), each in its own child process, at most `parallel` at a time, and
// hands each result to on_result(k, text) in the parent as it arrives (in completion order). A child
// may itself run choices (run_choices): on SIGINT/SIGTERM every child is stopped and waited for, and
// cli::Interrupted is thrown. An io::InputError in child k is rethrown as one, its message prefixed
// with `what(k)`; anything else becomes std::runtime_error.
void run_in_children(std::size_t count, unsigned parallel, const std::function<std::string(std::size_t)>& body,
                     const std::function<void(std::size_t, const std::string&)>& on_result,
                     const std::function<std::string(std::size_t)>& what);

// Runs `body` in a child process and returns what it returned. An io::InputError in the child is
// rethrown as one; anything else (or a crash) becomes std::runtime_error.
std::string run_in_child(const std::function<std::string()>& body);

}  // namespace gigasim::cli
