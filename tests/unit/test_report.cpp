#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <sstream>

#include "models/units.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/invariants.hpp"
#include "sim/io/report.hpp"
#include "sim/io/scenario_loader.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
using namespace gigasim::io;

namespace {
ChoiceResult fake_result(const Scenario& s) {
  ChoiceResult r;
  r.choice = s.choices[0].name;
  r.system_id = s.choices[0].system.id;
  r.chips = s.choices[0].chips;
  r.block_chips = 8;
  r.hosts = 8;
  r.horizon_s = s.horizon_s;
  auto month = [](double e, double tokens, double flops, double alloc) {
    io::MonthRecord m;
    m.it_energy_j = e, m.tokens = tokens, m.flops = flops, m.allocated_chip_s = alloc, m.duration_s = 1000;
    m.installed_chip_s = 64 * 1000;
    m.chips_installed = {64};
    return m;
  };
  r.generations = {s.choices[0].system.id};
  r.months = {month(3.6e9, 1e9, 6e18, 10), month(7.2e9, 2e9, 12e18, 0)};
  r.it_energy_j = 10.8e9;
  io::JobRecord j;
  j.name = "j1", j.kind = "pretraining", j.system = s.choices[0].system.id, j.chips = 64, j.blocks = 8, j.submit_s = 0, j.start_s = 0, j.end_s = -1;
  j.tokens_target = 1e11, j.tokens_done = 3e9, j.flops_done = 18e18, j.energy_it_j = 1, j.layout = "tp8-pp1-dp8-ep1-mb1-v1-none";
  j.step_time_s = 2.5, j.mfu = 0.4;
  r.jobs = {j};
  return r;
}
}  // namespace

TEST_CASE("summary totals match the monthly series and the cumulative cost ends at the total") {
  const Scenario s = load_scenario_text(test::scenario_text(), test::source_dir() / "scenarios" / "unit.yaml");
  const RunOutputs out = build_outputs(s, {fake_result(s)});
  const auto& c = out.summary.at("choices").at("h100");
  CHECK(c.at("training").at("tokens").get<double>() == 3e9);
  CHECK(c.at("training").at("jobs_completed").get<int>() == 0);
  CHECK(c.at("energy").at("it_mwh").get<double>() == Approx(3.0));
  CHECK(c.at("energy").at("facility_mwh").get<double>() == Approx(3.6));
  const double total = c.at("cost").at("total_usd").get<double>();
  CHECK(total == Approx(c.at("cost").at("capex_usd").get<double>() + c.at("cost").at("opex_usd").get<double>()));
  CHECK_THAT(out.timeseries_csv, Catch::StartsWith("choice,month,metric,value,unit\n"));
  // The last cumulative cost row equals the total.
  std::istringstream in(out.timeseries_csv);
  std::string line, last_cumulative;
  while (std::getline(in, line))
    if (line.find(",cost_cumulative_usd,") != std::string::npos) last_cumulative = line;
  CHECK(last_cumulative == fmt::format("h100,1,cost_cumulative_usd,{},USD", total));
  CHECK_THAT(out.jobs_csv, Catch::Contains("h100,j1,pretraining,h100-x8,0,64,8,tp8-pp1-dp8-ep1-mb1-v1-none,2.5,0.4,0,0,,100000000000,3000000000,1.8e+19,1,0,0,0,0,0,0"));
  CHECK(out.summary.at("choices").at("h100").at("assumptions").at("system.chip.gemm_efficiency").at("label") == "measured");
}

TEST_CASE("output files are written atomically and another scenario's results are protected") {
  const auto dir = std::filesystem::temp_directory_path() / "gigasim-unit-out";
  std::filesystem::remove_all(dir);
  RunOutputs o;
  o.summary = {{"scenario", "a"}};
  write_outputs(dir, o);
  CHECK(std::filesystem::exists(dir / "summary.json"));
  for (const auto& e : std::filesystem::directory_iterator(dir)) CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
  CHECK_NOTHROW(check_output_dir(dir, "a", false));
  CHECK_THROWS_AS(check_output_dir(dir, "b", false), InputError);
  CHECK_NOTHROW(check_output_dir(dir, "b", true));
  std::filesystem::remove_all(dir);
}

TEST_CASE("the run invariants hold for consistent results and fire on tampered ones") {
  const Scenario s = load_scenario_text(test::scenario_text(), test::source_dir() / "scenarios" / "unit.yaml");
  ChoiceResult r = fake_result(s);
  r.horizon_s = 2000;  // the two fake months cover 2,000 s
  const RunOutputs ok = build_outputs(s, {r});
  CHECK_NOTHROW(check_invariants(s, {r}, ok));

  ChoiceResult lost = r;
  lost.it_energy_j *= 1.000001;  // energy not accounted for in the months
  CHECK_THROWS_WITH(check_invariants(s, {lost}, build_outputs(s, {lost})), Catch::Contains("monthly IT energy sums to"));

  ChoiceResult greedy = r;
  greedy.jobs[0].tokens_done = 2e11;  // more than the target
  CHECK_THROWS_WITH(check_invariants(s, {greedy}, build_outputs(s, {greedy})), Catch::Contains("trained more tokens than asked"));

  ChoiceResult hot = r;
  hot.months[0].it_energy_j = 1e12 * 1000;  // 1 GW average on a 10 MW site
  hot.it_energy_j = hot.months[0].it_energy_j + hot.months[1].it_energy_j;
  CHECK_THROWS_WITH(check_invariants(s, {hot}, build_outputs(s, {hot})), Catch::Contains("above the site's"));

  RunOutputs bad_cost = ok;
  bad_cost.summary["choices"]["h100"]["cost"]["total_usd"] = 1.0;
  CHECK_THROWS_WITH(check_invariants(s, {r}, bad_cost), Catch::Contains("capex + opex + interest != total cost"));
}
