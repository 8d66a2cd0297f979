// A job trace (acme, helios, alibaba-openb) as a stream of training work for the simulation: each
// record that ran (duration > 0, GPUs > 0, state not Pending) becomes a job asking for
// ceil(gpus x size_scale) chips (whole chips: a pod sharing a GPU gets one) and bringing chips x
// duration_s chip-seconds of work on the trace's reference chip. Times are shifted to
// the trace's start_day and transformed (time_scale, rate_scale, loop up to the horizon) by
// traces/transform; the reader streams, so a trace of millions of rows is never held in memory.
#pragma once

#include <memory>

#include "models/scenario.hpp"
#include "models/workload.hpp"

namespace gigasim::io {

std::unique_ptr<JobSource> job_trace_source(const JobTraceSpec& spec, double horizon_s);

}  // namespace gigasim::io
