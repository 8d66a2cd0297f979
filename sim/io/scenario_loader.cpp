#include "scenario_loader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <regex>
#include <set>

#include "catalog_loader.hpp"
#include "models/accounting.hpp"
#include "models/platform_layout.hpp"
#include "models/power.hpp"
#include "models/calendar.hpp"
#include "models/units.hpp"
#include "estimate_loader.hpp"
#include "fleet_loader.hpp"
#include "inference_loader.hpp"
#include "cost_loader.hpp"
#include "models/choice_fleet.hpp"
#include <numeric>
#include "models/model_shapes.hpp"
#include "models/planner.hpp"
#include "quantity_reader.hpp"
#include "sha256.hpp"

namespace gigasim::io {
namespace {

double read_duration(const YamlView& parent, std::string_view days_key, std::string_view years_key, double max_years) {
  const auto days = parent.find(days_key);
  const auto years = parent.find(years_key);
  if (days && years) years->fail(fmt::format("give either '{}' or '{}', not both", days_key, years_key));
  if (!days && !years) parent.fail(fmt::format("missing required key '{}' (or '{}')", days_key, years_key));
  if (days) return days->as_number(Range::up_to(max_years * 365.25)) * units::kSecondsPerDay;
  return years->as_number(Range::up_to(max_years)) * units::kSecondsPerYear;
}

SiteLayout read_layout(const YamlView& v, double site_power_w) {
  v.expect_map({"buildings", "halls_per_building", "hall_power_w", "hall_oversubscription", "building_oversubscription",
                "campus_oversubscription"});
  SiteLayout l;
  if (auto b = v.find("buildings")) l.buildings = b->as_integer(1, 10'000);
  if (auto h = v.find("halls_per_building")) l.halls_per_building = h->as_integer(1, 10'000);
  if (l.halls() > kMaxHalls) v.fail(fmt::format("{} halls is above the limit of {}", l.halls(), kMaxHalls));
  l.hall_power_w = site_power_w / static_cast<double>(l.halls());
  if (auto hp = v.find("hall_power_w")) {
    l.hall_power_w = hp->as_number(Range::up_to(1e12));
    const double total = l.hall_power_w * static_cast<double>(l.halls());
    if (total > site_power_w * (1 + 1e-12))
      hp->fail(fmt::format("{} halls of {:.4g} MW make {:.4g} MW, above the site's {:.4g} MW by {:.4g} MW", l.halls(), l.hall_power_w / 1e6,
                           total / 1e6, site_power_w / 1e6, (total - site_power_w) / 1e6));
  }
  const Range over = Range::closed(1, 1000);
  if (auto o = v.find("hall_oversubscription")) l.hall_oversubscription = o->as_number(over);
  if (auto o = v.find("building_oversubscription")) l.building_oversubscription = o->as_number(over);
  if (auto o = v.find("campus_oversubscription")) l.campus_oversubscription = o->as_number(over);
  return l;
}

// In a site file (gigasim platform) prices are optional: nothing is costed.
SiteSpec read_site(const YamlView& v, bool prices_required, const std::string& start_date, double horizon_s) {
  v.expect_map({"power_w", "power_ramp", "pue", "pue_by_month", "electricity_usd_per_kwh", "electricity", "facility_capex_usd_per_w",
                "facility_life_years", "network", "storage", "carbon", "layout", "power_cap"});
  SiteSpec s;
  s.power_w = read_quantity(v.at("power_w"), Range::up_to(1e12));
  if (!v.has("pue_by_month")) s.pue = read_quantity(v.at("pue"), Range::closed(1.0, 3.0));
  // A site file (gigasim platform) reads them too: network and storage power shape the layout.
  read_site_costs(v, s, start_date, horizon_s);
  if (prices_required || v.has("electricity_usd_per_kwh"))
    s.electricity_usd_per_kwh = read_quantity(v.at("electricity_usd_per_kwh"), Range::closed(0, 10));
  if (prices_required || v.has("facility_capex_usd_per_w"))
    s.facility_capex_usd_per_w = read_quantity(v.at("facility_capex_usd_per_w"), Range::closed(0, 1000));
  if (auto l = v.find("layout")) {
    s.layout = read_layout(*l, s.power_w.value);
  } else {
    s.layout.hall_power_w = s.power_w.value;
  }
  if (auto r = v.find("power_ramp")) s.power_ramp = read_power_ramp(*r, start_date, s.power_w.value);
  if (auto c = v.find("power_cap")) s.power_cap = read_power_cap(*c);
  if (auto d = parse_iso_date(start_date)) s.start_weekday = weekday(*d);
  return s;
}

PretrainingJobSpec read_job(const YamlView& v, double horizon_s) {
  v.expect_map({"name", "model", "params", "seq_len", "tokens", "chips", "submit_day", "precision", "global_batch_tokens", "priority",
                "preemptible"});
  PretrainingJobSpec j;
  if (auto p = v.find("priority")) j.priority = static_cast<int>(p->as_integer(-1000, 1000));
  if (auto p = v.find("preemptible")) j.preemptible = p->as_bool();
  j.name = read_name(v.at("name"));
  const auto model = v.find("model");
  const auto params = v.find("params");
  if (model && params) params->fail("give either 'model' (the architecture) or 'params' (a standard shape), not both");
  if (!model && !params) v.fail("missing required key 'model' (the architecture) or 'params' (a parameter count)");
  if (model) {
    if (auto sl = v.find("seq_len")) sl->fail("seq_len belongs in 'model' when the architecture is given");
    j.model = read_transformer(*model);
  } else {
    const double n = params->as_number(Range::closed(1e6, 1e15));
    const std::int64_t seq = v.has("seq_len") ? v.at("seq_len").as_integer(1, 10'000'000) : kDefaultSeqLen;
    j.model = standard_shape(n, seq, kDefaultVocab);
  }
  j.params = count_params(j.model).total;
  j.tokens = v.at("tokens").as_number(Range::closed(1, 1e17));
  j.chips = v.at("chips").as_integer(1, kMaxChips);
  j.submit_s = v.has("submit_day") ? v.at("submit_day").as_number(Range::non_negative()) * units::kSecondsPerDay : 0.0;
  if (j.submit_s >= horizon_s)
    v.at("submit_day").fail(fmt::format("the job is submitted after the horizon ({:g} days)", horizon_s / units::kSecondsPerDay));
  Precision p = Precision::kBf16;
  if (auto pv = v.find("precision")) parse_precision(pv->as_enum({"fp16", "bf16", "fp8"}), p);
  j.precision = p;
  const YamlView gb = v.at("global_batch_tokens");
  const double batch_tokens = gb.as_number(Range::closed(1, 1e12));
  if (batch_tokens > j.tokens) gb.fail(fmt::format("a batch of {:g} tokens is larger than the whole run ({:g} tokens)", batch_tokens, j.tokens));
  const auto seq = static_cast<double>(j.model.seq_len);
  const double sequences = batch_tokens / seq;
  if (sequences < 1 || std::floor(sequences) != sequences) {
    const double lower = std::max(1.0, std::floor(sequences)) * seq;
    const double pow2 = std::exp2(std::round(std::log2(std::max(1.0, sequences)))) * seq;
    gb.fail(fmt::format("expected a whole number of sequences of {} tokens; {:g} tokens is {:g} sequences (try {:.0f} or {:.0f})", j.model.seq_len,
                        batch_tokens, sequences, lower, pow2));
  }
  j.global_batch_sequences = static_cast<std::int64_t>(sequences);
  return j;
}

struct Loaded {
  Scenario scenario;
  std::string catalog_text;  // canonical text of every catalog entry used, for the hash
};

// A static fleet is delivered whole at the start: it must fit the power the ramp gives then, and the
// budget, which it spends in its first year.
void check_static_fleet(const YamlView& v, const HardwareChoice& c, const Scenario& s) {
  const auto chips = v.find("chips");
  const YamlView& at = chips ? *chips : v;
  const double blocks = static_cast<double>(c.chips / c.block_chips);
  const FleetInput in = fleet_input(s.site, s.budget, c, s.horizon_s);
  const double need_w = blocks * block_facility_busy_w(c.roadmap.front(), c.block_chips, s.site.pue.value, s.site.infra_w_per_chip());
  const double start_w = power_available_w(in, 0.0);
  if (!s.site.power_ramp.empty() && need_w > start_w * (1 + 1e-12))
    at.fail(fmt::format("{} chips of {} draw {:.4g} MW at full load with PUE {:g}, but site.power_ramp gives {:.4g} MW at the start, when a "
                        "static fleet is delivered: give fewer chips, or a roadmap to build out with the ramp",
                        c.chips, c.system.id, need_w / 1e6, s.site.pue.value, start_w / 1e6));
  const double systems = static_cast<double>(c.block_chips / c.system.chips) * c.system.price_usd.value;
  const double cost = blocks * (systems * (1 + s.site.network_capex_share.value) + static_cast<double>(c.block_chips) * s.site.storage_capex_usd_per_chip.value +
                                block_it_busy_w(c.system, c.block_chips, s.site.infra_w_per_chip()) * s.site.facility_capex_usd_per_w.value /
                                    s.site.power_cap.oversubscription);
  const double budget = std::min(s.budget.total_usd, s.budget.per_year_usd);
  if (cost > budget * (1 + 1e-12))
    at.fail(fmt::format("{} chips of {} cost ${:.4g}B (systems, network, storage and facility, all in the first year), above the budget's ${:.4g}B "
                        "(budget.{}): give fewer chips, or a roadmap to buy within the budget",
                        c.chips, c.system.id, cost / 1e9, budget / 1e9, s.budget.total_usd <= s.budget.per_year_usd ? "total_usd" : "per_year_usd"));
}

// Why a roadmap's plan installs nothing: the first limit one block of the first generation breaks.
[[noreturn]] void fail_empty_plan(const YamlView& v, const HardwareChoice& c, const Scenario& s) {
  const Generation& g = c.roadmap.front();
  const FleetInput in = fleet_input(s.site, s.budget, c, s.horizon_s);
  const double quarter_chips = c.supply.chips_per_quarter;
  if (quarter_chips < static_cast<double>(c.block_chips))
    v.at("supply").at("chips_per_quarter").fail(fmt::format("{:g} chips a quarter never deliver one block: block_chips ({}) is larger", quarter_chips,
                                                            c.block_chips));
  const double block_w = block_facility_busy_w(g, c.block_chips, s.site.pue.value, s.site.infra_w_per_chip());
  const double systems = static_cast<double>(c.block_chips / g.system.chips) * g.price_usd;
  const double cost = systems * (1 + s.site.network_capex_share.value) + static_cast<double>(c.block_chips) * s.site.storage_capex_usd_per_chip.value +
                      block_w / s.site.pue.value * in.facility_capex_usd_per_w;
  const double budget = std::min(s.budget.total_usd, s.budget.per_year_usd);
  if (cost > budget)
    v.at("roadmap").fail(fmt::format("the budget cannot buy one block of {} chips of {} (${:.4g}M with its facility; budget ${:.4g}M{})", c.block_chips,
                                     g.system.id, cost / 1e6, budget / 1e6, s.budget.per_year_usd < s.budget.total_usd ? " a year" : ""));
  const double max_w = power_available_w(in, s.horizon_s);
  const std::string over = s.site.power_cap.oversubscription > 1 ? fmt::format(", oversubscribed {:g}x", s.site.power_cap.oversubscription) : "";
  if (block_w > max_w || block_w > in.layout.hall_power_w)
    v.at("roadmap").fail(fmt::format("one block of {} chips of {} draws {:.4g} MW at the facility, more than the site ({:.4g} MW{}) or a hall "
                                     "({:.4g} MW) ever gives", c.block_chips, g.system.id, block_w / 1e6, max_w / 1e6, over, in.layout.hall_power_w / 1e6));
  v.at("roadmap").fail("the plan installs nothing within the horizon (the first order is delivered after it: check the roadmap dates and "
                       "supply.lead_time_days)");
}

// block_chips of a procured choice: a multiple of every generation's system size (default: their least
// common multiple). `what` names the systems in the message.
void read_block_chips(const YamlView& v, HardwareChoice& c, const char* what) {
  std::int64_t lcm = 1;
  for (const auto& g : c.roadmap) lcm = std::lcm(lcm, g.system.chips);
  c.block_chips = v.has("block_chips") ? v.at("block_chips").as_integer(1, kMaxChips) : lcm;
  for (const auto& g : c.roadmap)
    if (c.block_chips % g.system.chips != 0)
      v.at("block_chips").fail(fmt::format("expected a multiple of every {} size ({} for {} of {} chips): no scale-up domain may be split "
                                           "across blocks, got {}", what, lcm, g.system.id, g.system.chips, c.block_chips));
}

// The plan of a procured choice, refused at `at` when it cannot be made or needs too many hosts.
FleetPlan checked_plan(const YamlView& at, const HardwareChoice& c, const Scenario& s) {
  FleetPlan plan;
  try {
    plan = plan_choice_fleet(s.site, s.budget, c, s.horizon_s);
  } catch (const std::invalid_argument& e) {
    at.fail(fmt::format("cannot plan this fleet: {}", e.what()));
  }
  if (plan.slots > kMaxHosts)
    at.fail(fmt::format("the site holds {} block slots of {} chips, above the limit of {} SimGrid hosts: raise block_chips", plan.slots, c.block_chips,
                        kMaxHosts));
  return plan;
}

// A choice with a roadmap: generations bought over time (models/fleet_plan.hpp).
void read_roadmap_choice(const YamlView& v, HardwareChoice& c, const std::filesystem::path& catalog_dir, const Scenario& s,
                         std::string& catalog_text) {
  const YamlView rm = v.at("roadmap");
  c.roadmap = read_roadmap(rm, catalog_dir, s.start_date, s.horizon_s, catalog_text);
  c.procured = true;
  c.system = c.roadmap.front().system;
  read_block_chips(v, c, "roadmap system's");
  if (auto chips = v.find("chips")) {
    c.chips = chips->as_integer(1, kMaxChips);
    if (c.chips % c.block_chips != 0) chips->fail(fmt::format("expected a multiple of block_chips ({}), got {}", c.block_chips, c.chips));
  }
  if (auto sp = v.find("supply")) c.supply = read_supply(*sp);
  if (auto r = v.find("refresh")) c.refresh = read_refresh(*r);
  const FleetPlan plan = checked_plan(rm, c, s);
  if (plan.slots == 0)
    rm.fail(fmt::format("the site's halls of {:.4g} MW cannot hold one block of {} chips of any roadmap system", s.site.layout.hall_power_w / 1e6,
                        c.block_chips));
  if (plan.lots.empty()) fail_empty_plan(v, c, s);
}

// A choice with tracks: several roadmaps, each planned within its share of the site (models/choice_fleet).
void read_tracks_choice(const YamlView& v, HardwareChoice& c, const std::filesystem::path& catalog_dir, const Scenario& s,
                        std::string& catalog_text) {
  const YamlView list = v.at("tracks");
  const auto items = list.items();
  if (items.empty()) list.fail("expected at least one track {use, power_share, roadmap}");
  double shares = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const YamlView& item = items[i];
    item.expect_map({"name", "use", "power_share", "roadmap", "supply", "refresh"});
    Track t;
    t.name = item.has("name") ? read_name(item.at("name")) : fmt::format("track-{}", i);
    for (const Track& other : c.tracks)
      if (other.name == t.name) item.at("name").fail(fmt::format("another track is named '{}'", t.name));
    const std::string use = item.at("use").as_enum({"training", "serving", "any"});
    t.use = use == "training" ? GenerationUse::kTraining : use == "serving" ? GenerationUse::kServing : GenerationUse::kAny;
    if (t.use == GenerationUse::kServing && !s.inference.enabled())
      item.at("use").fail("a serving track needs inference demand to serve (the scenario has no inference.demand)");
    t.power_share = item.at("power_share").as_number(Range{0.0, 1.0, true, false});
    shares += t.power_share;
    if (shares > 1 + 1e-9) item.at("power_share").fail(fmt::format("the tracks' power shares add up to {:g}, above 1", shares));
    std::vector<Generation> roadmap = read_roadmap(item.at("roadmap"), catalog_dir, s.start_date, s.horizon_s, catalog_text);
    for (auto& g : roadmap) g.use = t.use;
    t.first = c.roadmap.size();
    t.count = roadmap.size();
    c.roadmap.insert(c.roadmap.end(), roadmap.begin(), roadmap.end());
    if (auto sp = item.find("supply")) t.supply = read_supply(*sp);
    if (auto r = item.find("refresh")) t.refresh = read_refresh(*r);
    c.tracks.push_back(std::move(t));
  }
  c.procured = true;
  c.system = c.roadmap.front().system;
  read_block_chips(v, c, "track's systems'");
  const FleetPlan plan = checked_plan(list, c, s);
  for (std::size_t i = 0; i < c.tracks.size(); ++i) {
    const Track& t = c.tracks[i];
    bool any = false;
    for (const Lot& lot : plan.lots) any = any || (lot.generation >= t.first && lot.generation < t.first + t.count);
    if (!any)
      items[i].fail(fmt::format("track '{}' installs nothing within the horizon with {:g} of the site's power and budget (check its roadmap dates, "
                                "supply, power_share and block_chips)", t.name, t.power_share));
  }
}

HardwareChoice read_choice(const YamlView& v, const std::filesystem::path& catalog_dir, const Scenario& scenario,
                           std::string& catalog_text) {
  const SiteSpec& site = scenario.site;
  v.expect_map({"name", "system", "roadmap", "tracks", "chips", "block_chips", "platform", "supply", "refresh", "rent"});
  HardwareChoice c;
  c.name = read_name(v.at("name"));
  if (auto r = v.find("rent")) c.rent = read_rent(*r);
  if (auto t = v.find("tracks")) {
    for (const char* key : {"system", "roadmap", "supply", "refresh", "chips", "platform"})
      if (auto x = v.find(key))
        x->fail(fmt::format("'{}' belongs in each track when a choice has 'tracks' (or give one roadmap without tracks)", key));
    read_tracks_choice(v, c, catalog_dir, scenario, catalog_text);
    return c;
  }
  const auto sys_opt = v.find("system");
  const auto roadmap = v.find("roadmap");
  if (sys_opt && roadmap) roadmap->fail("give either 'system' (a static fleet) or 'roadmap' (generations bought over time), not both");
  if (!sys_opt && !roadmap) v.fail("missing required key 'system' (a static fleet) or 'roadmap' (generations bought over time)");
  if (roadmap) {
    if (auto p = v.find("platform")) p->fail("'platform' files are for static fleets; a roadmap's platform is generated from its plan");
    read_roadmap_choice(v, c, catalog_dir, scenario, catalog_text);
    return c;
  }
  for (const char* key : {"supply", "refresh"})
    if (auto x = v.find(key)) x->fail(fmt::format("'{}' applies to a roadmap; a static fleet ('system') is delivered at the start and kept", key));
  const YamlView sys_view = *sys_opt;
  LoadedSystem sys = load_system(catalog_dir, sys_view.as_string(), sys_view);
  c.system = std::move(sys.spec);
  catalog_text += sys.canonical_yaml;
  c.roadmap.push_back(Generation{c.system, 0.0, c.system.price_usd.value, c.system.service_life_years.value * units::kSecondsPerYear});
  c.refresh.policy = RefreshPolicy::kKeep;  // delivered at the start and kept to the horizon
  c.block_chips = v.has("block_chips") ? v.at("block_chips").as_integer(1, kMaxChips) : c.system.chips;
  if (c.block_chips % c.system.chips != 0)
    v.at("block_chips").fail(fmt::format("expected a multiple of the system size of {} ({} chips), so that no scale-up domain is split across blocks, got {}",
                                         c.system.id, c.system.chips, c.block_chips));
  const std::int64_t capacity_blocks = site_capacity_blocks(site, c);
  const double block_facility_w = block_it_busy_w(c.system, c.block_chips, site.infra_w_per_chip()) * site.pue.value;
  if (auto chips = v.find("chips")) {
    c.chips = chips->as_integer(1, kMaxChips);
    if (c.chips % c.block_chips != 0) chips->fail(fmt::format("expected a multiple of block_chips ({}), got {}", c.block_chips, c.chips));
    const std::int64_t blocks = c.chips / c.block_chips;
    if (blocks > kMaxHosts)
      chips->fail(fmt::format("{} chips in blocks of {} make {} SimGrid hosts, above the limit of {}: raise block_chips", c.chips,
                              c.block_chips, blocks, kMaxHosts));
    if (blocks > capacity_blocks) {
      // Planned power: the envelope, times the oversubscription under a power cap.
      const double over = site.power_cap.oversubscription;
      const double planned_w = site.power_w.value * over, hall_w = site.layout.hall_power_w * over;
      const std::string what = over > 1 ? fmt::format("the site's {:.4g} MW oversubscribed {:g}x", site.power_w.value / 1e6, over) : "the site's";
      const double need_w = static_cast<double>(blocks) * block_facility_w;
      if (need_w > planned_w)
        chips->fail(fmt::format("{} chips of {} draw {:.4g} MW at full load with PUE {:g}, above {} {:.4g} MW by {:.4g} MW", c.chips, c.system.id,
                                need_w / 1e6, site.pue.value, what, planned_w / 1e6, (need_w - planned_w) / 1e6));
      chips->fail(fmt::format("{} chips of {} fit the site's power but not its halls: {} halls of {:.4g} MW{} hold at most {} chips in blocks of {} "
                              "(a block cannot span halls)",
                              c.chips, c.system.id, site.layout.halls(), hall_w / 1e6, over > 1 ? " (oversubscribed)" : "",
                              capacity_blocks * c.block_chips, c.block_chips));
    }
  } else {
    // Full build-out: every hall filled to its power.
    if (capacity_blocks < 1)
      v.fail(fmt::format("the site's halls of {:.4g} MW cannot hold one block of {} chips of {} ({:.4g} MW with PUE {:g})",
                         site.layout.hall_power_w * site.power_cap.oversubscription / 1e6, c.block_chips, c.system.id, block_facility_w / 1e6,
                         site.pue.value));
    c.chips = capacity_blocks * c.block_chips;
    if (c.chips > kMaxChips) v.fail(fmt::format("the full build-out of {} chips is above the limit of {}", c.chips, kMaxChips));
  }
  if (c.chips / c.block_chips > kMaxHosts)
    v.fail(fmt::format("the full build-out of {} chips in blocks of {} makes {} SimGrid hosts, above the limit of {}: raise block_chips", c.chips,
                       c.block_chips, c.chips / c.block_chips, kMaxHosts));
  check_static_fleet(v, c, scenario);
  if (auto p = v.find("platform")) {
    c.platform_file = p->as_path();
    std::error_code ec;
    if (std::filesystem::is_directory(c.platform_file, ec)) p->fail(fmt::format("{} is a directory, expected a platform file", c.platform_file.string()));
    if (!std::filesystem::is_regular_file(c.platform_file, ec)) p->fail(fmt::format("platform file not found: {}", c.platform_file.string()));
  }
  return c;
}

Loaded parse(YAML::Node root, const std::shared_ptr<Document>& doc, const LoadOptions& options, bool site_only) {
  for (const auto& o : options.overrides) apply_override(root, o, *doc);
  const YamlView v(root, "", doc);
  if (site_only)
    v.expect_map({"name", "description", "start_date", "catalog", "site", "budget", "hardware_choices"});
  else
    v.expect_map({"name", "description", "seed", "start_date", "horizon_days", "horizon_years", "catalog", "site", "budget", "workload",
                  "scheduler", "reliability", "inference", "finance", "hardware_choices"});
  Loaded out;
  Scenario& s = out.scenario;
  s.file = doc->file;
  s.name = read_name(v.at("name"));
  if (auto d = v.find("description")) s.description = d->as_string();
  s.seed = options.seed ? *options.seed
                        : (v.has("seed") ? static_cast<std::uint64_t>(v.at("seed").as_integer(0, std::int64_t{1} << 53)) : 0);
  // Distributions draw from a stream of their own: the workload's draws do not depend on them.
  doc->sampling = std::make_shared<Sampling>();
  doc->sampling->spec = {s.seed ^ 0x5EED5A3B1E5ULL, options.sample_index, options.sample_count};
  s.start_date = "2026-01-01";
  if (auto d = v.find("start_date")) {
    s.start_date = d->as_string();
    if (!parse_iso_date(s.start_date)) d->fail(fmt::format("expected a date as YYYY-MM-DD, got \"{}\"", s.start_date));
  }
  // A site file has no horizon; a roadmap in it is planned over ten years to lay out its slots.
  s.horizon_s = site_only ? 10 * units::kSecondsPerYear : read_duration(v, "horizon_days", "horizon_years", kMaxHorizonYears);

  const YamlView cat = v.at("catalog");
  s.catalog_dir = cat.as_path();
  {
    std::error_code ec;
    if (std::filesystem::exists(s.catalog_dir, ec) && !std::filesystem::is_directory(s.catalog_dir, ec))
      cat.fail(fmt::format("{} is a file, expected the catalog directory", s.catalog_dir.string()));
    if (!std::filesystem::is_directory(s.catalog_dir, ec)) cat.fail(fmt::format("catalog directory not found: {}", s.catalog_dir.string()));
  }
  s.site = read_site(v.at("site"), !site_only, s.start_date, s.horizon_s);
  if (auto b = v.find("budget")) s.budget = read_budget(*b);
  if (auto sc = v.find("scheduler")) s.scheduler = read_scheduler(*sc);
  if (auto r = v.find("reliability")) s.reliability = read_reliability(*r);
  s.finance = v.has("finance") && !site_only ? read_finance(v.at("finance")) : default_finance();

  const YamlView wl = site_only ? YamlView(YAML::Node(YAML::NodeType::Map), "workload", doc) : v.at("workload");
  wl.expect_map({"pretraining", "frontier", "job_classes", "job_traces"});
  std::set<std::string> job_names;
  if (auto pt = wl.find("pretraining")) {
    const auto items = pt->items();
    if (items.size() > kMaxJobs) pt->fail(fmt::format("{} jobs is above the limit of {}", items.size(), kMaxJobs));
    for (const auto& item : items) {
      s.workload.pretraining.push_back(read_job(item, s.horizon_s));
      if (!job_names.insert(s.workload.pretraining.back().name).second)
        item.at("name").fail(fmt::format("duplicate job name '{}'", s.workload.pretraining.back().name));
    }
  }
  // Generated and replayed jobs are named <source>-<n>: source names must be unique and not prefix an
  // explicit job's name pattern.
  std::set<std::string> sources;
  auto add_source = [&](const YamlView& at, const std::string& name) {
    if (!sources.insert(name).second) at.fail(fmt::format("duplicate workload source name '{}'", name));
  };
  if (auto f = wl.find("frontier")) {
    s.workload.frontier = read_frontier(*f, s.horizon_s);
    add_source(*f, s.workload.frontier->name);
  }
  if (auto jc = wl.find("job_classes"))
    for (const auto& item : jc->items()) {
      s.workload.job_classes.push_back(read_job_class(item, s.horizon_s));
      add_source(item.at("name"), s.workload.job_classes.back().name);
    }
  if (auto jt = wl.find("job_traces"))
    for (const auto& item : jt->items()) {
      s.workload.job_traces.push_back(read_job_trace(item, s.catalog_dir, s.horizon_s, out.catalog_text));
      add_source(item.at("name"), s.workload.job_traces.back().name);
    }
  // Generated jobs are named <source>-<n>: an explicit job must not take such a name.
  for (std::size_t j = 0; j < s.workload.pretraining.size(); ++j) {
    const std::string& name = s.workload.pretraining[j].name;
    const auto dash = name.rfind('-');
    if (dash == std::string::npos || dash + 1 == name.size() || !sources.count(name.substr(0, dash))) continue;
    if (name.find_first_not_of("0123456789", dash + 1) != std::string::npos) continue;
    wl.at("pretraining").items()[j].at("name").fail(
        fmt::format("'{}' is the name of a job that workload source '{}' generates (<source>-<n>): choose another name", name, name.substr(0, dash)));
  }

  const auto inference = site_only ? std::nullopt : v.find("inference");
  if (inference) s.inference = read_inference(*inference, s.start_date, s.horizon_s);

  const YamlView hc = v.at("hardware_choices");
  const auto choices = hc.items();
  if (choices.empty()) hc.fail("expected at least one hardware choice");
  std::set<std::string> choice_names;
  for (const auto& item : choices) {
    s.choices.push_back(read_choice(item, s.catalog_dir, s, out.catalog_text));
    const HardwareChoice& c = s.choices.back();
    if (!choice_names.insert(c.name).second) item.at("name").fail(fmt::format("duplicate choice name '{}'", c.name));
    if (inference) check_servable(*inference, s.inference, c);
    for (std::size_t j = 0; j < s.workload.pretraining.size(); ++j) {
      const auto& job = s.workload.pretraining[j];
      if (!c.procured && job.chips > c.chips)
        wl.at("pretraining").items()[j].at("chips").fail(
            fmt::format("job '{}' asks for {} chips but choice '{}' installs only {}", job.name, job.chips, c.name, c.chips));
      // Each choice runs each job at its own best layout on some generation: there must be one.
      PlanResult plan;
      for (const auto& g : c.roadmap) {
        plan = find_fitting_layout(training_workload(job), hardware_from_catalog(g.system, job.chips));
        if (plan.found) break;
      }
      if (!plan.found)
        wl.at("pretraining").items()[j].at("chips").fail(fmt::format("job '{}' ({:.3g} parameters) has no layout that fits {} chips of {} (choice '{}'): {}",
                                                                      job.name, job.params, job.chips, c.roadmap.back().system.id, c.name, plan.reason));
    }
    if (!c.procured)
      for (std::size_t k = 0; k < s.workload.job_classes.size(); ++k)
        for (std::size_t q = 0; q < s.workload.job_classes[k].chips.size(); ++q)
          if (s.workload.job_classes[k].chips[q] > c.chips)
            wl.at("job_classes").items()[k].at("chips").items()[q].fail(
                fmt::format("class '{}' asks for {} chips but choice '{}' installs only {}", s.workload.job_classes[k].name,
                            s.workload.job_classes[k].chips[q], c.name, c.chips));
    if (!c.platform_file.empty()) {
      const auto ext = c.platform_file.extension();
      if (ext != ".xml") item.at("platform").fail(fmt::format("expected a SimGrid XML platform file (.xml), got \"{}\"", c.platform_file.filename().string()));
    }
  }
  s.sampling = doc->sampling->spec;
  s.uncertain = doc->sampling->draws;
  return out;
}

Scenario finish(Loaded loaded, const YAML::Node& root) {
  YAML::Emitter e;
  e << root;
  loaded.scenario.resolved_sha256 =
      sha256_hex(fmt::format("{}\n--- seed {}\n{}", e.c_str(), loaded.scenario.seed, loaded.catalog_text));
  return std::move(loaded.scenario);
}

// `extends: base.yaml`: the base (itself possibly extending another) with this file's keys over it.
// Mappings merge key by key; any other value (a list, a number, a text) replaces the base's; `null`
// removes the base's key. `doc->origins` records which file each subtree came from, so messages and
// relative paths follow the file a value was written in.
constexpr int kMaxExtendsDepth = 8;

void merge_over(YAML::Node base, const YAML::Node& over, const std::string& path, const std::filesystem::path& over_file,
                std::vector<std::pair<std::string, std::filesystem::path>>& origins) {
  for (const auto& kv : over) {
    const std::string key = kv.first.Scalar();
    const std::string at = path.empty() ? key : path + "." + key;
    if (kv.second.IsNull()) {
      base.remove(key);
      continue;
    }
    YAML::Node existing = base[key];
    if (existing.IsDefined() && existing.IsMap() && kv.second.IsMap()) {
      merge_over(existing, kv.second, at, over_file, origins);
      continue;
    }
    // Replaced whole: what the base's files said inside it no longer applies.
    std::erase_if(origins, [&](const auto& o) {
      return o.first == at || (o.first.size() > at.size() && o.first.compare(0, at.size(), at) == 0 && (o.first[at.size()] == '.' || o.first[at.size()] == '['));
    });
    origins.emplace_back(at, over_file);
    base[key] = kv.second;
  }
}

YAML::Node load_extended(const std::filesystem::path& file, YAML::Node root, Document& doc, std::vector<std::filesystem::path>& chain) {
  if (!root.IsMap() || !root["extends"].IsDefined()) return root;
  auto here = std::make_shared<Document>();
  here->file = file;
  const YamlView ext(root["extends"], "extends", here);
  const std::filesystem::path base_file = ext.as_path().lexically_normal();
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(base_file, ec);
  std::string cycle;
  for (const auto& f : chain) cycle += f.filename().string() + " -> ";
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end())
    ext.fail(fmt::format("a cycle of extends: {}{}", cycle, base_file.filename().string()));
  if (chain.size() >= kMaxExtendsDepth) ext.fail(fmt::format("more than {} levels of extends ({}...)", kMaxExtendsDepth, cycle));
  if (std::filesystem::is_directory(base_file, ec)) ext.fail(fmt::format("{} is a directory, expected the scenario it extends", base_file.string()));
  if (!std::filesystem::exists(base_file, ec)) ext.fail(fmt::format("the scenario it extends is not found: {}", base_file.string()));
  if (!std::filesystem::is_regular_file(base_file, ec)) ext.fail(fmt::format("{} is not a regular file, expected the scenario it extends", base_file.string()));
  chain.push_back(canonical);
  YAML::Node base = load_extended(base_file, load_yaml_file(base_file), doc, chain);
  if (!base.IsMap()) throw InputError(fmt::format("{}: expected a scenario (a mapping), got {}", base_file.string(), YamlView(base, "", here).describe_value()));
  // Everything not recorded yet came from the base file itself.
  if (doc.origins.empty() || doc.origins.front().first != "") doc.origins.insert(doc.origins.begin(), {"", base_file});
  YAML::Node over = root;
  over.remove("extends");
  for (const auto& kv : over)
    if (!kv.first.IsScalar()) YamlView(kv.first, "", here).fail("expected a plain key (a name), got a complex key");
  merge_over(base, over, "", file, doc.origins);
  return base;
}

Scenario load_file(const std::filesystem::path& file, const LoadOptions& options, bool site_only) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  std::error_code ec;
  std::vector<std::filesystem::path> chain{std::filesystem::weakly_canonical(file, ec)};
  YAML::Node root = load_extended(file, load_yaml_file(file), *doc, chain);
  Loaded loaded = parse(root, doc, options, site_only);
  return finish(std::move(loaded), root);
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& file, const LoadOptions& options) { return load_file(file, options, false); }

Scenario load_site(const std::filesystem::path& file, const LoadOptions& options) { return load_file(file, options, true); }

Scenario load_scenario_text(const std::string& text, const std::filesystem::path& file, const LoadOptions& options) {
  auto doc = std::make_shared<Document>();
  doc->file = file;
  std::error_code ec;
  std::vector<std::filesystem::path> chain{std::filesystem::weakly_canonical(file, ec)};
  YAML::Node root = load_extended(file, parse_yaml_text(text, file), *doc, chain);
  Loaded loaded = parse(root, doc, options, false);
  return finish(std::move(loaded), root);
}

}  // namespace gigasim::io
