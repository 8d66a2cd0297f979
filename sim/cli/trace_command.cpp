#include "trace_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "sim/io/input_error.hpp"
#include "sim/io/traces/summary.hpp"
#include "sim/io/traces/trace.hpp"
#include "sim/io/traces/transform.hpp"

namespace gigasim::cli {

CLI::App* add_trace_subcommand(CLI::App& app, TraceOptions& o) {
  CLI::App* cmd = app.add_subcommand("trace", "Stream a workload trace (Azure, Mooncake, Acme, Helios, Alibaba openb) and summarize it");
  cmd->add_option("file", o.file, "Trace file (CSV or JSON Lines; docs/traces.md)")->required();
  cmd->add_option("--format", o.format,
                  "Trace format: " + io::traces::trace_format_names() + " (default: detected from the header or first line)");
  cmd->add_option("--limit", o.limit, "Read at most N records")->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000000}));
  cmd->add_option("--time-scale", o.time_scale, "Multiply arrival/submit times by X (0.5: twice as fast)");
  cmd->add_option("--rate-scale", o.rate_scale, "Emit R records per record read (0.25 keeps every 4th, 2 duplicates each)");
  cmd->add_flag("--loop", o.loop, "Replay the trace until --horizon");
  cmd->add_option_function<double>(
      "--horizon",
      [&o](const double& v) {
        o.horizon_s = v;
        o.horizon_set = true;
      },
      "Stop at this time in seconds (needed by --loop)");
  return cmd;
}

int trace_command(const TraceOptions& o) {
  if (!o.format.empty()) io::traces::find_trace_format(o.format, "--format");
  const bool transformed = o.time_scale != 1.0 || o.rate_scale != 1.0 || o.loop || o.horizon_set;
  std::unique_ptr<io::traces::TraceReader> reader;
  if (transformed) {
    io::traces::TraceTransform t;
    t.time_scale = o.time_scale;
    t.rate_scale = o.rate_scale;
    t.loop = o.loop;
    if (o.horizon_set) t.horizon_s = o.horizon_s;
    try {
      io::traces::check_transform(t);
    } catch (const io::InputError& e) {
      const std::string what = e.what();
      const auto colon = what.find(": ");
      const std::string field = what.substr(0, colon);
      const std::string option = field == "time_scale" ? "--time-scale" : field == "rate_scale" ? "--rate-scale" : "--horizon";
      throw io::InputError(option + what.substr(colon));
    }
    reader = io::traces::transform_trace([&] { return io::traces::open_trace_file(o.file, o.format); }, t);
  } else {
    reader = io::traces::open_trace_file(o.file, o.format);
  }
  const io::traces::TraceSummary s = io::traces::summarize_trace(*reader, o.limit);
  if (s.records == 0)
    throw io::InputError(o.file + (transformed ? ": expected at least one record before the horizon, got none"
                                               : ": expected at least one record after the header, got none"));
  if (transformed)
    std::cout << fmt::format("transform: time x{:g}, rate x{:g}{}{}\n", o.time_scale, o.rate_scale, o.loop ? ", looped" : "",
                             o.horizon_set ? fmt::format(", horizon {:g} s", o.horizon_s) : std::string());
  std::cout << io::traces::format_summary(s);
  return 0;
}

}  // namespace gigasim::cli
