// Power of a block of accelerators (one SimGrid host). Linear in the number of busy chips:
//   P(k) = C * idle_w_per_slot + k * (busy_w_per_slot - idle_w_per_slot)
// where a chip *slot* is the chip plus its share of the system overhead (CPUs, NICs, fans, switches).
// The SimGrid host energy plugin reproduces this exactly from "Idle:Epsilon:AllCores" =
// "C*idle : C*idle : C*busy" (verified by tests/sim).
#pragma once

#include <cstdint>

#include "catalog.hpp"

namespace gigasim {

struct BlockPower {
  double idle_w = 0;  // whole block, nothing running
  double busy_w = 0;  // whole block, every chip busy

  double at(std::int64_t busy_chips, std::int64_t block_chips) const {
    return idle_w + (busy_w - idle_w) * static_cast<double>(busy_chips) / static_cast<double>(block_chips);
  }
};

BlockPower block_power(const SystemSpec& system, std::int64_t block_chips);

}  // namespace gigasim
