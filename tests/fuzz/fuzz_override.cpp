// libFuzzer target: input bytes are `--set key.path=value` assignments, one per line (empty lines are
// skipped), applied with apply_override (through LoadOptions::overrides, as the command line does) to
// a valid scenario, which is then loaded with load_scenario_text.
//
// The base scenarios are scenarios/*.yaml, read once at start-up; when there is more than one, the
// first input byte chooses which (and is not part of the assignments).
#include <algorithm>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "sim/io/scenario_loader.hpp"

namespace fs = std::filesystem;

namespace {

struct Base {
  fs::path path;
  std::string text;
};
std::vector<Base> g_bases;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const fs::path dir = fs::path(GIGASIM_SOURCE_DIR) / "scenarios";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    g_bases.push_back({e.path(), buf.str()});
  }
  std::sort(g_bases.begin(), g_bases.end(), [](const Base& a, const Base& b) { return a.path < b.path; });
  if (g_bases.empty()) gigasim::fuzz::bug("no base scenario in " + dir.string());
  // Every base should load unchanged, or the target only tests rejections: say so loudly.
  for (const auto& b : g_bases) {
    try {
      gigasim::io::load_scenario_text(b.text, b.path);
    } catch (const gigasim::io::InputError& e) {
      std::fprintf(stderr, "gigasim fuzz: WARNING: base scenario %s does not load: %s\n", b.path.c_str(), e.what());
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const char* p = reinterpret_cast<const char*>(data);
  const char* end = p + size;
  std::size_t which = 0;
  if (g_bases.size() > 1) {
    if (p == end) return 0;
    which = static_cast<unsigned char>(*p++) % g_bases.size();
  }
  gigasim::io::LoadOptions options;
  while (p < end) {
    const char* nl = std::find(p, end, '\n');
    if (nl > p) options.overrides.emplace_back(p, nl);
    p = nl == end ? end : nl + 1;
  }
  const Base& base = g_bases[which];
  gigasim::fuzz::expect_input_errors_only([&] { gigasim::io::load_scenario_text(base.text, base.path, options); });
  return 0;
}
