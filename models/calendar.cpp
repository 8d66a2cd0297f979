#include "calendar.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace gigasim {

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

std::string format_iso_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

Date add_seconds(const Date& start, double seconds) {
  using namespace std::chrono;
  const sys_days base{year_month_day{year{start.year}, month{start.month}, day{start.day}}};
  const auto days_after = static_cast<int>(std::floor(seconds / 86400.0));
  const year_month_day ymd{base + days{days_after}};
  return Date{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

long days_between(const Date& from, const Date& to) {
  using namespace std::chrono;
  const sys_days a{year_month_day{year{from.year}, month{from.month}, day{from.day}}};
  const sys_days b{year_month_day{year{to.year}, month{to.month}, day{to.day}}};
  return static_cast<long>((b - a).count());
}

int weekday(const Date& d) {
  const long days = days_between(Date{1970, 1, 1}, d);  // a Thursday
  return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

}  // namespace gigasim
