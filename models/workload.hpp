// Where training jobs come from over ten years: the scenario's explicit list, a series of frontier runs
// whose compute grows every year, classes of smaller jobs arriving at random, and job traces (read in
// sim/io). Each is a JobSource yielding arrivals in time order, one at a time, and merge_sources()
// interleaves them, so ten years of arrivals never sit in memory at once.
//
// Randomness: every generated stream has its own generator, seeded from the scenario seed and the
// stream's name (stream_seed), so adding a job class does not change the others' arrivals.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace gigasim {

enum class JobKind { kPretraining, kFrontier, kGenerated, kTrace };
std::string_view to_string(JobKind k);

struct JobArrival {
  JobKind kind = JobKind::kPretraining;
  std::string name;  // unique within a run
  std::string source;  // the class, series or trace it came from ("" for explicit jobs)
  double submit_s = 0;
  int priority = 0;
  bool preemptible = false;
  // Training jobs (every kind but kTrace). For kFrontier, `training.chips`, `.tokens` and `.model` are
  // decided when it is submitted, from the fleet installed then (see FrontierSeries).
  PretrainingJobSpec training;
  double frontier_flops = 0;  // kFrontier: the compute the series asks for
  // kTrace: the work, in chip-seconds of the trace's reference chip, and the chips it asks for.
  double reference_chip_s = 0;
  std::int64_t chips = 0;
};

class JobSource {
 public:
  virtual ~JobSource() = default;
  // The next arrival (non-decreasing submit_s), or false when the source is exhausted.
  virtual bool next(JobArrival& out) = 0;
};

// FrontierSeries and JobClass (plain data) are in scenario.hpp.

std::uint64_t stream_seed(std::uint64_t scenario_seed, std::string_view stream);

std::unique_ptr<JobSource> explicit_jobs(std::vector<PretrainingJobSpec> jobs);
std::unique_ptr<JobSource> frontier_source(const FrontierSeries& s);
std::unique_ptr<JobSource> job_class_source(const JobClass& c, std::uint64_t scenario_seed);
// Interleaves the sources by submit time (ties: the earlier source in the list first).
std::unique_ptr<JobSource> merge_sources(std::vector<std::unique_ptr<JobSource>> sources);

// Frontier sizing: the compute actually run, bounded by what `chips_available` chips sustaining
// `chip_flops_per_s` model FLOP/s each can do in max_duration_s; the parameters for tokens_per_param
// (N = sqrt(C / (6 r))), and the tokens C / (6 N).
struct FrontierSize {
  double flops = 0;
  double params = 0;
  double tokens = 0;
};
FrontierSize size_frontier_run(const FrontierSeries& s, double asked_flops, double chips, double chip_flops_per_s);

}  // namespace gigasim
