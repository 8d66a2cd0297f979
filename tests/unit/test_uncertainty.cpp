// Distributions, Latin-hypercube draws, percentiles, and how the loader reads numbers as distributions.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "models/uncertainty.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/uncertainty_report.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
using Approx = Catch::Detail::Approx;

TEST_CASE("central values, supports and quantiles of the four distributions") {
  const Distribution u{DistributionKind::kUniform, 2, 4, 0};
  const Distribution t{DistributionKind::kTriangular, 1, 1.5, 3};
  const Distribution n{DistributionKind::kNormal, 10, 2, 0};
  const Distribution l{DistributionKind::kLognormal, 5, 0.5, 0};
  CHECK(central_value(u) == 3);
  CHECK(central_value(t) == 1.5);
  CHECK(central_value(n) == 10);
  CHECK(central_value(l) == 5);
  CHECK(support(u) == std::pair<double, double>{2, 4});
  CHECK(support(n).first == Approx(2));
  CHECK(support(n).second == Approx(18));
  CHECK(support(l).first == Approx(5 * std::exp(-2.0)));
  // Quantiles: the median of each, the ends are the support, and the normal's 97.5% point is mean + 1.96 sd.
  CHECK(quantile(u, 0.25) == Approx(2.5));
  CHECK(quantile(t, 0) == Approx(1));
  CHECK(quantile(t, 1) == Approx(3));
  // Triangular: F(mode) = (mode - lo) / (hi - lo) = 0.25.
  CHECK(quantile(t, 0.25) == Approx(1.5));
  CHECK(quantile(n, 0.5) == Approx(10));
  CHECK(quantile(n, 0.975) == Approx(10 + 1.96 * 2).epsilon(1e-3));
  CHECK(quantile(n, 0) == Approx(2));
  CHECK(quantile(n, 1) == Approx(18));
  CHECK(quantile(l, 0.5) == Approx(5));
  CHECK(quantile(l, 0.975) == Approx(5 * std::exp(1.96 * 0.5)).epsilon(1e-3));
  CHECK_THROWS(quantile(u, 1.5));
  CHECK(describe(t) == "triangular(1, 1.5, 3)");
  CHECK(describe(l) == "lognormal(5, 0.5)");
}

TEST_CASE("Latin-hypercube coordinates use every stratum once, per key, reproducibly") {
  const std::size_t n = 200;
  for (const char* key : {"site.pue", "catalog/h100-x8.yaml:system.price_usd"}) {
    std::set<std::size_t> strata;
    for (std::size_t i = 0; i < n; ++i) {
      const double u = lhs_coordinate(42, key, i, n);
      REQUIRE(u > 0);
      REQUIRE(u < 1);
      strata.insert(static_cast<std::size_t>(u * n));
      CHECK(u == lhs_coordinate(42, key, i, n));
    }
    CHECK(strata.size() == n);
  }
  // Different keys, and different seeds, order the strata differently (independent parameters).
  std::size_t same_key = 0, same_seed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    same_key += static_cast<std::size_t>(lhs_coordinate(42, "a", i, n) * n) == static_cast<std::size_t>(lhs_coordinate(42, "b", i, n) * n);
    same_seed += static_cast<std::size_t>(lhs_coordinate(42, "a", i, n) * n) == static_cast<std::size_t>(lhs_coordinate(43, "a", i, n) * n);
  }
  CHECK(same_key < 10);
  CHECK(same_seed < 10);
  // The draws of a uniform have the distribution's mean to within a stratum.
  double mean = 0;
  const Distribution u{DistributionKind::kUniform, 0, 1, 0};
  for (std::size_t i = 0; i < n; ++i) mean += quantile(u, lhs_coordinate(7, "x", i, n)) / n;
  CHECK(mean == Approx(0.5).margin(1.0 / n));
  CHECK_THROWS(lhs_coordinate(1, "x", 5, 5));
}

TEST_CASE("percentiles interpolate between order statistics like numpy") {
  const std::vector<double> v{4, 1, 3, 2};
  CHECK(percentile(v, 50) == Approx(2.5));
  CHECK(percentile(v, 5) == Approx(1.15));
  CHECK(percentile(v, 95) == Approx(3.85));
  CHECK(percentile(v, 0) == 1);
  CHECK(percentile(v, 100) == 4);
  CHECK(percentile({7}, 95) == 7);
  CHECK_THROWS(percentile({}, 50));
}

TEST_CASE("a scenario number given as a distribution resolves to its central value, or to sample k's draw") {
  const std::string text = test::scenario_text();
  std::string with = text;
  with.replace(with.find("pue: 1.2"), 8, "pue: {triangular: [1.1, 1.2, 1.5]}");
  const Scenario central = io::load_scenario_text(with, "t.yaml");
  CHECK(central.site.pue.value == 1.2);
  REQUIRE(central.uncertain.size() == 1);
  CHECK(central.uncertain[0].key == "site.pue");
  CHECK(central.uncertain[0].location == "t.yaml:4:29");
  CHECK(central.sampling.count == 0);
  // Sample k: the same value however often the file is loaded; different samples differ.
  io::LoadOptions o;
  o.sample_count = 10;
  std::set<double> values;
  for (std::size_t k = 0; k < 10; ++k) {
    o.sample_index = k;
    const Scenario s = io::load_scenario_text(with, "t.yaml", o);
    CHECK(s.site.pue.value == io::load_scenario_text(with, "t.yaml", o).site.pue.value);
    CHECK(s.site.pue.value >= 1.1);
    CHECK(s.site.pue.value <= 1.5);
    CHECK(s.uncertain.at(0).value == s.site.pue.value);
    values.insert(s.site.pue.value);
  }
  CHECK(values.size() == 10);
  // The draws follow the scenario's seed; the workload's own stream is untouched by them.
  o.sample_index = 3;
  o.seed = 99;
  CHECK(io::load_scenario_text(with, "t.yaml", o).site.pue.value != io::load_scenario_text(with, "t.yaml", [&] {
          auto p = o;
          p.seed = 98;
          return p;
        }()).site.pue.value);
  // A plain number reads as before, and records nothing.
  CHECK(io::load_scenario_text(text, "t.yaml").uncertain.empty());
}

TEST_CASE("a catalog number given as a distribution draws once for every choice that uses it") {
  const auto dir = std::filesystem::temp_directory_path() / ("gigasim-unit-uncertain-catalog-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& e : std::filesystem::directory_iterator(test::catalog_dir()))
    if (e.path().extension() == ".yaml") std::filesystem::copy_file(e.path(), dir / e.path().filename());
  {
    std::ifstream in(dir / "h100-x8.yaml");
    std::string y((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = y.find("price_usd: {value: ", y.find("\nsystem:"));
    REQUIRE(at != std::string::npos);
    const auto end = y.find(',', at);
    y.replace(at, end - at, "price_usd: {value: {uniform: [2.0e5, 3.5e5]}");
    std::ofstream(dir / "h100-x8.yaml") << y;
  }
  std::string text = test::scenario_text("  - {name: a, system: h100-x8, chips: 64}\n  - {name: b, system: h100-x8, chips: 128}\n");
  text.replace(text.find(test::catalog_dir().string()), test::catalog_dir().string().size(), dir.string());
  const Scenario central = io::load_scenario_text(text, "t.yaml");
  CHECK(central.choices[0].system.price_usd.value == 275000);
  REQUIRE(central.uncertain.size() == 1);
  CHECK(central.uncertain[0].key == "catalog/h100-x8.yaml:system.price_usd");
  io::LoadOptions o;
  o.sample_count = 5;
  o.sample_index = 2;
  const Scenario s = io::load_scenario_text(text, "t.yaml", o);
  CHECK(s.choices[0].system.price_usd.value == s.choices[1].system.price_usd.value);
  CHECK(s.choices[0].system.price_usd.value != 275000);
  CHECK(s.uncertain.size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("sample bands: percentiles per metric and row, aligned on the central run") {
  Scenario sc;
  sc.uncertain.push_back({"site.pue", "t.yaml:1:1", {DistributionKind::kUniform, 1, 2, 0}, 1.5});
  io::RunOutputs central;
  central.summary["choices"]["a"] = {{"cost", {{"total_usd", 10.0}}}, {"assumptions", {{"x", 1.0}}}, {"list", {1, 2}}};
  central.timeseries_csv = "choice,month,metric,value,unit\na,0,cost_usd,10,USD\n";
  io::SampleBands bands(sc, central, 3);
  for (std::size_t k = 0; k < 3; ++k) {
    io::SampleRecord r;
    r.draws = {{"site.pue", 1.0 + 0.25 * k}};
    r.metrics = {{"a\tcost.total_usd", 10.0 + k}, {"a\tnew.metric", 1.0}};  // a number the central run lacks is not banded
    if (k != 1) r.rows = {{"a,0,cost_usd", 20.0 + k}};  // sample 1 lacks the row: left out of its percentiles
    bands.add(k, io::sample_from_json(io::to_json(r)));
  }
  io::RunOutputs out = central;
  bands.apply(out);
  const auto& u = out.summary["choices"]["a"]["uncertainty"];
  CHECK(u.size() == 1);
  CHECK(u["cost.total_usd"]["p50"].get<double>() == 11);
  CHECK(u["cost.total_usd"]["p5"].get<double>() == Approx(10.1));
  CHECK(out.summary["uncertainty"]["samples"] == 3);
  CHECK(out.timeseries_csv == "choice,month,metric,value,unit,p5,p50,p95\na,0,cost_usd,10,USD,20.1,21,21.9\n");
  CHECK(out.samples_csv.find("0,parameter,,site.pue,1\n") != std::string::npos);
  CHECK(out.samples_csv.find("2,metric,a,cost.total_usd,12\n") != std::string::npos);
  CHECK(out.samples_csv.find("new.metric") == std::string::npos);
}
