// The site power cap over time (pure functions; the simulation enforces it, sim/engine).
//
// The cap is the facility power available at time t (site.power_w, or the ramp) times the curtailment
// fraction in force (the lowest of the windows covering t). The demand it is compared with is
// PUE(t) x IT power, PUE(t) being the PUE of t's calendar month. The fleet is planned for
// oversubscription x the envelope at full load, so demand can exceed the cap; what happens then is the
// policy's (scenario.hpp PowerCapSpec, docs/models.md#power-cap).
#pragma once

#include <vector>

#include "calendar.hpp"
#include "scenario.hpp"

namespace gigasim {

// Facility power available at t from site.power_w and its ramp (linear between points; the first
// point's power before it, the last's after it).
double ramp_power_w(double site_power_w, const std::vector<PowerPoint>& ramp, double t);

// Fraction of the available power the curtailment windows allow at t (1 outside them).
double curtailment_fraction(const PowerCapSpec& cap, const Date& start, int start_weekday, double t);

// The cap at t: ramp_power_w x curtailment_fraction.
double site_cap_w(const SiteSpec& site, const Date& start, double t);

// The lowest cap over [t0, t1) (the ramp never decreases, so only windows lower it within an interval).
double min_site_cap_w(const SiteSpec& site, const Date& start, double t0, double t1);

// PUE at t: that of t's calendar month (site.pue when it does not vary).
double pue_at(const SiteSpec& site, const Date& start, double t);
// The highest PUE over [t0, t1).
double max_pue_over(const SiteSpec& site, const Date& start, double t0, double t1);

// The next time after t when the cap or the PUE may change: a window's start or end, a midnight when
// windows depend on the month or the weekday or the PUE on the month, a ramp point; infinity if none.
double next_cap_change_s(const SiteSpec& site, double t);

}  // namespace gigasim
