#include "estimate_command.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "models/planner.hpp"
#include "sim/io/estimate_loader.hpp"
#include "sim/io/input_error.hpp"

namespace gigasim::cli {

std::string default_catalog_dir() {
  if (const char* env = std::getenv("GIGASIM_CATALOG"); env && *env) return env;
  return GIGASIM_DEFAULT_CATALOG;
}

int estimate_command(const EstimateOptions& o) {
  const std::string catalog = o.catalog.empty() ? default_catalog_dir() : o.catalog;
  const io::TrainingEstimateRequest r = io::load_training_estimate(o.file, catalog, o.sets);
  TrainingHardware hw = hardware_from_catalog(r.system, r.chips);
  hw.power_cap_w = r.power_cap_w;
  const PlanResult plan = plan_layout(r.workload, hw, r.constraints);
  if (!plan.found)
    throw io::InputError(fmt::format("{}: layout: no layout fits {} chips of {} ({} candidates): {}", o.file, r.chips, r.hardware_id,
                                     plan.evaluated, plan.reason.empty() ? "no candidate satisfies the constraints" : plan.reason));
  const StepEstimate& e = plan.estimate;
  const ParallelLayout& l = plan.layout;
  const double tokens_per_step = static_cast<double>(r.workload.global_batch_sequences * r.workload.model.seq_len);
  nlohmann::ordered_json j;
  j["estimate"] = "training";
  j["hardware"] = r.hardware_id;
  j["chips"] = r.chips;
  j["precision"] = std::string(to_string(r.workload.precision));
  j["step_time_s"] = e.step_time_s;
  j["tokens_per_s"] = e.tokens_per_s;
  j["tokens_per_step"] = tokens_per_step;
  j["mfu"] = e.mfu;
  j["model_tflops_per_chip"] = e.model_flops_per_step / e.step_time_s / static_cast<double>(r.chips) / 1e12;
  j["hfu"] = e.hardware_flops_per_step / (e.step_time_s * static_cast<double>(r.chips) * r.system.peak_flops_per_s(r.workload.precision));
  j["model_flops_per_step"] = e.model_flops_per_step;
  j["hardware_flops_per_step"] = e.hardware_flops_per_step;
  j["memory_per_chip_bytes"] = e.memory.total_bytes;
  j["memory"] = {{"weights_bytes", e.memory.weights_bytes},
                 {"gradients_bytes", e.memory.gradients_bytes},
                 {"optimizer_bytes", e.memory.optimizer_bytes},
                 {"activations_bytes", e.memory.activations_bytes},
                 {"capacity_bytes", e.memory.capacity_bytes}};
  j["layout"] = {{"tp", l.tp},
                 {"pp", l.pp},
                 {"dp", l.dp},
                 {"ep", l.ep},
                 {"micro_batch_sequences", l.micro_batch},
                 {"pp_interleave", l.pp_interleave},
                 {"recompute", std::string(to_string(l.recompute))},
                 {"sequence_parallel", l.sequence_parallel},
                 {"micro_batches", e.micro_batches}};
  const StepBreakdown& b = e.breakdown;
  j["breakdown"] = {{"compute_s", b.compute_s},       {"memory_bound_s", b.memory_bound_s}, {"tp_comm_s", b.tp_comm_s},
                    {"pp_comm_s", b.pp_comm_s},       {"ep_comm_s", b.ep_comm_s},           {"bubble_s", b.bubble_s},
                    {"dp_comm_s", b.dp_comm_s},       {"optimizer_s", b.optimizer_s}};
  j["algorithms"] = {{"tp", e.tp_algorithm}, {"dp", e.dp_algorithm}};
  j["planner"] = {{"evaluated", plan.evaluated}};
  std::cout << j.dump(2) << "\n";
  return 0;
}

}  // namespace gigasim::cli
