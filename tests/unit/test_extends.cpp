// `extends`: a scenario built on another. Mappings merge key by key, other values replace, null removes;
// messages and relative paths follow the file each value was written in.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <unistd.h>

#include "sim/io/scenario_loader.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
namespace fs = std::filesystem;

namespace {

struct Files {
  // Its own directory per process: ctest runs the cases of this file side by side.
  fs::path dir = fs::temp_directory_path() / ("gigasim-unit-extends-" + std::to_string(::getpid()));
  Files() {
    fs::remove_all(dir);
    fs::create_directories(dir / "base");
    fs::create_directories(dir / "variants");
    // The base lives in its own directory; its catalog path is relative to it.
    write("base/base.yaml",
          "name: base\nseed: 3\nhorizon_days: 30\ncatalog: " + fs::relative(test::catalog_dir(), dir / "base").string() +
              "\nsite: {power_w: 1.0e7, pue: 1.2, electricity_usd_per_kwh: 0.1, facility_capex_usd_per_w: 10}\n"
              "workload:\n  pretraining:\n"
              "    - {name: j1, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 1, global_batch_tokens: 1048576}\n"
              "    - {name: j2, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 2, global_batch_tokens: 1048576}\n"
              "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 64}\n");
  }
  ~Files() { fs::remove_all(dir); }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(dir / rel) << text; }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("extends: mappings merge, lists and numbers replace, null removes") {
  const Files f;
  f.write("variants/v.yaml",
          "extends: ../base/base.yaml\nname: v\n"
          "site: {pue: 1.3, network: {power_w_per_chip: 50}}\n"
          "workload:\n  pretraining:\n"
          "    - {name: only, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 1, global_batch_tokens: 1048576}\n"
          "seed: null\n");
  const Scenario s = io::load_scenario(f.dir / "variants/v.yaml");
  CHECK(s.name == "v");
  CHECK(s.site.pue.value == 1.3);                         // replaced
  CHECK(s.site.electricity_usd_per_kwh.value == 0.1);     // kept from the base (a merged mapping)
  CHECK(s.site.network_power_w_per_chip.value == 50);     // added
  REQUIRE(s.workload.pretraining.size() == 1);            // a list replaces the base's whole
  CHECK(s.workload.pretraining[0].name == "only");
  CHECK(s.seed == 0);                                     // removed: the default
  CHECK(s.catalog_dir == (f.dir / "base" / fs::relative(test::catalog_dir(), f.dir / "base")));  // the base's relative path
  // Provenance follows the file: pue from the variant, the electricity price from the base.
  CHECK(s.site.pue.provenance.source.find("variants/v.yaml:3:") != std::string::npos);
  CHECK(s.site.electricity_usd_per_kwh.provenance.source.find("base/base.yaml:5:") != std::string::npos);
  // --set applies over the merged tree.
  io::LoadOptions o;
  o.overrides = {"site.pue=1.4"};
  CHECK(io::load_scenario(f.dir / "variants/v.yaml", o).site.pue.value == 1.4);
}

TEST_CASE("extends: chains, the hash of what was resolved, and errors in the file that holds them") {
  const Files f;
  f.write("variants/a.yaml", "extends: ../base/base.yaml\nname: a\nsite: {pue: 1.3}\n");
  f.write("variants/b.yaml", "extends: a.yaml\nname: b\nsite: {electricity_usd_per_kwh: 0.2}\n");
  const Scenario b = io::load_scenario(f.dir / "variants/b.yaml");
  CHECK(b.site.pue.value == 1.3);
  CHECK(b.site.electricity_usd_per_kwh.value == 0.2);
  CHECK(b.workload.pretraining.size() == 2);
  // The same resolved content written out in one file hashes the same as the chain.
  f.write("variants/flat.yaml", "name: b\nseed: 3\nhorizon_days: 30\ncatalog: ../base/" + fs::relative(test::catalog_dir(), f.dir / "base").string() +
                                    "\nsite: {power_w: 1.0e7, pue: 1.3, electricity_usd_per_kwh: 0.2, facility_capex_usd_per_w: 10}\n"
                                    "workload:\n  pretraining:\n"
                                    "    - {name: j1, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 1, global_batch_tokens: 1048576}\n"
                                    "    - {name: j2, params: 1.0e9, tokens: 1.0e11, chips: 64, submit_day: 2, global_batch_tokens: 1048576}\n"
                                    "hardware_choices:\n  - {name: h100, system: h100-x8, chips: 64}\n");
  const Scenario flat = io::load_scenario(f.dir / "variants/flat.yaml");
  CHECK(flat.site.pue.value == b.site.pue.value);
  CHECK(flat.workload.pretraining.size() == b.workload.pretraining.size());
  // An unknown key in the middle file is reported there, with its line.
  f.write("variants/a.yaml", "extends: ../base/base.yaml\nname: a\nsite: {pue: 1.3, puee: 1}\n");
  const std::string e = error_of([&] { io::load_scenario(f.dir / "variants/b.yaml"); });
  CHECK(e.find("variants/a.yaml:3:") != std::string::npos);
  CHECK(e.find("site.puee: unknown key") != std::string::npos);
  // A scenario that extends itself.
  f.write("variants/self.yaml", "extends: self.yaml\nname: self\n");
  CHECK(error_of([&] { io::load_scenario(f.dir / "variants/self.yaml"); }).find("a cycle of extends: self.yaml -> self.yaml") != std::string::npos);
  // Too deep.
  for (int i = 0; i < 10; ++i) f.write("variants/d" + std::to_string(i) + ".yaml", "extends: d" + std::to_string(i + 1) + ".yaml\nname: d\n");
  f.write("variants/d10.yaml", "extends: ../base/base.yaml\nname: d\n");
  CHECK(error_of([&] { io::load_scenario(f.dir / "variants/d0.yaml"); }).find("more than 8 levels of extends") != std::string::npos);
}
