// libFuzzer target: input bytes are a catalog entry (platforms/catalog/<id>.yaml).
//
// 1. The bytes are written to a per-process temporary file and loaded with load_system_file (the only
//    API; it reads a file).
// 2. If the entry loads and its id is a plain file name, it is installed as <tmpdir>/<id>.yaml and a
//    small fixed scenario that uses it (one choice with a chip count, one full build-out) is loaded
//    through load_scenario_text: this drives catalog numbers into the scenario checks (block power,
//    hall capacity, host limits), which only catalog files can reach.
// Anything but InputError is a bug (fuzz_common.hpp).
#include <fmt/format.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "fuzz_common.hpp"
#include "sim/io/catalog_loader.hpp"
#include "sim/io/scenario_loader.hpp"

namespace fs = std::filesystem;

namespace {

fs::path g_dir;  // /tmp/gigasim-fuzz-catalog-XXXXXX, removed at exit

void remove_dir() {
  std::error_code ec;
  if (!g_dir.empty()) fs::remove_all(g_dir, ec);
}

void write_file(const fs::path& p, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) gigasim::fuzz::bug("cannot write " + p.string());
}

std::string scenario_text(const std::string& id, std::int64_t system_chips) {
  return fmt::format(R"(name: fuzz-catalog
horizon_days: 30
catalog: {dir}
site:
  power_w: 1.0e9
  pue: 1.2
  electricity_usd_per_kwh: 0.08
  facility_capex_usd_per_w: 10
  layout: {{buildings: 2, halls_per_building: 4}}
workload:
  pretraining:
    - {{name: job, params: 7e9, tokens: 1e12, chips: {chips}, global_batch_tokens: 4194304}}
hardware_choices:
  - {{name: counted, system: '{id}', chips: {chips}}}
  - {{name: full, system: '{id}'}}
)",
                     fmt::arg("dir", g_dir.string()), fmt::arg("id", id), fmt::arg("chips", system_chips));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string templ = (fs::temp_directory_path() / "gigasim-fuzz-catalog-XXXXXX").string();
  if (!mkdtemp(templ.data())) gigasim::fuzz::bug("mkdtemp failed");
  g_dir = templ;
  std::atexit(remove_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::regex kPlainId("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  const fs::path input = g_dir / "input.yaml";
  write_file(input, data, size);
  gigasim::fuzz::expect_input_errors_only([&] {
    const gigasim::io::LoadedSystem sys = gigasim::io::load_system_file(input);
    gigasim::fuzz::expect_single_document(std::string(reinterpret_cast<const char*>(data), size), "a catalog entry");
    if (sys.spec.chips < 1) gigasim::fuzz::bug("a loaded system has chips < 1");
    if (sys.canonical_yaml.empty()) gigasim::fuzz::bug("a loaded system has no canonical YAML");
    const std::string& id = sys.spec.id;
    if (!std::regex_match(id, kPlainId) || id == "input" || id.find("..") != std::string::npos) return;
    const fs::path entry = g_dir / (id + ".yaml");
    write_file(entry, data, size);
    struct Cleanup {
      fs::path p;
      ~Cleanup() {
        std::error_code ec;
        fs::remove(p, ec);
      }
    } cleanup{entry};
    gigasim::fuzz::expect_input_errors_only([&] {
      const gigasim::Scenario s =
          gigasim::io::load_scenario_text(scenario_text(id, sys.spec.chips), g_dir / "fuzz-catalog-scenario.yaml");
      for (const auto& c : s.choices)
        if (c.chips < 1 || c.block_chips < 1 || c.chips % c.block_chips != 0 || c.chips / c.block_chips > gigasim::io::kMaxHosts)
          gigasim::fuzz::bug("choice '" + c.name + "' has inconsistent chip counts");
    });
  });
  return 0;
}
