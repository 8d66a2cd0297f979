#include "fleet_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "catalog_loader.hpp"
#include "models/calendar.hpp"
#include "models/power.hpp"
#include "models/scheduler.hpp"
#include "models/units.hpp"
#include "quantity_reader.hpp"
#include "job_trace_source.hpp"
#include "traces/trace.hpp"

namespace gigasim::io {
namespace {

int read_priority(const YamlView& parent) {
  return parent.has("priority") ? static_cast<int>(parent.at("priority").as_integer(-1000, 1000)) : 0;
}

// Seconds of a duration given in days.
double read_days(const YamlView& v, const Range& r) { return v.as_number(r) * units::kSecondsPerDay; }

}  // namespace

std::string read_name(const YamlView& v) {
  static const std::regex kName("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  const std::string s = v.as_string();
  if (!std::regex_match(s, kName))
    v.fail(fmt::format("expected a name of letters, digits, '_', '.' or '-' (at most 64, starting with a letter or digit), got \"{}\"", s));
  return s;
}

double read_time_point(const YamlView& v, const std::string& start_date) {
  const auto date = v.find("date");
  const auto day = v.find("day");
  const auto year = v.find("year");
  const int given = (date ? 1 : 0) + (day ? 1 : 0) + (year ? 1 : 0);
  if (given != 1) v.fail(given == 0 ? "missing the time: give one of 'date' (YYYY-MM-DD), 'day' or 'year' (from the start)"
                                    : "give only one of 'date', 'day' and 'year'");
  double t = 0;
  if (date) {
    const auto d = parse_iso_date(date->as_string());
    if (!d) date->fail(fmt::format("expected a date as YYYY-MM-DD, got {}", date->describe_value()));
    t = static_cast<double>(days_between(*parse_iso_date(start_date), *d)) * units::kSecondsPerDay;
  } else if (day) {
    t = day->as_number(Range::closed(-1e6, 1e6)) * units::kSecondsPerDay;
  } else {
    t = year->as_number(Range::closed(-1e3, 1e3)) * units::kSecondsPerYear;
  }
  return t;
}

std::vector<PowerPoint> read_power_ramp(const YamlView& v, const std::string& start_date, double site_power_w) {
  std::vector<PowerPoint> ramp;
  const auto items = v.items();
  if (items.empty()) v.fail("expected at least one point {date|day|year, power_w}");
  for (const auto& item : items) {
    item.expect_map({"date", "day", "year", "power_w"});
    PowerPoint p;
    p.time_s = read_time_point(item, start_date);
    const YamlView pw = item.at("power_w");
    p.power_w = pw.as_number(Range::non_negative());
    if (p.power_w > site_power_w * (1 + 1e-12))
      pw.fail(fmt::format("{:.4g} MW is above the site's power_w of {:.4g} MW", p.power_w / 1e6, site_power_w / 1e6));
    if (!ramp.empty() && p.time_s <= ramp.back().time_s) item.fail("expected points in increasing time order");
    if (!ramp.empty() && p.power_w < ramp.back().power_w)
      pw.fail(fmt::format("the power ramp must not decrease ({:.4g} MW after {:.4g} MW): a plan that fits at one time must fit later", p.power_w / 1e6,
                          ramp.back().power_w / 1e6));
    ramp.push_back(p);
  }
  return ramp;
}

PowerCapSpec read_power_cap(const YamlView& v) {
  v.expect_map({"policy", "oversubscription", "min_speed", "curtailment"});
  PowerCapSpec c;
  c.where = v.location();
  c.policy = v.at("policy").as_enum({"throttle", "defer"}) == "throttle" ? PowerCapSpec::Policy::kThrottle : PowerCapSpec::Policy::kDefer;
  if (auto o = v.find("oversubscription")) c.oversubscription = o->as_number(Range::closed(1, 3));
  if (auto m = v.find("min_speed")) {
    if (c.policy != PowerCapSpec::Policy::kThrottle) m->fail("min_speed applies to policy 'throttle' only (policy 'defer' never slows chips)");
    const double speed = m->as_number(Range::closed(throttle_speed(power_constants::kThrottleLevels - 1), 1));
    const double level = (1 - speed) / power_constants::kThrottleStep;
    if (std::abs(level - std::round(level)) > 1e-9)
      m->fail(fmt::format("expected a throttle level: a multiple of {:g} between {:g} and 1 (e.g. {:g})", power_constants::kThrottleStep,
                          throttle_speed(power_constants::kThrottleLevels - 1), throttle_speed(static_cast<int>(std::round(level)))));
    c.min_level = static_cast<int>(std::round(level));
  } else if (c.policy == PowerCapSpec::Policy::kThrottle) {
    c.min_level = static_cast<int>(std::round((1 - power_constants::kDefaultMinThrottleSpeed) / power_constants::kThrottleStep));
  }
  if (auto list = v.find("curtailment")) {
    for (const YamlView& w : list->items()) {
      w.expect_map({"fraction", "hours", "calendar_months", "weekdays_only"});
      CurtailmentWindow cw;
      cw.fraction = w.at("fraction").as_number(Range{0.0, 1.0, true, false});
      const YamlView hours = w.at("hours");
      const auto h = hours.items();
      if (h.size() != 2) hours.fail(fmt::format("expected [start, end] hours of the day, got {} values", h.size()));
      cw.start_hour = h[0].as_number(Range::closed(0, 24));
      cw.end_hour = h[1].as_number(Range::closed(0, 24));
      if (cw.end_hour <= cw.start_hour) h[1].fail(fmt::format("expected an end hour after the start ({:g})", cw.start_hour));
      if (auto ms = w.find("calendar_months")) {
        for (const YamlView& m : ms->items()) {
          const auto month = static_cast<int>(m.as_integer(1, 12));
          if (std::find(cw.calendar_months.begin(), cw.calendar_months.end(), month) != cw.calendar_months.end())
            m.fail(fmt::format("month {} is listed twice", month));
          cw.calendar_months.push_back(month);
        }
        if (cw.calendar_months.empty()) ms->fail("expected at least one month (1-12), or no calendar_months for every month");
      }
      if (auto wd = w.find("weekdays_only")) cw.weekdays_only = wd->as_bool();
      c.curtailment.push_back(std::move(cw));
    }
    if (c.curtailment.empty()) list->fail("expected at least one window, or no curtailment");
  }
  return c;
}

BudgetSpec read_budget(const YamlView& v) {
  v.expect_map({"total_usd", "per_year_usd"});
  if (!v.has("total_usd") && !v.has("per_year_usd")) v.fail("expected 'total_usd' and/or 'per_year_usd'");
  BudgetSpec b;
  if (auto t = v.find("total_usd")) b.total_usd = t->as_number(Range::positive());
  if (auto y = v.find("per_year_usd")) b.per_year_usd = y->as_number(Range::positive());
  return b;
}

SchedulerSpec read_scheduler(const YamlView& v) {
  v.expect_map({"policy", "placement"});
  SchedulerSpec s;
  if (auto p = v.find("policy")) s.policy = p->as_enum({"fifo", "backfill", "priority"});
  if (auto p = v.find("placement")) s.placement = p->as_enum({"topology", "packed"});
  return s;
}

FailureTable load_failure_table(const std::filesystem::path& file, const YamlView& referenced_by) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) referenced_by.fail(fmt::format("{} is a directory, expected a failure table file", file.string()));
  if (!std::filesystem::is_regular_file(file, ec)) referenced_by.fail(fmt::format("failure table not found: {}", file.string()));
  auto doc = std::make_shared<Document>();
  doc->file = file;
  doc->sampling = referenced_by.document().sampling;
  doc->sample_namespace = "failures/" + file.filename().string() + ":";
  const YamlView v(load_yaml_file(file), "", doc);
  v.expect_map({"id", "description", "sources", "exposure", "causes"});
  std::map<std::string, std::string> sources;
  for (const auto& [key, text] : v.at("sources").entries()) sources[key] = text.as_string();
  FailureTable t;
  t.id = read_name(v.at("id"));
  if (t.id != file.stem().string()) v.at("id").fail(fmt::format("expected the file's name \"{}\", got \"{}\"", file.stem().string(), t.id));
  if (auto d = v.find("description")) t.description = d->as_string();
  const YamlView ex = v.at("exposure");
  ex.expect_map({"chips", "duration_days"});
  t.exposure_chips = read_sourced_quantity(ex.at("chips"), Range::closed(1, 1e9), sources);
  t.exposure_duration_s = read_sourced_quantity(ex.at("duration_days"), Range::up_to(1e5), sources);
  t.exposure_duration_s.value *= units::kSecondsPerDay;
  std::set<std::string> names;
  const auto causes = v.at("causes").items();
  if (causes.empty()) v.at("causes").fail("expected at least one cause");
  for (const auto& c : causes) {
    c.expect_map({"name", "component", "needs_repair", "interruptions"});
    FailureCause f;
    f.name = read_name(c.at("name"));
    if (!names.insert(f.name).second) c.at("name").fail(fmt::format("duplicate cause '{}'", f.name));
    f.component = read_name(c.at("component"));
    f.needs_repair = c.at("needs_repair").as_bool();
    f.interruptions = read_sourced_quantity(c.at("interruptions"), Range::non_negative(), sources);
    t.causes.push_back(f);
  }
  return t;
}

ReliabilitySpec read_reliability(const YamlView& v) {
  v.expect_map({"failures", "rate_scale", "checkpoint_interval_s", "checkpoint_bytes_per_param", "checkpoint_bandwidth_bytes_per_s", "restart_s",
                "repair_s", "spare_fraction", "spare_unit_chips"});
  ReliabilitySpec r;
  const YamlView f = v.at("failures");
  r.enabled = true;
  r.table = load_failure_table(f.as_path(), f);
  // Defaults, with their provenance (recorded in summary.json's assumptions).
  auto q = [&](std::string_view key, double value, Label label, const char* source, const char* note, const Range& range) {
    if (auto x = v.find(key)) return read_quantity(*x, range);
    return Quantity{value, {label, source, note}};
  };
  r.rate_scale = q("rate_scale", 1.0, Label::kDerived, "gigasim default", "the table's rates as observed", Range::non_negative());
  if (auto c = v.find("checkpoint_interval_s")) r.checkpoint_interval_s = c->as_number(Range::up_to(1e9));
  r.checkpoint_bytes_per_param = q("checkpoint_bytes_per_param", 14.0, Label::kDerived, "gigasim default",
                                   "bf16 weights (2) + fp32 master weights (4) + Adam moments (8)", Range::up_to(1e3));
  r.checkpoint_bandwidth_bytes_per_s = q("checkpoint_bandwidth_bytes_per_s", 2e12, Label::kOfficial,
                                         "Llama 3 paper, section 3.3.4 (via REFERENCE.md): a 2 TB/s checkpoint store", "", Range::up_to(1e15));
  r.restart_s = q("restart_s", 600.0, Label::kEstimate, "gigasim assumption", "detect, reschedule and reload in about 10 minutes", Range::non_negative());
  r.repair_s = q("repair_s", 2 * units::kSecondsPerDay, Label::kEstimate, "gigasim assumption", "a failed server or tray swapped within two days",
                 Range::non_negative());
  r.spare_fraction =
      q("spare_fraction", 0.01, Label::kEstimate, "gigasim assumption", "1% of repair units held as hot spares", Range::closed(0, 0.5));
  if (auto u = v.find("spare_unit_chips")) r.spare_unit_chips = u->as_integer(1, 1'000'000);
  return r;
}

std::vector<Generation> read_roadmap(const YamlView& v, const std::filesystem::path& catalog_dir, const std::string& start_date,
                                     double horizon_s, std::string& catalog_text) {
  std::vector<Generation> roadmap;
  const auto items = v.items();
  if (items.empty()) v.fail("expected at least one entry {system, date|day|year}");
  for (const auto& item : items) {
    item.expect_map({"system", "date", "day", "year", "price_usd", "service_life_years"});
    Generation g;
    const YamlView sys = item.at("system");
    LoadedSystem loaded = load_system(catalog_dir, sys.as_string(), sys);
    g.system = std::move(loaded.spec);
    catalog_text += loaded.canonical_yaml;
    g.available_s = read_time_point(item, start_date);
    g.price_usd = item.has("price_usd") ? read_quantity(item.at("price_usd"), Range::non_negative()).value : g.system.price_usd.value;
    g.service_life_s = (item.has("service_life_years") ? read_quantity(item.at("service_life_years"), Range::up_to(100)).value
                                                       : g.system.service_life_years.value) *
                       units::kSecondsPerYear;
    if (!roadmap.empty() && g.available_s < roadmap.back().available_s)
      item.fail("expected roadmap entries in order of availability (earliest first)");
    roadmap.push_back(std::move(g));
  }
  if (roadmap.front().available_s >= horizon_s) items.front().fail("the first generation becomes available only after the horizon");
  return roadmap;
}

SupplySpec read_supply(const YamlView& v) {
  v.expect_map({"chips_per_quarter", "lead_time_days"});
  SupplySpec s;
  if (auto c = v.find("chips_per_quarter")) s.chips_per_quarter = c->as_number(Range::positive());
  if (auto l = v.find("lead_time_days")) s.lead_time_s = read_days(*l, Range::closed(0, 3650));
  return s;
}

RefreshSpec read_refresh(const YamlView& v) {
  v.expect_map({"policy", "min_gain"});
  RefreshSpec r;
  const std::string p = v.at("policy").as_enum({"keep", "end-of-life", "upgrade"});
  r.policy = p == "keep" ? RefreshPolicy::kKeep : p == "upgrade" ? RefreshPolicy::kUpgrade : RefreshPolicy::kEndOfLife;
  if (auto g = v.find("min_gain")) {
    if (r.policy != RefreshPolicy::kUpgrade) g->fail("min_gain applies only to policy: upgrade");
    r.min_gain = g->as_number(Range::closed(1, 1000));
  }
  return r;
}

FrontierSeries read_frontier(const YamlView& v, double horizon_s) {
  v.expect_map({"name", "first_day", "every_days", "until_day", "first_flops", "growth_per_year", "fleet_fraction", "max_duration_days",
                "tokens_per_param", "seq_len", "global_batch_tokens", "priority", "preemptible"});
  FrontierSeries f;
  if (auto n = v.find("name")) f.name = read_name(*n);
  f.first_submit_s = v.has("first_day") ? read_days(v.at("first_day"), Range::non_negative()) : 0.0;
  if (f.first_submit_s >= horizon_s) v.at("first_day").fail("the first run is after the horizon");
  f.interval_s = read_days(v.at("every_days"), Range::closed(1, 1e5));
  f.until_s = v.has("until_day") ? read_days(v.at("until_day"), Range::positive()) : horizon_s;
  if (f.until_s <= f.first_submit_s) v.at("until_day").fail("expected until_day after first_day");
  f.first_flops = v.at("first_flops").as_number(Range::closed(1e15, 1e32));
  f.growth_per_year = v.at("growth_per_year").as_number(Range::closed(0.1, 100));
  if (auto x = v.find("fleet_fraction")) f.fleet_fraction = x->as_number(Range::up_to(1));
  f.max_duration_s = read_days(v.at("max_duration_days"), Range::closed(1, 3650));
  if (auto x = v.find("tokens_per_param")) f.tokens_per_param = x->as_number(Range::closed(0.01, 1e6));
  if (auto x = v.find("seq_len")) f.seq_len = x->as_integer(128, 10'000'000);
  const YamlView gb = v.at("global_batch_tokens");
  const double tokens = gb.as_number(Range::closed(1, 1e12));
  const double seqs = tokens / static_cast<double>(f.seq_len);
  if (seqs < 1 || std::floor(seqs) != seqs)
    gb.fail(fmt::format("expected a whole number of sequences of {} tokens, got {:g} tokens ({:g} sequences)", f.seq_len, tokens, seqs));
  f.global_batch_sequences = static_cast<std::int64_t>(seqs);
  f.priority = read_priority(v);
  if (auto p = v.find("preemptible")) f.preemptible = p->as_bool();
  return f;
}

JobClass read_job_class(const YamlView& v, double horizon_s) {
  v.expect_map({"name", "arrivals_per_day", "growth_per_year", "first_day", "until_day", "params", "chips", "tokens", "seq_len",
                "global_batch_tokens", "priority", "preemptible"});
  JobClass c;
  c.name = read_name(v.at("name"));
  c.arrivals_per_s = v.at("arrivals_per_day").as_number(Range::closed(1e-6, 1e5)) / units::kSecondsPerDay;
  if (auto g = v.find("growth_per_year")) c.growth_per_year = g->as_number(Range::closed(0.1, 10));
  c.first_s = v.has("first_day") ? read_days(v.at("first_day"), Range::non_negative()) : 0.0;
  if (c.first_s >= horizon_s)
    v.at("first_day").fail(fmt::format("the class starts after the horizon ({:g} days)", horizon_s / units::kSecondsPerDay));
  c.until_s = v.has("until_day") ? read_days(v.at("until_day"), Range::positive()) : horizon_s;
  if (c.until_s <= c.first_s) v.at("until_day").fail("expected until_day after first_day");
  const YamlView params = v.at("params");
  for (const auto& p : params.items()) c.params.push_back(p.as_number(Range::closed(1e6, 1e15)));
  if (c.params.empty()) params.fail("expected at least one parameter count");
  const YamlView chips = v.at("chips");
  for (const auto& p : chips.items()) c.chips.push_back(p.as_integer(1, 100'000'000));
  if (c.chips.empty()) chips.fail("expected at least one chip count");
  const YamlView tokens = v.at("tokens");
  tokens.expect_map({"min", "max"});
  c.tokens_min = tokens.at("min").as_number(Range::closed(1, 1e17));
  c.tokens_max = tokens.at("max").as_number(Range::closed(1, 1e17));
  if (c.tokens_max < c.tokens_min) tokens.at("max").fail(fmt::format("expected max >= min ({:g})", c.tokens_min));
  if (auto s = v.find("seq_len")) c.seq_len = s->as_integer(128, 10'000'000);
  const YamlView gb = v.at("global_batch_tokens");
  c.global_batch_tokens = gb.as_number(Range::closed(1, 1e12));
  if (c.global_batch_tokens < static_cast<double>(c.seq_len))
    gb.fail(fmt::format("expected at least one sequence of {} tokens, got {:g}", c.seq_len, c.global_batch_tokens));
  if (c.global_batch_tokens > c.tokens_min) gb.fail(fmt::format("a batch of {:g} tokens is larger than the smallest job ({:g} tokens)", c.global_batch_tokens, c.tokens_min));
  c.priority = read_priority(v);
  if (auto p = v.find("preemptible")) c.preemptible = p->as_bool();
  return c;
}

JobTraceSpec read_job_trace(const YamlView& v, const std::filesystem::path& catalog_dir, double horizon_s,
                            std::string& catalog_text) {
  v.expect_map({"name", "file", "format", "time_scale", "rate_scale", "size_scale", "loop", "start_day", "reference_system", "priority",
                "preemptible"});
  JobTraceSpec t;
  t.name = read_name(v.at("name"));
  const YamlView file = v.at("file");
  t.file = file.as_path();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(t.file, ec)) file.fail(fmt::format("trace file not found: {}", t.file.string()));
  if (auto f = v.find("format")) {
    t.format = f->as_enum({"acme", "helios", "alibaba-openb"});
  }
  if (auto x = v.find("time_scale")) t.time_scale = x->as_number(Range::closed(1e-6, 1e6));
  if (auto x = v.find("rate_scale")) t.rate_scale = x->as_number(Range::up_to(1000));
  if (auto x = v.find("size_scale")) t.size_scale = x->as_number(Range::closed(1e-6, 1e6));
  if (auto x = v.find("loop")) t.loop = x->as_bool();
  if (auto x = v.find("start_day")) t.start_s = read_days(*x, Range::non_negative());
  if (t.start_s >= horizon_s) v.at("start_day").fail("the trace starts after the horizon");
  const YamlView ref = v.at("reference_system");
  LoadedSystem sys = load_system(catalog_dir, ref.as_string(), ref);
  t.reference = std::move(sys.spec);
  catalog_text += sys.canonical_yaml;
  t.priority = read_priority(v);
  if (auto p = v.find("preemptible")) t.preemptible = p->as_bool();
  // Read the whole file once now (streaming, in constant memory), so a bad row fails before anything
  // runs, even one past the horizon; errors inside the trace name its file and line, prefixed with
  // where the scenario names it.
  try {
    auto reader = traces::open_trace_file(t.file, t.format);
    if (reader->kind() != traces::TraceKind::kJobs)
      file.fail(fmt::format("{} is a {} trace ({}): job_traces need a job trace (acme, helios, alibaba-openb)", t.file.string(),
                            traces::to_string(reader->kind()), reader->format()));
    t.format = std::string(reader->format());
    traces::TraceRecord r;
    while (reader->next(r)) {
    }
    // Looping needs two records spanning some time: the transform checks it on its first pass.
    if (t.loop) {
      const auto check = job_trace_source(t, horizon_s);
      JobArrival a;
      check->next(a);
    }
  } catch (const InputError& e) {
    const std::string what = e.what();
    if (what.rfind(file.location(), 0) == 0) throw;  // already about the scenario
    const auto loop = v.find("loop");
    (t.loop && loop && what.find("to loop") != std::string::npos ? *loop : file).fail(what);
  }
  return t;
}

}  // namespace gigasim::io
