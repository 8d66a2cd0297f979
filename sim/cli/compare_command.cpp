#include "compare_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/io/compare.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/report.hpp"

namespace gigasim::cli {

CLI::App* add_compare_subcommand(CLI::App& app, CompareOptions& o) {
  CLI::App* c = app.add_subcommand("compare", "Compare the choices of one or more runs (their summary.json): Markdown on stdout, comparison.md and .csv");
  c->add_option("out_dirs", o.dirs, "Output directories of gigasim run")->required();
  c->add_option("--baseline", o.baseline, "The choice the ratios are to (a choice name, or run/choice; default: the first)");
  c->add_option("--out", o.out, "Where to write comparison.md and comparison.csv (default: the first directory)");
  c->add_flag("--quiet", o.quiet, "Print nothing but errors");
  return c;
}

int compare_command(const CompareOptions& o) {
  namespace fs = std::filesystem;
  std::vector<io::CompareRun> runs;
  for (const std::string& d : o.dirs) {
    const fs::path dir(d);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw io::InputError(fmt::format("{}: not a directory (expected the output directory of gigasim run)", d));
    const fs::path file = dir / "summary.json";
    std::ifstream in(file);
    if (!in) throw io::InputError(fmt::format("{}: cannot read it: is {} the output of gigasim run?", file.string(), d));
    io::CompareRun run;
    run.file = file.string();
    try {
      run.summary = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw io::InputError(fmt::format("{}: not valid JSON (byte {}): {}", file.string(), e.byte, e.what()));
    }
    const fs::path canonical = fs::weakly_canonical(dir, ec);
    run.name = (ec ? dir : canonical).filename().string();
    if (run.name.empty()) run.name = d;
    runs.push_back(std::move(run));
  }
  const io::Comparison c = io::compare_runs(runs, o.baseline);
  const std::string md = io::comparison_markdown(c);
  const fs::path out = o.out.empty() ? fs::path(o.dirs.front()) : fs::path(o.out);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec || !fs::is_directory(out)) throw io::InputError(fmt::format("{}: cannot create the output directory", out.string()));
  std::string header = "# Comparison\n\nRuns: ";
  for (std::size_t i = 0; i < runs.size(); ++i)
    header += fmt::format("{}`{}` (scenario `{}`)", i ? ", " : "", o.dirs[i], runs[i].summary.value("scenario", std::string("?")));
  header += "\n\n";
  io::write_file_atomic(out / "comparison.md", header + md);
  io::write_file_atomic(out / "comparison.csv", io::comparison_csv(c));
  if (!o.quiet) std::cout << md << "\nwrote " << (out / "comparison.md").string() << " and " << (out / "comparison.csv").string() << "\n";
  return 0;
}

}  // namespace gigasim::cli
