#include "power.hpp"

namespace gigasim {

BlockPower block_power(const SystemSpec& system, std::int64_t block_chips) {
  const auto c = static_cast<double>(block_chips);
  return {.idle_w = c * system.chip_slot_idle_w(), .busy_w = c * system.chip_slot_busy_w()};
}

double block_it_busy_w(const SystemSpec& system, std::int64_t block_chips, double infra_w_per_chip) {
  return block_power(system, block_chips).busy_w + infra_w_per_chip * static_cast<double>(block_chips);
}

double training_activity(const StepBreakdown& b) {
  const double waiting = b.tp_comm_s + b.pp_comm_s + b.ep_comm_s + b.dp_comm_s + b.bubble_s;
  const double memory = b.memory_bound_s + b.optimizer_s;
  const double total = b.compute_s + memory + waiting;
  if (!(total > 0)) return 0.0;
  return (b.compute_s + power_constants::kMemoryPowerFraction * memory) / total;
}

}  // namespace gigasim
