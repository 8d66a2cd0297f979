#include "catalog_loader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "quantity_reader.hpp"

namespace gigasim::io {
namespace {

std::string emit(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

SystemSpec parse_system(const YamlView& root) {
  root.expect_map({"id", "name", "vendor", "label", "assumptions", "available_year", "chips", "sources", "chip",
                   "scale_up", "scale_out", "system", "service_life_years"});
  SystemSpec s;
  s.id = root.at("id").as_string();
  s.name = root.at("name").as_string();
  s.vendor = root.at("vendor").as_string();
  {
    const std::string label = root.at("label").as_enum({"official", "estimate", "measured", "what-if"});
    parse_label(label, s.label);
  }
  if (auto a = root.find("assumptions")) s.assumptions = a->as_string();
  if ((s.label == Label::kWhatIf || s.label == Label::kEstimate) && s.assumptions.empty())
    root.fail(fmt::format("a system labelled '{}' must say what it assumes and why in 'assumptions'", to_string(s.label)));
  s.available_year = static_cast<int>(root.at("available_year").as_integer(2000, 2100));
  s.chips = root.at("chips").as_integer(1, 1'000'000);

  std::map<std::string, std::string> sources;
  const YamlView src = root.at("sources");
  if (!src.is_map() || src.node().size() == 0) src.fail("expected a mapping of source ids to citations");
  for (const auto& [key, entry] : src.entries()) sources[key] = entry.as_string();
  auto q = [&](const YamlView& v, const Range& r) { return read_sourced_quantity(v, r, sources); };

  const YamlView chip = root.at("chip");
  chip.expect_map({"name", "dense_flops_per_s", "gemm_efficiency", "hbm_bytes", "hbm_bandwidth_bytes_per_s",
                   "power_idle_w", "power_busy_w", "price_usd"});
  s.chip.name = chip.at("name").as_string();
  const YamlView flops = chip.at("dense_flops_per_s");
  flops.expect_map({"fp16", "bf16", "fp8"});
  const Range flops_range = Range::up_to(1e18);
  s.chip.dense_flops_per_s[Precision::kBf16] = q(flops.at("bf16"), flops_range);
  if (auto f = flops.find("fp16")) s.chip.dense_flops_per_s[Precision::kFp16] = q(*f, flops_range);
  if (auto f = flops.find("fp8")) s.chip.dense_flops_per_s[Precision::kFp8] = q(*f, flops_range);
  s.chip.gemm_efficiency = q(chip.at("gemm_efficiency"), Range::up_to(1.0));
  s.chip.hbm_bytes = q(chip.at("hbm_bytes"), Range::up_to(1e13));
  s.chip.hbm_bandwidth_bytes_per_s = q(chip.at("hbm_bandwidth_bytes_per_s"), Range::up_to(1e15));
  s.chip.power_idle_w = q(chip.at("power_idle_w"), Range::closed(0, 1e4));
  s.chip.power_busy_w = q(chip.at("power_busy_w"), Range::closed(1, 1e4));
  if (s.chip.power_busy_w.value < s.chip.power_idle_w.value)
    chip.at("power_busy_w").fail(fmt::format("busy power {:g} W is below idle power {:g} W", s.chip.power_busy_w.value,
                                             s.chip.power_idle_w.value));
  s.chip.price_usd = q(chip.at("price_usd"), Range::closed(0, 1e9));

  const YamlView up = root.at("scale_up");
  up.expect_map({"topology", "bandwidth_bytes_per_s_per_chip", "latency_s"});
  s.scale_up.topology = up.at("topology").as_enum({"nvlink-switch", "neuronlink-torus", "neuronlink-switch", "pcie", "none"});
  s.scale_up.bandwidth_bytes_per_s_per_chip = q(up.at("bandwidth_bytes_per_s_per_chip"), Range::up_to(1e14));
  s.scale_up.latency_s = q(up.at("latency_s"), Range::closed(0, 1));

  const YamlView out = root.at("scale_out");
  out.expect_map({"fabric", "bandwidth_bytes_per_s_per_chip", "latency_s"});
  s.scale_out.fabric = out.at("fabric").as_enum({"rail-fat-tree", "efa", "ethernet"});
  s.scale_out.bandwidth_bytes_per_s_per_chip = q(out.at("bandwidth_bytes_per_s_per_chip"), Range::up_to(1e13));
  s.scale_out.latency_s = q(out.at("latency_s"), Range::closed(0, 1));

  const YamlView sys = root.at("system");
  sys.expect_map({"overhead_power_w", "price_usd"});
  s.overhead_power_w = q(sys.at("overhead_power_w"), Range::closed(0, 1e7));
  s.price_usd = q(sys.at("price_usd"), Range::up_to(1e10));
  s.service_life_years = q(root.at("service_life_years"), Range::up_to(30));
  return s;
}

}  // namespace

LoadedSystem load_system_file(const std::filesystem::path& file, std::shared_ptr<Sampling> sampling) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  doc->sampling = std::move(sampling);
  doc->sample_namespace = "catalog/" + file.filename().string() + ":";
  const YAML::Node node = load_yaml_file(file);
  LoadedSystem out;
  out.spec = parse_system(YamlView(node, "", doc));
  out.canonical_yaml = emit(node);
  return out;
}

std::vector<std::string> list_system_ids(const std::filesystem::path& dir) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") ids.push_back(entry.path().stem().string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

LoadedSystem load_system(const std::filesystem::path& dir, const std::string& id, const YamlView& referenced_by) {
  const auto file = dir / (id + ".yaml");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    const auto ids = list_system_ids(dir);
    std::string msg = fmt::format("unknown catalog system '{}' (no {})", id, file.string());
    if (auto best = closest_name(id, ids)) msg += fmt::format("; did you mean '{}'?", *best);
    if (!ids.empty()) {
      msg += " (known systems:";
      for (const auto& k : ids) msg += " " + k;
      msg += ")";
    }
    referenced_by.fail(msg);
  }
  LoadedSystem sys = load_system_file(file, referenced_by.document().sampling);
  if (sys.spec.id != id)
    throw InputError(fmt::format("{}: id: the file is named '{}.yaml' but its id is '{}'", file.string(), id, sys.spec.id));
  return sys;
}

}  // namespace gigasim::io
