#include "inference_loader.hpp"

#include <fmt/format.h>

#include <memory>
#include <set>

#include "estimate_loader.hpp"
#include "fleet_loader.hpp"
#include "models/calendar.hpp"
#include "models/model_shapes.hpp"
#include "models/serving.hpp"
#include "models/units.hpp"
#include "request_bins.hpp"
#include "scenario_loader.hpp"

namespace gigasim::io {
namespace {

ServedModel read_served_model(const YamlView& v) {
  v.expect_map({"name", "model", "params", "precision", "ttft_s", "tpot_s"});
  ServedModel m;
  m.name = read_name(v.at("name"));
  const auto model = v.find("model");
  const auto params = v.find("params");
  if (model && params) params->fail("give either 'model' (the architecture) or 'params' (a standard shape), not both");
  if (!model && !params) v.fail("missing required key 'model' (the architecture) or 'params' (a parameter count)");
  m.model = model ? read_transformer(*model, true) : standard_shape(params->as_number(Range::closed(1e6, 1e15)), kDefaultSeqLen, kDefaultVocab);
  if (auto p = v.find("precision")) parse_precision(p->as_enum({"fp16", "bf16", "fp8"}), m.precision);
  if (auto x = v.find("ttft_s")) m.ttft_s = x->as_number(Range::closed(1e-6, 3600));
  if (auto x = v.find("tpot_s")) m.tpot_s = x->as_number(Range::closed(1e-6, 60));
  return m;
}

double read_day(const YamlView& v, const Range& r) { return v.as_number(r) * units::kSecondsPerDay; }

DemandStream read_demand(const YamlView& v, const std::vector<ServedModel>& models, const std::string& start_date,
                         double horizon_s) {
  const bool trace = v.is_map() && v.has("file");
  if (trace)
    v.expect_map({"name", "model", "file", "format", "time_scale", "rate_scale", "loop", "start_day", "growth_per_year"});
  else
    v.expect_map({"name", "model", "tokens_per_s", "input_tokens", "output_tokens", "start_day", "until_day", "growth_per_year", "daily_amplitude",
                  "daily_peak_hour", "weekend_factor", "noise"});
  DemandStream d;
  d.name = read_name(v.at("name"));
  d.trace = trace;
  const YamlView mv = v.at("model");
  const std::string model = mv.as_string();
  std::vector<std::string> names;
  for (const auto& m : models) names.push_back(m.name);
  const auto it = std::find(names.begin(), names.end(), model);
  if (it == names.end()) {
    const auto near = closest_name(model, names);
    mv.fail(fmt::format("no served model named \"{}\" in inference.models{}", model, near ? fmt::format(" (did you mean \"{}\"?)", *near) : ""));
  }
  d.model = static_cast<std::size_t>(it - names.begin());
  double start_s = 0;
  if (auto x = v.find("start_day")) {
    start_s = read_day(*x, Range::non_negative());
    if (start_s >= horizon_s) x->fail(fmt::format("the demand starts after the horizon ({:g} days)", horizon_s / units::kSecondsPerDay));
  }
  const double growth = v.has("growth_per_year") ? v.at("growth_per_year").as_number(Range::closed(0.01, 100)) : 1.0;
  if (!trace) {
    GeneratedDemandSpec& g = d.generated;
    g.start_s = start_s;
    g.growth_per_year = growth;
    g.tokens_per_s = v.at("tokens_per_s").as_number(Range::closed(0, 1e12));
    g.input_tokens = v.at("input_tokens").as_number(Range::closed(0, 1e7));
    g.output_tokens = v.at("output_tokens").as_number(Range::closed(1, 1e7));
    if (auto x = v.find("until_day")) {
      g.until_s = read_day(*x, Range::positive());
      if (g.until_s <= g.start_s) x->fail("expected until_day after start_day");
    }
    if (auto x = v.find("daily_amplitude")) {
      g.daily_amplitude = x->as_number(Range::non_negative());
      if (g.daily_amplitude >= 1) x->fail(fmt::format("expected a number in [0, 1) (the rate would reach zero or below), got {:g}", g.daily_amplitude));
    }
    if (auto x = v.find("daily_peak_hour")) g.daily_peak_hour = x->as_number(Range::closed(0, 24));
    if (auto x = v.find("weekend_factor")) g.weekend_factor = x->as_number(Range::closed(0, 3.5));
    if (auto x = v.find("noise")) g.noise = x->as_number(Range::closed(0, 2));
    g.start_weekday = weekday(*parse_iso_date(start_date));
    return d;
  }
  TraceDemandSpec& t = d.replay;
  t.start_s = start_s;
  t.growth_per_year = growth;
  const YamlView file = v.at("file");
  d.file = file.as_path();
  std::error_code ec;
  if (std::filesystem::is_directory(d.file, ec)) file.fail(fmt::format("{} is a directory, expected a request trace file", d.file.string()));
  if (!std::filesystem::is_regular_file(d.file, ec)) file.fail(fmt::format("trace file not found: {}", d.file.string()));
  std::string format;
  if (auto f = v.find("format")) format = f->as_enum({"azure", "mooncake"});
  if (auto x = v.find("time_scale")) t.time_scale = x->as_number(Range::closed(1e-6, 1e6));
  if (auto x = v.find("rate_scale")) t.rate_scale = x->as_number(Range::closed(1e-9, 1e9));
  if (auto x = v.find("loop")) t.loop = x->as_bool();
  // The whole file is streamed once now into per-second bins, so a bad row fails before anything runs.
  try {
    t.bins = std::make_shared<const RequestBins>(read_request_bins(d.file, format, 1.0));
  } catch (const InputError& e) {
    file.fail(e.what());
  }
  d.format = format;
  return d;
}

}  // namespace

InferenceSpec read_inference(const YamlView& v, const std::string& start_date, double horizon_s) {
  v.expect_map({"policy", "partition", "placement", "step_s", "max_delay_s", "models", "demand"});
  InferenceSpec s;
  if (auto p = v.find("policy")) s.policy = p->as_enum({"inference-first", "partition"}) == "partition" ? ServingPolicy::kPartition : ServingPolicy::kInferenceFirst;
  if (s.policy == ServingPolicy::kPartition) {
    if (!v.has("partition")) v.at("policy").fail("policy 'partition' needs 'partition': the fraction of each generation's chips kept for serving");
    s.partition = v.at("partition").as_number(Range::up_to(1));
  } else if (auto x = v.find("partition")) {
    x->fail("'partition' applies only with policy: partition");
  }
  if (auto p = v.find("placement")) s.newest_first = p->as_enum({"oldest-first", "newest-first"}) == "newest-first";
  if (auto x = v.find("step_s")) {
    s.step_s = x->as_number(Range::closed(60, units::kSecondsPerDay));  // the last step ends at the horizon
  }
  if (auto x = v.find("max_delay_s")) {
    s.max_delay_s = x->as_number(Range::closed(0, 7 * units::kSecondsPerDay));
    // Requests wait whole steps: a delay shorter than a step would act as 0.
    if (s.max_delay_s > 0 && s.max_delay_s < s.step_s)
      x->fail(fmt::format("expected 0 or at least step_s ({:g} s): requests beyond capacity wait whole steps, got {:g}", s.step_s, s.max_delay_s));
  }
  const YamlView models = v.at("models");
  if (models.items().empty()) models.fail("expected at least one served model");
  std::set<std::string> names;
  for (const auto& item : models.items()) {
    s.models.push_back(read_served_model(item));
    if (!names.insert(s.models.back().name).second) item.at("name").fail(fmt::format("duplicate served model name '{}'", s.models.back().name));
  }
  const YamlView demand = v.at("demand");
  if (demand.items().empty()) demand.fail("expected at least one demand stream");
  names.clear();
  for (const auto& item : demand.items()) {
    s.demand.push_back(read_demand(item, s.models, start_date, horizon_s));
    if (!names.insert(s.demand.back().name).second) item.at("name").fail(fmt::format("duplicate demand stream name '{}'", s.demand.back().name));
  }
  // A model nothing asks for would never be checked (its replicas depend on a stream's request shape).
  for (std::size_t m = 0; m < s.models.size(); ++m) {
    bool used = false;
    for (const auto& d : s.demand) used = used || d.model == m;
    if (!used)
      models.items()[m].at("name").fail(fmt::format("no inference.demand stream serves model '{}': remove it or add a stream for it", s.models[m].name));
  }
  return s;
}

void check_servable(const YamlView& v, const InferenceSpec& inference, const HardwareChoice& choice) {
  const YamlView models = v.at("models");
  for (std::size_t m = 0; m < inference.models.size(); ++m) {
    const ServedModel& sm = inference.models[m];
    std::string why;
    bool ok = false;
    for (const auto& d : inference.demand) {
      if (d.model != m) continue;
      const ServingWorkload w{sm.model, sm.precision, d.input_tokens(), d.output_tokens()};
      ok = false;
      for (const auto& g : choice.roadmap) {
        if (g.use == GenerationUse::kTraining) continue;  // a training-only track never serves
        const ServingEstimate e = best_serving_replica(w, g.system, {sm.ttft_s, sm.tpot_s});
        if (e.valid) {
          ok = true;
          break;
        }
        why = fmt::format("{}: {}", g.system.id, e.reason);
      }
      if (!ok)
        models.items()[m].fail(fmt::format("choice '{}' cannot serve model '{}' for demand '{}' ({:.0f} input, {:.0f} output tokens) on any generation serving may use{}",
                                           choice.name, sm.name, d.name, d.input_tokens(), d.output_tokens(), why.empty() ? "" : ": " + why));
    }
  }
}

}  // namespace gigasim::io
