// Loading the parts of a scenario that unfold over time: the site's power ramp, the budget, each
// choice's roadmap, supply and refresh policy, the scheduler, failures and checkpointing, and the
// generated and replayed workload. Called by scenario_loader; every error names file, line, column and
// key path.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

// A name that ends up in file names and CSV cells: letters, digits, '_', '.', '-' (at most 64, starting
// with a letter or digit).
std::string read_name(const YamlView& v);

// A time in a scenario: exactly one of `date` (YYYY-MM-DD), `day` or `year` (from the start) in `v`.
double read_time_point(const YamlView& v, const std::string& start_date);

std::vector<PowerPoint> read_power_ramp(const YamlView& v, const std::string& start_date, double site_power_w);
// site.power_cap: {policy: throttle|defer, oversubscription?, min_speed?, curtailment?: [{fraction, hours,
// calendar_months?, weekdays_only?}]}.
PowerCapSpec read_power_cap(const YamlView& v);
BudgetSpec read_budget(const YamlView& v);
SchedulerSpec read_scheduler(const YamlView& v);
// `base`: the scenario's folder (the failure table path is relative to it).
ReliabilitySpec read_reliability(const YamlView& v);
FailureTable load_failure_table(const std::filesystem::path& file, const YamlView& referenced_by);

// Roadmap entries of a choice ({system, from, price_usd?, service_life_years?}), systems loaded from
// the catalog (their canonical text appended to `catalog_text`).
std::vector<Generation> read_roadmap(const YamlView& v, const std::filesystem::path& catalog_dir, const std::string& start_date,
                                     double horizon_s, std::string& catalog_text);
SupplySpec read_supply(const YamlView& v);
RefreshSpec read_refresh(const YamlView& v);

FrontierSeries read_frontier(const YamlView& v, double horizon_s);
JobClass read_job_class(const YamlView& v, double horizon_s);
JobTraceSpec read_job_trace(const YamlView& v, const std::filesystem::path& catalog_dir, double horizon_s,
                            std::string& catalog_text);

}  // namespace gigasim::io
