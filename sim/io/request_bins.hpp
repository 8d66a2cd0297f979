// A request trace (azure, mooncake) read into per-bin counts for inference demand (models/demand.hpp):
// the file is streamed once and only the bins are kept, three doubles per bin (a week of 1-s bins is
// 604,800 bins, 14.5 MB), whatever the number of requests.
#pragma once

#include <filesystem>
#include <string_view>

#include "models/demand.hpp"

namespace gigasim::io {

// The requests of `file` in bins of `bin_s` trace seconds from its first arrival: bin i holds the
// arrivals in [i bin_s, (i + 1) bin_s) and their input and output tokens. A trace that would need more
// than 2^22 bins (48 days of 1-s bins) gets bins of 2, 4, 8 ... x bin_s instead (RequestBins::bin_s says
// which), so memory stays under 100 MB whatever its span. The bins cover the loop period
// (span plus one mean gap, as sim/io/traces/transform), so the last bin may be partial. `format` names
// the reader ("azure", "mooncake"); empty detects it from the first line.
//
// InputError: a missing or unreadable file, a bad row (file:row:col, from the readers), a jobs trace, a
// trace of fewer than 2 records or spanning 0 s (no period to loop), a trace averaging less than one
// output token per request, or bin_s not > 0.
RequestBins read_request_bins(const std::filesystem::path& file, std::string_view format = {}, double bin_s = 1.0);

}  // namespace gigasim::io
