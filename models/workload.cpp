#include "workload.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "model_shapes.hpp"
#include "units.hpp"

namespace gigasim {

std::string_view to_string(JobKind k) {
  switch (k) {
    case JobKind::kPretraining: return "pretraining";
    case JobKind::kFrontier: return "frontier";
    case JobKind::kGenerated: return "generated";
    case JobKind::kTrace: return "trace";
  }
  return "?";
}

// SplitMix64 over the seed and an FNV-1a hash of the stream name.
std::uint64_t stream_seed(std::uint64_t scenario_seed, std::string_view stream) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : stream) h = (h ^ c) * 1099511628211ULL;
  std::uint64_t z = scenario_seed + 0x9e3779b97f4a7c15ULL * (h | 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

class ExplicitJobs final : public JobSource {
 public:
  explicit ExplicitJobs(std::vector<PretrainingJobSpec> jobs) : jobs_(std::move(jobs)), order_(jobs_.size()) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::stable_sort(order_.begin(), order_.end(), [this](auto a, auto b) { return jobs_[a].submit_s < jobs_[b].submit_s; });
  }
  bool next(JobArrival& out) override {
    if (pos_ == order_.size()) return false;
    const std::size_t i = order_[pos_++];
    out = JobArrival{};
    out.kind = JobKind::kPretraining;
    out.name = jobs_[i].name;
    out.submit_s = jobs_[i].submit_s;
    out.priority = jobs_[i].priority;
    out.preemptible = jobs_[i].preemptible;
    out.training = jobs_[i];
    out.chips = jobs_[i].chips;
    return true;
  }

 private:
  std::vector<PretrainingJobSpec> jobs_;
  std::vector<std::size_t> order_;
  std::size_t pos_ = 0;
};

class Frontier final : public JobSource {
 public:
  explicit Frontier(FrontierSeries s) : s_(std::move(s)) {}
  bool next(JobArrival& out) override {
    const double t = s_.first_submit_s + static_cast<double>(k_) * s_.interval_s;
    if (t >= s_.until_s || (k_ > 0 && s_.interval_s <= 0)) return false;
    out = JobArrival{};
    out.kind = JobKind::kFrontier;
    out.name = s_.name + "-" + std::to_string(k_);
    out.source = s_.name;
    out.submit_s = t;
    out.priority = s_.priority;
    out.preemptible = s_.preemptible;
    out.frontier_flops = s_.first_flops * std::pow(s_.growth_per_year, (t - s_.first_submit_s) / units::kSecondsPerYear);
    out.training.name = out.name;
    out.training.submit_s = t;
    out.training.global_batch_sequences = s_.global_batch_sequences;
    ++k_;
    return true;
  }

 private:
  FrontierSeries s_;
  std::int64_t k_ = 0;
};

class Generated final : public JobSource {
 public:
  Generated(JobClass c, std::uint64_t seed) : c_(std::move(c)), rng_(stream_seed(seed, c_.name)), t_(c_.first_s) {
    if (c_.params.empty() || c_.chips.empty() || !(c_.arrivals_per_s > 0)) throw std::invalid_argument("job class: empty lists or no arrivals");
  }
  bool next(JobArrival& out) override {
    if (c_.growth_per_year == 1) {
      t_ += std::exponential_distribution<double>(c_.arrivals_per_s)(rng_);
    } else {
      // A Poisson process of rate r(t) = r0 e^(k (t - first)), k = ln(growth) / year, by inversion: the
      // integrated rate grows by an Exp(1) draw, r0 / k (e^(k (t' - first)) - e^(k (t - first))) = e.
      const double k = std::log(c_.growth_per_year) / units::kSecondsPerYear;
      const double e = std::exponential_distribution<double>(1.0)(rng_);
      const double x = std::exp(k * (t_ - c_.first_s)) + k * e / c_.arrivals_per_s;
      if (!(x > 0)) return false;  // a declining rate whose remaining arrivals are used up
      t_ = c_.first_s + std::log(x) / k;
    }
    if (t_ >= c_.until_s) return false;
    const auto pick = [this](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); };
    out = JobArrival{};
    out.kind = JobKind::kGenerated;
    out.name = c_.name + "-" + std::to_string(n_++);
    out.source = c_.name;
    out.submit_s = t_;
    out.priority = c_.priority;
    out.preemptible = c_.preemptible;
    const double params = c_.params[pick(c_.params.size())];
    out.chips = c_.chips[pick(c_.chips.size())];
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    const double tokens = c_.tokens_min * std::pow(c_.tokens_max / c_.tokens_min, u);
    PretrainingJobSpec& j = out.training;
    j.name = out.name;
    j.model = standard_shape_for(params);
    j.params = params;
    j.tokens = std::round(tokens);
    j.chips = out.chips;
    j.submit_s = t_;
    j.global_batch_sequences = std::max<std::int64_t>(1, static_cast<std::int64_t>(c_.global_batch_tokens / static_cast<double>(c_.seq_len)));
    return true;
  }

 private:
  // Generated jobs reuse a handful of sizes: shape each once.
  TransformerSpec standard_shape_for(double params) {
    for (const auto& [p, shape] : shapes_)
      if (p == params) return shape;
    shapes_.emplace_back(params, standard_shape(params, c_.seq_len, kDefaultVocab));
    return shapes_.back().second;
  }
  JobClass c_;
  std::mt19937_64 rng_;
  double t_;
  std::int64_t n_ = 0;
  std::vector<std::pair<double, TransformerSpec>> shapes_;  // one per parameter count of the class
};

class Merged final : public JobSource {
 public:
  explicit Merged(std::vector<std::unique_ptr<JobSource>> s) : sources_(std::move(s)), heads_(sources_.size()), live_(sources_.size()) {
    for (std::size_t i = 0; i < sources_.size(); ++i) live_[i] = sources_[i]->next(heads_[i]);
  }
  bool next(JobArrival& out) override {
    std::size_t best = sources_.size();
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (live_[i] && (best == sources_.size() || heads_[i].submit_s < heads_[best].submit_s)) best = i;
    if (best == sources_.size()) return false;
    out = std::move(heads_[best]);
    live_[best] = sources_[best]->next(heads_[best]);
    return true;
  }

 private:
  std::vector<std::unique_ptr<JobSource>> sources_;
  std::vector<JobArrival> heads_;
  std::vector<bool> live_;
};

}  // namespace

std::unique_ptr<JobSource> explicit_jobs(std::vector<PretrainingJobSpec> jobs) {
  return std::make_unique<ExplicitJobs>(std::move(jobs));
}
std::unique_ptr<JobSource> frontier_source(const FrontierSeries& s) { return std::make_unique<Frontier>(s); }
std::unique_ptr<JobSource> job_class_source(const JobClass& c, std::uint64_t scenario_seed) { return std::make_unique<Generated>(c, scenario_seed); }
std::unique_ptr<JobSource> merge_sources(std::vector<std::unique_ptr<JobSource>> sources) { return std::make_unique<Merged>(std::move(sources)); }

FrontierSize size_frontier_run(const FrontierSeries& s, double asked_flops, double chips, double chip_flops_per_s) {
  FrontierSize z;
  const double can = chips * chip_flops_per_s * s.max_duration_s;
  z.flops = std::min(asked_flops, can);
  z.params = std::sqrt(z.flops / (6.0 * s.tokens_per_param));
  z.tokens = z.flops / (6.0 * z.params);
  return z;
}

}  // namespace gigasim
