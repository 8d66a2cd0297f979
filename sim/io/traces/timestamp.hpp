// Date-and-time text of the traces -> nanoseconds since 1970-01-01 00:00 UTC, with <chrono>'s civil
// calendar (days_from_civil). Accepted: "YYYY-MM-DD HH:MM:SS" (or a 'T' between date and time), an
// optional fraction of 1 to 9 digits, and an optional zone: "Z", "+HH:MM", "-HH:MM", "+HHMM" or "+HH".
// Without a zone the time is taken as UTC (Azure 2023 and Helios give local wall-clock time with no
// zone; only differences between rows matter).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gigasim::io::traces {

struct ParsedTime {
  bool ok = false;
  std::int64_t ns = 0;  // since the epoch, UTC
  std::string why;      // when !ok: what is wrong, e.g. "day 30 does not exist in 2023-02"
};

ParsedTime parse_timestamp(std::string_view text);

// The form accepted, for messages.
inline constexpr std::string_view kTimestampForm =
    "a date and time like \"2023-11-16 18:17:03.9799600\" or \"2024-05-10 00:00:00.009930+00:00\"";

}  // namespace gigasim::io::traces
