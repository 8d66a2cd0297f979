#include "report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "gigasim/version.hpp"
#include "input_error.hpp"
#include "models/accounting.hpp"
#include "models/calendar.hpp"
#include "models/choice_fleet.hpp"
#include "models/power.hpp"
#include "models/units.hpp"

namespace gigasim::io {
namespace {

nlohmann::json quantity_json(const Quantity& q) {
  nlohmann::json j{{"value", q.value}, {"label", to_string(q.provenance.label)}, {"source", q.provenance.source}};
  if (!q.provenance.note.empty()) j["note"] = q.provenance.note;
  return j;
}

nlohmann::json assumptions_json(const Scenario& s, const HardwareChoice& c) {
  nlohmann::json a;
  a["site.power_w"] = quantity_json(s.site.power_w);
  a["site.pue"] = quantity_json(s.site.pue);
  a["site.electricity_usd_per_kwh"] = quantity_json(s.site.electricity_usd_per_kwh);
  a["site.facility_capex_usd_per_w"] = quantity_json(s.site.facility_capex_usd_per_w);
  a["site.facility_life_years"] = quantity_json(s.site.facility_life_years);
  a["site.network.power_w_per_chip"] = quantity_json(s.site.network_power_w_per_chip);
  a["site.network.capex_share"] = quantity_json(s.site.network_capex_share);
  a["site.storage.power_w_per_chip"] = quantity_json(s.site.storage_power_w_per_chip);
  a["site.storage.capex_usd_per_chip"] = quantity_json(s.site.storage_capex_usd_per_chip);
  if (!s.site.pue_by_calendar_month.empty())
    a["site.pue_by_month"] = {{"value", s.site.pue_by_calendar_month}, {"label", "scenario"}, {"source", s.site.pue.provenance.source}};
  const ElectricityPrice& e = s.site.electricity;
  if (e.kind == ElectricityPrice::Kind::kTimeOfUse) {
    a["site.electricity.peak_usd_per_kwh"] = quantity_json(e.peak_usd_per_kwh);
    a["site.electricity.peak_hours"] = {{"value", {e.peak_start_hour, e.peak_end_hour}}, {"weekdays_only", e.weekdays_only}, {"label", "scenario"},
                                        {"source", s.file.string()}};
  } else if (e.kind == ElectricityPrice::Kind::kMonthly) {
    a["site.electricity.monthly_csv"] = {{"value", e.monthly_usd_per_kwh}, {"label", "scenario"}, {"source", e.monthly_file.string()}};
  }
  if (s.site.carbon.monthly_kg_per_kwh.empty())
    a["site.carbon.grid_kg_per_kwh"] = quantity_json(s.site.carbon.grid_kg_per_kwh);
  else
    a["site.carbon.monthly_csv"] = {{"value", s.site.carbon.monthly_kg_per_kwh}, {"label", "scenario"}, {"source", s.site.carbon.monthly_file.string()}};
  a["site.carbon.embodied_kg_per_chip"] = quantity_json(s.site.carbon.embodied_kg_per_chip);
  const std::string cal = "gigasim calibration of one H100 SXM 80GB, ../shared/calibration/h100-sxm-80gb.json (2026-11-26)";
  a["power.memory_bound_activity"] = {{"value", power_constants::kMemoryPowerFraction}, {"label", "measured"}, {"source", cal},
                                      {"note", "(555 - 74) / (698 - 74): HBM copy against GEMM power above idle; applied to every chip"}};
  a["power.trace_job_activity"] = {{"value", kTraceJobActivity}, {"label", "measured"}, {"source", cal},
                                   {"note", "(669 - 74) / (698 - 74): the measured training step, for replayed jobs with no model"}};
  a["power.waiting_activity"] = {{"value", 0.0}, {"label", "estimate"}, {"source", "gigasim assumption"},
                                 {"note", "exposed communication and pipeline bubbles draw idle power"}};
  if (s.site.power_cap.enabled()) {
    const PowerCapSpec& pc = s.site.power_cap;
    a["site.power_cap.policy"] = {{"value", pc.policy == PowerCapSpec::Policy::kThrottle ? "throttle" : "defer"}, {"label", "scenario"}, {"source", pc.where}};
    a["site.power_cap.oversubscription"] = {{"value", pc.oversubscription}, {"label", "scenario"}, {"source", pc.where}};
    nlohmann::json windows = nlohmann::json::array();
    for (const auto& w : pc.curtailment)
      windows.push_back({{"fraction", w.fraction}, {"hours", {w.start_hour, w.end_hour}}, {"calendar_months", w.calendar_months}, {"weekdays_only", w.weekdays_only}});
    a["site.power_cap.curtailment"] = {{"value", windows}, {"label", "scenario"}, {"source", pc.where}};
    if (pc.policy == PowerCapSpec::Policy::kThrottle)
      a["site.power_cap.min_speed"] = {{"value", throttle_speed(pc.min_level)}, {"label", "scenario"}, {"source", pc.where},
                                       {"note", fmt::format("default {:g}: below it runs are stopped instead", power_constants::kDefaultMinThrottleSpeed)}};
    a["power.dvfs_exponent"] = {{"value", power_constants::kDvfsExponent}, {"label", "estimate"}, {"source", "CMOS dynamic power C V^2 f with V ~ f"},
                                {"note", "a throttled chip at speed s draws idle + (busy - idle) s^3; docs/models.md#power-cap compares it with reported caps"}};
  }
  a["finance.debt_share"] = quantity_json(s.finance.debt_share);
  a["finance.interest_rate"] = quantity_json(s.finance.interest_rate);
  a["finance.loan_term_years"] = quantity_json(s.finance.loan_term_years);
  a["finance.discount_rate"] = quantity_json(s.finance.discount_rate);
  a["finance.maintenance_share"] = quantity_json(s.finance.maintenance_share);
  if (c.rent) {
    a["rent.usd_per_chip_hour"] = quantity_json(c.rent->usd_per_chip_hour);
    a["rent.basis"] = {{"value", c.rent->reserved ? "reserved" : "on-demand"}, {"label", "scenario"}, {"source", s.file.string()}};
  }
  const SystemSpec& sys = c.system;
  for (const auto& [p, q] : sys.chip.dense_flops_per_s) a[fmt::format("system.chip.dense_flops_per_s.{}", to_string(p))] = quantity_json(q);
  a["system.chip.gemm_efficiency"] = quantity_json(sys.chip.gemm_efficiency);
  a["system.chip.power_idle_w"] = quantity_json(sys.chip.power_idle_w);
  a["system.chip.power_busy_w"] = quantity_json(sys.chip.power_busy_w);
  a["system.overhead_power_w"] = quantity_json(sys.overhead_power_w);
  a["system.price_usd"] = quantity_json(sys.price_usd);
  a["system.scale_out.bandwidth_bytes_per_s_per_chip"] = quantity_json(sys.scale_out.bandwidth_bytes_per_s_per_chip);
  a["system.scale_out.latency_s"] = quantity_json(sys.scale_out.latency_s);
  a["system.service_life_years"] = quantity_json(sys.service_life_years);
  const ReliabilitySpec& r = s.reliability;
  if (r.enabled) {
    a["reliability.failures.interruptions_per_chip_hour"] = {{"value", r.table.rate_per_chip_s() * units::kSecondsPerHour},
                                                             {"label", "derived"},
                                                             {"source", fmt::format("{}: {}", r.table.id, r.table.description)}};
    a["reliability.rate_scale"] = quantity_json(r.rate_scale);
    a["reliability.checkpoint_bytes_per_param"] = quantity_json(r.checkpoint_bytes_per_param);
    a["reliability.checkpoint_bandwidth_bytes_per_s"] = quantity_json(r.checkpoint_bandwidth_bytes_per_s);
    a["reliability.restart_s"] = quantity_json(r.restart_s);
    a["reliability.repair_s"] = quantity_json(r.repair_s);
    a["reliability.spare_fraction"] = quantity_json(r.spare_fraction);
    a["reliability.checkpoint_interval_s"] =
        r.checkpoint_interval_s > 0 ? nlohmann::json{{"value", r.checkpoint_interval_s}, {"label", "scenario"}, {"source", s.file.string()}}
                                    : nlohmann::json{{"value", nullptr}, {"label", "derived"}, {"source", "Daly's interval per job (docs/models.md)"}};
    a["reliability.spare_unit_chips"] = {{"value", spare_unit_chips(r, c.system.chips)},
                                         {"label", r.spare_unit_chips > 0 ? "scenario" : "estimate"},
                                         {"source", r.spare_unit_chips > 0 ? s.file.string() : std::string("gigasim assumption: the system, capped at 8 chips")}};
  }
  // What each generation of a roadmap costs and how long it serves (the catalog's, unless overridden).
  for (std::size_t g = 0; g < c.roadmap.size() && c.procured; ++g) {
    const Generation& gen = c.roadmap[g];
    const bool price_default = gen.price_usd == gen.system.price_usd.value;
    const bool life_default = gen.service_life_s == gen.system.service_life_years.value * units::kSecondsPerYear;
    a[fmt::format("roadmap.{}.{}.price_usd", g, gen.system.id)] =
        price_default ? quantity_json(gen.system.price_usd) : nlohmann::json{{"value", gen.price_usd}, {"label", "scenario"}, {"source", s.file.string()}};
    a[fmt::format("roadmap.{}.{}.service_life_years", g, gen.system.id)] =
        life_default ? quantity_json(gen.system.service_life_years)
                     : nlohmann::json{{"value", gen.service_life_s / units::kSecondsPerYear}, {"label", "scenario"}, {"source", s.file.string()}};
  }
  return a;
}

// CSV cell for a number: shortest round-trip representation.
std::string num(double v) { return fmt::format("{}", v); }

}  // namespace

namespace {

std::string date_at(const Scenario& s, double t) {
  if (std::isinf(t)) return "";
  return format_iso_date(add_seconds(*parse_iso_date(s.start_date), t));
}

std::string_view refresh_name(RefreshPolicy p) {
  switch (p) {
    case RefreshPolicy::kKeep: return "keep";
    case RefreshPolicy::kEndOfLife: return "end-of-life";
    case RefreshPolicy::kUpgrade: return "upgrade";
  }
  return "?";
}

}  // namespace

RunOutputs build_outputs(const Scenario& scenario, const std::vector<ChoiceResult>& results) {
  RunOutputs out;
  nlohmann::json& sum = out.summary;
  sum["scenario"] = scenario.name;
  sum["seed"] = scenario.seed;
  sum["scenario_sha256"] = scenario.resolved_sha256;
  sum["gigasim_version"] = kVersion;
  sum["start_date"] = scenario.start_date;
  sum["horizon_s"] = scenario.horizon_s;
  sum["scheduler"] = {{"policy", scenario.scheduler.policy}, {"placement", scenario.scheduler.placement}};
  sum["choices"] = nlohmann::json::object();
  if (!scenario.uncertain.empty()) {
    // Numbers given as distributions, and the value this run used (their central values, or a draw).
    nlohmann::json& u = sum["uncertainty"];
    u["samples"] = scenario.sampling.count;
    for (const UncertainInput& in : scenario.uncertain)
      u["parameters"].push_back({{"key", in.key}, {"location", in.location}, {"distribution", describe(in.distribution)},
                                 {"central", central_value(in.distribution)}, {"value", in.value}});
  }

  std::ostringstream ts;
  ts << "choice,month,metric,value,unit\n";
  std::ostringstream jobs;
  jobs << "choice,job,kind,system,priority,chips,blocks,layout,step_time_s,mfu,submit_s,start_s,end_s,tokens_target,tokens_done,flops_done,"
          "energy_it_j,rejected,interruptions,repairs,preemptions,lost_chip_s,downtime_chip_s\n";
  std::ostringstream fleet;
  fleet << "choice,lot,system,order_date,delivery_date,retire_date,retire_reason,blocks,chips,capex_systems_usd,capex_network_usd,capex_storage_usd,"
           "capex_facility_usd,limited_by\n";

  for (std::size_t i = 0; i < results.size(); ++i) {
    const ChoiceResult& r = results[i];
    const HardwareChoice& choice = scenario.choices.at(i);
    const FleetPlan plan = plan_choice_fleet(scenario.site, scenario.budget, choice, scenario.horizon_s);
    std::vector<MonthUsage> usage;
    double tokens = 0, flops = 0, allocated_chip_s = 0, installed_chip_s = 0, useful_chip_s = 0, wait_s = 0;
    std::int64_t started = 0, interruptions = 0, peak_chips = 0;
    double served_tokens = 0, peak_it_w = 0, infra_j = 0;
    for (const auto& m : r.months) {
      usage.push_back({m.duration_s, m.it_energy_j, m.it_energy_peak_j, m.installed_chip_s, m.allocated_chip_s, m.serving_chip_s, m.serving_energy_j,
                       m.tokens, m.flops, m.output_tokens_served});
      served_tokens += m.output_tokens_served;
      if (m.duration_s > 0) peak_it_w = std::max(peak_it_w, m.it_energy_j / m.duration_s);
      infra_j += scenario.site.infra_w_per_chip() * m.installed_chip_s;
      tokens += m.tokens;
      flops += m.flops;
      allocated_chip_s += m.allocated_chip_s;
      installed_chip_s += m.installed_chip_s;
      useful_chip_s += m.useful_chip_s;
      wait_s += m.queue_wait_s;
      started += m.jobs_started;
      interruptions += m.interruptions;
      std::int64_t chips = 0;
      for (auto c : m.chips_installed) chips += c;
      peak_chips = std::max(peak_chips, chips);
    }
    const CostSummary cost = account_costs(scenario, choice, plan, usage);
    // The most chips installed at once: the plan's count just after each delivery within the horizon.
    for (const Lot& lot : plan.lots)
      if (lot.delivery_s < scenario.horizon_s) peak_chips = std::max(peak_chips, plan.chips_installed(lot.delivery_s));
    std::int64_t completed = 0, preemptions = 0;
    double lost_chip_s = 0;
    for (const auto& j : r.jobs) {
      if (j.end_s >= 0) ++completed;
      preemptions += j.preemptions;
      lost_chip_s += j.lost_chip_s;
    }
    auto ratio = [](double a, double b) { return b > 0 ? nlohmann::json(a / b) : nlohmann::json(nullptr); };

    nlohmann::json c;
    c["system"] = r.system_id;
    c["generations"] = r.generations;
    c["chips"] = peak_chips;
    c["block_chips"] = r.block_chips;
    c["hosts"] = r.hosts;
    c["horizon_s"] = r.horizon_s;
    std::int64_t end_chips = 0;
    if (!r.months.empty())
      for (auto x : r.months.back().chips_installed) end_chips += x;
    c["fleet"] = {{"procured", choice.procured},
                  {"refresh", refresh_name(choice.refresh.policy)},
                  {"lots", plan.lots.size()},
                  {"slots", plan.slots},
                  {"chips_installed_peak", peak_chips},
                  {"chips_installed_end", end_chips}};
    if (!choice.tracks.empty()) {
      nlohmann::json tracks = nlohmann::json::array();
      for (const Track& t : choice.tracks) {
        std::vector<std::string> systems;
        for (std::size_t g = t.first; g < t.first + t.count; ++g) systems.push_back(choice.roadmap[g].system.id);
        std::int64_t peak = 0;
        for (const Lot& lot : plan.lots)
          if (lot.delivery_s < scenario.horizon_s) {
            std::int64_t n = 0;
            for (std::size_t g = t.first; g < t.first + t.count; ++g) n += plan.chips_installed(lot.delivery_s, g);
            peak = std::max(peak, n);
          }
        tracks.push_back({{"name", t.name},
                          {"use", t.use == GenerationUse::kTraining ? "training" : t.use == GenerationUse::kServing ? "serving" : "any"},
                          {"power_share", t.power_share},
                          {"systems", systems},
                          {"chips_installed_peak", peak}});
      }
      c["fleet"]["tracks"] = tracks;
    }
    c["training"] = {{"tokens", tokens},
                     {"flops", flops},
                     {"jobs_submitted", static_cast<std::int64_t>(r.jobs.size())},
                     {"jobs_started", started},
                     {"jobs_rejected", r.jobs_rejected},
                     {"jobs_completed", completed},
                     {"utilisation", ratio(allocated_chip_s, installed_chip_s)},
                     {"goodput", allocated_chip_s > 0 ? nlohmann::json(std::min(1.0, useful_chip_s / allocated_chip_s)) : nlohmann::json(nullptr)},
                     {"queue_wait_mean_s", ratio(wait_s, static_cast<double>(started))},
                     {"interruptions", interruptions},
                     {"preemptions", preemptions},
                     {"lost_chip_hours", lost_chip_s / units::kSecondsPerHour}};
    const double pflop_days = flops / 1e15 / units::kSecondsPerDay;
    c["energy"] = {{"it_mwh", r.it_energy_j / units::kJoulesPerMwh},
                   {"facility_mwh", cost.facility_energy_j / units::kJoulesPerMwh},
                   {"pue", ratio(cost.facility_energy_j, r.it_energy_j)},
                   {"network_storage_mwh", infra_j / units::kJoulesPerMwh},
                   {"it_power_peak_month_w", peak_it_w},
                   {"facility_power_peak_month_w", [&] {
                      double w = 0;
                      for (std::size_t m = 0; m < r.months.size(); ++m)
                        if (r.months[m].duration_s > 0) w = std::max(w, r.months[m].it_energy_j * cost.months[m].pue / r.months[m].duration_s);
                      return w;
                    }()},
                   {"mwh_per_million_tokens_trained", ratio(cost.facility_energy_j / units::kJoulesPerMwh, tokens / 1e6)}};
    c["cost"] = {{"capex_usd", cost.capex_usd},
                 {"capex_systems_usd", cost.capex_systems_usd},
                 {"capex_network_usd", cost.capex_network_usd},
                 {"capex_storage_usd", cost.capex_storage_usd},
                 {"capex_facility_usd", cost.capex_facility_usd},
                 {"opex_usd", cost.opex_usd},
                 {"opex_electricity_usd", cost.electricity_usd},
                 {"opex_maintenance_usd", cost.maintenance_usd},
                 {"opex_rent_usd", cost.rent_usd},
                 {"depreciation_usd", cost.depreciation_usd},
                 {"interest_usd", cost.interest_usd},
                 {"debt_drawn_usd", cost.debt_drawn_usd},
                 {"debt_outstanding_end_usd", cost.debt_outstanding_end_usd},
                 {"total_usd", cost.total_usd},
                 {"ownership_usd", cost.ownership_usd},
                 {"npv_usd", cost.npv_usd},
                 {"training_ownership_usd", cost.training_ownership_usd},
                 {"serving_ownership_usd", cost.serving_ownership_usd},
                 {"usd_per_million_tokens_trained", ratio(cost.training_ownership_usd, tokens / 1e6)},
                 {"usd_per_million_tokens_served", ratio(cost.serving_ownership_usd, served_tokens / 1e6)},
                 {"usd_per_pflop_day", ratio(cost.training_ownership_usd, pflop_days)}};
    c["carbon"] = {{"operational_t", cost.carbon_operational_kg / 1e3},
                   {"embodied_t", cost.carbon_embodied_kg / 1e3},
                   {"total_t", (cost.carbon_operational_kg + cost.carbon_embodied_kg) / 1e3},
                   {"kg_per_million_tokens_trained", ratio(cost.carbon_operational_kg + cost.carbon_embodied_kg, tokens / 1e6)}};
    c["assumptions"] = assumptions_json(scenario, choice);
    if (scenario.site.power_cap.enabled()) {
      MonthRecord t;
      t.power_cap_min_w = r.months.empty() ? 0.0 : r.months.front().power_cap_min_w;
      for (const auto& m : r.months) {
        t.power_cap_min_w = std::min(t.power_cap_min_w, m.power_cap_min_w);
        t.power_bound_peak_w = std::max(t.power_bound_peak_w, m.power_bound_peak_w);
        t.training_chip_s += m.training_chip_s, t.throttle_chip_s += m.throttle_chip_s;
        t.power_preemptions += m.power_preemptions, t.power_deferred_starts += m.power_deferred_starts;
      }
      const PowerCapSpec& pc = scenario.site.power_cap;
      c["power_cap"] = {{"policy", pc.policy == PowerCapSpec::Policy::kThrottle ? "throttle" : "defer"},
                        {"oversubscription", pc.oversubscription},
                        {"cap_min_w", t.power_cap_min_w},
                        {"facility_power_bound_peak_w", t.power_bound_peak_w},
                        {"violations", r.power_cap_violations},
                        {"throttle_changes", r.throttle_changes},
                        {"training_speed_mean", ratio(t.throttle_chip_s, t.training_chip_s)},
                        {"throttle_lost_chip_hours", (t.training_chip_s - t.throttle_chip_s) / units::kSecondsPerHour},
                        {"preemptions", t.power_preemptions},
                        {"deferred_starts", t.power_deferred_starts}};
    }
    if (scenario.inference.enabled()) {
      MonthRecord t;
      std::int64_t preempted = 0;
      for (const auto& m : r.months) {
        t.requests_arrived += m.requests_arrived, t.requests_served += m.requests_served, t.requests_late += m.requests_late;
        t.requests_dropped += m.requests_dropped, t.output_tokens_served += m.output_tokens_served, t.input_tokens_served += m.input_tokens_served;
        t.serving_chip_s += m.serving_chip_s, t.serving_energy_j += m.serving_energy_j;
        preempted += m.serving_preemptions;
      }
      const double cost_usd = cost.serving_ownership_usd;
      nlohmann::json replicas = nlohmann::json::array();
      for (const auto& x : r.serving_replicas) {
        nlohmann::json j{{"stream", x.stream}, {"model", x.model}, {"system", x.system}, {"valid", x.valid}};
        if (x.valid) {
          j.update({{"chips", x.chips}, {"batch", x.batch}, {"tokens_per_s", x.tokens_per_s}, {"ttft_s", x.ttft_s}, {"tpot_s", x.tpot_s},
                    {"power_w", x.power_w}, {"energy_per_token_j", x.energy_per_token_j}});
        } else {
          j["reason"] = x.reason;
        }
        replicas.push_back(j);
      }
      c["inference"] = {{"policy", scenario.inference.policy == ServingPolicy::kPartition ? "partition" : "inference-first"},
                        {"requests_arrived", t.requests_arrived},
                        {"requests_served", t.requests_served},
                        {"requests_late", t.requests_late},
                        {"requests_dropped", t.requests_dropped},
                        {"attainment", ratio(t.requests_served - t.requests_late, t.requests_arrived)},
                        {"tokens_served", t.output_tokens_served},
                        {"input_tokens_served", t.input_tokens_served},
                        {"serving_chip_hours", t.serving_chip_s / units::kSecondsPerHour},
                        {"serving_chips_mean", t.serving_chip_s / scenario.horizon_s},
                        {"energy_serving_mwh", t.serving_energy_j / units::kJoulesPerMwh},
                        {"energy_per_token_served_j", ratio(t.serving_energy_j, t.output_tokens_served)},
                        {"cost_serving_usd", cost_usd},
                        {"usd_per_million_tokens_served", ratio(cost_usd, t.output_tokens_served / 1e6)},
                        {"training_preemptions_for_serving", preempted},
                        {"replicas", replicas}};
    }
    sum["choices"][r.choice] = c;

    double cumulative = 0;
    for (std::size_t m = 0; m < r.months.size(); ++m) {
      const MonthRecord& mr = r.months[m];
      const MonthlyCost& mc = cost.months.at(m);
      cumulative += mc.cost_usd;
      auto row = [&](std::string_view metric, double value, std::string_view unit) {
        ts << r.choice << ',' << m << ',' << metric << ',' << num(value) << ',' << unit << '\n';
      };
      std::int64_t installed = 0;
      for (auto x : mr.chips_installed) installed += x;
      row("chips_installed", static_cast<double>(installed), "chips");
      for (std::size_t g = 0; g < mr.chips_installed.size() && g < r.generations.size(); ++g)
        row("chips_installed_" + r.generations[g], static_cast<double>(mr.chips_installed[g]), "chips");
      row("energy_it_mwh", mr.it_energy_j / units::kJoulesPerMwh, "MWh");
      row("energy_facility_mwh", mc.facility_energy_j / units::kJoulesPerMwh, "MWh");
      row("power_it_avg_w", mr.duration_s > 0 ? mr.it_energy_j / mr.duration_s : 0.0, "W");
      row("tokens_trained", mr.tokens, "tokens");
      row("flops_trained", mr.flops, "FLOP");
      row("utilisation", mr.installed_chip_s > 0 ? mr.allocated_chip_s / mr.installed_chip_s : 0.0, "fraction");
      // Rounding may put useful a hair above allocated when nothing is lost.
      row("goodput", mr.allocated_chip_s > 0 ? std::min(1.0, mr.useful_chip_s / mr.allocated_chip_s) : 0.0, "fraction");
      row("jobs_started", static_cast<double>(mr.jobs_started), "jobs");
      row("jobs_completed", static_cast<double>(mr.jobs_completed), "jobs");
      row("jobs_waiting", static_cast<double>(mr.jobs_waiting), "jobs");
      row("jobs_running", static_cast<double>(mr.jobs_running), "jobs");
      row("queue_wait_mean_s", mr.jobs_started > 0 ? mr.queue_wait_s / static_cast<double>(mr.jobs_started) : 0.0, "s");
      row("interruptions", static_cast<double>(mr.interruptions), "interruptions");
      row("cost_capex_usd", mc.capex_usd, "USD");
      row("cost_opex_usd", mc.opex_usd, "USD");
      row("cost_usd", mc.cost_usd, "USD");
      row("cost_cumulative_usd", cumulative, "USD");
      row("cost_depreciation_usd", mc.depreciation_usd, "USD");
      row("cost_interest_usd", mc.interest_usd, "USD");
      row("cost_electricity_usd", mc.electricity_usd, "USD");
      row("cost_maintenance_usd", mc.maintenance_usd, "USD");
      row("cost_rent_usd", mc.rent_usd, "USD");
      row("cost_ownership_usd", mc.ownership_usd, "USD");
      row("cash_out_usd", mc.cash_usd, "USD");
      row("debt_outstanding_usd", mc.debt_outstanding_usd, "USD");
      row("pue", mc.pue, "ratio");
      row("power_facility_avg_w", mr.duration_s > 0 ? mc.facility_energy_j / mr.duration_s : 0.0, "W");
      row("carbon_operational_t", mc.carbon_operational_kg / 1e3, "t");
      row("carbon_embodied_t", mc.carbon_embodied_kg / 1e3, "t");
      if (scenario.site.power_cap.enabled()) {
        row("power_cap_w", mr.power_cap_min_w, "W");
        row("power_facility_bound_peak_w", mr.power_bound_peak_w, "W");
        row("training_speed_mean", mr.training_chip_s > 0 ? mr.throttle_chip_s / mr.training_chip_s : 1.0, "fraction");
        row("power_preemptions", static_cast<double>(mr.power_preemptions), "preemptions");
        row("power_deferred_starts", static_cast<double>(mr.power_deferred_starts), "starts");
      }
      if (scenario.inference.enabled()) {
        row("requests_arrived", mr.requests_arrived, "requests");
        row("requests_served", mr.requests_served, "requests");
        row("requests_late", mr.requests_late, "requests");
        row("requests_dropped", mr.requests_dropped, "requests");
        row("attainment", mr.requests_arrived > 0 ? (mr.requests_served - mr.requests_late) / mr.requests_arrived : 0.0, "fraction");
        row("tokens_served", mr.output_tokens_served, "tokens");
        row("input_tokens_served", mr.input_tokens_served, "tokens");
        row("serving_chips", static_cast<double>(mr.serving_chips), "chips");
        row("serving_chips_mean", mr.duration_s > 0 ? mr.serving_chip_s / mr.duration_s : 0.0, "chips");
        row("energy_serving_mwh", mr.serving_energy_j / units::kJoulesPerMwh, "MWh");
        row("energy_per_token_served_j", mr.output_tokens_served > 0 ? mr.serving_energy_j / mr.output_tokens_served : 0.0, "J/token");
        row("cost_serving_usd", mc.serving_ownership_usd, "USD");
        row("usd_per_million_tokens_served", mr.output_tokens_served > 0 ? mc.serving_ownership_usd / (mr.output_tokens_served / 1e6) : 0.0, "USD/Mtoken");
        row("training_preemptions_for_serving", static_cast<double>(mr.serving_preemptions), "preemptions");
      }
    }
    for (const auto& j : r.jobs) {
      jobs << r.choice << ',' << j.name << ',' << j.kind << ',' << j.system << ',' << j.priority << ',' << j.chips << ',' << j.blocks << ','
           << j.layout << ',' << num(j.step_time_s) << ',' << num(j.mfu) << ',' << num(j.submit_s) << ','
           << (j.start_s >= 0 ? num(j.start_s) : "") << ',' << (j.end_s >= 0 ? num(j.end_s) : "") << ',' << num(j.tokens_target) << ','
           << num(j.tokens_done) << ',' << num(j.flops_done) << ',' << num(j.energy_it_j) << ',' << (j.rejected ? 1 : 0) << ',' << j.interruptions << ',' << j.repairs << ','
           << j.preemptions << ',' << num(j.lost_chip_s) << ',' << num(j.downtime_chip_s) << '\n';
    }
    for (std::size_t k = 0; k < plan.lots.size(); ++k) {
      const Lot& lot = plan.lots[k];
      fleet << r.choice << ',' << k << ',' << choice.roadmap.at(lot.generation).system.id << ',' << date_at(scenario, lot.order_s) << ','
            << date_at(scenario, lot.delivery_s) << ',' << date_at(scenario, lot.retire_s) << ',' << lot.retire_reason << ',' << lot.blocks() << ','
            << lot.blocks() * plan.block_chips << ',' << num(choice.rent ? 0.0 : lot.capex_systems_usd) << ','
            << num(choice.rent ? 0.0 : lot.capex_network_usd) << ',' << num(choice.rent ? 0.0 : lot.capex_storage_usd) << ','
            << num(choice.rent ? 0.0 : lot.capex_facility_usd) << ',' << lot.limited_by
            << '\n';
    }
  }
  out.timeseries_csv = ts.str();
  out.jobs_csv = jobs.str();
  out.fleet_csv = fleet.str();
  return out;
}

std::string comparison_table(const nlohmann::json& summary) {
  std::string t = fmt::format("{:<14} {:<12} {:>9} {:>12} {:>6} {:>11} {:>12} {:>12} {:>12}\n", "choice", "system", "chips",
                              "tokens", "jobs", "energy_MWh", "capex_$M", "total_$M", "$/M_tokens");
  for (const auto& [name, c] : summary.at("choices").items()) {
    const auto& per = c.at("cost").at("usd_per_million_tokens_trained");
    t += fmt::format("{:<14} {:<12} {:>9} {:>12.4g} {:>6} {:>11.5g} {:>12.5g} {:>12.5g} {:>12}\n", name,
                     c.at("system").get<std::string>(), c.at("chips").get<std::int64_t>(),
                     c.at("training").at("tokens").get<double>(),
                     fmt::format("{}/{}", c.at("training").at("jobs_completed").get<std::int64_t>(),
                                 c.at("training").at("jobs_submitted").get<std::int64_t>()),
                     c.at("energy").at("facility_mwh").get<double>(), c.at("cost").at("capex_usd").get<double>() / 1e6,
                     c.at("cost").at("total_usd").get<double>() / 1e6,
                     per.is_null() ? std::string("-") : fmt::format("{:.4g}", per.get<double>()));
  }
  return t;
}

void write_file_atomic(const std::filesystem::path& path, const std::string& content) {
  const auto tmp = path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(fmt::format("{}: cannot write (check the --out directory)", tmp.string()));
    out << content;
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw InputError(fmt::format("{}: write failed (disk full?)", tmp.string()));
    }
  }
  std::filesystem::rename(tmp, path);
}

void check_output_dir(const std::filesystem::path& dir, const std::string& scenario_name, bool force) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw InputError(fmt::format("{}: --out names a file, expected a directory", dir.string()));
  const auto summary = dir / "summary.json";
  if (force || !std::filesystem::exists(summary, ec)) return;
  std::ifstream in(summary);
  std::string previous;
  try {
    previous = nlohmann::json::parse(in).at("scenario").get<std::string>();
  } catch (const std::exception&) {
    previous = "<unreadable>";
  }
  if (previous != scenario_name)
    throw InputError(fmt::format("{}: holds results of scenario '{}', not '{}'; choose another --out or pass --force to overwrite",
                                 dir.string(), previous, scenario_name));
}

void write_outputs(const std::filesystem::path& dir, const RunOutputs& outputs) {
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "summary.json", outputs.summary.dump(2) + "\n");
  write_file_atomic(dir / "timeseries.csv", outputs.timeseries_csv);
  write_file_atomic(dir / "jobs.csv", outputs.jobs_csv);
  write_file_atomic(dir / "fleet.csv", outputs.fleet_csv);
  if (!outputs.samples_csv.empty()) {
    write_file_atomic(dir / "samples.csv", outputs.samples_csv);
  } else {
    std::error_code ec;
    std::filesystem::remove(dir / "samples.csv", ec);
  }
}

}  // namespace gigasim::io
