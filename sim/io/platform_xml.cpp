#include "platform_xml.hpp"

#include <fmt/format.h>

#include "gigasim/version.hpp"

namespace gigasim::io {

std::string platform_xml(const PlatformLayout& layout) {
  const ClusterLayout& c = layout.cluster;
  std::string x;
  x += "<?xml version='1.0'?>\n";
  x += "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n";
  x += "<platform version=\"4.1\">\n";
  x += fmt::format("  <!-- gigasim {}: choice '{}', {} blocks (hosts) of {} chips; speed is per chip (sustained) -->\n", kVersion,
                   layout.choice, c.hosts, c.cores_per_host);
  x += "  <zone id=\"site\" routing=\"Full\">\n";
  x += fmt::format(
      "    <cluster id=\"{}\" prefix=\"{}\" suffix=\"\" radical=\"0-{}\" speed=\"{}f\" core=\"{}\" bw=\"{}Bps\" lat=\"{}s\" "
      "bb_bw=\"{}Bps\" bb_lat=\"{}s\" sharing_policy=\"SPLITDUPLEX\">\n",
      c.id, c.host_prefix, c.hosts - 1, c.core_speed_flops_per_s, c.cores_per_host, c.uplink_bandwidth_bytes_per_s, c.uplink_latency_s,
      c.backbone_bandwidth_bytes_per_s, c.backbone_latency_s);
  // Idle:Epsilon:AllCores. Epsilon = idle makes power linear in busy chips (see models/power.hpp).
  x += fmt::format("      <prop id=\"wattage_per_state\" value=\"{}:{}:{}\"/>\n", c.power.idle_w, c.power.idle_w, c.power.busy_w);
  x += "      <prop id=\"wattage_off\" value=\"0\"/>\n";
  x += "    </cluster>\n";
  x += "  </zone>\n";
  x += "</platform>\n";
  return x;
}

}  // namespace gigasim::io
