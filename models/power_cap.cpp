#include "power_cap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "units.hpp"

namespace gigasim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double day_of(double t) { return std::floor(t / units::kSecondsPerDay); }

bool window_applies(const CurtailmentWindow& w, const Date& start, int start_weekday, double t) {
  const double day = day_of(t);
  const double hour = (t - day * units::kSecondsPerDay) / units::kSecondsPerHour;
  if (hour < w.start_hour || hour >= w.end_hour) return false;
  if (w.weekdays_only && (start_weekday + static_cast<long>(day)) % 7 >= 5) return false;
  if (!w.calendar_months.empty()) {
    const auto month = static_cast<int>(add_seconds(start, day * units::kSecondsPerDay).month);
    if (std::find(w.calendar_months.begin(), w.calendar_months.end(), month) == w.calendar_months.end()) return false;
  }
  return true;
}

}  // namespace

double ramp_power_w(double site_power_w, const std::vector<PowerPoint>& ramp, double t) {
  if (ramp.empty()) return site_power_w;
  const auto next = std::upper_bound(ramp.begin(), ramp.end(), t, [](double v, const PowerPoint& p) { return v < p.time_s; });
  if (next == ramp.begin()) return ramp.front().power_w;
  if (next == ramp.end()) return ramp.back().power_w;
  const PowerPoint& a = *(next - 1);  // a.time_s <= t < next->time_s
  const double f = (t - a.time_s) / (next->time_s - a.time_s);
  return a.power_w + f * (next->power_w - a.power_w);
}

double curtailment_fraction(const PowerCapSpec& cap, const Date& start, int start_weekday, double t) {
  double f = 1.0;
  for (const auto& w : cap.curtailment)
    if (window_applies(w, start, start_weekday, t)) f = std::min(f, w.fraction);
  return f;
}

double site_cap_w(const SiteSpec& site, const Date& start, double t) {
  return ramp_power_w(site.power_w.value, site.power_ramp, t) * curtailment_fraction(site.power_cap, start, site.start_weekday, t);
}

double min_site_cap_w(const SiteSpec& site, const Date& start, double t0, double t1) {
  double c = site_cap_w(site, start, t0);
  for (double t = next_cap_change_s(site, t0); t < t1; t = next_cap_change_s(site, t)) c = std::min(c, site_cap_w(site, start, t));
  return c;
}

double pue_at(const SiteSpec& site, const Date& start, double t) {
  if (site.pue_by_calendar_month.empty()) return site.pue.value;
  const Date d = add_seconds(start, day_of(t) * units::kSecondsPerDay);
  return site.pue_by_calendar_month[d.month - 1];
}

double max_pue_over(const SiteSpec& site, const Date& start, double t0, double t1) {
  double p = pue_at(site, start, t0);
  if (site.pue_by_calendar_month.empty()) return p;
  for (double day = day_of(t0) + 1; day * units::kSecondsPerDay < t1; ++day) p = std::max(p, pue_at(site, start, day * units::kSecondsPerDay));
  return p;
}

double next_cap_change_s(const SiteSpec& site, double t) {
  double next = kInf;
  const double day = day_of(t);
  bool daily = !site.pue_by_calendar_month.empty();
  for (const auto& w : site.power_cap.curtailment) {
    daily = daily || w.weekdays_only || !w.calendar_months.empty();
    for (double d : {day, day + 1})
      for (double h : {w.start_hour, w.end_hour}) {
        const double e = d * units::kSecondsPerDay + h * units::kSecondsPerHour;
        if (e > t) next = std::min(next, e);
      }
  }
  if (daily) next = std::min(next, (day + 1) * units::kSecondsPerDay);
  for (const auto& p : site.power_ramp)
    if (p.time_s > t) {
      next = std::min(next, p.time_s);
      break;
    }
  return next;
}

}  // namespace gigasim
