// A job trace replayed as training work (sim/io/job_trace_source) on the real Alibaba openb pod list,
// checked against the CSV read here independently. Skipped (exit 77) when ../shared is absent.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/io/job_trace_source.hpp"
#include "test_helpers.hpp"

using namespace gigasim;
namespace fs = std::filesystem;

namespace {

fs::path openb_file() {
  return test::source_dir().parent_path() / "shared" / "traces" / "alibaba_gpu_v2023" / "openb_pod_list_default.csv";
}


// One pod as docs/traces.md describes the columns: time = creation - first creation, duration =
// deletion - scheduled (or - creation when unscheduled), gpus = num_gpu x gpu_milli / 1000.
struct Pod {
  std::string name;
  double time_s = 0;
  double duration_s = 0;
  double gpus = 0;
  bool pending = false;  // never scheduled: not replayed
};

std::vector<Pod> read_pods(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time");
  std::vector<Pod> pods;
  double first = -1;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) f.push_back(field);
    if (line.back() == ',') f.emplace_back();  // empty scheduled_time
    REQUIRE(f.size() == 11);
    const double creation = std::stod(f[8]);
    const double deletion = std::stod(f[9]);
    const double start = f[10].empty() ? creation : std::stod(f[10]);
    if (first < 0) first = creation;
    Pod p;
    p.name = f[0];
    p.time_s = creation - first;
    p.duration_s = deletion - start;
    p.gpus = std::stod(f[3]) * std::stod(f[4]) / 1000.0;
    p.pending = f[7] == "Pending";
    pods.push_back(p);
  }
  return pods;
}

JobTraceSpec openb_spec() {
  JobTraceSpec s;
  s.name = "ali";
  s.file = openb_file();
  s.start_s = 5 * 86400.0;
  s.time_scale = 0.5;
  s.priority = 2;
  s.preemptible = true;
  return s;
}

std::vector<JobArrival> drain(JobSource& src) {
  std::vector<JobArrival> out;
  JobArrival a;
  while (src.next(a)) out.push_back(a);
  return out;
}

}  // namespace

TEST_CASE("job trace source: the Alibaba openb pod list, record by record", "[results][job_trace][real]") {
  const fs::path file = openb_file();
  test::require_shared_file(file);
  const std::vector<Pod> pods = read_pods(file);
  REQUIRE(pods.size() == 8152);  // docs/traces.md
  // The pods that ran: some GPU and some time.
  std::vector<Pod> ran;
  std::size_t no_gpu = 0, no_time = 0;
  for (const auto& p : pods) {
    if (!(p.gpus > 0)) ++no_gpu;
    else if (!(p.duration_s > 0) || p.pending) ++no_time;
    else ran.push_back(p);
  }
  REQUIRE(no_gpu > 1000);  // 1,088 CPU-only pods (num_gpu or gpu_milli 0)
  REQUIRE(no_time >= 1);

  const JobTraceSpec spec = openb_spec();
  auto src = io::job_trace_source(spec, 1e9);
  const auto jobs = drain(*src);
  REQUIRE(jobs.size() == ran.size());
  CHECK(jobs.size() == 7063 - 860);  // counted with awk over the file: 7,063 with GPUs and time, 860 of them Pending

  // The first records, by hand from the file:
  //   openb-pod-0000: 1 x 1000, creation 0, scheduled 0, deletion 12537496
  //   openb-pod-0001: 1 x 460, creation 427061, scheduled 427061, deletion 12902960
  //   openb-pod-0005 (num_gpu 0) is skipped: job 5 is openb-pod-0006: 1 x 1000, creation 3019330,
  //   scheduled 3019331, deletion 11815163 (the run starts a second after the submission).
  CHECK(jobs[0].name == "ali-0");
  CHECK(jobs[0].submit_s == 5 * 86400.0);
  CHECK(jobs[0].chips == 1);
  CHECK(jobs[0].reference_chip_s == 12537496.0);
  CHECK(jobs[1].name == "ali-1");
  CHECK(jobs[1].submit_s == Approx(5 * 86400.0 + 0.5 * 427061));
  CHECK(jobs[1].chips == 1);  // 0.46 GPU: one chip
  CHECK(jobs[1].reference_chip_s == Approx(12902960.0 - 427061));
  CHECK(ran[5].name == "openb-pod-0006");
  CHECK(jobs[5].name == "ali-5");
  CHECK(jobs[5].submit_s == Approx(5 * 86400.0 + 0.5 * 3019330));
  CHECK(jobs[5].reference_chip_s == 11815163.0 - 3019331);

  bool ordered = true, all_match = true;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const JobArrival& a = jobs[i];
    const Pod& p = ran[i];
    const auto chips = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p.gpus)));
    if (i > 0 && a.submit_s < jobs[i - 1].submit_s) ordered = false;
    if (a.kind != JobKind::kTrace || a.name != "ali-" + std::to_string(i) || a.source != "ali" || a.priority != 2 || !a.preemptible ||
        a.chips != chips || a.reference_chip_s != Approx(static_cast<double>(chips) * p.duration_s) ||
        a.submit_s != Approx(spec.start_s + 0.5 * p.time_s)) {
      if (all_match) {
        CAPTURE(i, p.name, a.name, a.chips, chips, a.submit_s, a.reference_chip_s, p.duration_s);
        FAIL_CHECK("job " << i << " does not match the CSV");
      }
      all_match = false;
    }
  }
  CHECK(ordered);
  CHECK(all_match);
  // Multi-GPU pods exist and keep their GPU count.
  CHECK(std::any_of(jobs.begin(), jobs.end(), [](const JobArrival& a) { return a.chips == 8; }));
}

TEST_CASE("job trace source: size_scale rounds chips up, at least one", "[results][job_trace][real]") {
  const fs::path file = openb_file();
  test::require_shared_file(file);
  std::vector<Pod> ran;
  for (const auto& p : read_pods(file))
    if (p.gpus > 0 && p.duration_s > 0 && !p.pending) ran.push_back(p);
  JobTraceSpec spec = openb_spec();
  spec.size_scale = 0.25;
  const auto jobs = drain(*io::job_trace_source(spec, 1e9));
  REQUIRE(jobs.size() == ran.size());
  bool all_match = true;
  std::size_t two_chips = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    // 8 GPUs -> 2 chips, 2 -> 1 (0.5 rounded up), 1 or 0.46 -> 1 (at least one).
    const auto chips = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(ran[i].gpus * 0.25)));
    if (jobs[i].chips == 2) ++two_chips;
    if (jobs[i].chips != chips || jobs[i].reference_chip_s != Approx(static_cast<double>(chips) * ran[i].duration_s)) all_match = false;
  }
  CHECK(all_match);
  CHECK(two_chips > 0);
}

TEST_CASE("job trace source: the horizon ends the trace", "[results][job_trace][real]") {
  const fs::path file = openb_file();
  test::require_shared_file(file);
  std::vector<Pod> ran;
  for (const auto& p : read_pods(file))
    if (p.gpus > 0 && p.duration_s > 0 && !p.pending) ran.push_back(p);
  const JobTraceSpec spec = openb_spec();
  const double horizon = spec.start_s + 30 * 86400.0;  // 60 days of the trace at time_scale 0.5
  const auto jobs = drain(*io::job_trace_source(spec, horizon));
  const auto inside = std::count_if(ran.begin(), ran.end(), [&](const Pod& p) { return spec.start_s + 0.5 * p.time_s < horizon; });
  REQUIRE(inside > 0);
  CHECK(static_cast<std::ptrdiff_t>(jobs.size()) == inside);
  CHECK(jobs.size() < ran.size());
  CHECK(std::all_of(jobs.begin(), jobs.end(), [&](const JobArrival& a) { return a.submit_s < horizon; }));

  SECTION("looped to the horizon: more records than one pass, still in order") {
    JobTraceSpec looped = spec;
    looped.loop = true;
    const double span = 0.5 * ran.back().time_s;
    const double far = spec.start_s + 1.5 * span;
    const auto many = drain(*io::job_trace_source(looped, far));
    CHECK(many.size() > ran.size());
    bool ordered = true;
    for (std::size_t i = 1; i < many.size(); ++i)
      if (many[i].submit_s < many[i - 1].submit_s) ordered = false;
    CHECK(ordered);
    CHECK(many.back().submit_s < far);
    CHECK(many.back().name == "ali-" + std::to_string(many.size() - 1));
  }
}
