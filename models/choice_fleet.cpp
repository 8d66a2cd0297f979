#include "choice_fleet.hpp"

#include "platform_layout.hpp"

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

FleetPlan plan_choice_fleet(const SiteSpec& site, const BudgetSpec& budget, const HardwareChoice& choice, double horizon_s) {
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
