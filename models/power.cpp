#include "power.hpp"

namespace gigasim {

BlockPower block_power(const SystemSpec& system, std::int64_t block_chips) {
  const auto c = static_cast<double>(block_chips);
  return {.idle_w = c * system.chip_slot_idle_w(), .busy_w = c * system.chip_slot_busy_w()};
}

}  // namespace gigasim
