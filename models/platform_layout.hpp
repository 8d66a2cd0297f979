// The platform of one hardware choice as plain data: which SimGrid hosts and links exist, with what
// speeds, core counts, wattages, bandwidths and latencies. sim/io writes it as SimGrid XML (and `run`
// loads that), so the file a user can inspect and the platform a run simulates are the same.
//
// A site is campus -> buildings -> halls -> blocks. A block (one host) is `block_chips` accelerators;
// halls are filled in order, each with as many blocks as its power allows (busy IT power x PUE).
// Fabric, per direction, with B_up = block_chips x scale-out bandwidth per chip:
//   block uplink            B_up                                     (block <-> hall spine)
//   hall spine              sum of the hall's uplinks / hall_oversubscription         (shared)
//   hall uplink             hall spine / building_oversubscription   (hall <-> building core)
//   building core           sum of its halls' uplinks                                 (shared)
//   building uplink         building core / campus_oversubscription  (building <-> campus core)
//   campus core             sum of the building uplinks                               (shared)
// Every link has latency scale_out.latency_s / 3, so a route inside a hall (up, spine, down) has the
// catalog's end-to-end latency and each further tier adds hops.
// Bandwidths scale with chips, so the same site at node and at pod granularity has the same chips,
// power and bisection bandwidth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "power.hpp"
#include "scenario.hpp"

namespace gigasim {

struct HallLayout {
  std::string id;  // "hall-<i>"
  std::int64_t building = 0;
  std::int64_t first_block = 0;
  std::int64_t blocks = 0;
  double spine_bandwidth_bytes_per_s = 0;
  double up_bandwidth_bytes_per_s = 0;
};

struct BuildingLayout {
  std::string id;  // "building-<i>"
  double core_bandwidth_bytes_per_s = 0;
  double up_bandwidth_bytes_per_s = 0;
};

// What one generation of the roadmap makes a block: SimGrid power state i of every host is generation i.
struct GenerationPlatform {
  std::string system_id;
  double core_speed_flops_per_s = 0;  // sustained per chip at the layout's precision
  BlockPower power;
  double uplink_bandwidth_bytes_per_s = 0;  // block_chips x the generation's scale-out bandwidth per chip
};

struct PlatformLayout {
  std::string choice;
  std::string system_id;  // the first generation's
  std::string host_prefix = "block-";  // hosts are <prefix><i>, i in [0, hosts)
  std::int64_t block_chips = 0;
  std::int64_t hosts = 0;  // block slots (a slot may be empty at times: its host is off)
  std::vector<GenerationPlatform> generations;  // at least one
  double link_latency_s = 0;  // every fabric link (the smallest latency of the generations)
  // Block uplinks are provisioned for the fastest generation; a slot's link is set to its block's
  // generation when the block is delivered (sim/engine). Spines and uplinks are sized from this.
  double uplink_bandwidth_bytes_per_s = 0;
  std::vector<HallLayout> halls;  // only halls holding at least one block
  std::vector<BuildingLayout> buildings;  // only buildings holding at least one hall
  double campus_core_bandwidth_bytes_per_s = 0;

  std::int64_t chips() const { return hosts * block_chips; }
  const GenerationPlatform& first() const { return generations.front(); }
  std::size_t hall_of(std::int64_t block) const;  // index into halls
};

// Blocks one hall can hold within its power, for this choice.
std::int64_t blocks_per_hall(const SiteSpec& site, const HardwareChoice& choice);
// Blocks the whole site can hold (full build-out).
std::int64_t site_capacity_blocks(const SiteSpec& site, const HardwareChoice& choice);

// Block slots per hall for a static fleet: the choice's chips / block_chips blocks, halls filled in order.
std::vector<std::int64_t> static_slots_per_hall(const SiteSpec& site, const HardwareChoice& choice);

// Lays the slots into the site: `slots_per_hall[h]` hosts in hall h (from static_slots_per_hall, or a
// FleetPlan for a roadmap), one power state per generation of choice.roadmap.
PlatformLayout layout_platform(const SiteSpec& site, const HardwareChoice& choice, const std::vector<std::int64_t>& slots_per_hall,
                               Precision precision);
// The static fleet's platform. Precondition (checked by the loader):
// choice.chips / choice.block_chips <= site_capacity_blocks(site, choice).
PlatformLayout layout_platform(const SiteSpec& site, const HardwareChoice& choice, Precision precision);

}  // namespace gigasim
