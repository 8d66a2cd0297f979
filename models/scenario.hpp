// A validated scenario: plain structs in SI units, with provenance on every assumption. Produced by
// sim/io/scenario_loader from YAML; consumed by the models and the simulation. Never sees YAML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "demand.hpp"
#include "provenance.hpp"
#include "reliability.hpp"
#include "transformer.hpp"
#include "uncertainty.hpp"

namespace gigasim {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct PowerPoint {
  double time_s = 0;   // from the scenario start
  double power_w = 0;  // facility power available (IT x PUE) from this time
};

// What a generation's chips may do (a track's `use`): training jobs, serving replicas, or both.
enum class GenerationUse { kAny, kTraining, kServing };

// One roadmap entry: a system that can be ordered from `available_s` on.
struct Generation {
  SystemSpec system;
  double available_s = 0;  // first order time, seconds from the scenario start (<= 0: from the start)
  double price_usd = 0;  // one system (the catalog's system price unless the scenario overrides it)
  double service_life_s = 0;  // the catalog's service life unless the scenario overrides it
  GenerationUse use = GenerationUse::kAny;  // from its track
};

struct SupplySpec {
  double chips_per_quarter = kInfinity;  // delivery cap (a quarter is a quarter of a Julian year)
  double lead_time_s = 0;  // from order to delivery
};

enum class RefreshPolicy { kKeep, kEndOfLife, kUpgrade };

struct RefreshSpec {
  RefreshPolicy policy = RefreshPolicy::kEndOfLife;
  double min_gain = 2.0;  // kUpgrade: FLOP/s-per-watt ratio new/old that justifies early replacement
};

struct BudgetSpec {
  double total_usd = kInfinity;
  double per_year_usd = kInfinity;
};


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

// The price of electricity: flat, time of use, or a monthly curve (models/accounting.hpp).
struct ElectricityPrice {
  enum class Kind { kFlat, kTimeOfUse, kMonthly };
  Kind kind = Kind::kFlat;
  // kTimeOfUse: `peak` from peak_start_hour to peak_end_hour (simulated local time; time 0 is a midnight),
  // on weekdays only when weekdays_only, `electricity_usd_per_kwh` (SiteSpec) the rest of the time.
  Quantity peak_usd_per_kwh;
  double peak_start_hour = 0, peak_end_hour = 0;
  bool weekdays_only = false;
  int start_weekday = 0;  // weekday of time 0, 0 = Monday
  // kMonthly: USD per kWh for each reporting month, from a CSV of calendar months (YYYY-MM,usd_per_kwh).
  std::vector<double> monthly_usd_per_kwh;
  std::filesystem::path monthly_file;
};

// Grid carbon intensity (constant or a monthly curve) and embodied carbon of the hardware.
struct CarbonSpec {
  Quantity grid_kg_per_kwh;  // constant, when monthly is empty
  std::vector<double> monthly_kg_per_kwh;  // per reporting month, from a CSV (YYYY-MM,kg_per_kwh)
  std::filesystem::path monthly_file;
  Quantity embodied_kg_per_chip;  // manufacturing, per accelerator slot (chip, its share of the system), at delivery
};

// A window of the day when the grid asks the site to draw less: the cap is `fraction` of the power
// available (models/power_cap.hpp).
struct CurtailmentWindow {
  double fraction = 1;  // of the available power, in (0, 1]
  double start_hour = 0, end_hour = 24;  // of the simulated day (time 0 is a midnight), start < end
  std::vector<int> calendar_months;  // 1..12; empty: every month
  bool weekdays_only = false;
};

// What the site does when its power demand would exceed the power available (models/power_cap.hpp).
struct PowerCapSpec {
  enum class Policy {
    kNone,  // no cap is enforced: the fleet is planned within the envelope at full load
    kThrottle,  // training chips slow down (fewer watts per the power-performance curve), then runs are stopped
    kDefer,  // training runs wait for power to start, and running ones are stopped when the cap falls
  };
  Policy policy = Policy::kNone;
  double oversubscription = 1;  // hardware planned for this many times the envelope at full load
  int min_level = 0;  // throttle: the slowest level chips may run at (power_constants::throttle_speed)
  std::vector<CurtailmentWindow> curtailment;
  std::string where;  // "file:line:column" of site.power_cap, for errors found after loading
  bool enabled() const { return policy != Policy::kNone; }
};

struct SiteSpec {
  Quantity power_w;  // site power envelope (facility power, IT x PUE)
  std::vector<PowerPoint> power_ramp;  // facility power available over time; empty: power_w from the start
  SiteLayout layout;
  Quantity pue;  // power usage effectiveness, >= 1 (the mean of pue_by_month when that is given)
  std::vector<double> pue_by_calendar_month;  // 12 values, January first; empty: pue all year
  Quantity electricity_usd_per_kwh;  // the flat price (the off-peak price with time of use)
  ElectricityPrice electricity;
  Quantity facility_capex_usd_per_w;  // build cost per watt of critical IT load
  Quantity facility_life_years;  // its depreciation life
  // The scale-out network and storage beyond the systems, per installed accelerator.
  Quantity network_power_w_per_chip;
  Quantity network_capex_share;  // of the systems' price
  Quantity storage_power_w_per_chip;
  Quantity storage_capex_usd_per_chip;
  CarbonSpec carbon;
  PowerCapSpec power_cap;
  int start_weekday = 0;  // weekday of time 0, 0 = Monday (power cap curtailment windows)
  // IT power per installed accelerator beyond its system: the scale-out network and storage.
  double infra_w_per_chip() const { return network_power_w_per_chip.value + storage_power_w_per_chip.value; }
};

// How purchases are paid for and what money costs (models/finance.hpp).
struct FinanceSpec {
  Quantity debt_share;  // of each purchase, borrowed
  Quantity interest_rate;  // per year
  Quantity loan_term_years;
  Quantity discount_rate;  // per year, for the net present value
  Quantity maintenance_share;  // of the capex in service, per year
};

// Renting the capacity instead of owning it: every installed (reserved) or allocated (on-demand) chip-hour
// at a price that includes power, facility and network.
struct RentSpec {
  Quantity usd_per_chip_hour;
  bool reserved = true;
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
  int priority = 0;
  bool preemptible = false;
};

// A job trace replayed as training work (acme, helios, alibaba-openb): each record that ran asks for
// chips = ceil(gpus x size_scale) and brings chips x duration_s chip-seconds of work on the reference
// system's chip; on another chip it runs faster or slower by the ratio of sustained FLOP/s.
struct JobTraceSpec {
  std::string name;
  std::filesystem::path file;
  std::string format;  // empty: detected from the header
  double time_scale = 1;
  double rate_scale = 1;
  double size_scale = 1;
  bool loop = false;
  double start_s = 0;  // the first record is submitted at this time
  SystemSpec reference;  // the hardware the trace ran on
  int priority = 0;
  bool preemptible = true;
};

// A series of frontier pretraining runs: run k is submitted at first_submit_s + k x interval_s (while
// before until_s) and asks for first_flops x growth_per_year^(years since the first run) of compute.
// At submission the simulation bounds it by what the fleet can do (size_frontier_run) and picks the
// model with tokens_per_param tokens per parameter (compute = 6 N D).
struct FrontierSeries {
  std::string name = "frontier";
  double first_submit_s = 0;
  double interval_s = 0;
  double until_s = 0;
  double first_flops = 0;
  double growth_per_year = 1;
  double fleet_fraction = 0.5;  // of the newest generation's installed chips, at most
  double max_duration_s = 0;  // the run is sized to finish within this at the estimated speed
  double tokens_per_param = 20;
  std::int64_t seq_len = 8192;
  std::int64_t global_batch_sequences = 0;
  int priority = 0;
  bool preemptible = false;
};

// Smaller training and fine-tuning jobs: Poisson arrivals, at arrivals_per_s x growth_per_year^(years since
// first_s); each job draws its model size and chips uniformly from the lists and its tokens log-uniformly
// in [tokens_min, tokens_max].
struct JobClass {
  std::string name;
  double arrivals_per_s = 0;
  double growth_per_year = 1;
  double first_s = 0;
  double until_s = 0;
  std::vector<double> params;
  std::vector<std::int64_t> chips;
  double tokens_min = 0, tokens_max = 0;
  std::int64_t seq_len = 4096;
  double global_batch_tokens = 0;  // rounded down to whole sequences (at least one)
  int priority = 0;
  bool preemptible = true;
};

struct WorkloadSpec {
  std::vector<PretrainingJobSpec> pretraining;
  std::optional<FrontierSeries> frontier;  // generated work (models/workload.hpp)
  std::vector<JobClass> job_classes;
  std::vector<JobTraceSpec> job_traces;
};

// Inference (models/serving.hpp, models/demand.hpp): models served on the fleet, the demand for them,
// and how serving shares the fleet with training.
struct ServedModel {
  std::string name;
  TransformerSpec model;
  Precision precision = Precision::kBf16;
  double ttft_s = 0;  // objectives of the replicas (0: none)
  double tpot_s = 0;
};

struct DemandStream {
  std::string name;
  std::size_t model = 0;  // index into InferenceSpec::models
  bool trace = false;  // false: generated; true: a request trace replayed
  GeneratedDemandSpec generated;
  TraceDemandSpec replay;
  std::filesystem::path file;  // trace
  std::string format;  // trace: as read (azure, mooncake)
  double input_tokens() const { return trace ? replay.bins->mean_input_tokens() : generated.input_tokens; }
  double output_tokens() const { return trace ? replay.bins->mean_output_tokens() : generated.output_tokens; }
};

enum class ServingPolicy {
  kInferenceFirst,  // serving takes the chips it needs, preempting preemptible training; training fills the rest
  kPartition,  // serving owns a fixed fraction of each generation's chips; training never uses them
};

struct InferenceSpec {
  ServingPolicy policy = ServingPolicy::kInferenceFirst;
  double partition = 0;  // kPartition: fraction of each generation's schedulable chips
  bool newest_first = false;  // which generations serve first (default: the oldest, leaving the newest to training)
  double step_s = 3600;  // resolution of the serving model in the simulation
  double max_delay_s = 0;  // requests beyond capacity wait up to this long (served late), then are dropped
  std::vector<ServedModel> models;
  std::vector<DemandStream> demand;
  bool enabled() const { return !demand.empty(); }
};

struct SchedulerSpec {
  std::string policy = "fifo";  // models/scheduler.hpp: fifo | backfill | priority
  std::string placement = "topology";  // topology (nearest free chips on the fabric) | packed (lowest block first)
};

// A procurement track of a choice with several (e.g. Trainium for training and GPUs for serving): its own
// roadmap (generations [first, first + count) of HardwareChoice::roadmap), supply and refresh, planned
// within power_share of the site's power, of each hall's power and of the budget (models/choice_fleet).
struct Track {
  std::string name;
  GenerationUse use = GenerationUse::kAny;
  double power_share = 1;
  std::size_t first = 0, count = 0;
  SupplySpec supply;
  RefreshSpec refresh;
};

struct HardwareChoice {
  std::string name;
  SystemSpec system;  // the first generation (roadmap[0].system)
  // Static fleet (`system`): the cap on installed chips (the full build-out when omitted). With a
  // roadmap: 0 unless the scenario caps it.
  std::int64_t chips = 0;
  std::int64_t block_chips = 0;  // accelerators per SimGrid host (a multiple of every generation's system.chips)
  std::filesystem::path platform_file;  // empty: generate the platform from the catalog
  // What can be bought when (one entry for a static fleet), from whom, and when it is retired.
  std::vector<Generation> roadmap;
  bool procured = false;  // false: the whole fleet is delivered at time 0 and kept (the static fleet)
  SupplySpec supply;
  RefreshSpec refresh;
  std::optional<RentSpec> rent;  // rented instead of owned: no capex, no electricity bill
  std::vector<Track> tracks;  // empty: one roadmap (supply and refresh above); else roadmap is the tracks' in order
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
  BudgetSpec budget;
  WorkloadSpec workload;
  SchedulerSpec scheduler;
  ReliabilitySpec reliability;
  InferenceSpec inference;
  FinanceSpec finance;
  std::vector<HardwareChoice> choices;
  std::string resolved_sha256;  // hash of the resolved content (scenario + overrides + catalog entries)
  SamplingSpec sampling;                 // how the distributions below were resolved
  std::vector<UncertainInput> uncertain;  // every distribution read, in reading order
};

}  // namespace gigasim
