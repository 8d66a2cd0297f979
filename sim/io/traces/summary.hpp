// Streaming statistics of a trace for `gigasim trace`: counts, span and rate, and mean / median / max of
// the token or GPU columns, in bounded memory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trace.hpp"

namespace gigasim::io::traces {

// Count, mean, min and max of every value; the median from a bounded uniform sample (reservoir
// sampling, fixed seed): exact while at most kSampleSize values were added.
class SampledStat {
 public:
  static constexpr std::size_t kSampleSize = std::size_t{1} << 18;  // 262,144 values (2 MiB)

  void add(double v);
  std::uint64_t count() const { return count_; }
  double mean() const { return mean_; }
  double min() const { return min_; }
  double max() const { return max_; }
  double sum() const { return sum_; }
  double median() const;  // 0 when empty; the mean of the two middle values for an even count
  bool median_exact() const { return count_ <= kSampleSize; }

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0, sum_ = 0, min_ = 0, max_ = 0;
  std::vector<double> sample_;
  std::uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
};

struct TraceSummary {
  std::string source;
  std::string format;
  TraceKind kind = TraceKind::kRequests;
  std::uint64_t records = 0;
  bool limited = false;  // stopped at the limit (the trace may have more records)
  double first_s = 0, last_s = 0;
  // kRequests
  SampledStat input_tokens, output_tokens;
  // kJobs
  SampledStat duration_s, gpus;
  double gpu_seconds = 0;
  static constexpr std::size_t kMaxNames = 32;  // distinct types/states counted; the rest are "(other)"
  std::map<std::string, std::uint64_t> types, states;

  double span_s() const { return last_s - first_s; }
  // (records - 1) / span: the mean rate of arrivals; 0 when the span is 0.
  double rate_per_s() const;
};

// Reads `reader` to its end, or up to `limit` records (0: no limit).
TraceSummary summarize_trace(TraceReader& reader, std::uint64_t limit = 0);
// The report printed by `gigasim trace`.
std::string format_summary(const TraceSummary& s);

}  // namespace gigasim::io::traces
