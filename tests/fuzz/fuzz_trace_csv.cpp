// libFuzzer target: the CSV trace readers (azure, acme, helios, alibaba-openb) through the registry.
//
// The first input byte picks the format: 0-3 name one explicitly (azure, acme, helios, alibaba-openb),
// anything else leaves it to detection from the header. The remaining bytes are the trace, read from an
// in-memory stream (no files). Every record is checked against the reader's contract (times from 0,
// non-decreasing, counts and durations finite and non-negative), then the same bytes go through the
// scale/loop wrapper with a bounded number of records. Anything but InputError is a bug (fuzz_common.hpp).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "sim/io/traces/summary.hpp"
#include "sim/io/traces/trace.hpp"
#include "sim/io/traces/transform.hpp"

namespace {

using namespace gigasim::io::traces;

constexpr std::uint64_t kMaxRecords = 2000;  // per reader, so looping cannot run away
constexpr int kMaxPasses = 16;               // of a loop: each pass parses the input again

std::unique_ptr<TraceReader> open(const std::string& text, std::string_view format) {
  return open_trace(std::make_unique<std::istringstream>(text), "fuzz.csv", format);
}

void check_record(const TraceReader& reader, const TraceRecord& r, double& last_time) {
  using gigasim::fuzz::bug;
  if (!std::isfinite(r.time_s) || r.time_s < 0) bug("a record's time is negative or not finite");
  if (r.time_s < last_time) bug("record times go backwards");
  last_time = r.time_s;
  if (reader.kind() == TraceKind::kRequests) {
    if (r.input_tokens < 0 || r.output_tokens < 0) bug("negative token counts");
  } else {
    if (!std::isfinite(r.duration_s) || r.duration_s < 0) bug("a negative or non-finite duration");
    if (!std::isfinite(r.gpus) || r.gpus < 0) bug("a negative or non-finite GPU count");
  }
  if (r.row == 0) bug("a record without a line number");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::string_view kFormats[] = {"azure", "acme", "helios", "alibaba-openb"};
  if (size == 0) return 0;
  const std::string_view format = data[0] < 4 ? kFormats[data[0]] : std::string_view{};
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  bool whole_trace_ok = false;
  gigasim::fuzz::expect_input_errors_only([&] {
    auto reader = open(text, format);
    if (!format.empty() && reader->format() != format) gigasim::fuzz::bug("the registry opened another format than asked");
    TraceRecord r;
    double last = 0;
    std::uint64_t n = 0;
    while (n < kMaxRecords && reader->next(r)) {
      check_record(*reader, r, last);
      if (n == 0 && r.time_s != 0) gigasim::fuzz::bug("the first record's time is not 0");
      ++n;
    }
    whole_trace_ok = true;
  });
  if (!whole_trace_ok) return 0;

  gigasim::fuzz::expect_input_errors_only([&] {
    TraceTransform t;
    t.time_scale = 0.5 + static_cast<double>(size % 7);
    t.rate_scale = 0.25 * static_cast<double>(1 + size % 9);
    t.loop = true;
    t.horizon_s = 1e6;
    int passes = 0;
    auto reader = transform_trace(
        [&] {
          ++passes;
          return open(text, format);
        },
        t);
    TraceRecord r;
    double last = 0;
    for (std::uint64_t n = 0; n < kMaxRecords && passes <= kMaxPasses && reader->next(r); ++n) {
      check_record(*reader, r, last);
      if (r.time_s >= t.horizon_s) gigasim::fuzz::bug("a record at or after the horizon");
    }
  });
  gigasim::fuzz::expect_input_errors_only([&] {
    auto reader = open(text, format);
    const TraceSummary s = summarize_trace(*reader, kMaxRecords);
    if (!format_summary(s).empty() && s.span_s() < 0) gigasim::fuzz::bug("a negative span");
  });
  return 0;
}
