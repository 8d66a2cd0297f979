#include "estimate_command.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "models/planner.hpp"
#include "models/power.hpp"
#include "models/serving.hpp"
#include "sim/io/estimate_loader.hpp"
#include "sim/io/input_error.hpp"

namespace gigasim::cli {

std::string default_catalog_dir() {
  if (const char* env = std::getenv("GIGASIM_CATALOG"); env && *env) return env;
  return GIGASIM_DEFAULT_CATALOG;
}

namespace {

int inference_estimate(const io::InferenceEstimateRequest& r) {
  const ServingEstimate& e = r.estimate;
  if (!e.valid) throw std::logic_error("the loader accepted a replica that cannot serve: " + e.reason);  // load_estimate checks it
  nlohmann::ordered_json j;
  j["estimate"] = "inference";
  j["hardware"] = r.hardware_id;
  j["chips"] = r.chips;
  j["precision"] = std::string(to_string(r.workload.precision));
  j["batch"] = e.batch;
  j["max_batch"] = e.max_batch;
  j["tokens_per_s"] = e.tokens_per_s;
  j["decode_tokens_per_s"] = e.decode_tokens_per_s;
  j["requests_per_s"] = e.requests_per_s;
  j["ttft_s"] = e.ttft_s;
  j["tpot_s"] = e.tpot_s;
  j["prefill_s"] = e.prefill_s;
  j["decode_step_s"] = e.decode_step_s;
  const bool ttft_ok = r.objectives.ttft_s <= 0 || e.ttft_s <= r.objectives.ttft_s;
  const bool tpot_ok = r.objectives.tpot_s <= 0 || e.tpot_s <= r.objectives.tpot_s;
  j["objectives_met"] = ttft_ok && tpot_ok;
  j["power_w"] = e.power_w;
  j["chip_power_w"] = e.chip_power_w;
  j["energy_per_token_j"] = e.energy_per_token_j;
  j["activity"] = {{"compute", e.compute_activity}, {"memory", e.memory_activity}};
  j["memory"] = {{"weights_bytes_per_chip", e.weights_bytes_per_chip},
                 {"kv_bytes_per_request_per_chip", e.kv_bytes_per_request_per_chip},
                 {"capacity_bytes", e.memory_capacity_bytes}};
  const ServingBreakdown& b = e.breakdown;
  j["breakdown"] = {{"decode_weights_s", b.decode_weights_s},
                    {"decode_attention_s", b.decode_attention_s},
                    {"decode_tp_comm_s", b.decode_tp_comm_s},
                    {"prefill_compute_s", b.prefill_compute_s},
                    {"prefill_tp_comm_s", b.prefill_tp_comm_s}};
  std::cout << j.dump(2) << "\n";
  return 0;
}

}  // namespace

int estimate_command(const EstimateOptions& o) {
  const std::string catalog = o.catalog.empty() ? default_catalog_dir() : o.catalog;
  const io::EstimateRequest request = io::load_estimate(o.file, catalog, o.sets);
  if (request.inference) return inference_estimate(request.inference_request);
  const io::TrainingEstimateRequest& r = request.training;
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
  // Power while training at this layout (models/power): the chip by its activity, and its slot with the
  // system's overhead share (CPUs, NICs, switches, fans).
  const double activity = training_activity(b);
  const ChipSpec& chip = r.system.chip;
  const double chip_w = chip.power_idle_w.value + activity * (chip.power_busy_w.value - chip.power_idle_w.value);
  j["power"] = {{"activity", activity}, {"chip_w", chip_w}, {"slot_w", chip_w + r.system.overhead_power_w.value / static_cast<double>(r.system.chips)}};
  j["planner"] = {{"evaluated", plan.evaluated}};
  std::cout << j.dump(2) << "\n";
  return 0;
}

}  // namespace gigasim::cli
