// Simulated calendar: the scenario's start date plus simulated seconds, for labels only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gigasim {

struct Date {
  int year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;  // 1..31
};

// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<Date> parse_iso_date(std::string_view text);
std::string format_iso_date(const Date& d);
// The date `seconds` after `start` (whole days; time of day dropped).
Date add_seconds(const Date& start, double seconds);
// Whole days from `from` to `to` (negative when `to` is earlier).
long days_between(const Date& from, const Date& to);
// Day of the week, 0 = Monday.
int weekday(const Date& d);

}  // namespace gigasim
