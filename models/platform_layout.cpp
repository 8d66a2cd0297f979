#include "platform_layout.hpp"

#include "training_roofline.hpp"

namespace gigasim {

PlatformLayout layout_platform(const HardwareChoice& choice, Precision precision) {
  PlatformLayout p;
  p.choice = choice.name;
  ClusterLayout& c = p.cluster;
  c.id = "cluster";
  c.host_prefix = "block-";
  c.cores_per_host = choice.block_chips;
  c.hosts = choice.chips / choice.block_chips;
  c.core_speed_flops_per_s = sustained_flops_per_s(choice.system, precision);
  c.power = block_power(choice.system, choice.block_chips);
  const double per_chip = choice.system.scale_out.bandwidth_bytes_per_s_per_chip.value;
  c.uplink_bandwidth_bytes_per_s = per_chip * static_cast<double>(choice.block_chips);
  c.uplink_latency_s = choice.system.scale_out.latency_s.value;
  c.backbone_bandwidth_bytes_per_s = c.uplink_bandwidth_bytes_per_s * static_cast<double>(c.hosts);
  c.backbone_latency_s = choice.system.scale_out.latency_s.value;
  return p;
}

}  // namespace gigasim
