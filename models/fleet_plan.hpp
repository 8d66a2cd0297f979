// Fleet build-out over time: which systems are bought when, delivered where, and retired when, within
// the site's power (which may ramp up), a budget (total and per year), the vendor's supply (a delivery
// cap per quarter and a lead time) and a refresh policy. Pure arithmetic; the simulation replays the
// plan as delivery and retirement events (sim/engine), and the plan is written with the results.
//
// Slots. The platform has one SimGrid host per *block slot*: a hall holds as many slots as it could hold
// blocks of the least power-hungry generation in the roadmap (max over generations of
// floor(hall_power_w / (block busy IT power x PUE))). A slot is empty, or holds one block of one
// generation from its delivery until its retirement. Slots are numbered hall by hall: hall 0 holds slots
// [0, slots_per_hall[0]), hall 1 the next ones, and so on.
//
// Orders. Every `order_interval_s` from time 0 (t = 0, dt, 2 dt, ... while t < horizon) the planner
// places at most one order, for the newest roadmap generation available at t (the last entry with
// available_s <= t). The order is delivered at d = t + lead_time_s (no order if d >= horizon). It buys
// n blocks, the largest count such that, at d and with every lot delivered at or before d and not yet
// retired at d counted (retire_s > d, as in chips_installed: a lot retiring at d frees its power and
// slots for the order delivered at d):
//   - power:   installed busy IT power x PUE + n x block facility power <= site power available at d
//              (power_ramp interpolated; the ramp is non-decreasing, so what fits at d fits later);
//   - slots:   each new block takes a free slot in a hall whose installed busy facility power plus the
//              new block stays within hall_power_w (lowest free slot index first);
//   - supply:  n x block_chips <= chips_per_quarter x order_interval_s / (quarter);
//   - budget:  cost of the order <= budget left in total and in the plan year of d (year k covers
//              [k, k+1) Julian years); cost = n x block systems x price_usd + facility capex for the IT
//              power the site has never had installed before (facility_capex_usd_per_w x the rise of
//              the peak installed busy IT power, IT = facility / PUE); a lot's cost is spent at its
//              delivery, so the year's budget left is per_year_usd minus the cost of the lots delivered
//              in that year;
//   - max_chips: total installed chips at d <= max_chips (0: no cap).
// n = 0 means no lot. `limited_by` names the binding limit: "power", "slots", "supply", "budget-total",
// "budget-year", "max-chips" (the first of these, in this order, that equals the minimum).
// These limits, and the upgrade's gain test below, allow a relative slack of 1e-9 for rounding (4
// blocks of w fit in 4 w however 4 w was summed).
//
// Retirement. kKeep: never retired (retire_s = +inf). kEndOfLife: retire_s = delivery_s + service_life_s
// (left +inf if that is at or after the horizon). kUpgrade: as kEndOfLife, and in addition, when an order
// is limited by power or slots and the new generation's sustained FLOP/s per busy watt is at least
// min_gain x that of the oldest installed lot's generation, that whole lot is retired early at d
// ("upgrade") and the order is recomputed with the freed power and slots (repeatedly, oldest lot first,
// while the condition holds). Early retirement happens only if the recomputed order buys at least as many
// chips more than the order before it as the retired lot had (the upgrade never shrinks the fleet; the
// recomputed order's whole size would let a retirement that frees nothing usable, say when the budget
// binds as tightly as the power, retire a lot for nothing). "Oldest" is the earliest delivered lot in
// service at d; when it does not qualify (gain too small, or the order would not grow enough) upgrading
// stops for this order.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "scenario.hpp"

namespace gigasim {

// PowerPoint, Generation, SupplySpec, RefreshPolicy, RefreshSpec and BudgetSpec are in scenario.hpp.

struct FleetInput {
  SiteLayout layout;  // halls and their power (hall_power_w is facility power)
  double site_power_w = 0;  // the envelope (facility power)
  double pue = 1;
  double infra_w_per_chip = 0;  // the site's network and storage power per chip (IT power)
  double network_capex_share = 0;  // of the systems' price, bought with them
  double storage_capex_usd_per_chip = 0;
  double facility_capex_usd_per_w = 0;  // per watt of IT power
  std::vector<PowerPoint> power_ramp;  // empty: site_power_w from time 0; else sorted by time, non-decreasing
  BudgetSpec budget;
  SupplySpec supply;
  RefreshSpec refresh;
  std::vector<Generation> roadmap;  // non-empty, sorted by available_s
  std::int64_t block_chips = 0;  // a multiple of every generation's system.chips
  std::int64_t max_chips = 0;  // 0: no cap
  double horizon_s = 0;
  double order_interval_s = 0;  // 0: a quarter
  Precision precision = Precision::kBf16;  // for FLOP/s per watt
};

// Blocks of one generation delivered together.
struct Lot {
  std::size_t generation = 0;  // index into FleetInput::roadmap
  double order_s = 0;
  double delivery_s = 0;
  double retire_s = kInfinity;  // +inf: installed until the horizon
  std::string retire_reason;  // "", "end-of-life" or "upgrade"
  std::vector<std::int64_t> slots;  // the slots its blocks occupy, ascending
  double capex_systems_usd = 0;
  double capex_network_usd = 0;  // network_capex_share x the systems
  double capex_storage_usd = 0;
  double capex_facility_usd = 0;
  std::string limited_by;
  std::int64_t blocks() const { return static_cast<std::int64_t>(slots.size()); }
};

struct FleetPlan {
  std::vector<std::int64_t> slots_per_hall;  // one entry per hall of the layout (0 for a hall too small)
  std::int64_t slots = 0;  // total
  std::vector<Lot> lots;  // in order of delivery (ties: order of placement)
  std::int64_t block_chips = 0;

  // Chips of generation `g` installed at time t (delivered at or before t, retired after t).
  std::int64_t chips_installed(double t, std::size_t g) const;
  std::int64_t chips_installed(double t) const;  // all generations
};

// Power of one block of `g` with every chip busy, at the facility (IT x PUE).
double block_facility_busy_w(const Generation& g, std::int64_t block_chips, double pue, double infra_w_per_chip);
// Sustained FLOP/s per busy watt of a chip slot (peak x gemm_efficiency / chip_slot_busy_w).
double flops_per_watt(const SystemSpec& s, Precision p);
// Facility power available at t from the ramp (site_power_w when the ramp is empty; the first point's
// power before it; linear between points; the last point's power after it).
double power_available_w(const FleetInput& in, double t);

// Throws std::invalid_argument on inputs the loader should have refused (empty roadmap, block_chips not
// a multiple of a system's chips, ...): also a roadmap not sorted by available_s, a power ramp not
// sorted or decreasing, pue < 1, a negative or NaN power, price, budget, supply, lead time or max_chips,
// horizon_s <= 0, a block of zero busy power, service_life_s <= 0 (unless kKeep), min_gain < 1
// (kUpgrade), and plans too large to compute (more than 10^7 slots or 10^4 order epochs).
FleetPlan plan_fleet(const FleetInput& in);

}  // namespace gigasim
