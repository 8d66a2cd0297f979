// gigasim: the command-line program. Exit codes: 0 success, 2 bad input, 1 internal error.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <thread>

#include "choice_runner.hpp"
#include "compare_command.hpp"
#include "estimate_command.hpp"
#include "platform_command.hpp"
#include "trace_command.hpp"
#include "signals.hpp"
#include "gigasim/version.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/invariants.hpp"
#include "sim/io/report.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/uncertainty_report.hpp"

namespace {

using namespace gigasim;

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

// Our log level name -> SimGrid's log threshold. SimGrid stays at warning unless more is asked for.
std::string simgrid_threshold(const std::string& level) {
  if (level == "trace" || level == "debug") return "debug";
  if (level == "info") return "info";
  if (level == "error") return "error";
  if (level == "critical" || level == "off") return "critical";
  return "warning";
}

struct CommonOptions {
  std::string scenario;
  std::vector<std::string> sets;
  std::string seed;  // validated like the scenario's `seed` key
  std::string log_level = "warning";
};

void add_common(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("scenario", o.scenario, "Scenario YAML file")->required();
  cmd->add_option("--set", o.sets, "Override a scenario value: key.path=value (repeatable; list elements by index or name)");
  cmd->add_option("--seed", o.seed, "Replace the scenario's seed (an integer in [0, 2^53])");
  cmd->add_option("--log-level", o.log_level, "Log level: trace, debug, info, warning, error, critical, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warning", "error", "critical", "off"}));
}

Scenario load(const CommonOptions& o, std::size_t sample_index = 0, std::size_t sample_count = 0) {
  io::LoadOptions lo;
  lo.overrides = o.sets;
  lo.sample_index = sample_index;
  lo.sample_count = sample_count;
  if (!o.seed.empty()) {
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(o.seed.data(), o.seed.data() + o.seed.size(), v);
    constexpr std::uint64_t kMaxSeed = std::uint64_t{1} << 53;
    if (ec != std::errc() || ptr != o.seed.data() + o.seed.size() || v > kMaxSeed)
      throw io::InputError(fmt::format("--seed: expected an integer in [0, {}], got \"{}\"", kMaxSeed, o.seed));
    lo.seed = v;
  }
  return io::load_scenario(o.scenario, lo);
}

// --samples N: N more runs, each with every distribution drawn (sample k of N), reduced to their numbers
// in child processes and gathered into bands around the central run's outputs.
void add_sample_bands(const CommonOptions& o, const Scenario& scenario, std::size_t samples, const cli::RunnerOptions& ro,
                      io::RunOutputs& outputs) {
  if (scenario.uncertain.empty())
    throw io::InputError(fmt::format("--samples {}: {} gives no number as a distribution, so every sample would be the same run; "
                                     "write one as e.g. pue: {{triangular: [1.1, 1.2, 1.4]}} (docs/scenarios.md#distributions)",
                                     samples, o.scenario));
  io::SampleBands bands(scenario, outputs, samples);
  std::size_t done = 0;
  const bool progress = ro.show_progress;
  cli::RunnerOptions one = ro;
  one.parallel = 1;  // samples run side by side; each runs its choices one after another
  one.show_progress = false;
  cli::run_in_children(
      samples, ro.parallel,
      [&](std::size_t k) {
        const Scenario s = load(o, k, samples);
        const auto results = cli::run_choices(s, one);
        const io::RunOutputs out = io::build_outputs(s, results);
        io::check_invariants(s, results, out);
        return io::to_json(io::reduce_sample(s, out)).dump();
      },
      [&](std::size_t k, const std::string& text) {
        bands.add(k, io::sample_from_json(nlohmann::json::parse(text)));
        if (progress) std::fprintf(stderr, "\r\033[K[samples %zu/%zu]", ++done, samples);
      },
      [&](std::size_t k) { return fmt::format("--samples: sample {} of {}", k, samples); });
  if (progress) std::fprintf(stderr, "\r\033[K");
  bands.apply(outputs);
}

int run_command(const CommonOptions& o, const std::string& out_arg, bool quiet, bool force, unsigned parallel, std::size_t samples) {
  const Scenario scenario = load(o);
  const std::filesystem::path out = out_arg.empty() ? std::filesystem::path("out") / scenario.name : std::filesystem::path(out_arg);
  io::check_output_dir(out, scenario.name, force);
  spdlog::info("scenario '{}' ({} choices, horizon {:.4g} days, seed {})", scenario.name, scenario.choices.size(),
               scenario.horizon_s / 86400.0, scenario.seed);

  cli::RunnerOptions ro;
  ro.parallel = parallel ? parallel : std::max(1u, std::thread::hardware_concurrency());
  ro.simgrid_log_threshold = simgrid_threshold(o.log_level);
  ro.show_progress = !quiet && ::isatty(STDERR_FILENO);
  const auto results = cli::run_choices(scenario, ro);
  cli::throw_if_interrupted();

  io::RunOutputs outputs = io::build_outputs(scenario, results);
  io::check_invariants(scenario, results, outputs);
  if (samples > 0) add_sample_bands(o, scenario, samples, ro, outputs);
  cli::throw_if_interrupted();
  {
    // SIGINT/SIGTERM wait until the three files are in place, so a set is never half replaced.
    const cli::SignalBlock block;
    io::write_outputs(out, outputs);
  }
  if (!quiet) {
    std::cout << io::comparison_table(outputs.summary);
    if (samples > 0) std::cout << io::bands_table(outputs.summary);
    std::cout << "results: " << (out / "summary.json").string() << ", " << (out / "timeseries.csv").string() << ", "
              << (out / "jobs.csv").string() << ", " << (out / "fleet.csv").string()
              << (samples > 0 ? ", " + (out / "samples.csv").string() : std::string()) << "\n";
  }
  return kExitOk;
}

int validate_command(const CommonOptions& o) {
  const Scenario scenario = load(o);
  cli::RunnerOptions ro;
  ro.check_only = true;
  ro.parallel = 1;
  ro.simgrid_log_threshold = simgrid_threshold(o.log_level);
  cli::run_choices(scenario, ro);
  std::cout << "ok: " << o.scenario << ": scenario '" << scenario.name << "', " << scenario.choices.size() << " hardware choices, "
            << scenario.workload.pretraining.size() << " pretraining jobs, "
            << (scenario.uncertain.empty() ? std::string() : fmt::format("{} numbers as distributions (central values; run --samples N to draw them), ", scenario.uncertain.size()))
            << "sha256 " << scenario.resolved_sha256 << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("gigasim");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("gigasim: %l: %v");
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"gigasim: discrete-event simulation of gigawatt-scale AI datacenters (SimGrid)"};
  app.set_version_flag("--version", std::string("gigasim ") + kVersion);
  app.require_subcommand(1);

  CommonOptions run_opts;
  std::string out;
  bool quiet = false, force = false;
  unsigned parallel = 0;
  std::size_t samples = 0;
  CLI::App* run = app.add_subcommand("run", "Simulate every hardware choice of a scenario and write summary.json, timeseries.csv, jobs.csv, fleet.csv");
  add_common(run, run_opts);
  run->add_option("--out", out, "Output directory (default: out/<scenario name>/)");
  run->add_flag("--quiet", quiet, "Print nothing but errors");
  run->add_flag("--force", force, "Overwrite an output directory that holds another scenario's results");
  run->add_option("-j,--jobs", parallel, "Choices (or, with --samples, samples) simulated at once (default: number of cores)")
      ->check(CLI::Range(1u, 1024u));
  run->add_option("--samples", samples,
                  "Also run N samples of the numbers given as distributions and report p5/p50/p95 bands (summary.json, timeseries.csv, samples.csv)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));

  CommonOptions validate_opts;
  CLI::App* validate = app.add_subcommand("validate", "Load and check a scenario (catalog references, platform, ranges) without simulating");
  add_common(validate, validate_opts);

  cli::PlatformOptions platform_opts;
  CLI::App* platform = app.add_subcommand("platform", "Lay out a site (the same code run uses), report chips, power and fabric, write its SimGrid XML");
  platform->add_option("site", platform_opts.site_file, "Site YAML file (a scenario's name, catalog, site and hardware_choices)")->required();
  platform->add_option("-o,--output", platform_opts.output, "Write the SimGrid platform XML to this file");
  platform->add_option("--choice", platform_opts.choice, "The hardware choice to lay out (required when the file has several)");
  platform->add_option("--set", platform_opts.sets, "Override a value: key.path=value (repeatable)");
  platform->add_flag("--load", platform_opts.load, "Also load the XML into SimGrid and report what it sees");
  platform->add_flag("--json", platform_opts.json, "Print the report as JSON");

  cli::EstimateOptions estimate_opts;
  CLI::App* estimate = app.add_subcommand("estimate", "Estimate a training step (time, throughput, MFU, memory, breakdown); JSON on stdout");
  estimate->add_option("file", estimate_opts.file, "Estimate YAML file (estimate: training)")->required();
  estimate->add_option("--set", estimate_opts.sets, "Override a value: key.path=value (repeatable)");
  estimate->add_option("--catalog", estimate_opts.catalog, "Catalog directory (default: $GIGASIM_CATALOG, else the source tree's)");

  cli::TraceOptions trace_opts;
  CLI::App* trace = cli::add_trace_subcommand(app, trace_opts);

  cli::CompareOptions compare_opts;
  CLI::App* compare = cli::add_compare_subcommand(app, compare_opts);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::fprintf(stderr, "gigasim: error: %s\nRun 'gigasim --help' (or 'gigasim SUBCOMMAND --help') for usage.\n", e.what());
    return kExitBadInput;
  }

  const CommonOptions& common = run->parsed() ? run_opts : validate_opts;
  spdlog::set_level(spdlog::level::from_str(common.log_level == "warning" ? "warn" : common.log_level));
  cli::install_signal_handlers();
  try {
    if (platform->parsed()) return cli::platform_command(platform_opts);
    if (estimate->parsed()) return cli::estimate_command(estimate_opts);
    if (trace->parsed()) return cli::trace_command(trace_opts);
    if (compare->parsed()) return cli::compare_command(compare_opts);
    if (run->parsed()) return run_command(run_opts, out, quiet, force, parallel, samples);
    return validate_command(validate_opts);
  } catch (const cli::Interrupted& e) {
    std::fprintf(stderr, "gigasim: interrupted by signal %d; nothing was written (previous results are untouched)\n", e.signo());
    return 128 + e.signo();
  } catch (const io::InputError& e) {
    std::fprintf(stderr, "gigasim: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gigasim: internal error: %s\n", e.what());  // exit 1
    return kExitInternal;
  }
}
