// Power of a block of accelerators (one SimGrid host). Linear in the number of busy chips:
//   P(k) = C * idle_w_per_slot + k * (busy_w_per_slot - idle_w_per_slot)
// where a chip *slot* is the chip plus its share of the system overhead (CPUs, NICs, fans, switches).
// The SimGrid host energy plugin reproduces this exactly from "Idle:Epsilon:AllCores" =
// "C*idle : C*idle : C*busy" (verified by tests/sim).
#pragma once

#include <cstdint>

#include "catalog.hpp"
#include "step_model.hpp"

namespace gigasim {

struct BlockPower {
  double idle_w = 0;  // whole block, nothing running
  double busy_w = 0;  // whole block, every chip busy

  double at(std::int64_t busy_chips, std::int64_t block_chips) const {
    return idle_w + (busy_w - idle_w) * static_cast<double>(busy_chips) / static_cast<double>(block_chips);
  }
};

BlockPower block_power(const SystemSpec& system, std::int64_t block_chips);
// IT power of a block with every chip busy, plus the site's network and storage power for its chips: what
// the site must be able to supply for it (before PUE).
double block_it_busy_w(const SystemSpec& system, std::int64_t block_chips, double infra_w_per_chip);

// Chip power by activity: idle + (busy - idle) x activity, activity in [0, 1] (docs/models.md#power).
namespace power_constants {
// A chip streaming HBM at full bandwidth draws this fraction of its dynamic (busy - idle) power: the
// measured H100 copy (555 W) against dense GEMM at the cap (698 W), idle 74 W (../shared/calibration).
inline constexpr double kMemoryPowerFraction = (555.1 - 74.4) / (698.0 - 74.4);
// The power-performance curve of a throttled chip: dynamic power ~ C V^2 f with the voltage scaling with
// the clock near the top of the DVFS range, so a chip at speed fraction s draws idle + (busy - idle) s^3
// (docs/models.md#power-cap). The same curve turns a per-chip cap into a speed in `gigasim estimate`.
inline constexpr double kDvfsExponent = 3.0;
// Throttle levels: speed fractions 1, 0.95, ..., 0.30. Every host offers them all: SimGrid power state
// g x kThrottleLevels + k is generation g at level k (sim/io/platform_xml).
inline constexpr int kThrottleLevels = 15;
inline constexpr double kThrottleStep = 0.05;
// The slowest level a throttled site uses unless the scenario says otherwise (site.power_cap.min_speed):
// at half speed a chip saves 7/8 of its dynamic power; slowing it further buys little power per lost
// FLOP, so the policy stops runs instead (an estimate, labelled so in docs/models.md).
inline constexpr double kDefaultMinThrottleSpeed = 0.5;
}  // namespace power_constants

// The SimGrid power state of generation g at throttle level k.
inline int power_state(std::size_t generation, int level) { return static_cast<int>(generation) * power_constants::kThrottleLevels + level; }
// Speed fraction of throttle level k (0 = full speed).
double throttle_speed(int level);
// Dynamic power (above idle) at a speed fraction, relative to full speed: speed^kDvfsExponent.
double throttle_dynamic_fraction(double speed);
// The block's idle and busy power at throttle level k.
BlockPower throttled(const BlockPower& p, int level);
// The fastest level in [0, max_level] at which `dynamic_w` of full-speed dynamic power fits in `budget_w`;
// -1 when not even max_level fits.
int throttle_level_for(double budget_w, double dynamic_w, int max_level);

// The activity of a training step from its breakdown: matrix products at 1, memory-bound work (elementwise,
// optimizer) at kMemoryPowerFraction, exposed communication and pipeline bubbles at 0 (the chip waits), time-
// weighted. 0.965 for the measured 1.3B step on the H100 (676 W predicted, 669 W measured).
double training_activity(const StepBreakdown& b);
// Activity of work with no model (a replayed trace job): the measured H100 training step, (669 - 74) /
// (698 - 74).
inline constexpr double kTraceJobActivity = (669.1 - 74.4) / (698.0 - 74.4);

}  // namespace gigasim
