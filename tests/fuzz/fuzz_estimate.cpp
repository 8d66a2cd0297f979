// libFuzzer target: input bytes are an estimate file's text -> gigasim::io::load_estimate_text, then
// for training the planner and the step model on what loaded, for inference the serving model. A training
// request that loads must either plan a layout or report why none fits, and a planned estimate must be
// finite and self-consistent; a serving replica must be valid with finite, positive figures and its chip
// power between idle and busy, or invalid with a reason.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "models/planner.hpp"
#include "models/serving.hpp"
#include "sim/io/estimate_loader.hpp"

namespace {
const char* const kPath = GIGASIM_SOURCE_DIR "/scenarios/validation/fuzz-input.yaml";
const char* const kCatalog = GIGASIM_SOURCE_DIR "/platforms/catalog";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  gigasim::fuzz::expect_input_errors_only([&] {
    const auto request = gigasim::io::load_estimate_text(text, kPath, kCatalog);
    if (request.inference) {
      const auto& q = request.inference_request;
      if (q.workload.model.layers > 512) return;
      const gigasim::ServingEstimate e = q.batch > 0 ? gigasim::estimate_serving(q.workload, q.system, q.chips, q.batch)
                                                     : gigasim::estimate_serving_auto(q.workload, q.system, q.chips, q.objectives);
      if (!e.valid) {
        if (e.reason.empty()) gigasim::fuzz::bug("an invalid serving replica gave no reason");
        return;
      }
      if (!std::isfinite(e.tokens_per_s) || !(e.tokens_per_s > 0) || !std::isfinite(e.ttft_s) || !std::isfinite(e.tpot_s))
        gigasim::fuzz::bug("a valid serving replica has a non-finite or non-positive rate or latency");
      if (e.chip_power_w < q.system.chip.power_idle_w.value - 1e-9 || e.chip_power_w > q.system.chip.power_busy_w.value + 1e-9)
        gigasim::fuzz::bug("serving chip power outside [idle, busy]");
      if (e.batch > e.max_batch) gigasim::fuzz::bug("a valid serving batch is above the KV cache's limit");
      return;
    }
    const auto& r = request.training;
    // Keep each input cheap: the planner's space grows with the divisors of the chip count.
    if (r.chips > 100'000 || r.workload.model.layers > 512) return;
    gigasim::TrainingHardware hw = gigasim::hardware_from_catalog(r.system, r.chips);
    hw.power_cap_w = r.power_cap_w;
    const gigasim::PlanResult plan = gigasim::find_fitting_layout(r.workload, hw, r.constraints);
    if (!plan.found) {
      if (plan.evaluated > 0 && plan.reason.empty()) gigasim::fuzz::bug("no layout fits, but no reason was given");
      return;
    }
    const auto& e = plan.estimate;
    if (!std::isfinite(e.step_time_s) || !(e.step_time_s > 0)) gigasim::fuzz::bug("a valid layout has a non-finite or non-positive step time");
    if (!std::isfinite(e.memory.total_bytes) || e.memory.total_bytes > e.memory.capacity_bytes) gigasim::fuzz::bug("a valid layout does not fit");
  });
  return 0;
}
