#include "choice_fleet.hpp"

#include "platform_layout.hpp"

#include <algorithm>

namespace gigasim {

FleetInput fleet_input(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, double horizon_s) {
  FleetInput in;
  // An oversubscribed site plans hardware for more than its envelope at full load (the power cap keeps
  // the draw within it); its facility is built for the envelope, shared by all of that hardware.
  const double over = site.power_cap.oversubscription;
  in.layout = site.layout;
  in.layout.hall_power_w *= over;
  in.site_power_w = site.power_w.value * over;
  in.pue = site.pue.value;
  in.infra_w_per_chip = site.infra_w_per_chip();
  in.network_capex_share = site.network_capex_share.value;
  in.storage_capex_usd_per_chip = site.storage_capex_usd_per_chip.value;
  in.facility_capex_usd_per_w = site.facility_capex_usd_per_w.value / over;
  in.power_ramp = site.power_ramp;
  for (auto& p : in.power_ramp) p.power_w *= over;
  in.budget = budget;
  in.supply = choice.supply;
  in.refresh = choice.refresh;
  in.roadmap = choice.roadmap;
  in.block_chips = choice.block_chips;
  in.max_chips = choice.chips;
  in.horizon_s = horizon_s;
  return in;
}

FleetInput track_input(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, const Track& t, double horizon_s) {
  FleetInput in = fleet_input(site, budget, choice, horizon_s);
  in.roadmap.assign(choice.roadmap.begin() + static_cast<std::ptrdiff_t>(t.first), choice.roadmap.begin() + static_cast<std::ptrdiff_t>(t.first + t.count));
  in.supply = t.supply;
  in.refresh = t.refresh;
  in.site_power_w *= t.power_share;
  in.layout.hall_power_w *= t.power_share;
  for (auto& p : in.power_ramp) p.power_w *= t.power_share;
  in.budget.total_usd *= t.power_share;
  in.budget.per_year_usd *= t.power_share;
  in.max_chips = 0;
  return in;
}

namespace {

// One plan from the tracks' plans: each hall's slots are the tracks' slots in that hall, track by track,
// and the lots keep their blocks' places with the slots and generations renumbered.
FleetPlan merge_track_plans(const HardwareChoice& choice, const std::vector<FleetPlan>& plans) {
  FleetPlan out;
  out.block_chips = choice.block_chips;
  std::size_t halls = 0;
  for (const auto& p : plans) halls = std::max(halls, p.slots_per_hall.size());
  out.slots_per_hall.assign(halls, 0);
  for (const auto& p : plans)
    for (std::size_t h = 0; h < p.slots_per_hall.size(); ++h) out.slots_per_hall[h] += p.slots_per_hall[h];
  std::vector<std::int64_t> hall_start(halls + 1, 0);
  for (std::size_t h = 0; h < halls; ++h) hall_start[h + 1] = hall_start[h] + out.slots_per_hall[h];
  out.slots = hall_start[halls];
  std::vector<std::int64_t> before(halls, 0);  // slots of earlier tracks in each hall
  for (std::size_t k = 0; k < plans.size(); ++k) {
    const FleetPlan& p = plans[k];
    std::vector<std::int64_t> local_start(p.slots_per_hall.size() + 1, 0);
    for (std::size_t h = 0; h < p.slots_per_hall.size(); ++h) local_start[h + 1] = local_start[h] + p.slots_per_hall[h];
    for (Lot lot : p.lots) {
      lot.generation += choice.tracks[k].first;
      for (auto& s : lot.slots) {
        const auto h = static_cast<std::size_t>(std::upper_bound(local_start.begin(), local_start.end(), s) - local_start.begin()) - 1;
        s = hall_start[h] + before[h] + (s - local_start[h]);
      }
      std::sort(lot.slots.begin(), lot.slots.end());
      out.lots.push_back(std::move(lot));
    }
    for (std::size_t h = 0; h < p.slots_per_hall.size(); ++h) before[h] += p.slots_per_hall[h];
  }
  std::stable_sort(out.lots.begin(), out.lots.end(), [](const Lot& a, const Lot& b) { return a.delivery_s < b.delivery_s; });
  return out;
}

}  // namespace

FleetPlan plan_choice_fleet(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, double horizon_s) {
  if (!choice.tracks.empty()) {
    std::vector<FleetPlan> plans;
    for (const Track& t : choice.tracks) plans.push_back(plan_fleet(track_input(site, budget, choice, t, horizon_s)));
    return merge_track_plans(choice, plans);
  }
  if (choice.procured) return plan_fleet(fleet_input(site, budget, choice, horizon_s));
  FleetPlan plan;
  plan.block_chips = choice.block_chips;
  plan.slots_per_hall = static_slots_per_hall(site, choice);
  plan.slots_per_hall.resize(static_cast<std::size_t>(site.layout.halls()), 0);
  for (auto n : plan.slots_per_hall) plan.slots += n;
  Lot lot;
  lot.generation = 0;
  lot.limited_by = "static";
  for (std::int64_t s = 0; s < plan.slots; ++s) lot.slots.push_back(s);
  const double systems = static_cast<double>(plan.slots * choice.block_chips) / static_cast<double>(choice.system.chips);
  lot.capex_systems_usd = systems * choice.system.price_usd.value;
  lot.capex_network_usd = lot.capex_systems_usd * site.network_capex_share.value;
  lot.capex_storage_usd = static_cast<double>(plan.slots * choice.block_chips) * site.storage_capex_usd_per_chip.value;
  lot.capex_facility_usd =
      static_cast<double>(plan.slots) * block_it_busy_w(choice.system, choice.block_chips, site.infra_w_per_chip()) * site.facility_capex_usd_per_w.value /
      site.power_cap.oversubscription;
  if (plan.slots > 0) plan.lots.push_back(std::move(lot));
  return plan;
}

}  // namespace gigasim
