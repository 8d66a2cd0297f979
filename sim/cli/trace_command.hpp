// gigasim trace FILE [--format F] [--limit N] [--time-scale X] [--rate-scale R] [--loop --horizon S]:
// streams a workload trace (docs/traces.md) and prints a summary; bad input exits 2 with one message.
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace gigasim::cli {

struct TraceOptions {
  std::string file;
  std::string format;       // empty: detected from the first line
  std::uint64_t limit = 0;  // 0: the whole trace
  double time_scale = 1.0;
  double rate_scale = 1.0;
  bool loop = false;
  double horizon_s = 0;
  bool horizon_set = false;  // --horizon given
};

// Adds the `trace` subcommand and its options to `app`.
CLI::App* add_trace_subcommand(CLI::App& app, TraceOptions& options);

int trace_command(const TraceOptions& options);

}  // namespace gigasim::cli
