// The CSV formats: azure (LLM inference requests), acme and helios (Slurm-style job logs),
// alibaba-openb (Kubernetes pod list). docs/traces.md describes the columns.
#include <fmt/format.h>

#include "fields.hpp"
#include "sim/io/input_error.hpp"
#include "trace.hpp"

namespace gigasim::io::traces {

namespace {

constexpr std::int64_t kMaxTokens = 1'000'000'000;
constexpr double kMaxSeconds = 1e10;  // ~317 years: any duration or relative time beyond is not real
constexpr double kMaxGpus = 1e6;

class AzureReader final : public TraceReader {
 public:
  explicit AzureReader(LineReader lines)
      : table_(std::move(lines), "azure", {"TIMESTAMP", "ContextTokens", "GeneratedTokens"}),
        time_(table_.column("TIMESTAMP")),
        input_(table_.column("ContextTokens")),
        output_(table_.column("GeneratedTokens")) {}

  bool next(TraceRecord& r) override {
    if (!table_.next_row()) return false;
    const std::int64_t since_first_ns = order_.check(table_, time_, table_.time_ns(time_), "time");
    r = TraceRecord{};
    r.row = table_.row();
    r.time_s = static_cast<double>(since_first_ns) * 1e-9;
    r.input_tokens = table_.integer(input_, kMaxTokens);
    r.output_tokens = table_.integer(output_, kMaxTokens);
    return true;
  }
  std::string_view format() const override { return "azure"; }
  TraceKind kind() const override { return TraceKind::kRequests; }
  const std::string& source() const override { return table_.source(); }

 private:
  CsvTable table_;
  std::size_t time_, input_, output_;
  OrderCheck<std::int64_t> order_;
};

// Acme (Seren, Kalos) and Helios: one job per row, times as dates, duration in seconds.
class SlurmJobReader final : public TraceReader {
 public:
  SlurmJobReader(LineReader lines, std::string_view format, bool has_type)
      : table_(std::move(lines), format,
               has_type ? std::vector<std::string>{"submit_time", "duration", "gpu_num", "type", "state"}
                        : std::vector<std::string>{"submit_time", "duration", "gpu_num", "state"}),
        format_(format),
        submit_(table_.column("submit_time")),
        duration_(table_.column("duration")),
        gpus_(table_.column("gpu_num")),
        state_(table_.column("state")),
        type_(has_type ? table_.find_column("type") : std::nullopt),
        start_(table_.find_column("start_time")),
        end_(table_.find_column("end_time")) {}

  bool next(TraceRecord& r) override {
    if (!table_.next_row()) return false;
    const std::int64_t since_first_ns = order_.check(table_, submit_, table_.time_ns(submit_), "submit_time");
    r = TraceRecord{};
    r.row = table_.row();
    r.time_s = static_cast<double>(since_first_ns) * 1e-9;
    r.duration_s = duration();
    r.gpus = table_.number(gpus_, kMaxGpus, "a non-negative number of GPUs");
    if (type_) r.type = table_.field(*type_);
    r.state = table_.field(state_);
    return true;
  }
  std::string_view format() const override { return format_; }
  TraceKind kind() const override { return TraceKind::kJobs; }
  const std::string& source() const override { return table_.source(); }

 private:
  // The duration column; when it is empty: end_time - start_time, or 0 for a job that never started.
  double duration() const {
    if (!table_.field(duration_).empty())
      return table_.number(duration_, kMaxSeconds, "a non-negative number of seconds");
    const bool started = start_ && !table_.field(*start_).empty();
    if (!started) return 0.0;
    if (!end_ || table_.field(*end_).empty())
      table_.fail(duration_, "expected a number of seconds (or an end_time for a job with a start_time), got \"\"");
    const std::int64_t start = table_.time_ns(*start_);
    const std::int64_t end = table_.time_ns(*end_);
    if (end < start)
      table_.fail(*end_, fmt::format("expected a time at or after start_time {}, got {}", shown(table_.field(*start_)),
                                     shown(table_.field(*end_))));
    return static_cast<double>(end - start) * 1e-9;
  }

  CsvTable table_;
  std::string format_;
  std::size_t submit_, duration_, gpus_, state_;
  std::optional<std::size_t> type_, start_, end_;
  OrderCheck<std::int64_t> order_;
};

// Alibaba cluster-trace-gpu-v2023 openb_pod_list_*.csv: times in seconds from the trace start.
class AlibabaOpenbReader final : public TraceReader {
 public:
  explicit AlibabaOpenbReader(LineReader lines)
      : table_(std::move(lines), "alibaba-openb",
               {"num_gpu", "gpu_milli", "qos", "pod_phase", "creation_time", "deletion_time", "scheduled_time"}),
        num_gpu_(table_.column("num_gpu")),
        gpu_milli_(table_.column("gpu_milli")),
        qos_(table_.column("qos")),
        phase_(table_.column("pod_phase")),
        creation_(table_.column("creation_time")),
        deletion_(table_.column("deletion_time")),
        scheduled_(table_.column("scheduled_time")) {}

  bool next(TraceRecord& r) override {
    if (!table_.next_row()) return false;
    constexpr std::string_view kSeconds = "a non-negative number of seconds";
    const double creation = table_.number(creation_, kMaxSeconds, kSeconds);
    const double since_first_s = order_.check(table_, creation_, creation, "creation_time");
    const bool scheduled = !table_.field(scheduled_).empty();
    const double start = scheduled ? table_.number(scheduled_, kMaxSeconds, kSeconds) : creation;
    if (scheduled && start < creation)
      table_.fail(scheduled_, fmt::format("expected a time at or after creation_time {}, got {}", shown(table_.field(creation_)),
                                          shown(table_.field(scheduled_))));
    const double deletion = table_.number(deletion_, kMaxSeconds, kSeconds);
    if (deletion < start)
      table_.fail(deletion_, fmt::format("expected a time at or after {} {}, got {}", scheduled ? "scheduled_time" : "creation_time",
                                         shown(table_.field(scheduled ? scheduled_ : creation_)), shown(table_.field(deletion_))));
    r = TraceRecord{};
    r.row = table_.row();
    r.time_s = since_first_s;
    r.duration_s = deletion - start;
    const std::int64_t num_gpu = table_.integer(num_gpu_, static_cast<std::int64_t>(kMaxGpus));
    const std::int64_t milli = table_.integer(gpu_milli_, 1000);
    r.gpus = static_cast<double>(num_gpu) * static_cast<double>(milli) / 1000.0;
    r.type = table_.field(qos_);
    r.state = table_.field(phase_);
    return true;
  }
  std::string_view format() const override { return "alibaba-openb"; }
  TraceKind kind() const override { return TraceKind::kJobs; }
  const std::string& source() const override { return table_.source(); }

 private:
  CsvTable table_;
  std::size_t num_gpu_, gpu_milli_, qos_, phase_, creation_, deletion_, scheduled_;
  OrderCheck<double> order_;
};

}  // namespace

std::unique_ptr<TraceReader> make_azure_reader(LineReader lines) { return std::make_unique<AzureReader>(std::move(lines)); }
std::unique_ptr<TraceReader> make_acme_reader(LineReader lines) {
  return std::make_unique<SlurmJobReader>(std::move(lines), "acme", true);
}
std::unique_ptr<TraceReader> make_helios_reader(LineReader lines) {
  return std::make_unique<SlurmJobReader>(std::move(lines), "helios", false);
}
std::unique_ptr<TraceReader> make_alibaba_openb_reader(LineReader lines) {
  return std::make_unique<AlibabaOpenbReader>(std::move(lines));
}

}  // namespace gigasim::io::traces
