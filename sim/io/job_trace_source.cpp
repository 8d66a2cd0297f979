#include "job_trace_source.hpp"

#include <cmath>

#include "traces/fields.hpp"
#include "traces/trace.hpp"
#include "traces/transform.hpp"

namespace gigasim::io {
namespace {

class JobTraceSource final : public JobSource {
 public:
  JobTraceSource(const JobTraceSpec& spec, double horizon_s) : spec_(spec) {
    traces::TraceTransform t;
    t.time_scale = spec.time_scale;
    t.rate_scale = spec.rate_scale;
    t.loop = spec.loop;
    t.horizon_s = horizon_s - spec.start_s;
    const auto file = spec.file;
    const auto format = spec.format;
    reader_ = traces::transform_trace([file, format] { return traces::open_trace_file(file, format); }, t);
  }

  bool next(JobArrival& out) override {
    traces::TraceRecord r;
    while (reader_->next(r)) {
      // Never ran: no work to replay. (Alibaba's Pending pods have a duration, creation to deletion,
      // that is time spent waiting, not running.)
      if (!(r.duration_s > 0) || !(r.gpus > 0) || traces::lower(r.state) == "pending") continue;
      out = JobArrival{};
      out.kind = JobKind::kTrace;
      out.name = spec_.name + "-" + std::to_string(n_++);
      out.source = spec_.name;
      out.submit_s = spec_.start_s + r.time_s;
      out.priority = spec_.priority;
      out.preemptible = spec_.preemptible;
      out.chips = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(r.gpus * spec_.size_scale - 1e-9)));
      out.reference_chip_s = static_cast<double>(out.chips) * r.duration_s;
      return true;
    }
    return false;
  }

 private:
  JobTraceSpec spec_;
  std::unique_ptr<traces::TraceReader> reader_;
  std::int64_t n_ = 0;
};

}  // namespace

std::unique_ptr<JobSource> job_trace_source(const JobTraceSpec& spec, double horizon_s) {
  return std::make_unique<JobTraceSource>(spec, horizon_s);
}

}  // namespace gigasim::io
