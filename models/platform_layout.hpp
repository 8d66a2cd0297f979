// The platform of one hardware choice as plain data: what SimGrid hosts and links exist, with what
// speeds, core counts, wattages, bandwidths and latencies. sim/ turns it into SimGrid XML (and loads
// that), so the file a user can inspect and the platform a run simulates are the same by construction.
//
// First version (issue A): one cluster. Each host is a block of `block_chips` accelerators; it reaches
// the fabric through a private link of block_chips x scale-out bandwidth per chip; the fabric core is a
// shared backbone whose bandwidth is the sum of the uplinks (non-blocking). Issue B generalises this to
// campuses, halls and oversubscribed fabrics.
#pragma once

#include <cstdint>
#include <string>

#include "power.hpp"
#include "scenario.hpp"

namespace gigasim {

struct ClusterLayout {
  std::string id;  // zone id
  std::string host_prefix;  // hosts are <prefix><i>, i in [0, hosts)
  std::int64_t hosts = 0;
  std::int64_t cores_per_host = 0;  // accelerators per block
  double core_speed_flops_per_s = 0;  // sustained per chip at the choice's main precision
  BlockPower power;
  double uplink_bandwidth_bytes_per_s = 0;
  double uplink_latency_s = 0;
  double backbone_bandwidth_bytes_per_s = 0;
  double backbone_latency_s = 0;
};

struct PlatformLayout {
  std::string choice;
  ClusterLayout cluster;
  std::int64_t chips() const { return cluster.hosts * cluster.cores_per_host; }
};

// `precision` sets the host speed (SimGrid hosts have one speed; jobs at another precision scale their
// FLOP counts by the ratio of sustained rates).
PlatformLayout layout_platform(const HardwareChoice& choice, Precision precision);

}  // namespace gigasim
