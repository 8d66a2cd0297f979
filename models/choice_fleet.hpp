// The fleet plan of one hardware choice, whichever way the scenario describes it: a static fleet
// (`system`, optional `chips`) is one lot delivered at time 0 that fills its blocks hall by hall and is
// kept to the horizon; a roadmap is planned by plan_fleet (fleet_plan.hpp) within the site's power
// ramp, the budget, the supply and the refresh policy. One mechanism downstream: the simulation replays
// the lots as deliveries and retirements either way.
#pragma once

#include "fleet_plan.hpp"
#include "scenario.hpp"

namespace gigasim {

FleetInput fleet_input(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, double horizon_s);
// The input of one track of a choice with tracks: its roadmap, supply and refresh, within power_share of
// the site's power (and ramp), of each hall's, and of the budget.
FleetInput track_input(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, const Track& track, double horizon_s);
// With tracks: each track planned alone (track_input), the plans merged (hall by hall, track by track).
FleetPlan plan_choice_fleet(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, double horizon_s);

}  // namespace gigasim
