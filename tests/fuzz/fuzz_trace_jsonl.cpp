// libFuzzer target: the Mooncake JSON Lines reader, from an in-memory stream (no files).
//
// Every record is checked against the reader's contract (times from 0, non-decreasing, token counts
// non-negative), then the same bytes go through the scale/loop wrapper with a bounded number of
// records. Anything but InputError is a bug (fuzz_common.hpp).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "fuzz_common.hpp"
#include "sim/io/traces/trace.hpp"
#include "sim/io/traces/transform.hpp"

namespace {

using namespace gigasim::io::traces;

constexpr std::uint64_t kMaxRecords = 2000;
constexpr int kMaxPasses = 16;  // of a loop: each pass parses the input again

std::unique_ptr<TraceReader> open(const std::string& text) {
  return open_trace(std::make_unique<std::istringstream>(text), "fuzz.jsonl", "mooncake");
}

void check_record(const TraceRecord& r, double& last_time) {
  using gigasim::fuzz::bug;
  if (!std::isfinite(r.time_s) || r.time_s < 0) bug("a record's time is negative or not finite");
  if (r.time_s < last_time) bug("record times go backwards");
  last_time = r.time_s;
  if (r.input_tokens < 0 || r.output_tokens < 0) bug("negative token counts");
  if (r.row == 0) bug("a record without a line number");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  bool whole_trace_ok = false;
  gigasim::fuzz::expect_input_errors_only([&] {
    auto reader = open(text);
    TraceRecord r;
    double last = 0;
    for (std::uint64_t n = 0; n < kMaxRecords && reader->next(r); ++n) {
      if (n == 0 && r.time_s != 0) gigasim::fuzz::bug("the first record's time is not 0");
      check_record(r, last);
    }
    whole_trace_ok = true;
  });
  // Detection must agree: a file that reads as mooncake is detected as mooncake.
  if (whole_trace_ok) {
    gigasim::fuzz::expect_input_errors_only([&] {
      auto detected = open_trace(std::make_unique<std::istringstream>(text), "fuzz.jsonl");
      if (detected->format() != "mooncake") gigasim::fuzz::bug("a valid mooncake trace was detected as another format");
    });
    gigasim::fuzz::expect_input_errors_only([&] {
      TraceTransform t;
      t.time_scale = 0.5 + static_cast<double>(size % 5);
      t.rate_scale = 0.5 * static_cast<double>(1 + size % 5);
      t.loop = true;
      t.horizon_s = 1e5;
      int passes = 0;
      auto reader = transform_trace(
          [&] {
            ++passes;
            return open(text);
          },
          t);
      TraceRecord r;
      double last = 0;
      for (std::uint64_t n = 0; n < kMaxRecords && passes <= kMaxPasses && reader->next(r); ++n) {
        check_record(r, last);
        if (r.time_s >= t.horizon_s) gigasim::fuzz::bug("a record at or after the horizon");
      }
    });
  }
  return 0;
}
