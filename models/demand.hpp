// Inference demand over simulated time: how many requests arrive in a step, and their tokens. Two kinds
// of stream, both answering the same question for consecutive steps [t0, t1):
//
//   generated  a rate of output tokens per second that grows by a factor per year, with a daily cycle,
//              a weekend dip and multiplicative noise per step from the stream's own random generator;
//              requests have the stream's mean shape (input and output tokens).
//   trace      a request trace (Azure LLM inference, Mooncake) binned per trace second by sim/io, replayed
//              from start_s with its times stretched by time_scale, its counts multiplied by rate_scale,
//              looped, and grown by a factor per year on top.
//
// Demand is a fluid: a step's requests are the integral of the rate over the step (not Poisson draws),
// so a step of an hour or of a minute gives the same totals. Pure arithmetic; no I/O.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace gigasim {

struct DemandStep {
  double requests = 0;
  double input_tokens = 0;
  double output_tokens = 0;
};

// A request trace in bins of trace time, from its first arrival (time 0). Built by
// sim/io/request_bins from a file; plain data so models/ never reads files.
struct RequestBins {
  double bin_s = 1;  // width of one bin, in trace seconds
  // The loop period: the span (last - first arrival) plus one mean gap (span / (records - 1)), as in
  // sim/io/traces/transform.hpp, so looping keeps the arrival rate across the seam. The bins cover
  // [0, period_s); the last bin may be partial.
  double period_s = 0;
  std::vector<double> requests, input_tokens, output_tokens;  // per bin
  // Totals of one pass, and the means per request.
  double total_requests = 0, total_input_tokens = 0, total_output_tokens = 0;
  double mean_input_tokens() const { return total_requests > 0 ? total_input_tokens / total_requests : 0.0; }
  double mean_output_tokens() const { return total_requests > 0 ? total_output_tokens / total_requests : 0.0; }
};

struct GeneratedDemandSpec {
  double tokens_per_s = 0;  // output tokens per second at start_s, averaged over the cycles
  double input_tokens = 0;  // mean per request
  double output_tokens = 1;  // mean per request (> 0)
  double start_s = 0;  // no demand before
  double until_s = std::numeric_limits<double>::infinity();  // nor from this time on
  double growth_per_year = 1;  // rate x growth_per_year^((t - start_s) / Julian year)
  // Daily cycle: rate x (1 + daily_amplitude x cos(2 pi (hour_of_day(t) - daily_peak_hour) / 24)),
  // hour_of_day counted from simulated midnight (time 0 is a midnight). daily_amplitude in [0, 1).
  double daily_amplitude = 0;
  double daily_peak_hour = 14;
  // Weekly cycle: Saturdays and Sundays run at weekend_factor x the weekday rate; the weekday rate is
  // scaled so a week's mean is unchanged. start_weekday: the weekday of time 0 (0 = Monday ... 6).
  double weekend_factor = 1;
  int start_weekday = 0;
  // Noise: each step's requests are multiplied by a lognormal factor of mean 1 and log-sd `noise`,
  // drawn from the stream's own generator (seeded by the caller from stream_seed).
  double noise = 0;
};

struct TraceDemandSpec {
  std::shared_ptr<const RequestBins> bins;
  double start_s = 0;  // simulated time of the trace's first arrival
  double time_scale = 1;  // simulated seconds per trace second (24: an hour of trace lasts a day)
  double rate_scale = 1;  // multiplies the requests (and their tokens)
  bool loop = false;  // replay pass after pass; without it the trace ends after one pass
  double growth_per_year = 1;  // x growth_per_year^((t - start_s) / Julian year), on top
};

class DemandSource {
 public:
  virtual ~DemandSource() = default;
  // The demand arriving in [t0_s, t1_s). Calls are for consecutive steps: t0_s is the previous call's
  // t1_s (the first call may start anywhere >= 0), and t1_s > t0_s.
  virtual DemandStep step(double t0_s, double t1_s) = 0;
};

std::unique_ptr<DemandSource> make_generated_demand(const GeneratedDemandSpec& spec, std::uint64_t seed);
std::unique_ptr<DemandSource> make_trace_demand(const TraceDemandSpec& spec);

// The rate without noise (output tokens per second) at time t: for tests and reports.
double generated_rate_tokens_per_s(const GeneratedDemandSpec& spec, double t_s);

}  // namespace gigasim
