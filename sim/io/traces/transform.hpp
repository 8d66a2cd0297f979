// Reshaping a trace for a simulation, as a reader wrapped around a reader (still one record at a time):
// time scaling, rate scaling (keep every k-th record, or duplicate records) and looping the trace until a
// horizon.
#pragma once

#include <functional>
#include <limits>
#include <memory>

#include "trace.hpp"

namespace gigasim::io::traces {

struct TraceTransform {
  // Multiplies every arrival/submit time (after looping): 0.5 replays the trace twice as fast.
  // Durations and token counts are not changed.
  double time_scale = 1.0;
  // Records emitted per record read, on average, deterministically: record i (0-based, counted over
  // loops) is emitted ceil((i+1) r) - ceil(i r) times. 0.25 keeps records 0, 4, 8, ...; 2 emits each
  // record twice (same time); 1.5 alternates 2 and 1 copies. In (0, 1000].
  double rate_scale = 1.0;
  // Replay the trace until horizon_s: pass k adds k x period to the times, where period is the span of
  // the first pass (last - first record) plus one mean gap between records (span / (records - 1)), so
  // the arrival rate is kept across the seam. Needs a finite horizon and a trace of >= 2 records with
  // a span > 0.
  bool loop = false;
  // Records at or after this time (after scaling) end the trace. Infinity: no horizon.
  double horizon_s = std::numeric_limits<double>::infinity();
};

// Checks the values (InputError naming the field: time_scale, rate_scale, horizon_s).
void check_transform(const TraceTransform& t);

// A reader that applies `t` to the readers `open` returns. `open` is called once at first and once more
// for each further pass of a loop (each pass must yield the same trace). The returned reader reports
// the wrapped reader's format, kind and source.
std::unique_ptr<TraceReader> transform_trace(std::function<std::unique_ptr<TraceReader>()> open, const TraceTransform& t);

}  // namespace gigasim::io::traces
