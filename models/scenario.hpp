// A validated scenario: plain structs in SI units, with provenance on every assumption. Produced by
// sim/io/scenario_loader from YAML; consumed by the models and the simulation. Never sees YAML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "provenance.hpp"
#include "transformer.hpp"

namespace gigasim {

// How the site is built: campus -> buildings -> halls, and the scale-out fabric's oversubscription at
// each tier (downstream capacity / upstream capacity; 1 = non-blocking).
struct SiteLayout {
  std::int64_t buildings = 1;
  std::int64_t halls_per_building = 1;
  double hall_power_w = 0;  // facility power available to one hall (IT x PUE)
  double hall_oversubscription = 1;  // block uplinks : hall spine
  double building_oversubscription = 1;  // hall spine : hall uplink to the building core
  double campus_oversubscription = 1;  // building core : building uplink to the campus core
  std::int64_t halls() const { return buildings * halls_per_building; }
};

struct SiteSpec {
  Quantity power_w;  // site power envelope (facility power, IT x PUE)
  SiteLayout layout;
  Quantity pue;  // power usage effectiveness, >= 1
  Quantity electricity_usd_per_kwh;
  Quantity facility_capex_usd_per_w;  // build cost per watt of critical IT load
};

struct PretrainingJobSpec {
  std::string name;
  TransformerSpec model;  // given, or the standard shape for a parameter count (models/model_shapes)
  double params = 0;  // total parameters of `model`
  double tokens = 0;  // tokens to train on
  std::int64_t chips = 0;  // accelerators the job asks for
  double submit_s = 0;  // submission time from the scenario start
  Precision precision = Precision::kBf16;
  std::int64_t global_batch_sequences = 0;  // sequences per optimizer step
};

struct WorkloadSpec {
  std::vector<PretrainingJobSpec> pretraining;
};

struct HardwareChoice {
  std::string name;
  SystemSpec system;  // resolved from the catalog
  std::int64_t chips = 0;  // accelerators installed (the loader fills in the full build-out when omitted)
  std::int64_t block_chips = 0;  // accelerators per SimGrid host (a multiple of system.chips)
  std::filesystem::path platform_file;  // empty: generate the platform from the catalog
};

struct Scenario {
  std::string name;
  std::string description;
  std::filesystem::path file;  // where it was loaded from
  std::uint64_t seed = 0;
  std::string start_date;  // ISO 8601 date of simulated time 0, e.g. 2026-01-01
  double horizon_s = 0;
  std::filesystem::path catalog_dir;
  SiteSpec site;
  WorkloadSpec workload;
  std::vector<HardwareChoice> choices;
  std::string resolved_sha256;  // hash of the resolved content (scenario + overrides + catalog entries)
};

}  // namespace gigasim
