// gigasim compare OUT_DIR [OUT_DIR...]: reads each run's summary.json, prints the comparison (Markdown) and
// writes comparison.md and comparison.csv (sim/io/compare.hpp).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace gigasim::cli {

struct CompareOptions {
  std::vector<std::string> dirs;
  std::string baseline;  // empty: the first choice
  std::string out;  // empty: the first directory
  bool quiet = false;
};

CLI::App* add_compare_subcommand(CLI::App& app, CompareOptions& o);
int compare_command(const CompareOptions& o);

}  // namespace gigasim::cli
