#include "transform.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/io/input_error.hpp"

namespace gigasim::io::traces {

namespace {

constexpr double kMaxRateScale = 1000.0;
constexpr double kTolerance = 1e-6;  // in record counts: absorbs rounding of i x r

class TransformedReader final : public TraceReader {
 public:
  TransformedReader(std::function<std::unique_ptr<TraceReader>()> open, const TraceTransform& t)
      : open_(std::move(open)), t_(t), reader_(open_()) {
    if (!reader_) throw std::logic_error("transform_trace: the reader factory returned no reader");
    format_ = std::string(reader_->format());
    kind_ = reader_->kind();
    source_ = reader_->source();
  }

  bool next(TraceRecord& out) override {
    if (copies_left_ > 0) {
      --copies_left_;
      out = pending_;
      return true;
    }
    while (reader_) {
      TraceRecord r;
      if (!reader_->next(r)) {
        end_of_pass();
        continue;
      }
      ++pass_records_;
      if (pass_ == 0) {
        ++first_pass_records_;
        first_pass_last_s_ = r.time_s;
      }
      const double t = (r.time_s + static_cast<double>(pass_) * period_s_) * t_.time_scale;
      if (t >= t_.horizon_s) {  // records are sorted by time, so nothing later is inside the horizon
        reader_.reset();
        return false;
      }
      r.time_s = t;
      const std::uint64_t copies = copies_of(index_++);
      if (copies == 0) continue;
      copies_left_ = copies - 1;
      if (copies_left_ > 0) pending_ = r;
      out = std::move(r);
      return true;
    }
    return false;
  }
  std::string_view format() const override { return format_; }
  TraceKind kind() const override { return kind_; }
  const std::string& source() const override { return source_; }

 private:
  std::uint64_t copies_of(std::uint64_t i) const {
    auto emitted_before = [&](std::uint64_t n) {  // records emitted for inputs 0 .. n-1
      return static_cast<std::uint64_t>(std::ceil(static_cast<double>(n) * t_.rate_scale - kTolerance));
    };
    return emitted_before(i + 1) - emitted_before(i);
  }

  void end_of_pass() {
    if (!t_.loop) {
      reader_.reset();
      return;
    }
    if (pass_ == 0) {
      if (first_pass_records_ < 2 || !(first_pass_last_s_ > 0))
        throw InputError(fmt::format("{}: expected a trace of at least 2 records spanning more than 0 s to loop, got {} record{} "
                                     "spanning {:g} s",
                                     source_, first_pass_records_, first_pass_records_ == 1 ? "" : "s", first_pass_last_s_));
      period_s_ = first_pass_last_s_ + first_pass_last_s_ / static_cast<double>(first_pass_records_ - 1);
    } else if (pass_records_ == 0) {
      throw InputError(fmt::format("{}: expected the trace again for pass {} of the loop, got no records", source_, pass_ + 1));
    }
    pass_records_ = 0;
    ++pass_;
    reader_ = open_();
    if (!reader_) throw std::logic_error("transform_trace: the reader factory returned no reader");
  }

  std::function<std::unique_ptr<TraceReader>()> open_;
  TraceTransform t_;
  std::unique_ptr<TraceReader> reader_;
  std::string format_;
  TraceKind kind_ = TraceKind::kRequests;
  std::string source_;
  std::uint64_t pass_ = 0;
  std::uint64_t pass_records_ = 0;
  std::uint64_t first_pass_records_ = 0;
  double first_pass_last_s_ = 0;
  double period_s_ = 0;
  std::uint64_t index_ = 0;
  std::uint64_t copies_left_ = 0;
  TraceRecord pending_;
};

}  // namespace

void check_transform(const TraceTransform& t) {
  if (!std::isfinite(t.time_scale) || !(t.time_scale > 0))
    throw InputError(fmt::format("time_scale: expected a number > 0, got {:g}", t.time_scale));
  if (!std::isfinite(t.rate_scale) || !(t.rate_scale > 0) || t.rate_scale > kMaxRateScale)
    throw InputError(fmt::format("rate_scale: expected a number in (0, {:g}], got {:g}", kMaxRateScale, t.rate_scale));
  if (std::isnan(t.horizon_s) || !(t.horizon_s > 0))
    throw InputError(fmt::format("horizon_s: expected a number > 0, got {:g}", t.horizon_s));
  if (t.loop && !std::isfinite(t.horizon_s))
    throw InputError("horizon_s: expected a finite horizon to loop the trace until, got none");
}

std::unique_ptr<TraceReader> transform_trace(std::function<std::unique_ptr<TraceReader>()> open, const TraceTransform& t) {
  check_transform(t);
  return std::make_unique<TransformedReader>(std::move(open), t);
}

}  // namespace gigasim::io::traces
