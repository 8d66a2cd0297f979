// Hardware catalog types. A *system* is the unit one buys and the scale-up domain it forms: an 8-GPU
// HGX server, a 72-GPU NVL72 rack, a 16- or 64-chip Trainium server or UltraServer. Every number is a
// Quantity so its source and label travel with it. Loaded from platforms/catalog/*.yaml (sim/io).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "provenance.hpp"

namespace gigasim {

enum class Precision { kFp16, kBf16, kFp8 };
std::string_view to_string(Precision p);
bool parse_precision(std::string_view text, Precision& out);

struct ChipSpec {
  std::string name;
  // Dense (no sparsity) peak by precision, FLOP/s. bf16 is always present.
  std::map<Precision, Quantity> dense_flops_per_s;
  // Sustained fraction of dense peak on large matrix multiplications at the power cap (0, 1].
  Quantity gemm_efficiency;
  Quantity hbm_bytes;
  Quantity hbm_bandwidth_bytes_per_s;
  Quantity power_idle_w;  // chip power with nothing running
  Quantity power_busy_w;  // chip power on dense compute (at the cap)
  Quantity price_usd;  // one chip, for reference; the system price is what is bought
};

struct ScaleUpSpec {
  std::string topology;  // nvlink-switch | neuronlink-torus | neuronlink-switch | pcie | none
  Quantity bandwidth_bytes_per_s_per_chip;  // per direction
  Quantity latency_s;
};

struct ScaleOutSpec {
  std::string fabric;  // rail-fat-tree | efa | ethernet
  Quantity bandwidth_bytes_per_s_per_chip;  // per direction
  Quantity latency_s;
};

struct SystemSpec {
  std::string id;  // e.g. h100-x8: chip and scale-up domain size
  std::string name;
  std::string vendor;  // nvidia | aws | ...
  Label label = Label::kOfficial;  // the hardest label that applies to the system as a whole
  std::string assumptions;  // what a what-if or estimated system assumes, and why
  int available_year = 0;
  std::int64_t chips = 0;  // accelerators per system (= scale-up domain)
  ChipSpec chip;
  ScaleUpSpec scale_up;
  ScaleOutSpec scale_out;
  Quantity overhead_power_w;  // one system beyond its accelerators: CPUs, NICs, fans, switches
  Quantity price_usd;  // one system, all accelerators included
  Quantity service_life_years;

  double peak_flops_per_s(Precision p) const;  // per chip; falls back to bf16 when p is absent
  // Power of one chip's share of the system when idle and when busy (chip + overhead / chips).
  double chip_slot_idle_w() const { return chip.power_idle_w.value + overhead_power_w.value / static_cast<double>(chips); }
  double chip_slot_busy_w() const { return chip.power_busy_w.value + overhead_power_w.value / static_cast<double>(chips); }
};

}  // namespace gigasim
