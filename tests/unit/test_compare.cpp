// gigasim compare (sim/io/compare.hpp): rows, labels, ratios and the refusals, on hand-made summaries.
#include <catch2/catch.hpp>

#include <string>

#include "sim/io/compare.hpp"
#include "sim/io/input_error.hpp"

using namespace gigasim::io;

namespace {
nlohmann::json choice(double tokens, double total_usd, bool inference) {
  nlohmann::json c = {{"chips", 1024},
                      {"training", {{"tokens", tokens}, {"flops", tokens * 6e9}}},
                      {"energy", {{"facility_mwh", 100.0}, {"facility_power_peak_month_w", 2e6}}},
                      {"cost",
                       {{"capex_usd", total_usd * 0.9},
                        {"opex_usd", total_usd * 0.1},
                        {"total_usd", total_usd},
                        {"npv_usd", total_usd * 0.8},
                        {"usd_per_million_tokens_trained", total_usd / (tokens / 1e6)},
                        {"usd_per_million_tokens_served", nullptr},
                        {"usd_per_pflop_day", 10.0}}},
                      {"carbon", {{"total_t", 50.0}}}};
  if (inference) c["inference"] = {{"tokens_served", 5e9}};
  return c;
}
CompareRun run(const std::string& name, nlohmann::json choices) {
  return {name, name + "/summary.json", {{"scenario", name}, {"choices", std::move(choices)}}};
}
std::size_t metric(const std::string& name) {
  const auto& m = compare_metrics();
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i].name == name) return i;
  FAIL("no metric " << name);
  return 0;
}
}  // namespace

TEST_CASE("compare: one run, ratios to the first choice or a named one", "[compare]") {
  const std::vector<CompareRun> runs = {run("a", {{"gpu", choice(1e12, 200e6, false)}, {"trn", choice(2e12, 100e6, true)}})};
  Comparison c = compare_runs(runs, "");
  REQUIRE(c.rows.size() == 2);
  CHECK(c.rows[0].label == "gpu");  // unique names: no run prefix
  CHECK(c.baseline == 0);
  CHECK(*c.ratio(1, metric("tokens_trained")) == Approx(2.0));
  CHECK(*c.ratio(1, metric("total_usd")) == Approx(0.5));
  CHECK(*c.ratio(1, metric("usd_per_million_tokens_trained")) == Approx(0.25));
  CHECK_FALSE(c.rows[0].values[metric("tokens_served")].has_value());  // no inference section: missing, not an error
  CHECK(*c.rows[1].values[metric("tokens_served")] == 5e9);
  CHECK_FALSE(c.ratio(1, metric("tokens_served")).has_value());  // baseline has none
  CHECK_FALSE(c.rows[0].values[metric("usd_per_million_tokens_served")].has_value());  // null in the summary
  c = compare_runs(runs, "trn");
  CHECK(c.baseline == 1);
  CHECK(*c.ratio(0, metric("total_usd")) == Approx(2.0));
}

TEST_CASE("compare: names repeated across runs are prefixed with the run", "[compare]") {
  const std::vector<CompareRun> runs = {run("elastic", {{"gpu", choice(1e12, 1e8, false)}}),
                                        run("scarce", {{"gpu", choice(5e11, 1e8, false)}, {"trn", choice(1e12, 1e8, false)}})};
  const Comparison c = compare_runs(runs, "scarce/gpu");
  REQUIRE(c.rows.size() == 3);
  CHECK(c.rows[0].label == "elastic/gpu");
  CHECK(c.rows[1].label == "scarce/gpu");
  CHECK(c.rows[2].label == "trn");
  CHECK(c.baseline == 1);
  CHECK(*c.ratio(0, metric("tokens_trained")) == Approx(2.0));
  CHECK_THROWS_AS(compare_runs(runs, "gpu"), gigasim::io::InputError);  // ambiguous
  CHECK_THROWS_WITH(compare_runs(runs, "tpu"), Catch::Contains("--baseline 'tpu' names no choice") && Catch::Contains("elastic/gpu, scarce/gpu, trn"));
}

TEST_CASE("compare: what it refuses", "[compare]") {
  CHECK_THROWS_WITH(compare_runs({run("a", nlohmann::json::object())}, ""), Catch::Contains("a/summary.json: no 'choices'"));
  nlohmann::json broken = choice(1e12, 1e8, false);
  broken["cost"].erase("total_usd");
  CHECK_THROWS_WITH(compare_runs({run("a", {{"gpu", broken}})}, ""), Catch::Contains("a/summary.json: choices.gpu.cost.total_usd is missing"));
  broken = choice(1e12, 1e8, false);
  broken["cost"]["total_usd"] = "lots";
  CHECK_THROWS_WITH(compare_runs({run("a", {{"gpu", broken}})}, ""), Catch::Contains("choices.gpu.cost.total_usd: expected a number"));
  CHECK_THROWS_WITH(compare_runs({run("a", {{"gpu", choice(1, 1, false)}}), run("a", {{"gpu", choice(1, 1, false)}})}, ""),
                    Catch::Contains("two runs are both named 'a'"));
}

TEST_CASE("compare: Markdown and CSV carry every value and ratio", "[compare]") {
  const Comparison c = compare_runs({run("a", {{"gpu", choice(1e12, 2e9, false)}, {"trn,x", choice(2e12, 1e9, false)}})}, "");
  const std::string md = comparison_markdown(c);
  CHECK_THAT(md, Catch::Contains("| metric | gpu | trn,x |"));
  CHECK_THAT(md, Catch::Contains("| total_usd | $2B | $1B (0.50x) |"));
  CHECK_THAT(md, Catch::Contains("| tokens_served | - | - |"));
  const std::string csv = comparison_csv(c);
  CHECK_THAT(csv, Catch::StartsWith("label,run,choice,metric,value,unit,ratio_to_baseline\n"));
  CHECK_THAT(csv, Catch::Contains("\"trn,x\",a,\"trn,x\",total_usd,1000000000,USD,0.5\n"));
  CHECK_THAT(csv, Catch::Contains("gpu,a,gpu,tokens_served,,tokens,\n"));
  std::size_t lines = 0;
  for (char ch : csv) lines += ch == '\n';
  CHECK(lines == 1 + 2 * compare_metrics().size());
}
