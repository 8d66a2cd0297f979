#include "platform_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "choice_runner.hpp"
#include "models/choice_fleet.hpp"
#include "models/platform_layout.hpp"
#include "models/units.hpp"
#include "models/topology.hpp"
#include "sim/engine/platform_probe.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/platform_xml.hpp"
#include "sim/io/report.hpp"
#include "sim/io/scenario_loader.hpp"

namespace gigasim::cli {

int platform_command(const PlatformOptions& o) {
  io::LoadOptions lo;
  lo.overrides = o.sets;
  const Scenario site = io::load_site(o.site_file, lo);
  const HardwareChoice* choice = nullptr;
  if (o.choice.empty()) {
    if (site.choices.size() != 1) {
      std::string names;
      for (const auto& c : site.choices) names += " " + c.name;
      throw io::InputError(fmt::format("{}: the file has {} hardware choices; pick one with --choice (one of:{})", o.site_file, site.choices.size(), names));
    }
    choice = &site.choices.front();
  } else {
    for (const auto& c : site.choices)
      if (c.name == o.choice) choice = &c;
    if (!choice) throw io::InputError(fmt::format("--choice: no hardware choice named '{}' in {}", o.choice, o.site_file));
  }

  const FleetPlan plan = plan_choice_fleet(site.site, site.budget, *choice, 10 * units::kSecondsPerYear);
  const PlatformLayout layout = layout_platform(site.site, *choice, plan.slots_per_hall, Precision::kBf16);
  const Topology topology(layout);
  if (!topology.connected()) throw std::logic_error("generated fabric is not connected");
  int diameter = 0;
  if (layout.hosts > 0) diameter = topology.hop_distance(0, layout.hosts - 1);
  for (std::size_t h = 0; h < layout.halls.size(); ++h)
    diameter = std::max(diameter, topology.hop_distance(layout.halls.front().first_block, layout.halls[h].first_block));
  const double bisection = topology.bisection_bytes_per_s();
  // Every slot holding a block of the first generation, all busy.
  const double it_w = static_cast<double>(layout.hosts) * layout.first().power.busy_w;
  const double infra_w = static_cast<double>(layout.chips()) * site.site.infra_w_per_chip();  // network and storage
  const double facility_w = (it_w + infra_w) * site.site.pue.value;

  nlohmann::json j;
  j["site"] = site.name;
  j["choice"] = choice->name;
  j["system"] = choice->system.id;
  j["block_chips"] = layout.block_chips;
  j["hosts"] = layout.hosts;
  j["chips"] = layout.chips();
  j["halls_used"] = layout.halls.size();
  j["buildings_used"] = layout.buildings.size();
  j["it_power_busy_w"] = it_w;
  j["it_power_idle_w"] = static_cast<double>(layout.hosts) * layout.first().power.idle_w;
  j["network_storage_power_w"] = infra_w;
  j["facility_power_busy_w"] = facility_w;
  j["site_power_w"] = site.site.power_w.value;
  j["bisection_bytes_per_s"] = bisection;
  j["diameter_hops"] = diameter;

  std::filesystem::path xml_path = o.output;
  std::filesystem::path tmp_xml;
  const std::string xml = io::platform_xml(layout);
  if (!o.output.empty()) {
    if (std::filesystem::is_directory(xml_path)) throw io::InputError(fmt::format("-o: {} is a directory, expected an XML file name", o.output));
    if (xml_path.extension() != ".xml") throw io::InputError(fmt::format("-o: expected a file name ending in .xml, got \"{}\"", o.output));
    io::write_file_atomic(xml_path, xml);
  } else if (o.load) {
    tmp_xml = std::filesystem::temp_directory_path() / fmt::format("gigasim-platform-{}.xml", ::getpid());
    io::write_file_atomic(tmp_xml, xml);
    xml_path = tmp_xml;
  }
  if (o.load) {
    const std::string out = run_in_child([&] {
      const sim::PlatformProbe p = sim::probe_platform(xml_path);
      return nlohmann::json{{"hosts", p.hosts}, {"cores", p.cores}, {"links", p.links}, {"idle_w", p.idle_w}, {"busy_w", p.busy_w}, {"load_s", p.load_s}}.dump();
    });
    j["simgrid"] = nlohmann::json::parse(out);
    j["simgrid"].erase("load_s");  // wall time is reported in text only, so --json output is reproducible
    if (!tmp_xml.empty()) std::filesystem::remove(tmp_xml);
    if (!o.json) j["_load_s"] = nlohmann::json::parse(out).at("load_s");
  }

  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const SiteLayout& sl = site.site.layout;
  std::cout << fmt::format("site '{}' ({}), choice '{}' ({})\n", site.name, o.site_file, choice->name, choice->system.id);
  std::cout << fmt::format("  layout:   {} buildings x {} halls of {:.4g} MW; oversubscription hall {:g}, building {:g}, campus {:g}\n",
                           sl.buildings, sl.halls_per_building, sl.hall_power_w / 1e6, sl.hall_oversubscription, sl.building_oversubscription,
                           sl.campus_oversubscription);
  std::cout << fmt::format("  blocks:   {} SimGrid hosts of {} chips = {} chips, in {} halls of {} buildings\n", layout.hosts, layout.block_chips,
                           layout.chips(), layout.halls.size(), layout.buildings.size());
  std::cout << fmt::format("  power:    IT {:.4g} MW at full load, {:.4g} MW with PUE {:g}; site {:.4g} MW ({:.2f}% used)\n", it_w / 1e6,
                           facility_w / 1e6, site.site.pue.value, site.site.power_w.value / 1e6, 100 * facility_w / site.site.power_w.value);
  std::cout << fmt::format("  fabric:   block uplink {:.4g} GB/s; bisection {:.4g} TB/s ({:.4g} GB/s per chip); diameter {} hops\n",
                           layout.uplink_bandwidth_bytes_per_s / 1e9, bisection / 1e12, bisection / static_cast<double>(layout.chips()) / 1e9,
                           diameter);
  if (o.load)
    std::cout << fmt::format("  simgrid:  {} hosts, {} cores, {} links, full-load IT power {:.4g} MW; loaded in {:.3f} s\n",
                             j["simgrid"]["hosts"].get<std::int64_t>(), j["simgrid"]["cores"].get<std::int64_t>(),
                             j["simgrid"]["links"].get<std::int64_t>(), j["simgrid"]["busy_w"].get<double>() / 1e6, j["_load_s"].get<double>());
  if (!o.output.empty()) std::cout << fmt::format("  written:  {}\n", o.output);
  return 0;
}

}  // namespace gigasim::cli
