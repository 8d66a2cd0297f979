#include "fleet_plan.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "power.hpp"
#include "power_cap.hpp"
#include "units.hpp"

namespace gigasim {
namespace {

constexpr double kQuarterS = units::kSecondsPerYear / 4.0;
// Sums of block powers and prices carry rounding error, and a count that meets a limit exactly must
// still fit (4 blocks of w fit in 4 w however 4 w was summed): limits allow this relative slack.
constexpr double kRelTol = 1e-9;
// Counts are clamped here so their conversions stay defined whatever the inputs; it also stands for
// "no limit" (a plan never comes near it: slots are far fewer).
constexpr double kMaxCount = 1e15;
constexpr auto kUnlimited = static_cast<std::int64_t>(kMaxCount);
// Every order rescans the slots and the lots: beyond these sizes the loader should have refused the
// scenario (the platform has one host per slot; a 10-year plan ordering daily has ~3,650 orders).
constexpr std::int64_t kMaxSlots = 10'000'000;
constexpr double kMaxOrders = 10'000;

constexpr std::array<const char*, 6> kLimitNames{"power", "slots", "supply", "budget-total", "budget-year", "max-chips"};

// Largest whole count <= x (with the slack above), in [0, kMaxCount].
std::int64_t floor_count(double x) {
  if (!(x > 0)) return 0;
  return static_cast<std::int64_t>(std::min(kMaxCount, std::floor(x * (1 + kRelTol))));
}

bool within(double x, double cap) { return x <= cap + kRelTol * std::abs(cap); }

std::int64_t plan_year(double t) { return static_cast<std::int64_t>(std::floor(t / units::kSecondsPerYear)); }

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("fleet plan: ") + what);
}

bool non_negative(double x) { return x >= 0; }  // +inf allowed, NaN refused
bool finite_non_negative(double x) { return std::isfinite(x) && x >= 0; }

void validate_generations(const FleetInput& in) {
  const bool retires = in.refresh.policy != RefreshPolicy::kKeep;
  for (std::size_t i = 0; i < in.roadmap.size(); ++i) {
    const Generation& g = in.roadmap[i];
    require(g.system.chips > 0 && in.block_chips % g.system.chips == 0, "block_chips must be a multiple of every generation's system chips");
    require(std::isfinite(g.available_s), "available_s must be finite");
    require(i == 0 || in.roadmap[i - 1].available_s <= g.available_s, "the roadmap must be sorted by available_s");
    require(finite_non_negative(g.price_usd), "price_usd must be finite and >= 0");
    require(!retires || g.service_life_s > 0, "service_life_s must be > 0 unless the refresh policy is keep");
    const double w = block_facility_busy_w(g, in.block_chips, in.pue, in.infra_w_per_chip);
    require(std::isfinite(w) && w > 0, "a block's busy power must be finite and > 0");
    if (in.refresh.policy == RefreshPolicy::kUpgrade) {
      require(g.system.chip.dense_flops_per_s.contains(Precision::kBf16), "a chip has no bf16 peak");
      const double f = flops_per_watt(g.system, in.precision);
      require(std::isfinite(f) && f > 0, "FLOP/s per watt must be finite and > 0");
    }
  }
}

void validate_ramp(const FleetInput& in) {
  for (std::size_t i = 0; i < in.power_ramp.size(); ++i) {
    const PowerPoint& p = in.power_ramp[i];
    require(std::isfinite(p.time_s) && finite_non_negative(p.power_w), "power_ramp points must be finite, power >= 0");
    if (i == 0) continue;
    require(in.power_ramp[i - 1].time_s <= p.time_s, "power_ramp must be sorted by time");
    require(in.power_ramp[i - 1].power_w <= p.power_w, "power_ramp must be non-decreasing");
  }
}

void validate(const FleetInput& in) {
  require(!in.roadmap.empty(), "the roadmap is empty");
  require(in.block_chips > 0, "block_chips must be > 0");
  require(std::isfinite(in.pue) && in.pue >= 1, "pue must be finite and >= 1");
  validate_generations(in);
  validate_ramp(in);
  const SiteLayout& l = in.layout;
  require(l.buildings >= 1 && l.halls_per_building >= 1 && l.buildings <= kMaxSlots / l.halls_per_building,
          "buildings and halls_per_building must be >= 1 (and not absurdly many)");
  require(finite_non_negative(l.hall_power_w), "hall_power_w must be finite and >= 0");
  require(finite_non_negative(in.site_power_w), "site_power_w must be finite and >= 0");
  require(finite_non_negative(in.facility_capex_usd_per_w), "facility_capex_usd_per_w must be finite and >= 0");
  require(non_negative(in.budget.total_usd) && non_negative(in.budget.per_year_usd), "budgets must be >= 0");
  require(non_negative(in.supply.chips_per_quarter), "chips_per_quarter must be >= 0");
  require(finite_non_negative(in.supply.lead_time_s), "lead_time_s must be finite and >= 0");
  require(in.refresh.policy != RefreshPolicy::kUpgrade || (std::isfinite(in.refresh.min_gain) && in.refresh.min_gain >= 1),
          "min_gain must be finite and >= 1");
  require(in.max_chips >= 0, "max_chips must be >= 0");
  require(std::isfinite(in.horizon_s) && in.horizon_s > 0, "horizon_s must be finite and > 0");
  require(finite_non_negative(in.order_interval_s), "order_interval_s must be finite and >= 0");
  const double interval_s = in.order_interval_s > 0 ? in.order_interval_s : kQuarterS;
  require(in.horizon_s / interval_s <= kMaxOrders, "order_interval_s is too short for the horizon (too many orders)");
}

struct GenerationCost {  // one block of one generation
  double it_w = 0;  // busy
  double facility_w = 0;  // busy, x PUE
  double price_usd = 0;
  double flops_per_watt = 0;  // kUpgrade only
};

struct Context {
  const FleetInput& in;
  std::vector<GenerationCost> generations;
  std::int64_t halls = 0;
  std::int64_t slots_per_hall = 0;  // every hall has the same power, hence the same slots
  std::int64_t supply_blocks = 0;  // per order
  double interval_s = 0;
};

Context make_context(const FleetInput& in) {
  Context c{in, {}, in.layout.halls(), 0, 0, in.order_interval_s > 0 ? in.order_interval_s : kQuarterS};
  for (const Generation& g : in.roadmap) {
    const double it_w = block_it_busy_w(g.system, in.block_chips, in.infra_w_per_chip);
    const double systems = static_cast<double>(in.block_chips / g.system.chips);
    const double fpw = in.refresh.policy == RefreshPolicy::kUpgrade ? flops_per_watt(g.system, in.precision) : 0;
    c.generations.push_back({it_w, it_w * in.pue, systems * g.price_usd, fpw});
    c.slots_per_hall = std::max(c.slots_per_hall, floor_count(in.layout.hall_power_w / c.generations.back().facility_w));
  }
  if (c.slots_per_hall > kMaxSlots / c.halls)
    throw std::invalid_argument("fleet plan: the site holds " + std::to_string(c.slots_per_hall) + " block slots per hall in " + std::to_string(c.halls) +
                                " halls, above " + std::to_string(kMaxSlots) + " in all: raise block_chips");
  const double supply_chips = in.supply.chips_per_quarter * c.interval_s / kQuarterS;
  c.supply_blocks = floor_count(supply_chips / static_cast<double>(in.block_chips));
  return c;
}

bool installed_at(const Lot& lot, double t) { return lot.delivery_s <= t && t < lot.retire_s; }

struct Installed {  // the fleet in service at one instant
  std::vector<char> occupied;  // by slot
  std::vector<double> hall_facility_w;  // busy
  double facility_w = 0;  // busy
  double it_w = 0;  // busy
  std::int64_t chips = 0;
};

Installed installed_fleet(const Context& c, const std::vector<Lot>& lots, double t) {
  Installed s{std::vector<char>(static_cast<std::size_t>(c.halls * c.slots_per_hall)), std::vector<double>(static_cast<std::size_t>(c.halls)), 0, 0, 0};
  for (const Lot& lot : lots) {
    if (!installed_at(lot, t)) continue;
    const GenerationCost& g = c.generations[lot.generation];
    for (std::int64_t slot : lot.slots) {
      s.occupied[slot] = 1;
      s.hall_facility_w[slot / c.slots_per_hall] += g.facility_w;
    }
    const auto blocks = static_cast<double>(lot.blocks());
    s.facility_w += blocks * g.facility_w;
    s.it_w += blocks * g.it_w;
    s.chips += lot.blocks() * c.in.block_chips;
  }
  return s;
}

// The free slots, lowest first, that new blocks of `block_facility_w` can take within their halls' power.
std::vector<std::int64_t> placeable_slots(const Context& c, const Installed& s, double block_facility_w) {
  std::vector<std::int64_t> out;
  for (std::int64_t h = 0; h < c.halls; ++h) {
    std::int64_t room = floor_count((c.in.layout.hall_power_w - s.hall_facility_w[h]) / block_facility_w);
    for (std::int64_t slot = h * c.slots_per_hall; slot < (h + 1) * c.slots_per_hall && room > 0; ++slot) {
      if (s.occupied[slot]) continue;
      out.push_back(slot);
      --room;
    }
  }
  return out;
}

// Largest n in [0, hi] with cost(n) within `left`; cost is non-decreasing in n and cost(0) = 0.
template <typename Cost>
std::int64_t affordable(const Cost& cost, double left, std::int64_t hi) {
  std::int64_t lo = 0;
  while (lo < hi) {
    const std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (within(cost(mid), left))
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

struct Spent {  // capex of the lots placed so far, charged at delivery
  double total_usd = 0;
  double year_usd = 0;  // in the plan year of the order's delivery
};

Spent spent_before(const std::vector<Lot>& lots, double d) {
  Spent s;
  for (const Lot& lot : lots) {
    const double usd = lot.capex_systems_usd + lot.capex_network_usd + lot.capex_storage_usd + lot.capex_facility_usd;
    s.total_usd += usd;
    if (plan_year(lot.delivery_s) == plan_year(d)) s.year_usd += usd;
  }
  return s;
}

struct Order {
  std::int64_t blocks = 0;
  std::string limited_by;
  std::vector<std::int64_t> slots;
  double capex_systems_usd = 0;
  double capex_network_usd = 0;
  double capex_storage_usd = 0;
  double capex_facility_usd = 0;
  double it_after_w = 0;  // installed busy IT power once delivered
};

// The order of generation g delivered at d, against the fleet in `lots` and the peak IT power so far.
Order size_order(const Context& c, const std::vector<Lot>& lots, std::size_t g, double d, double peak_it_w) {
  const FleetInput& in = c.in;
  const GenerationCost& gen = c.generations[g];
  const Installed s = installed_fleet(c, lots, d);
  const std::vector<std::int64_t> free = placeable_slots(c, s, gen.facility_w);
  auto systems_usd = [&](std::int64_t n) { return static_cast<double>(n) * gen.price_usd; };
  auto facility_usd = [&](std::int64_t n) {  // only IT power above the peak needs new facility
    return in.facility_capex_usd_per_w * std::max(0.0, s.it_w + static_cast<double>(n) * gen.it_w - peak_it_w);
  };
  auto network_usd = [&](std::int64_t n) { return systems_usd(n) * in.network_capex_share; };
  auto storage_usd = [&](std::int64_t n) { return static_cast<double>(n * in.block_chips) * in.storage_capex_usd_per_chip; };
  auto cost = [&](std::int64_t n) { return systems_usd(n) + network_usd(n) + storage_usd(n) + facility_usd(n); };

  std::array<std::int64_t, kLimitNames.size()> limit{};
  limit[0] = floor_count((power_available_w(in, d) - s.facility_w) / gen.facility_w);
  limit[1] = static_cast<std::int64_t>(free.size());
  limit[2] = c.supply_blocks;
  limit[5] = in.max_chips == 0 ? kUnlimited : std::max<std::int64_t>(0, (in.max_chips - s.chips) / in.block_chips);
  // A budget above every other limit binds nothing: searching one past their minimum tells them apart.
  const std::int64_t others = std::min({limit[0], limit[1], limit[2], limit[5]});
  const Spent spent = spent_before(lots, d);
  limit[3] = affordable(cost, in.budget.total_usd - spent.total_usd, others + 1);
  limit[4] = affordable(cost, in.budget.per_year_usd - spent.year_usd, others + 1);

  const auto binding = std::min_element(limit.begin(), limit.end());  // the first of the minima
  Order o;
  o.blocks = *binding;
  o.limited_by = kLimitNames[static_cast<std::size_t>(binding - limit.begin())];
  o.slots.assign(free.begin(), free.begin() + o.blocks);
  o.capex_systems_usd = systems_usd(o.blocks);
  o.capex_network_usd = network_usd(o.blocks);
  o.capex_storage_usd = storage_usd(o.blocks);
  o.capex_facility_usd = facility_usd(o.blocks);
  o.it_after_w = s.it_w + static_cast<double>(o.blocks) * gen.it_w;
  return o;
}

std::optional<std::size_t> oldest_installed(const std::vector<Lot>& lots, double t) {
  for (std::size_t i = 0; i < lots.size(); ++i)
    if (installed_at(lots[i], t)) return i;
  return std::nullopt;
}

bool upgrade_pays(const Context& c, std::size_t new_generation, std::size_t old_generation) {
  const double ratio = c.in.refresh.min_gain * c.generations[old_generation].flops_per_watt;
  return c.generations[new_generation].flops_per_watt >= ratio * (1 - kRelTol);
}

// kUpgrade: while the order is held back by power or slots and the newest generation is efficient
// enough, retire the oldest lot at d and recompute the order; keep a retirement only if the order grows
// by at least the retired lot's chips (an upgrade never shrinks the fleet).
Order upgrade(const Context& c, std::vector<Lot>& lots, std::size_t g, double d, double peak_it_w, Order order) {
  while (order.limited_by == "power" || order.limited_by == "slots") {
    const std::optional<std::size_t> oldest = oldest_installed(lots, d);
    if (!oldest || !upgrade_pays(c, g, lots[*oldest].generation)) break;
    Lot& old = lots[*oldest];
    const double planned_retire_s = old.retire_s;
    old.retire_s = d;
    Order grown = size_order(c, lots, g, d, peak_it_w);
    if (grown.blocks - order.blocks < old.blocks()) {  // every lot has block_chips per block
      old.retire_s = planned_retire_s;
      break;
    }
    old.retire_reason = "upgrade";
    order = std::move(grown);
  }
  return order;
}

Lot make_lot(const Context& c, std::size_t g, double t, double d, Order&& o) {
  Lot lot;
  lot.generation = g;
  lot.order_s = t;
  lot.delivery_s = d;
  const double end_of_life_s = d + c.in.roadmap[g].service_life_s;
  if (c.in.refresh.policy != RefreshPolicy::kKeep && end_of_life_s < c.in.horizon_s) {
    lot.retire_s = end_of_life_s;
    lot.retire_reason = "end-of-life";
  }
  lot.slots = std::move(o.slots);
  lot.capex_systems_usd = o.capex_systems_usd;
  lot.capex_network_usd = o.capex_network_usd;
  lot.capex_storage_usd = o.capex_storage_usd;
  lot.capex_facility_usd = o.capex_facility_usd;
  lot.limited_by = std::move(o.limited_by);
  return lot;
}

// The newest generation that can be ordered at t.
std::optional<std::size_t> newest_available(const FleetInput& in, double t) {
  std::optional<std::size_t> g;
  for (std::size_t i = 0; i < in.roadmap.size(); ++i)
    if (in.roadmap[i].available_s <= t) g = i;
  return g;
}

}  // namespace

std::int64_t FleetPlan::chips_installed(double t, std::size_t g) const {
  std::int64_t chips = 0;
  for (const Lot& lot : lots)
    if (lot.generation == g && installed_at(lot, t)) chips += lot.blocks() * block_chips;
  return chips;
}

std::int64_t FleetPlan::chips_installed(double t) const {
  std::int64_t chips = 0;
  for (const Lot& lot : lots)
    if (installed_at(lot, t)) chips += lot.blocks() * block_chips;
  return chips;
}

double block_facility_busy_w(const Generation& g, std::int64_t block_chips, double pue, double infra_w_per_chip) {
  return block_it_busy_w(g.system, block_chips, infra_w_per_chip) * pue;
}

double flops_per_watt(const SystemSpec& s, Precision p) {
  return s.peak_flops_per_s(p) * s.chip.gemm_efficiency.value / s.chip_slot_busy_w();
}

double power_available_w(const FleetInput& in, double t) { return ramp_power_w(in.site_power_w, in.power_ramp, t); }

FleetPlan plan_fleet(const FleetInput& in) {
  validate(in);
  const Context c = make_context(in);
  FleetPlan plan;
  plan.slots_per_hall.assign(static_cast<std::size_t>(c.halls), c.slots_per_hall);
  plan.slots = c.halls * c.slots_per_hall;
  plan.block_chips = in.block_chips;
  double peak_it_w = 0;  // the most busy IT power ever installed: the facility built so far
  for (std::int64_t k = 0;; ++k) {
    const double t = static_cast<double>(k) * c.interval_s;
    const double d = t + in.supply.lead_time_s;
    if (t >= in.horizon_s || d >= in.horizon_s) break;  // lead time is constant: later orders arrive later still
    const std::optional<std::size_t> g = newest_available(in, t);
    if (!g) continue;
    Order o = size_order(c, plan.lots, *g, d, peak_it_w);
    if (in.refresh.policy == RefreshPolicy::kUpgrade) o = upgrade(c, plan.lots, *g, d, peak_it_w, std::move(o));
    if (o.blocks == 0) continue;
    peak_it_w = std::max(peak_it_w, o.it_after_w);
    plan.lots.push_back(make_lot(c, *g, t, d, std::move(o)));
  }
  return plan;
}

}  // namespace gigasim
