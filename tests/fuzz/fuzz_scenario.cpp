// libFuzzer target: input bytes are a scenario file's text -> gigasim::io::load_scenario_text.
//
// The text is loaded as if it were scenarios/fuzz-input.yaml (the file need not exist), so that the
// seeds' `catalog: ../platforms/catalog` and other relative paths resolve inside the source tree.
// A scenario that loads must also satisfy the invariants the loader promises to the engine.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

const char* const kPath = GIGASIM_SOURCE_DIR "/scenarios/fuzz-input.yaml";

void check_invariants(const gigasim::Scenario& s) {
  using gigasim::fuzz::bug;
  if (s.choices.empty()) bug("a loaded scenario has no hardware choice");
  if (!(s.horizon_s > 0)) bug("a loaded scenario has a horizon <= 0");
  if (s.resolved_sha256.size() != 64) bug("a loaded scenario has no resolved_sha256");
  for (const auto& c : s.choices) {
    if (c.roadmap.empty()) bug("choice '" + c.name + "' has no generation");
    if (c.block_chips < 1) bug("choice '" + c.name + "' has a block of < 1 chip");
    for (const auto& g : c.roadmap)
      if (c.block_chips % g.system.chips != 0) bug("choice '" + c.name + "' splits a system across blocks");
    // A static fleet installs `chips`; a roadmap may cap them (0: no cap).
    if (c.procured ? c.chips < 0 : c.chips < 1) bug("choice '" + c.name + "' has a chip count out of range");
    if (c.chips % c.block_chips != 0) bug("choice '" + c.name + "' has chips not a multiple of block_chips");
    if (c.chips / c.block_chips > gigasim::io::kMaxHosts) bug("choice '" + c.name + "' exceeds kMaxHosts");
    if (c.chips > gigasim::io::kMaxChips) bug("choice '" + c.name + "' exceeds kMaxChips");
    if (!c.procured)
      for (const auto& j : s.workload.pretraining)
        if (j.chips > c.chips) bug("job '" + j.name + "' asks for more chips than choice '" + c.name + "' has");
  }
  for (const auto& jc : s.workload.job_classes)
    if (jc.params.empty() || jc.chips.empty() || !(jc.arrivals_per_s > 0) || !(jc.until_s > jc.first_s) || jc.tokens_max < jc.tokens_min)
      bug("job class '" + jc.name + "' is not one the generator accepts");
  for (const auto& j : s.workload.pretraining)
    if (j.submit_s < 0 || j.submit_s >= s.horizon_s) bug("job '" + j.name + "' is submitted outside the horizon");
  // Every number drawn from a distribution lies within the distribution's (checked) support.
  for (const auto& u : s.uncertain) {
    const auto [lo, hi] = gigasim::support(u.distribution);
    if (!(u.value >= lo && u.value <= hi)) bug("parameter '" + u.key + "' drew a value outside its distribution's support");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  gigasim::fuzz::expect_input_errors_only([&] {
    const gigasim::Scenario s = gigasim::io::load_scenario_text(text, kPath);
    check_invariants(s);
    gigasim::fuzz::expect_single_document(text, "a scenario");
    if (!s.uncertain.empty()) {
      // A sample's draws obey the same rules as the central values.
      gigasim::io::LoadOptions o;
      o.sample_count = 3;
      o.sample_index = 1;
      check_invariants(gigasim::io::load_scenario_text(text, kPath, o));
    }
  });
  return 0;
}
