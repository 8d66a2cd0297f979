// The site power cap over time (models/power_cap.hpp) and the throttle curve (models/power.hpp). Expected
// values are worked out by hand from the definitions in docs/models.md#power-cap.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "models/calendar.hpp"
#include "models/power.hpp"
#include "models/power_cap.hpp"
#include "models/units.hpp"

using namespace gigasim;

namespace {
constexpr double kDay = units::kSecondsPerDay;
constexpr double kHour = units::kSecondsPerHour;
const Date kStart{2026, 1, 1};  // a Thursday

SiteSpec site_with(std::vector<CurtailmentWindow> windows) {
  SiteSpec s;
  s.power_w.value = 1.0e9;
  s.pue.value = 1.2;
  s.power_cap.policy = PowerCapSpec::Policy::kThrottle;
  s.power_cap.curtailment = std::move(windows);
  s.start_weekday = weekday(kStart);
  return s;
}
}  // namespace

TEST_CASE("throttle levels run from full speed down by 0.05 to 0.30", "[power-cap]") {
  CHECK(throttle_speed(0) == 1.0);
  CHECK(throttle_speed(1) == Approx(0.95));
  CHECK(throttle_speed(power_constants::kThrottleLevels - 1) == Approx(0.30));
  CHECK(throttle_dynamic_fraction(1.0) == 1.0);
  CHECK(throttle_dynamic_fraction(0.5) == Approx(0.125));
  CHECK(throttle_dynamic_fraction(0.8) == Approx(0.512));
  const BlockPower p{.idle_w = 1000, .busy_w = 5000};
  CHECK(throttled(p, 0).busy_w == 5000);
  CHECK(throttled(p, 10).idle_w == 1000);  // idle does not scale
  CHECK(throttled(p, 10).busy_w == Approx(1000 + 4000 * 0.125));
  CHECK(power_state(0, 0) == 0);
  CHECK(power_state(2, 3) == 2 * power_constants::kThrottleLevels + 3);
}

TEST_CASE("throttle_level_for picks the fastest level that fits", "[power-cap]") {
  // 1000 W of dynamic power at full speed.
  CHECK(throttle_level_for(1000, 1000, 14) == 0);
  CHECK(throttle_level_for(2000, 1000, 14) == 0);
  // 0.95^3 = 0.857375: 900 W fits at level 1, 857.375 exactly too, 857 W needs level 2 (0.9^3 = 0.729).
  CHECK(throttle_level_for(900, 1000, 14) == 1);
  CHECK(throttle_level_for(857.375, 1000, 14) == 1);
  CHECK(throttle_level_for(857, 1000, 14) == 2);
  CHECK(throttle_level_for(125, 1000, 14) == 10);  // 0.5^3
  CHECK(throttle_level_for(125, 1000, 9) == -1);  // not at 0.55 (0.166)
  CHECK(throttle_level_for(0, 0, 14) == 0);  // nothing running fits any budget >= 0
  CHECK(throttle_level_for(-1, 0, 14) == -1);  // a budget below zero: training cannot fix it
}

TEST_CASE("the cap follows the ramp and the curtailment windows", "[power-cap]") {
  SiteSpec s = site_with({{.fraction = 0.8, .start_hour = 14, .end_hour = 19}});
  CHECK(site_cap_w(s, kStart, 0) == 1.0e9);
  CHECK(site_cap_w(s, kStart, 14 * kHour) == Approx(0.8e9));
  CHECK(site_cap_w(s, kStart, 18.99 * kHour) == Approx(0.8e9));
  CHECK(site_cap_w(s, kStart, 19 * kHour) == 1.0e9);  // end excluded
  CHECK(site_cap_w(s, kStart, 3 * kDay + 15 * kHour) == Approx(0.8e9));  // every day
  s.power_ramp = {{.time_s = 10 * kDay, .power_w = 2.0e8}, {.time_s = 20 * kDay, .power_w = 1.0e9}};
  CHECK(site_cap_w(s, kStart, 0) == Approx(2.0e8));  // the first point's before it
  CHECK(site_cap_w(s, kStart, 15 * kDay) == Approx(6.0e8));  // linear
  CHECK(site_cap_w(s, kStart, 15 * kDay + 16 * kHour) == Approx(0.8 * (2.0e8 + 8.0e8 * (5 + 16.0 / 24) / 10)));
  CHECK(site_cap_w(s, kStart, 30 * kDay) == Approx(1.0e9));
}

TEST_CASE("overlapping windows: the lowest fraction applies", "[power-cap]") {
  const SiteSpec s = site_with({{.fraction = 0.8, .start_hour = 12, .end_hour = 20}, {.fraction = 0.6, .start_hour = 16, .end_hour = 18}});
  CHECK(curtailment_fraction(s.power_cap, kStart, s.start_weekday, 13 * kHour) == Approx(0.8));
  CHECK(curtailment_fraction(s.power_cap, kStart, s.start_weekday, 17 * kHour) == Approx(0.6));
  CHECK(curtailment_fraction(s.power_cap, kStart, s.start_weekday, 19 * kHour) == Approx(0.8));
  CHECK(curtailment_fraction(s.power_cap, kStart, s.start_weekday, 21 * kHour) == 1.0);
}

TEST_CASE("windows restricted to months and weekdays", "[power-cap]") {
  const SiteSpec s = site_with({{.fraction = 0.5, .start_hour = 0, .end_hour = 24, .calendar_months = {2}, .weekdays_only = true}});
  const auto at = [&](double day) { return curtailment_fraction(s.power_cap, kStart, s.start_weekday, day * kDay + 12 * kHour); };
  CHECK(at(0) == 1.0);  // January
  // February 2026 starts on day 31, a Sunday; Monday 2 February is day 32; Saturday 7 February is day 37.
  CHECK(weekday(Date{2026, 2, 1}) == 6);
  CHECK(at(31) == 1.0);  // Sunday
  CHECK(at(32) == 0.5);  // Monday
  CHECK(at(36) == 0.5);  // Friday
  CHECK(at(37) == 1.0);  // Saturday
  CHECK(at(59) == 1.0);  // 1 March, a Sunday
  CHECK(at(60) == 1.0);  // 2 March, a Monday in March
}

TEST_CASE("the cap's change points: window edges, midnights when needed, ramp points", "[power-cap]") {
  SiteSpec s = site_with({{.fraction = 0.8, .start_hour = 14, .end_hour = 19}});
  CHECK(next_cap_change_s(s, 0) == 14 * kHour);
  CHECK(next_cap_change_s(s, 14 * kHour) == 19 * kHour);
  CHECK(next_cap_change_s(s, 19 * kHour) == kDay + 14 * kHour);
  // The lowest cap over an interval sees a window inside it.
  CHECK(min_site_cap_w(s, kStart, 0, 13 * kHour) == 1.0e9);
  CHECK(min_site_cap_w(s, kStart, 0, 15 * kHour) == Approx(0.8e9));
  CHECK(min_site_cap_w(s, kStart, 20 * kHour, kDay + 13 * kHour) == 1.0e9);
  // A month-restricted window adds each midnight (the month may change there).
  s.power_cap.curtailment[0].calendar_months = {7};
  CHECK(next_cap_change_s(s, 20 * kHour) == kDay);
  // Nothing: no change ever.
  SiteSpec plain = site_with({});
  CHECK(std::isinf(next_cap_change_s(plain, 0)));
  plain.power_ramp = {{.time_s = 5 * kDay, .power_w = 5.0e8}, {.time_s = 9 * kDay, .power_w = 1.0e9}};
  CHECK(next_cap_change_s(plain, 0) == 5 * kDay);
  CHECK(next_cap_change_s(plain, 5 * kDay) == 9 * kDay);
  CHECK(std::isinf(next_cap_change_s(plain, 9 * kDay)));
}

TEST_CASE("PUE by calendar month, and its highest over an interval", "[power-cap]") {
  SiteSpec s = site_with({});
  CHECK(pue_at(s, kStart, 100 * kDay) == 1.2);
  s.pue_by_calendar_month = {1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2};
  CHECK(pue_at(s, kStart, 0) == 1.1);
  CHECK(pue_at(s, kStart, 31 * kDay) == 1.2);  // 1 February
  CHECK(pue_at(s, kStart, 30 * kDay + 23 * kHour) == 1.1);  // 31 January, late
  CHECK(max_pue_over(s, kStart, 30 * kDay, 31 * kDay) == 1.1);  // up to, not including, 1 February
  CHECK(max_pue_over(s, kStart, 30 * kDay, 31 * kDay + 1) == 1.2);
  CHECK(max_pue_over(s, kStart, 0, 365 * kDay) == 2.2);
  CHECK(next_cap_change_s(s, 0.5 * kDay) == kDay);  // PUE by month: every midnight
}
