#include "summary.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gigasim::io::traces {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void count_name(std::map<std::string, std::uint64_t>& counts, const std::string& name) {
  const std::string key = name.empty() ? "(empty)" : name;
  auto it = counts.find(key);
  if (it != counts.end()) {
    ++it->second;
  } else if (counts.size() < TraceSummary::kMaxNames) {
    counts.emplace(key, 1);
  } else {
    ++counts["(other)"];
  }
}

std::string names_line(const std::map<std::string, std::uint64_t>& counts) {
  std::vector<std::pair<std::string, std::uint64_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [name, n] : v) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", name, n);
  return out;
}

std::string stat_row(const char* label, const SampledStat& s) {
  return fmt::format("  {:<14} {:>12.6g} {:>12.6g} {:>12.6g}\n", label, s.mean(), s.median(), s.max());
}

}  // namespace

void SampledStat::add(double v) {
  ++count_;
  sum_ += v;
  mean_ += (v - mean_) / static_cast<double>(count_);
  if (count_ == 1 || v < min_) min_ = v;
  if (count_ == 1 || v > max_) max_ = v;
  if (sample_.size() < kSampleSize) {
    sample_.push_back(v);
  } else {  // reservoir sampling (Algorithm R): keep v with probability kSampleSize / count
    const std::uint64_t j = splitmix64(rng_) % count_;
    if (j < kSampleSize) sample_[j] = v;
  }
}

double SampledStat::median() const {
  if (sample_.empty()) return 0;
  std::vector<double> v = sample_;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

double TraceSummary::rate_per_s() const {
  return records >= 2 && span_s() > 0 ? static_cast<double>(records - 1) / span_s() : 0.0;
}

TraceSummary summarize_trace(TraceReader& reader, std::uint64_t limit) {
  TraceSummary s;
  s.source = reader.source();
  s.format = std::string(reader.format());
  s.kind = reader.kind();
  TraceRecord r;
  while (limit == 0 || s.records < limit) {
    if (!reader.next(r)) break;
    if (s.records == 0) s.first_s = r.time_s;
    s.last_s = r.time_s;
    ++s.records;
    if (s.kind == TraceKind::kRequests) {
      s.input_tokens.add(static_cast<double>(r.input_tokens));
      s.output_tokens.add(static_cast<double>(r.output_tokens));
    } else {
      s.duration_s.add(r.duration_s);
      s.gpus.add(r.gpus);
      s.gpu_seconds += r.gpus * r.duration_s;
      count_name(s.types, r.type);
      count_name(s.states, r.state);
    }
  }
  s.limited = limit != 0 && s.records == limit;  // not read further: a bad row after the limit is not reported
  return s;
}

std::string format_summary(const TraceSummary& s) {
  std::string out;
  const bool requests = s.kind == TraceKind::kRequests;
  out += fmt::format("trace: {}\n", s.source);
  out += fmt::format("format: {} ({})\n", s.format, to_string(s.kind));
  out += fmt::format("records: {}{}\n", s.records, s.limited ? " (stopped at the limit; the trace may go on)" : "");
  out += fmt::format("span: {:.3f} s ({:.2f} min, {:.3f} days)\n", s.span_s(), s.span_s() / 60, s.span_s() / 86400);
  out += fmt::format("{} rate: {:.6g} per s ((records - 1) / span)\n", requests ? "arrival" : "submit", s.rate_per_s());
  out += fmt::format("  {:<14} {:>12} {:>12} {:>12}\n", "column", "mean", "median", "max");
  const SampledStat& a = requests ? s.input_tokens : s.duration_s;
  if (requests) {
    out += stat_row("input tokens", s.input_tokens);
    out += stat_row("output tokens", s.output_tokens);
  } else {
    out += stat_row("duration s", s.duration_s);
    out += stat_row("gpus", s.gpus);
    out += fmt::format("gpu-hours: {:.6g} (sum of gpus x duration)\n", s.gpu_seconds / 3600);
    out += fmt::format("types: {}\n", s.types.empty() ? "-" : names_line(s.types));
    out += fmt::format("states: {}\n", s.states.empty() ? "-" : names_line(s.states));
  }
  if (a.median_exact())
    out += "medians: exact (all values kept)\n";
  else
    out += fmt::format("medians: estimated from a uniform sample of {} of the {} records (reservoir sampling)\n", SampledStat::kSampleSize,
                       a.count());
  return out;
}

}  // namespace gigasim::io::traces
