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
  const double block_facility_w = block_it_busy_w(choice.system, choice.block_chips, site.infra_w_per_chip()) * site.pue.value;
  // Clamped so the conversion is defined whatever the inputs (callers limit hosts far below this).
  constexpr double kMaxBlocks = 1e15;
  return static_cast<std::int64_t>(std::min(kMaxBlocks, std::floor(site.layout.hall_power_w * site.power_cap.oversubscription / block_facility_w)));
}

std::int64_t site_capacity_blocks(const SiteSpec& site, const HardwareChoice& choice) {
  const std::int64_t per_hall = blocks_per_hall(site, choice);
  const std::int64_t halls = site.layout.halls();
  return per_hall > std::numeric_limits<std::int64_t>::max() / std::max<std::int64_t>(1, halls) ? std::numeric_limits<std::int64_t>::max()
                                                                                                   : per_hall * halls;
}

std::vector<std::int64_t> static_slots_per_hall(const SiteSpec& site, const HardwareChoice& choice) {
  const std::int64_t per_hall = blocks_per_hall(site, choice);
  std::int64_t left = choice.chips / choice.block_chips;
  std::vector<std::int64_t> slots;
  for (std::int64_t h = 0; h < site.layout.halls() && left > 0; ++h) {
    slots.push_back(std::min(per_hall, left));
    left -= slots.back();
  }
  return slots;
}

PlatformLayout layout_platform(const SiteSpec& site, const HardwareChoice& choice, Precision precision) {
  return layout_platform(site, choice, static_slots_per_hall(site, choice), precision);
}

PlatformLayout layout_platform(const SiteSpec& site, const HardwareChoice& choice, const std::vector<std::int64_t>& slots_per_hall,
                               Precision precision) {
  PlatformLayout p;
  p.choice = choice.name;
  p.block_chips = choice.block_chips;
  const auto block = static_cast<double>(choice.block_chips);
  std::vector<const SystemSpec*> systems;
  for (const auto& g : choice.roadmap) systems.push_back(&g.system);
  if (systems.empty()) systems.push_back(&choice.system);
  p.system_id = systems.front()->id;
  p.link_latency_s = std::numeric_limits<double>::infinity();
  for (const SystemSpec* s : systems) {
    GenerationPlatform g;
    g.system_id = s->id;
    // Host speed: one chip's sustained rate on large GEMMs. Jobs express their busy time in these FLOPs.
    g.core_speed_flops_per_s = s->peak_flops_per_s(precision) * s->chip.gemm_efficiency.value;
    g.power = block_power(*s, choice.block_chips);
    g.uplink_bandwidth_bytes_per_s = s->scale_out.bandwidth_bytes_per_s_per_chip.value * block;
    p.uplink_bandwidth_bytes_per_s = std::max(p.uplink_bandwidth_bytes_per_s, g.uplink_bandwidth_bytes_per_s);
    p.link_latency_s = std::min(p.link_latency_s, s->scale_out.latency_s.value / 3.0);
    p.generations.push_back(g);
  }

  const SiteLayout& s = site.layout;
  std::int64_t placed = 0;
  std::int64_t last_site_building = -1;
  for (std::size_t h = 0; h < slots_per_hall.size(); ++h) {
    if (slots_per_hall[h] <= 0) continue;
    HallLayout hall;
    hall.id = "hall-" + std::to_string(h);
    const auto site_building = static_cast<std::int64_t>(h) / s.halls_per_building;
    hall.first_block = placed;
    hall.blocks = slots_per_hall[h];
    hall.spine_bandwidth_bytes_per_s = static_cast<double>(hall.blocks) * p.uplink_bandwidth_bytes_per_s / s.hall_oversubscription;
    hall.up_bandwidth_bytes_per_s = hall.spine_bandwidth_bytes_per_s / s.building_oversubscription;
    placed += hall.blocks;
    // Buildings are numbered densely among those holding slots (the XML names them by this index).
    if (p.buildings.empty() || last_site_building != site_building) {
      p.buildings.push_back(BuildingLayout{"building-" + std::to_string(p.buildings.size()), 0, 0});
      last_site_building = site_building;
    }
    hall.building = static_cast<std::int64_t>(p.buildings.size()) - 1;
    p.buildings.back().core_bandwidth_bytes_per_s += hall.up_bandwidth_bytes_per_s;
    p.halls.push_back(hall);
  }
  p.hosts = placed;
  for (auto& b : p.buildings) {
    b.up_bandwidth_bytes_per_s = b.core_bandwidth_bytes_per_s / s.campus_oversubscription;
    p.campus_core_bandwidth_bytes_per_s += b.up_bandwidth_bytes_per_s;
  }
  return p;
}

}  // namespace gigasim
