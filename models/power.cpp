#include "power.hpp"

#include <cmath>

namespace gigasim {

BlockPower block_power(const SystemSpec& system, std::int64_t block_chips) {
  const auto c = static_cast<double>(block_chips);
  return {.idle_w = c * system.chip_slot_idle_w(), .busy_w = c * system.chip_slot_busy_w()};
}

double block_it_busy_w(const SystemSpec& system, std::int64_t block_chips, double infra_w_per_chip) {
  return block_power(system, block_chips).busy_w + infra_w_per_chip * static_cast<double>(block_chips);
}

double throttle_speed(int level) { return 1.0 - power_constants::kThrottleStep * static_cast<double>(level); }

double throttle_dynamic_fraction(double speed) { return std::pow(speed, power_constants::kDvfsExponent); }

BlockPower throttled(const BlockPower& p, int level) {
  return {.idle_w = p.idle_w, .busy_w = p.idle_w + (p.busy_w - p.idle_w) * throttle_dynamic_fraction(throttle_speed(level))};
}

int throttle_level_for(double budget_w, double dynamic_w, int max_level) {
  for (int k = 0; k <= max_level; ++k)
    if (dynamic_w * throttle_dynamic_fraction(throttle_speed(k)) <= budget_w) return k;
  return -1;
}

double training_activity(const StepBreakdown& b) {
  const double waiting = b.tp_comm_s + b.pp_comm_s + b.ep_comm_s + b.dp_comm_s + b.bubble_s;
  const double memory = b.memory_bound_s + b.optimizer_s;
  const double total = b.compute_s + memory + waiting;
  if (!(total > 0)) return 0.0;
  return (b.compute_s + power_constants::kMemoryPowerFraction * memory) / total;
}

}  // namespace gigasim
