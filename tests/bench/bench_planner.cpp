// Planner throughput: layouts evaluated per second on one core, for auto layouts of large models.
// Not a test (no wall-clock limits in tests); tools/bench.sh runs it for docs/performance.md.
#include <chrono>
#include <cstdio>
#include <string>

#include "models/planner.hpp"
#include "sim/io/catalog_loader.hpp"

using namespace gigasim;

int main(int argc, char** argv) {
  const std::string catalog = argc > 1 ? argv[1] : GIGASIM_SOURCE_DIR "/platforms/catalog";
  struct Case {
    const char* name;
    const char* system;
    std::int64_t chips;
    TransformerSpec model;
    std::int64_t batch;
  };
  TransformerSpec llama{126, 16384, 128, 8, 53248, 8192, 128256, Mlp::kSwiglu, false, 0, 0, 0};
  TransformerSpec gpt3{96, 12288, 96, 96, 49152, 2048, 51200, Mlp::kGelu, false, 0, 0, 0};
  TransformerSpec moe{64, 8192, 64, 8, 0, 4096, 128000, Mlp::kSwiglu, false, 64, 8, 2048};
  const Case cases[] = {
      {"llama3-405b auto, 16,384 H100", "h100-x8", 16384, llama, 2048},
      {"gpt3-175b auto, 8,192 V100", "v100-x8", 8192, gpt3, 1536},
      {"moe-64x8 auto, 4,608 GB200", "gb200-x72", 4608, moe, 4608},
  };
  for (const Case& c : cases) {
    const SystemSpec sys = io::load_system_file(catalog + "/" + c.system + ".yaml").spec;
    TrainingWorkload w;
    w.model = c.model;
    w.global_batch_sequences = c.batch;
    const TrainingHardware hw = hardware_from_catalog(sys, c.chips);
    std::int64_t evaluated = 0;
    int repeats = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double elapsed = 0;
    PlanResult r;
    do {
      r = plan_layout(w, hw);
      evaluated += r.evaluated;
      ++repeats;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } while (elapsed < 1.0);
    std::printf("%-34s %7lld layouts per plan, %9.0f layouts/s, best %s: tp %lld pp %lld dp %lld ep %lld mb %lld v %lld %s%s, %.3f s/step\n", c.name,
                static_cast<long long>(r.evaluated), static_cast<double>(evaluated) / elapsed, r.found ? "found" : "NONE",
                static_cast<long long>(r.layout.tp), static_cast<long long>(r.layout.pp), static_cast<long long>(r.layout.dp),
                static_cast<long long>(r.layout.ep), static_cast<long long>(r.layout.micro_batch), static_cast<long long>(r.layout.pp_interleave),
                std::string(to_string(r.layout.recompute)).c_str(), r.layout.sequence_parallel ? " SP" : "", r.estimate.step_time_s);
  }
  return 0;
}
