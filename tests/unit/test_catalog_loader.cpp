#include <catch2/catch.hpp>

#include "sim/io/catalog_loader.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
using namespace gigasim::io;

TEST_CASE("every catalog entry loads, has an id equal to its file name, and sources every number") {
  const auto ids = list_system_ids(test::catalog_dir());
  REQUIRE(ids.size() >= 2);
  for (const auto& id : ids) {
    INFO("system " << id);
    const LoadedSystem sys = load_system_file(test::catalog_dir() / (id + ".yaml"));
    CHECK(sys.spec.id == id);
    CHECK(sys.spec.chips >= 1);
    for (const Quantity* qp : {&sys.spec.chip.gemm_efficiency, &sys.spec.chip.power_busy_w, &sys.spec.price_usd,
                               &sys.spec.scale_out.bandwidth_bytes_per_s_per_chip, &sys.spec.service_life_years}) {
      CHECK_FALSE(qp->provenance.source.empty());
      CHECK(qp->provenance.label != Label::kScenario);
    }
    if (sys.spec.label == Label::kWhatIf || sys.spec.label == Label::kEstimate) CHECK_FALSE(sys.spec.assumptions.empty());
  }
}

TEST_CASE("the H100 entry reconciles with the calibration") {
  const SystemSpec h = load_system_file(test::catalog_dir() / "h100-x8.yaml").spec;
  // ../shared/calibration: bf16 GEMM 676 and 691 TFLOP/s at the 700 W cap; idle 74 W.
  const double sustained = h.peak_flops_per_s(Precision::kBf16) * h.chip.gemm_efficiency.value;
  CHECK(sustained == Approx((676.0e12 + 691.0e12) / 2).epsilon(0.01));
  CHECK(h.chip.power_idle_w.value == 74);
  CHECK(h.chip.power_busy_w.value == 700);
  CHECK(h.chip.gemm_efficiency.provenance.label == Label::kMeasured);
}
