#include "request_bins.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "input_error.hpp"
#include "traces/trace.hpp"

namespace gigasim::io {
namespace {

// At most 2^22 bins (3 doubles each: 100 MB): 48 days of 1-s bins. A longer trace gets wider bins, doubled
// as often as needed while it is read (adjacent bins merged), so memory stays bounded whatever its span.
constexpr std::size_t kMaxBins = std::size_t{1} << 22;

// Doubles the bin width: bin j takes bins 2j and 2j + 1.
void coarsen(RequestBins& b) {
  for (auto* v : {&b.requests, &b.input_tokens, &b.output_tokens}) {
    const std::size_t n = (v->size() + 1) / 2;
    for (std::size_t j = 0; j < n; ++j) (*v)[j] = (*v)[2 * j] + (2 * j + 1 < v->size() ? (*v)[2 * j + 1] : 0.0);
    v->resize(n);
  }
  b.bin_s *= 2;
}

// "azure, mooncake": the formats whose records are requests.
std::string request_format_names() {
  std::string out;
  for (const auto& f : traces::trace_formats()) {
    if (f.kind != traces::TraceKind::kRequests) continue;
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

}  // namespace

RequestBins read_request_bins(const std::filesystem::path& file, std::string_view format, double bin_s) {
  if (!std::isfinite(bin_s) || !(bin_s > 0)) throw InputError(fmt::format("bin_s: expected a number > 0, got {:g}", bin_s));
  auto reader = traces::open_trace_file(file, format);
  const std::string& source = reader->source();
  if (reader->kind() != traces::TraceKind::kRequests)
    throw InputError(fmt::format("{} is a {} trace ({}): inference demand needs a request trace ({})", source, traces::to_string(reader->kind()),
                                 reader->format(), request_format_names()));

  RequestBins out;
  out.bin_s = bin_s;
  std::uint64_t records = 0;
  double last_s = 0;
  traces::TraceRecord r;
  // The bins grow as the trace goes (its span is known only at the end); the readers guarantee sorted,
  // non-negative times since the first record.
  while (reader->next(r)) {
    ++records;
    last_s = r.time_s;
    while (std::floor(r.time_s / out.bin_s) >= static_cast<double>(kMaxBins)) coarsen(out);
    const auto i = static_cast<std::size_t>(std::floor(r.time_s / out.bin_s));
    if (i >= out.requests.size()) {
      for (auto* v : {&out.requests, &out.input_tokens, &out.output_tokens}) {
        if (i >= v->capacity()) v->reserve(std::min(kMaxBins, std::max(2 * v->size(), i + 1)));
        v->resize(i + 1, 0.0);
      }
    }
    const auto input = static_cast<double>(r.input_tokens), output = static_cast<double>(r.output_tokens);
    out.requests[i] += 1;
    out.input_tokens[i] += input;
    out.output_tokens[i] += output;
    out.total_input_tokens += input;
    out.total_output_tokens += output;
  }
  if (records < 2 || !(last_s > 0))
    throw InputError(fmt::format("{}: expected a request trace of at least 2 records spanning more than 0 s (inference demand replays it "
                                 "with a period of the span plus one mean gap), got {} record{} spanning {:g} s",
                                 source, records, records == 1 ? "" : "s", last_s));
  out.total_requests = static_cast<double>(records);
  if (out.mean_output_tokens() < 1)
    throw InputError(fmt::format("{}: expected requests generating at least one output token on average, got {:g} over {} requests "
                                 "(serving is sized per output token)",
                                 source, out.mean_output_tokens(), records));
  out.period_s = last_s + last_s / static_cast<double>(records - 1);

  // Cover [0, period_s): ceil(period / bin) bins. The last arrival is before period_s, so its bin is
  // among them, unless the mean gap is below the rounding of the division: then it joins the last bin.
  while (std::ceil(out.period_s / out.bin_s) > static_cast<double>(kMaxBins)) coarsen(out);
  const auto n = static_cast<std::size_t>(std::max(1.0, std::ceil(out.period_s / out.bin_s)));
  for (auto* v : {&out.requests, &out.input_tokens, &out.output_tokens}) {
    for (std::size_t i = n; i < v->size(); ++i) (*v)[n - 1] += (*v)[i];
    v->resize(n, 0.0);
    v->shrink_to_fit();  // growth left up to twice the capacity: give it back
  }
  return out;
}

}  // namespace gigasim::io
