#include "platform_xml.hpp"

#include <fmt/format.h>

#include "gigasim/version.hpp"

namespace gigasim::io {
namespace {

void route(std::string& x, const HallLayout& a, const HallLayout& b) {
  x += fmt::format("    <zoneRoute src=\"{0}\" dst=\"{1}\" gw_src=\"{0}-router\" gw_dst=\"{1}-router\" symmetrical=\"NO\">\n", a.id, b.id);
  x += fmt::format("      <link_ctn id=\"{}-up\" direction=\"UP\"/>\n", a.id);
  if (a.building == b.building) {
    x += fmt::format("      <link_ctn id=\"building-{}-core\"/>\n", a.building);
  } else {
    x += fmt::format("      <link_ctn id=\"building-{}-core\"/>\n", a.building);
    x += fmt::format("      <link_ctn id=\"building-{}-up\" direction=\"UP\"/>\n", a.building);
    x += "      <link_ctn id=\"campus-core\"/>\n";
    x += fmt::format("      <link_ctn id=\"building-{}-up\" direction=\"DOWN\"/>\n", b.building);
    x += fmt::format("      <link_ctn id=\"building-{}-core\"/>\n", b.building);
  }
  x += fmt::format("      <link_ctn id=\"{}-up\" direction=\"DOWN\"/>\n", b.id);
  x += "    </zoneRoute>\n";
}

}  // namespace

std::string platform_xml(const PlatformLayout& p) {
  std::string x;
  x += "<?xml version='1.0'?>\n";
  x += "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n";
  x += "<platform version=\"4.1\">\n";
  std::string systems, speeds, watts;
  for (const auto& g : p.generations) {
    systems += (systems.empty() ? "" : ", ") + g.system_id;
    for (int k = 0; k < power_constants::kThrottleLevels; ++k) {
      const BlockPower w = throttled(g.power, k);
      speeds += fmt::format("{}{}f", speeds.empty() ? "" : ",", g.core_speed_flops_per_s * throttle_speed(k));
      watts += fmt::format("{}{}:{}:{}", watts.empty() ? "" : ", ", w.idle_w, w.idle_w, w.busy_w);
    }
  }
  x += fmt::format("  <!-- gigasim {}: choice '{}' ({}): {} block slots (hosts) of {} chips in {} halls of {} buildings.\n"
                   "       Power state g x {} + k is generation g throttled to level k (speed 1 - {:g} k, dynamic power x speed^{:g});\n"
                   "       host speed is one chip's sustained FLOP/s; core = chips; wattage_per_state = Idle:Epsilon:AllCores per\n"
                   "       power state; a slot with no block is off (0 W). -->\n",
                   kVersion, p.choice, systems, p.hosts, p.block_chips, p.halls.size(), p.buildings.size(), power_constants::kThrottleLevels,
                   power_constants::kThrottleStep, power_constants::kDvfsExponent);
  x += "  <zone id=\"campus\" routing=\"Full\">\n";
  const std::string lat = fmt::format("{}s", p.link_latency_s);
  for (const HallLayout& h : p.halls) {
    x += fmt::format(
        "    <cluster id=\"{}\" prefix=\"{}\" suffix=\"\" radical=\"{}-{}\" speed=\"{}\" core=\"{}\" bw=\"{}Bps\" lat=\"{}\" "
        "bb_bw=\"{}Bps\" bb_lat=\"{}\" sharing_policy=\"SPLITDUPLEX\" router_id=\"{}-router\">\n",
        h.id, p.host_prefix, h.first_block, h.first_block + h.blocks - 1, speeds, p.block_chips,
        p.uplink_bandwidth_bytes_per_s, lat, h.spine_bandwidth_bytes_per_s, lat, h.id);
    x += fmt::format("      <prop id=\"wattage_per_state\" value=\"{}\"/>\n", watts);
    x += "      <prop id=\"wattage_off\" value=\"0\"/>\n";
    x += "    </cluster>\n";
  }
  if (p.halls.size() > 1) {
    for (const HallLayout& h : p.halls)
      x += fmt::format("    <link id=\"{}-up\" bandwidth=\"{}Bps\" latency=\"{}\" sharing_policy=\"SPLITDUPLEX\"/>\n", h.id,
                       h.up_bandwidth_bytes_per_s, lat);
    for (std::size_t b = 0; b < p.buildings.size(); ++b) {
      x += fmt::format("    <link id=\"building-{}-core\" bandwidth=\"{}Bps\" latency=\"{}\"/>\n", b, p.buildings[b].core_bandwidth_bytes_per_s, lat);
      x += fmt::format("    <link id=\"building-{}-up\" bandwidth=\"{}Bps\" latency=\"{}\" sharing_policy=\"SPLITDUPLEX\"/>\n", b,
                       p.buildings[b].up_bandwidth_bytes_per_s, lat);
    }
    x += fmt::format("    <link id=\"campus-core\" bandwidth=\"{}Bps\" latency=\"{}\"/>\n", p.campus_core_bandwidth_bytes_per_s, lat);
    for (const HallLayout& a : p.halls)
      for (const HallLayout& b : p.halls)
        if (&a != &b) route(x, a, b);
  }
  x += "  </zone>\n";
  x += "</platform>\n";
  return x;
}

}  // namespace gigasim::io
