#include "timestamp.hpp"

#include <fmt/format.h>

#include <chrono>

namespace gigasim::io::traces {

namespace {

constexpr int kMinYear = 1970;  // with kMaxYear, differences of two times fit in int64 ns
constexpr int kMaxYear = 2200;

// Reads exactly `n` digits at `pos` into `out`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool literal(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

ParsedTime bad(std::string why) {
  ParsedTime t;
  t.why = std::move(why);
  return t;
}

}  // namespace

ParsedTime parse_timestamp(std::string_view s) {
  std::size_t p = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, p, 4, year) || !literal(s, p, '-') || !digits(s, p, 2, month) || !literal(s, p, '-') || !digits(s, p, 2, day))
    return bad("");
  if (!(literal(s, p, ' ') || literal(s, p, 'T'))) return bad("");
  if (!digits(s, p, 2, hour) || !literal(s, p, ':') || !digits(s, p, 2, minute) || !literal(s, p, ':') || !digits(s, p, 2, second))
    return bad("");
  std::int64_t frac_ns = 0;
  if (literal(s, p, '.')) {
    std::size_t n = 0;
    std::int64_t v = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (++n > 9) return bad("more than 9 fractional digits");
      v = v * 10 + (s[p] - '0');
      ++p;
    }
    if (n == 0) return bad("");
    for (std::size_t i = n; i < 9; ++i) v *= 10;
    frac_ns = v;
  }
  int offset_s = 0;
  if (p < s.size()) {
    const char sign = s[p];
    if (sign == 'Z' && p + 1 == s.size()) {
      ++p;
    } else if (sign == '+' || sign == '-') {
      ++p;
      int oh = 0, om = 0;
      if (!digits(s, p, 2, oh)) return bad("");
      if (p < s.size()) {
        literal(s, p, ':');
        if (!digits(s, p, 2, om)) return bad("");
      }
      if (oh > 18 || om > 59) return bad(fmt::format("UTC offset {}{:02}:{:02} is out of range", sign, oh, om));
      offset_s = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
      return bad("");
    }
  }
  if (p != s.size()) return bad("");
  if (year < kMinYear || year > kMaxYear) return bad(fmt::format("year {} is not in [{}, {}]", year, kMinYear, kMaxYear));
  if (month < 1 || month > 12) return bad(fmt::format("month {:02} does not exist", month));
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return bad(fmt::format("day {:02} does not exist in {:04}-{:02}", day, year, month));
  if (hour > 23 || minute > 59 || second > 59)
    return bad(fmt::format("time {:02}:{:02}:{:02} does not exist", hour, minute, second));
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  ParsedTime t;
  t.ok = true;
  t.ns = secs * 1'000'000'000 + frac_ns;
  return t;
}

}  // namespace gigasim::io::traces
