#include "platform_layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>


namespace gigasim {

std::size_t PlatformLayout::hall_of(std::int64_t block) const {
  const auto it = std::upper_bound(halls.begin(), halls.end(), block, [](std::int64_t b, const HallLayout& h) { return b < h.first_block; });
  return static_cast<std::size_t>(std::distance(halls.begin(), it)) - 1;
}

std::int64_t blocks_per_hall(const SiteSpec& site, const HardwareChoice& choice) {
  const double block_facility_w = block_power(choice.system, choice.block_chips).busy_w * site.pue.value;
  // Clamped so the conversion is defined whatever the inputs (callers limit hosts far below this).
  constexpr double kMaxBlocks = 1e15;
  return static_cast<std::int64_t>(std::min(kMaxBlocks, std::floor(site.layout.hall_power_w / block_facility_w)));
}

std::int64_t site_capacity_blocks(const SiteSpec& site, const HardwareChoice& choice) {
  const std::int64_t per_hall = blocks_per_hall(site, choice);
  const std::int64_t halls = site.layout.halls();
  return per_hall > std::numeric_limits<std::int64_t>::max() / std::max<std::int64_t>(1, halls) ? std::numeric_limits<std::int64_t>::max()
                                                                                                   : per_hall * halls;
}

PlatformLayout layout_platform(const SiteSpec& site, const HardwareChoice& choice, Precision precision) {
  PlatformLayout p;
  p.choice = choice.name;
  p.system_id = choice.system.id;
  p.block_chips = choice.block_chips;
  p.hosts = choice.chips / choice.block_chips;
  // Host speed: one chip's sustained rate on large GEMMs. Jobs express their busy time in these FLOPs.
  p.core_speed_flops_per_s = choice.system.peak_flops_per_s(precision) * choice.system.chip.gemm_efficiency.value;
  p.power = block_power(choice.system, choice.block_chips);
  p.link_latency_s = choice.system.scale_out.latency_s.value / 3.0;
  p.uplink_bandwidth_bytes_per_s = choice.system.scale_out.bandwidth_bytes_per_s_per_chip.value * static_cast<double>(choice.block_chips);

  const SiteLayout& s = site.layout;
  const std::int64_t per_hall = blocks_per_hall(site, choice);
  std::int64_t placed = 0;
  for (std::int64_t h = 0; h < s.halls() && placed < p.hosts; ++h) {
    HallLayout hall;
    hall.id = "hall-" + std::to_string(h);
    hall.building = h / s.halls_per_building;
    hall.first_block = placed;
    hall.blocks = std::min(per_hall, p.hosts - placed);
    hall.spine_bandwidth_bytes_per_s = static_cast<double>(hall.blocks) * p.uplink_bandwidth_bytes_per_s / s.hall_oversubscription;
    hall.up_bandwidth_bytes_per_s = hall.spine_bandwidth_bytes_per_s / s.building_oversubscription;
    placed += hall.blocks;
    if (p.buildings.empty() || p.buildings.size() <= static_cast<std::size_t>(hall.building))
      p.buildings.push_back(BuildingLayout{"building-" + std::to_string(hall.building), 0, 0});
    p.buildings.back().core_bandwidth_bytes_per_s += hall.up_bandwidth_bytes_per_s;
    p.halls.push_back(hall);
  }
  for (auto& b : p.buildings) {
    b.up_bandwidth_bytes_per_s = b.core_bandwidth_bytes_per_s / s.campus_oversubscription;
    p.campus_core_bandwidth_bytes_per_s += b.up_bandwidth_bytes_per_s;
  }
  return p;
}

}  // namespace gigasim
