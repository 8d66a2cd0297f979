#include "simulation.hpp"

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/calendar.hpp"
#include "models/choice_fleet.hpp"
#include "models/demand.hpp"
#include "models/serving.hpp"
#include "models/model_shapes.hpp"
#include "models/planner.hpp"
#include "models/power.hpp"
#include "models/power_cap.hpp"
#include "models/platform_layout.hpp"
#include "models/reliability.hpp"
#include "models/scheduler.hpp"
#include "models/step_model.hpp"
#include "models/topology.hpp"
#include "models/units.hpp"
#include "models/workload.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/job_trace_source.hpp"
#include "sim/io/platform_xml.hpp"

namespace sg4 = simgrid::s4u;

namespace gigasim::sim {
namespace {

// A job advances in chunks of at most this much simulated time; the chunk is the unit of execution (one
// SimGrid exec per block plus its reduction traffic), never a training step. A chunk also ends at a
// failure, a preemption or the job's end.
constexpr double kChunkDurationS = units::kSecondsPerDay;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxRunJobs = 10'000'000;
// Actor stacks: 256 KiB is four times what the deepest path needs (the scheduler running the planner;
// the benchmark also runs with 64 KiB), and SimGrid's guard page stays on, so an overflow faults instead
// of corrupting memory. (Actor::set_stacksize crashed in SimGrid 3.32 here; one size for every actor
// avoids it.)
#if defined(__SANITIZE_ADDRESS__)
constexpr int kStackKiB = 1024;  // AddressSanitizer's redzones need room
#else
constexpr int kStackKiB = 256;
#endif

// One generation's installed chips, as the scheduler sees them, and its hot spares.
struct Pool {
  std::int64_t installed = 0;  // chips delivered and not retired
  std::int64_t held = 0;  // held by jobs
  std::int64_t spare_chips = 0;  // held back as hot spares (not offered to jobs)
  std::int64_t spare_unit_chips = 0;  // chips one hardware repair swaps (reliability.hpp)
  // When each spare system is ready (a min-heap): a failed system goes to repair and comes back a spare.
  std::priority_queue<double, std::vector<double>, std::greater<>> spare_ready_s;
  std::int64_t schedulable() const { return std::max<std::int64_t>(0, installed - spare_chips); }
  std::int64_t free() const { return std::max<std::int64_t>(0, installed - spare_chips - held); }
};

// Block slots (one SimGrid host each): which generation each holds (-1: empty), and free chips per slot.
class Fleet {
 public:
  using Slice = Topology::Slice;
  Fleet(std::vector<sg4::Host*> hosts, const PlatformLayout& layout, const Topology& topology, bool topology_placement)
      : hosts_(std::move(hosts)), layout_(layout), topology_(topology), topology_placement_(topology_placement), gen_(hosts_.size(), -1),
        free_(hosts_.size(), 0), closing_(hosts_.size(), false), pools_(layout.generations.size()) {}

  sg4::Host* host(std::int64_t slot) const { return hosts_[static_cast<std::size_t>(slot)]; }
  int generation(std::int64_t slot) const { return gen_[static_cast<std::size_t>(slot)]; }
  std::vector<Pool>& pools() { return pools_; }
  const std::vector<Pool>& pools() const { return pools_; }

  void deliver(std::int64_t slot, int g, double now_s) {
    accumulate(now_s);
    gen_[static_cast<std::size_t>(slot)] = g;
    free_[static_cast<std::size_t>(slot)] = layout_.block_chips;
    pools_[static_cast<std::size_t>(g)].installed += layout_.block_chips;
  }
  // First step of a retirement: the slot leaves its pool (its chips are no longer installed) and is never
  // allocated again, while the jobs on it are stopped. Stopping a job cancels its activities, a simcall,
  // so other actors (the scheduler, serving) may run before the retirement ends: they must not take
  // the slot's freed chips meanwhile.
  void close(std::int64_t slot, double now_s) {
    accumulate(now_s);
    const auto s = static_cast<std::size_t>(slot);
    if (closing_[s]) return;
    closing_[s] = true;
    pools_[static_cast<std::size_t>(gen_[s])].installed -= layout_.block_chips;
  }
  // The slot must hold no job.
  void retire(std::int64_t slot, double now_s) {
    close(slot, now_s);
    const auto s = static_cast<std::size_t>(slot);
    if (free_[s] != layout_.block_chips) throw std::logic_error("retire: a job still holds chips of the block");
    gen_[s] = -1;
    free_[s] = 0;
    closing_[s] = false;
  }

  // `chips` free chips of pool g: the nearest on the fabric (models/topology), or the lowest slots first.
  // `packed`: lowest slots first even with topology placement (inference replicas stay inside a block).
  std::vector<Slice> allocate(int g, std::int64_t chips, double now_s, bool packed = false) {
    accumulate(now_s);
    std::vector<Slice> picked;
    if (topology_placement_ && !packed) {
      std::vector<std::int64_t> masked(free_.size(), 0);
      for (std::size_t s = 0; s < free_.size(); ++s)
        if (gen_[s] == g && !closing_[s]) masked[s] = free_[s];
      picked = topology_.nearby_free_chips(masked, chips);
    } else {
      std::int64_t left = chips;
      for (std::size_t s = 0; s < free_.size() && left > 0; ++s)
        if (gen_[s] == g && free_[s] > 0 && !closing_[s]) {
          const std::int64_t take = std::min(left, free_[s]);
          picked.push_back({static_cast<std::int64_t>(s), take});
          left -= take;
        }
    }
    std::int64_t got = 0;
    for (const Slice& sl : picked) {
      auto& f = free_[static_cast<std::size_t>(sl.block)];
      if (sl.chips <= 0 || sl.chips > f || gen_[static_cast<std::size_t>(sl.block)] != g || closing_[static_cast<std::size_t>(sl.block)])
        throw std::logic_error("allocate: chips allocated twice, beyond what is installed, or of another generation");
      f -= sl.chips;
      got += sl.chips;
    }
    if (got != chips) throw std::logic_error("allocate: fewer free chips than the scheduler counted");
    pools_[static_cast<std::size_t>(g)].held += chips;
    return picked;
  }

  void release(int g, const std::vector<Slice>& slices, double now_s) {
    accumulate(now_s);
    std::int64_t n = 0;
    for (const Slice& sl : slices) {
      auto& f = free_[static_cast<std::size_t>(sl.block)];
      f += sl.chips;
      n += sl.chips;
      if (f > layout_.block_chips) throw std::logic_error("release: more chips freed than the block has");
    }
    pools_[static_cast<std::size_t>(g)].held -= n;
  }

  bool all_free(const std::vector<std::int64_t>& slots) const {
    for (auto slot : slots)
      if (free_[static_cast<std::size_t>(slot)] != layout_.block_chips) return false;
    return true;
  }

  double allocated_chip_seconds(double now_s) {
    accumulate(now_s);
    return allocated_chip_s_;
  }
  double installed_chip_seconds(double now_s) {
    accumulate(now_s);
    return installed_chip_s_;
  }

  double total_energy_j() const {
    double e = 0;
    for (auto* h : hosts_) e += sg_host_get_consumed_energy(h);
    return e;
  }

 private:
  void accumulate(double now_s) {
    std::int64_t held = 0, installed = 0;
    for (const auto& p : pools_) held += p.held, installed += p.installed;
    allocated_chip_s_ += static_cast<double>(held) * (now_s - last_s_);
    installed_chip_s_ += static_cast<double>(installed) * (now_s - last_s_);
    last_s_ = now_s;
  }
  std::vector<sg4::Host*> hosts_;
  const PlatformLayout& layout_;
  const Topology& topology_;
  bool topology_placement_;
  std::vector<int> gen_;
  std::vector<std::int64_t> free_;
  std::vector<bool> closing_;  // being retired (Fleet::close)
  std::vector<Pool> pools_;
  double allocated_chip_s_ = 0, installed_chip_s_ = 0, last_s_ = 0;
};

// How a job runs on one generation: the time of one unit of work (a training step, or a second of the
// trace's reference chip) and the gradient bytes each chip sends between systems per unit.
struct PoolRate {
  bool runs = false;
  double unit_s = 0;
  double scale_out_bytes_per_chip = 0;
  std::string layout;
  double mfu = 0;
  double activity = 1;  // power: idle + (busy - idle) x activity while it computes (models/power)
};

enum class JobState { kWaiting, kRunning, kDone };

// Where a chunk stands at some time (Simulation::chunk_point).
struct ChunkPoint {
  double position_s = 0;  // in the chunk's work (base time)
  std::size_t failures = 0;  // that have happened
  double lost_s = 0;  // their lost work
  double downtime_s = 0;  // their downtime so far
};

// A failure inside a chunk, drawn when the chunk starts.
struct ChunkFailure {
  double busy_offset_s = 0;  // running time into the chunk when it happens
  double lost_s = 0;  // work since the last checkpoint, redone
  double downtime_s = 0;  // waiting for a spare (if it needs a repair) and restarting
  bool repair = false;
};

// SplitMix64 (Steele, Lea and Flood 2014): 8 bytes of state per job, where std::mt19937_64 takes 2.5 KB.
struct SplitMix64 {
  using result_type = std::uint64_t;
  std::uint64_t state = 0;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

struct Job {
  std::size_t id = 0;  // index into Simulation::jobs_
  JobArrival arrival;
  std::size_t record = 0;  // index into result.jobs
  JobState state = JobState::kWaiting;
  bool sized = true;  // false: a frontier run not yet sized to the fleet
  double units_total = 0;  // steps (training) or reference chip-seconds per chip (trace)
  double units_done = 0;
  double tokens_per_unit = 0;
  double model_flops_per_token = 0;
  std::vector<PoolRate> rates;  // per generation (filled on demand)
  std::vector<bool> rated;
  // While running:
  int pool = -1;
  std::vector<Topology::Slice> slices;
  std::uint64_t epoch = 0;  // bumped when a run ends, so a stale actor knows to stop
  double energy_at_start_j = 0;
  double interval_s = kInf;  // useful work between checkpoints
  double checkpoint_s = 0;  // time to write one
  // The current chunk: its units of work, the time they take with checkpoints (base), the running
  // time with the work its failures make it redo (busy), and the time it then waits (downtime).
  double chunk_start_s = 0, chunk_units = 0, chunk_base_s = 0, chunk_busy_s = 0, chunk_downtime_s = 0;
  double chunk_busy_end_s = -1;  // when its activities finished (it is then in its downtime); -1 before
  std::vector<ChunkFailure> chunk_failures;
  std::vector<sg4::ActivityPtr> activities;
  std::vector<double> activity_amounts;
  SplitMix64 failure_rng;
  double useful_chip_s = 0;  // credited
  // While the chunk's executions run, the chips draw less than the plugin's busy power (activity < 1):
  // adjust_w (<= 0) over [adjust_from_s, adjust_to_s), booked when superseded (Simulation::book_adjust).
  double adjust_w = 0, adjust_from_s = 0, adjust_to_s = 0;
  double dyn_w = 0;  // while running: its chips' power above idle at full speed (activity x (busy - idle) x chips)
  bool restart_pending = false;  // pay restart_s when it next starts (after a preemption)
  bool stopping = false;  // inside stop_run (which other actors may interleave with)

  std::int64_t chips() const { return arrival.chips; }
  bool training() const { return arrival.kind != JobKind::kTrace; }
};

std::string layout_name(const ParallelLayout& l) {
  return fmt::format("tp{}-pp{}-dp{}-ep{}-mb{}-v{}-{}{}", l.tp, l.pp, l.dp, l.ep, l.micro_batch, l.pp_interleave, to_string(l.recompute),
                     l.sequence_parallel ? "-sp" : "");
}

class Simulation {
 public:
  Simulation(const Scenario& scenario, const HardwareChoice& choice, const PlatformLayout& layout, const FleetPlan& plan, const Topology& topology,
             io::ChoiceResult& result, std::vector<sg4::Host*> hosts, sg4::Host* controller, const SimulationOptions& options)
      : scenario_(scenario), choice_(choice), layout_(layout), plan_(plan), result_(result),
        fleet_(std::move(hosts), layout, topology, scenario.scheduler.placement == "topology"), controller_(controller), options_(options),
        policy_(make_policy(scenario.scheduler.policy)) {
    if (!policy_) throw std::logic_error("unknown scheduling policy (the loader should have refused it)");
    for (std::size_t g = 0; g < layout.generations.size(); ++g)
      fleet_.pools()[g].spare_unit_chips = spare_unit_chips(scenario.reliability, choice.roadmap[g].system.chips);
    std::vector<std::unique_ptr<JobSource>> sources;
    sources.push_back(explicit_jobs(scenario.workload.pretraining));
    if (scenario.workload.frontier) sources.push_back(frontier_source(*scenario.workload.frontier));
    for (const auto& c : scenario.workload.job_classes) sources.push_back(job_class_source(c, scenario.seed));
    for (const auto& t : scenario.workload.job_traces) sources.push_back(io::job_trace_source(t, scenario.horizon_s));
    source_ = merge_sources(std::move(sources));
    // The most chips of one generation the plan ever has in service, less its spares.
    for (std::size_t g = 0; g < layout.generations.size(); ++g) {
      if (choice.roadmap[g].use == GenerationUse::kServing) continue;  // training never runs there
      std::int64_t peak = 0;
      for (const Lot& lot : plan.lots)
        if (lot.generation == g) peak = std::max(peak, plan.chips_installed(lot.delivery_s, g));
      const std::int64_t unit = fleet_.pools()[g].spare_unit_chips;
      max_schedulable_ = std::max(max_schedulable_, peak - spare_units(scenario.reliability, peak, unit) * unit);
    }
    result_.generations.resize(layout.generations.size());
    for (std::size_t g = 0; g < layout.generations.size(); ++g) result_.generations[g] = layout.generations[g].system_id;
    init_serving();
    infra_w_per_chip_ = scenario.site.infra_w_per_chip();
    start_date_ = *parse_iso_date(scenario.start_date);
    lot_on_.assign(plan.lots.size(), false);
    if (capped()) check_power_floor();
  }

  void start() {
    sg4::Actor::create("fleet", controller_, [this] { fleet_events(); });
    sg4::Actor::create("submitter", controller_, [this] { submitter(); });
    sg4::Actor::create("meter", controller_, [this] { meter(); });
    // Job actors only run chunks and book results; scheduling (the policy, the planner for frontier
    // runs) happens in this actor, woken by request_schedule(), or in the fleet and submitter actors.
    sg4::Actor::create("scheduler", controller_, [this] { scheduler(); });
    if (scenario_.inference.enabled()) sg4::Actor::create("serving", controller_, [this] { serving(); });
    if (scenario_.site.electricity.kind == ElectricityPrice::Kind::kTimeOfUse) sg4::Actor::create("tariff", controller_, [this] { tariff(); });
    if (capped()) sg4::Actor::create("power-cap", controller_, [this] { power_cap_actor(); });
  }

 private:
  // --- Fleet: deliveries and retirements from the plan ----------------------------------------------
  void fleet_events() {
    // Every slot starts empty (off, 0 W). Turning hosts off must happen inside the simulation for the
    // energy plugin to account for it.
    for (std::int64_t s = 0; s < layout_.hosts; ++s) fleet_.host(s)->turn_off();
    struct Event {
      double t;
      bool deliver;
      std::size_t lot;
    };
    std::vector<Event> events;
    for (std::size_t i = 0; i < plan_.lots.size(); ++i) {
      events.push_back({plan_.lots[i].delivery_s, true, i});
      if (plan_.lots[i].retire_s < scenario_.horizon_s) events.push_back({plan_.lots[i].retire_s, false, i});
    }
    // Retirements before deliveries at the same time (the plan frees power and slots first).
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t || (a.t == b.t && !a.deliver && b.deliver); });
    // The serving actor's first step waits for what is delivered at time 0.
    bool ready = false;
    auto fleet_ready = [&] {
      if (!ready) ready = true, fleet_ready_->release();
    };
    for (const Event& e : events) {
      if (e.t > 0) fleet_ready();
      if (e.t >= scenario_.horizon_s) break;
      sg4::this_actor::sleep_until(e.t);
      const Lot& lot = plan_.lots[e.lot];
      const double now = sg4::Engine::get_clock();
      if (e.deliver) {
        const auto g = static_cast<int>(lot.generation);
        for (auto slot : lot.slots) {
          sg4::Host* h = fleet_.host(slot);
          h->set_pstate(power_state(lot.generation, level_));
          h->turn_on();
          set_uplink(slot, layout_.generations[lot.generation].uplink_bandwidth_bytes_per_s);
          fleet_.deliver(slot, g, now);
        }
        settle_bound(now);
        floor_w_ += lot_floor_w(lot);
        lot_on_[e.lot] = true;
        ++result_.lots_delivered;
        enforce_cap(now);
      } else {
        retire_lot(lot, now);
        settle_bound(now);
        floor_w_ -= lot_floor_w(lot);
        lot_on_[e.lot] = false;
        ++result_.lots_retired;
        enforce_cap(now);  // less idle power: the throttle level may rise
      }
      update_spares(now);
      ++fleet_version_;
      schedule();
    }
    fleet_ready();
  }

  // A block's link to its hall spine carries its own generation's bandwidth.
  void set_uplink(std::int64_t slot, double bw) {
    if (bw == layout_.uplink_bandwidth_bytes_per_s || layout_.halls.empty()) return;
    const auto& hall = layout_.halls[layout_.hall_of(slot)];
    for (const char* dir : {"UP", "DOWN"}) {
      sg4::Link* l = sg4::Engine::get_instance()->link_by_name_or_null(fmt::format("{}_link_{}_{}", hall.id, slot, dir));
      if (l) l->set_bandwidth(bw);
    }
  }

  void retire_lot(const Lot& lot, double now) {
    std::vector<bool> retiring(static_cast<std::size_t>(layout_.hosts), false);
    for (auto s : lot.slots) retiring[static_cast<std::size_t>(s)] = true;
    for (auto s : lot.slots) fleet_.close(s, now);
    for (std::size_t id : running_copy()) {
      Job& job = jobs_[id];
      bool hit = false;
      for (const auto& sl : job.slices) hit = hit || retiring[static_cast<std::size_t>(sl.block)];
      if (hit) stop_run(job, now);  // does nothing to a job another actor is stopping
    }
    release_serving_on(retiring, now);
    // A job another actor was stopping (or its worker finishing) at this instant gives its chips back
    // when that actor resumes: let it.
    while (!fleet_.all_free(lot.slots)) sg4::this_actor::yield();
    for (auto slot : lot.slots) {
      fleet_.retire(slot, now);
      fleet_.host(slot)->turn_off();
    }
  }

  // Spares: floor(spare_fraction x installed repair units) per generation, ready now when added; the last
  // ones to be ready are dropped when the pool shrinks.
  void update_spares(double now) {
    const ReliabilitySpec& r = scenario_.reliability;
    for (auto& p : fleet_.pools()) {
      const std::int64_t want = spare_units(r, p.installed, p.spare_unit_chips);
      std::vector<double> ready;
      while (!p.spare_ready_s.empty()) ready.push_back(p.spare_ready_s.top()), p.spare_ready_s.pop();
      while (static_cast<std::int64_t>(ready.size()) < want) ready.push_back(now);
      std::sort(ready.begin(), ready.end());
      ready.resize(static_cast<std::size_t>(want));
      for (double t : ready) p.spare_ready_s.push(t);
      p.spare_chips = want * p.spare_unit_chips;
    }
  }

  // --- Arrivals -------------------------------------------------------------------------------------
  void submitter() {
    JobArrival a;
    for (;;) {
      // The loader read every trace once already; a trace that changed since is still bad input, not a crash.
      try {
        if (!source_->next(a)) break;
      } catch (const io::InputError& e) {
        input_error_ = e.what();
        sg4::Actor::kill_all();
        return;
      }
      if (jobs_.size() >= kMaxRunJobs) {
        input_error_ = fmt::format("{}: the workload brings more than {} jobs within the horizon (each keeps a record of ~300 bytes): lower "
                                   "job_classes' arrivals_per_day or job_traces' rate_scale", scenario_.file.string(), kMaxRunJobs);
        sg4::Actor::kill_all();
        return;
      }
      if (a.submit_s >= scenario_.horizon_s) break;
      sg4::this_actor::sleep_until(a.submit_s);
      add_job(std::move(a));
      schedule();
    }
  }

  void add_job(JobArrival a) {
    Job& job = jobs_.emplace_back();
    job.id = jobs_.size() - 1;
    job.arrival = std::move(a);
    job.record = result_.jobs.size();
    io::JobRecord rec;
    rec.name = job.arrival.name;
    rec.kind = std::string(to_string(job.arrival.kind));
    rec.submit_s = job.arrival.submit_s;
    rec.priority = job.arrival.priority;
    job.rates.resize(layout_.generations.size());
    job.rated.resize(layout_.generations.size(), false);
    job.failure_rng.state = stream_seed(scenario_.seed, "failures/" + job.arrival.name);
    if (job.arrival.kind == JobKind::kFrontier) {
      job.sized = false;
    } else {
      init_work(job);
    }
    rec.chips = job.chips();
    rec.tokens_target = job.training() ? job.arrival.training.tokens : 0.0;
    result_.jobs.push_back(rec);
    if (job.sized && (!runs_anywhere(job) || job.chips() > max_schedulable_)) {
      // No layout fits on any generation of the roadmap, or it asks for more chips than the plan ever
      // installs of one generation (less spares): it would wait forever. Recorded, never queued.
      result_.jobs.back().rejected = true;
      ++result_.jobs_rejected;
      job.state = JobState::kDone;
      release_state(job);
      return;
    }
    waiting_.push_back(job.id);
    if (job.sized || size_frontier(job)) enqueue_view(job);
  }

  void init_work(Job& job) {
    init_units(job);
    job.interval_s = interval_for(job);
    job.checkpoint_s = checkpoint_for(job);
  }

  void init_units(Job& job) {
    if (job.training()) {
      const auto& t = job.arrival.training;
      job.arrival.chips = t.chips;
      job.tokens_per_unit = static_cast<double>(t.global_batch_sequences * t.model.seq_len);
      job.units_total = std::ceil(t.tokens / job.tokens_per_unit - 1e-9);
      job.model_flops_per_token = 3.0 * token_flops(t.model).model_forward;
    } else {
      job.units_total = job.arrival.reference_chip_s / static_cast<double>(job.arrival.chips);
    }
  }

  // The planner's best layout for `spec` on generation g, cached (generated jobs repeat a few shapes):
  // the key is everything training_workload and hardware_from_catalog read.
  struct PlanKey {
    std::size_t generation;
    TransformerSpec model;
    std::int64_t chips;
    std::int64_t global_batch_sequences;
    Precision precision;
    auto operator<=>(const PlanKey&) const = default;
  };

  const PlanResult& plan_for(const PretrainingJobSpec& spec, std::size_t g) {
    const PlanKey key{g, spec.model, spec.chips, spec.global_batch_sequences, spec.precision};
    auto it = plans_.find(key);
    if (it == plans_.end())
      it = plans_.emplace(key, plan_layout(training_workload(spec), hardware_from_catalog(choice_.roadmap[g].system, spec.chips))).first;
    return it->second;
  }

  bool trains_on(std::size_t g) const { return choice_.roadmap[g].use != GenerationUse::kServing; }
  bool serves_on(std::size_t g) const { return choice_.roadmap[g].use != GenerationUse::kTraining; }

  const PoolRate& rate(Job& job, std::size_t g) {
    if (job.rated[g]) return job.rates[g];
    PoolRate& r = job.rates[g];
    if (!trains_on(g)) {
      // a serving-only track's generation: r.runs stays false
    } else if (job.training()) {
      const PlanResult& p = plan_for(job.arrival.training, g);
      if (p.found) {
        r.runs = true;
        r.unit_s = p.estimate.step_time_s;
        r.scale_out_bytes_per_chip = p.estimate.dp_scale_out_bytes_per_chip;
        r.layout = layout_name(p.layout);
        r.mfu = p.estimate.mfu;
        r.activity = training_activity(p.estimate.breakdown);
      }
    } else {
      const SystemSpec& ref = trace_reference(job);
      const double ref_speed = ref.peak_flops_per_s(Precision::kBf16) * ref.chip.gemm_efficiency.value;
      r.runs = true;
      r.unit_s = ref_speed / layout_.generations[g].core_speed_flops_per_s;
      r.layout = "trace";
      r.activity = kTraceJobActivity;
    }
    job.rated[g] = true;
    return r;
  }

  const SystemSpec& trace_reference(const Job& job) const {
    for (const auto& t : scenario_.workload.job_traces)
      if (t.name == job.arrival.source) return t.reference;
    throw std::logic_error("trace job from an unknown trace");
  }

  // A frontier run is sized when a generation has room for it: its compute bounded by fleet_fraction of
  // the chips of the generation with the most compute, over max_duration at the MFU the planner predicts. Chips come in
  // 8 systems x a power of two, and the global batch grows to at least one sequence per 8 chips (a power
  // of two), so data parallelism divides it at any size.
  bool size_frontier(Job& job) {
    const FrontierSeries& f = *scenario_.workload.frontier;
    // The generation with the most sustained compute whose fleet_fraction holds at least one grain.
    int g = -1;
    double best = 0;
    for (std::size_t i = 0; i < fleet_.pools().size(); ++i) {
      const auto cap_i = f.fleet_fraction * static_cast<double>(training_schedulable(i));
      const double compute = cap_i * layout_.generations[i].core_speed_flops_per_s;
      if (cap_i >= static_cast<double>(choice_.roadmap[i].system.chips * 8) && compute > best) best = compute, g = static_cast<int>(i);
    }
    if (g < 0) return false;
    const auto gi = static_cast<std::size_t>(g);
    const SystemSpec& sys = choice_.roadmap[gi].system;
    const std::int64_t grain = sys.chips * 8;
    const auto cap = static_cast<std::int64_t>(f.fleet_fraction * static_cast<double>(training_schedulable(gi)));
    auto pow2_chips = [&](double at_most) {
      std::int64_t c = grain;
      while (static_cast<double>(c) * 2 <= at_most) c *= 2;
      return c;
    };
    auto batch_for = [&](std::int64_t chips) {
      std::int64_t b = 1;
      while (b < chips / 8) b *= 2;
      return std::max(f.global_batch_sequences, b);
    };
    PretrainingJobSpec& t = job.arrival.training;
    std::int64_t chips = pow2_chips(static_cast<double>(cap));
    // The MFU at this size, from a first guess of the model (compute at 40% MFU over max_duration).
    const double guess_flops =
        std::min(job.arrival.frontier_flops, static_cast<double>(chips) * sys.peak_flops_per_s(t.precision) * 0.4 * f.max_duration_s);
    t.model = standard_shape(std::sqrt(guess_flops / (6.0 * f.tokens_per_param)), f.seq_len, kDefaultVocab);
    t.chips = chips;
    t.global_batch_sequences = batch_for(chips);
    const PlanResult& p = plan_for(t, gi);
    if (!p.found) return false;
    const double chip_rate = p.estimate.mfu * sys.peak_flops_per_s(t.precision);
    const FrontierSize z = size_frontier_run(f, job.arrival.frontier_flops, static_cast<double>(chips), chip_rate);
    // Fewer chips when the asked compute finishes within max_duration on fewer.
    chips = std::min(chips, pow2_chips(std::max(static_cast<double>(grain), z.flops / (chip_rate * f.max_duration_s)) * 2 - 1));
    t.model = standard_shape(z.params, f.seq_len, kDefaultVocab);
    t.params = count_params(t.model).total;
    t.chips = chips;
    t.global_batch_sequences = batch_for(chips);
    t.tokens = std::max(static_cast<double>(t.global_batch_sequences * f.seq_len), std::round(z.tokens));
    if (!plan_for(t, gi).found) return false;
    job.sized = true;
    init_work(job);
    io::JobRecord& rec = result_.jobs[job.record];
    rec.chips = t.chips;
    rec.tokens_target = t.tokens;
    return true;
  }

  // --- Scheduling -----------------------------------------------------------------------------------
  std::vector<std::size_t> running_copy() const { return std::vector<std::size_t>(running_.begin(), running_.end()); }

  double remaining_run_s(Job& job, std::size_t g) {
    const PoolRate& r = rate(job, g);
    if (!r.runs) return kInf;
    const double useful = (job.units_total - job.units_done) * r.unit_s;
    return std::isinf(job.interval_s) ? useful : useful * (1 + job.checkpoint_s / job.interval_s);
  }

  // Job runs are carried by a pool of worker actors, created as needed and reused, instead of an actor
  // per run: ten years bring ~100,000 runs, and a new actor costs a stack and its guard page.
  struct Worker {
    sg4::SemaphorePtr wakeup = sg4::Semaphore::create(0);
    Job* job = nullptr;
    std::uint64_t epoch = 0;
  };

  void assign_worker(Job& job, std::uint64_t epoch) {
    if (idle_workers_.empty()) {
      workers_.push_back(std::make_unique<Worker>());
      Worker* w = workers_.back().get();
      sg4::Actor::create(fmt::format("worker-{}", workers_.size() - 1), controller_, [this, w] { work(*w); });
      idle_workers_.push_back(w);
    }
    Worker* w = idle_workers_.back();
    idle_workers_.pop_back();
    w->job = &job;
    w->epoch = epoch;
    w->wakeup->release();
  }

  void work(Worker& w) {
    for (;;) {
      w.wakeup->acquire();
      run(*w.job, w.epoch);
      w.job = nullptr;
      idle_workers_.push_back(&w);
    }
  }

  // A job actor that frees chips asks the scheduler actor to run (at the same simulated time).
  void request_schedule() {
    if (schedule_requested_) return;
    schedule_requested_ = true;
    schedule_wakeup_->release();
  }

  void scheduler() {
    for (;;) {
      schedule_wakeup_->acquire();
      schedule_requested_ = false;
      schedule();
    }
  }

  bool runs_anywhere(Job& job) {
    for (std::size_t g = 0; g < fleet_.pools().size(); ++g)
      if (rate(job, g).runs) return true;
    return false;
  }

  bool waits_before(std::size_t a, std::size_t b) const {
    return jobs_[a].arrival.submit_s < jobs_[b].arrival.submit_s || (jobs_[a].arrival.submit_s == jobs_[b].arrival.submit_s && a < b);
  }

  void enqueue_view(Job& job) {
    QueuedJobView q{job.id, job.chips(), job.arrival.priority, job.arrival.submit_s, {}};
    for (std::size_t g = 0; g < fleet_.pools().size(); ++g) q.run_s_by_pool.push_back(remaining_run_s(job, g));
    const auto pos = std::lower_bound(queue_view_.begin(), queue_view_.end(), job.id,
                                      [this](const QueuedJobView& v, std::size_t id) { return waits_before(v.id, id); });
    queue_view_.insert(pos, std::move(q));
  }

  void dequeue_view(const Job& job) {
    const auto pos = std::lower_bound(queue_view_.begin(), queue_view_.end(), job.id,
                                      [this](const QueuedJobView& v, std::size_t id) { return waits_before(v.id, id); });
    if (pos == queue_view_.end() || pos->id != job.id) throw std::logic_error("a started job was not in the queue's view");
    queue_view_.erase(pos);
  }

  void schedule() {
    if (in_schedule_) return;
    // A serving step that stopped runs is waiting for their cancels (simcalls): let it finish first, then
    // decide with the pools it leaves.
    // Before serving's first step, nothing starts: serving takes its chips first (else jobs started at
    // time 0 would be preempted at time 0).
    if (serving_busy_ || (scenario_.inference.enabled() && !serving_started_)) {
      schedule_deferred_ = true;
      return;
    }
    in_schedule_ = true;
    const double now = sg4::Engine::get_clock();
    // Size the frontier runs still waiting for room, once per change of the fleet.
    if (fleet_version_ != sized_at_version_) {
      sized_at_version_ = fleet_version_;
      for (std::size_t id : waiting_) {
        Job& job = jobs_[id];
        if (!job.sized && size_frontier(job)) enqueue_view(job);
      }
    }
    std::vector<PoolView> pools;
    for (std::size_t g = 0; g < fleet_.pools().size(); ++g) {
      // Training sees what serving leaves it: its reservation (partition) or what it holds (inference-first).
      const Pool& p = fleet_.pools()[g];
      const std::int64_t training_held = p.held - serving_held(g);
      const std::int64_t installed = trains_on(g) ? std::max<std::int64_t>(0, p.schedulable() - serving_reserved(g)) : 0;
      pools.push_back({installed, std::max<std::int64_t>(0, std::min(p.free(), installed - training_held))});
    }
    // The queue's view is kept up to date as jobs arrive, start and return (queue_view_).
    std::vector<RunningJobView> running;
    for (std::size_t id : running_) {
      const Job& job = jobs_[id];
      running.push_back({id, static_cast<std::size_t>(job.pool), job.chips(), job.arrival.priority, job.arrival.preemptible,
                         result_.jobs[job.record].start_s, expected_end(id)});
    }
    const Decisions d = policy_->decide({now, pools, queue_view_, running});
    for (std::size_t id : d.preempt) stop_run(jobs_[id], now);
    bool retry = false;
    for (const StartDecision& s : d.start) {
      // A preemption the policy counted on may still be in another actor's hands (stop_run): retry later.
      if (fleet_.pools()[s.pool].free() < jobs_[s.job].chips()) {
        retry = true;
        continue;
      }
      if (!power_admits(job_dyn_w(jobs_[s.job], s.pool), now)) {
        ++month_.power_deferred_starts;  // it waits for power: a run ending or the cap rising schedules again
        continue;
      }
      start_run(jobs_[s.job], static_cast<int>(s.pool), now);
      enforce_cap(now);
    }
    in_schedule_ = false;
    enforce_cap(now);  // runs that ended or were stopped may let the throttle level rise
    if (retry) request_schedule();
  }

  double expected_end(std::size_t id) {
    Job& job = jobs_[id];
    return sg4::Engine::get_clock() + remaining_run_s(job, static_cast<std::size_t>(job.pool));
  }

  void start_run(Job& job, int g, double now) {
    job.slices = fleet_.allocate(g, job.chips(), now);
    job.pool = g;
    job.state = JobState::kRunning;
    waiting_.erase(std::lower_bound(waiting_.begin(), waiting_.end(), job.id, [this](std::size_t a, std::size_t b) { return waits_before(a, b); }));
    dequeue_view(job);
    running_.push_back(job.id);
    io::JobRecord& rec = result_.jobs[job.record];
    if (rec.start_s < 0) {
      rec.start_s = now;
      month_.jobs_started += 1;
      month_.queue_wait_s += now - rec.submit_s;
    }
    const PoolRate& r = rate(job, static_cast<std::size_t>(g));
    rec.system = layout_.generations[static_cast<std::size_t>(g)].system_id;
    rec.layout = r.layout;
    rec.step_time_s = r.unit_s;
    rec.mfu = r.mfu;
    rec.blocks = std::max<std::int64_t>(rec.blocks, static_cast<std::int64_t>(job.slices.size()));
    job.energy_at_start_j = job_energy(job);
    settle_bound(now);
    job.dyn_w = job_dyn_w(job, static_cast<std::size_t>(g));
    train_dyn_w_ += job.dyn_w;
    train_chips_ += static_cast<double>(job.chips());
    const std::uint64_t epoch = ++job.epoch;
    assign_worker(job, epoch);
  }

  double interval_for(const Job& job) const {
    const ReliabilitySpec& r = scenario_.reliability;
    if (!r.enabled) return kInf;
    // A trace job has no model to size a checkpoint: it saves every checkpoint_interval_s if the scenario
    // fixes one, else every hour, at no cost (models/reliability.hpp: kTraceCheckpointIntervalS).
    if (!job.training()) return r.checkpoint_interval_s > 0 ? r.checkpoint_interval_s : kTraceCheckpointIntervalS;
    return checkpoint_interval_s(r, job.arrival.training.params, static_cast<double>(job.chips()));
  }
  double checkpoint_for(const Job& job) const {
    if (!scenario_.reliability.enabled || !job.training()) return 0.0;
    return checkpoint_write_s(scenario_.reliability, job.arrival.training.params);
  }

  // The job's share of the IT energy of the blocks it uses: each block's energy times the fraction of
  // the block's chips the job holds (exact when the job holds whole blocks).
  double job_energy(const Job& job) const {
    double e = 0;
    for (const auto& sl : job.slices)
      e += sg_host_get_consumed_energy(fleet_.host(sl.block)) * static_cast<double>(sl.chips) / static_cast<double>(layout_.block_chips);
    return e;
  }

  // Progress of the current chunk in [0, 1]: the least advanced of its activities.
  double chunk_progress(const Job& job) const {
    if (job.activities.empty()) return 0.0;
    double progress = 1.0;
    for (std::size_t i = 0; i < job.activities.size(); ++i) {
      const auto& a = job.activities[i];
      double done = 1.0;
      if (a->get_state() != sg4::Activity::State::FINISHED) {
        // An exec of k threads counts k x its flops in get_remaining(): use its ratio. A comm counts bytes.
        const auto* exec = dynamic_cast<const sg4::Exec*>(a.get());
        done = exec ? 1.0 - exec->get_remaining_ratio() : 1.0 - a->get_remaining() / job.activity_amounts[i];
      }
      progress = std::min(progress, std::clamp(done, 0.0, 1.0));
    }
    return progress;
  }

  // Whole units of work the current chunk has done so far (a stopped job checkpoints them first).
  double done_units(const Job& job) const {
    if (job.chunk_units <= 0) return 0.0;
    return std::min(job.chunk_units, std::floor(chunk_point(job).position_s / job.chunk_base_s * job.chunk_units + 1e-9));
  }

  // Ends the job's current run early, for a preemption by the scheduler or a retirement of its blocks:
  // it checkpoints its whole steps and yields (failures do not stop a run: see draw_failures). Frees its
  // chips and requeues it; it pays restart_s when it starts again.
  //
  // Reading the chunk's progress and cancelling its activities are simcalls: other actors may run in the
  // middle (the scheduler, serving, the fleet, the job's own worker). So the job is marked stopping and its
  // epoch bumped first (they leave it alone, and its worker returns at its next check), and the activities
  // are cancelled last, once the books are closed.
  void stop_run(Job& job, double now) {
    if (job.state != JobState::kRunning || job.stopping) return;
    job.stopping = true;
    ++job.epoch;  // the job's actor, wherever it waits, stops when it wakes
    remove_dyn(job, now);
    const double saved = done_units(job);
    if (job.chunk_units > 0) {
      const ChunkPoint c = chunk_point(job);
      record_failures(job, c);
      // The work of this chunk not saved: what it ran since the start of the chunk, less what it keeps.
      const double unit_s = job.rates[static_cast<std::size_t>(job.pool)].unit_s;
      const double kept_s = saved * unit_s * job.chunk_base_s / (job.chunk_units * unit_s);
      result_.jobs[job.record].lost_chip_s += std::max(0.0, c.position_s - kept_s) * static_cast<double>(job.chips());
    }
    job.chunk_failures.clear();
    job.chunk_busy_end_s = -1;
    credit(job, saved);
    io::JobRecord& rec = result_.jobs[job.record];
    std::vector<sg4::ActivityPtr> activities = std::move(job.activities);
    job.activities.clear();
    job.chunk_units = 0;
    rec.preemptions += 1;
    rec.energy_it_j += job_energy(job) - job.energy_at_start_j;
    book_adjust(job, now);
    fleet_.release(job.pool, job.slices, now);
    job.slices.clear();
    job.pool = -1;
    job.state = JobState::kWaiting;
    job.restart_pending = true;
    running_.erase(std::find(running_.begin(), running_.end(), job.id));
    // Back in the queue at its place by submission.
    waiting_.insert(std::lower_bound(waiting_.begin(), waiting_.end(), job.id, [this](std::size_t a, std::size_t b) { return waits_before(a, b); }),
                    job.id);
    enqueue_view(job);
    job.stopping = false;
    for (auto& a : activities)
      if (a->get_state() != sg4::Activity::State::FINISHED) a->cancel();
  }

  // Adds done work to the job, its record and the run's totals.
  void credit(Job& job, double units) {
    if (units <= 0) return;
    const double unit_s = job.rates[static_cast<std::size_t>(job.pool)].unit_s;
    const double before = job.units_done;
    job.units_done = std::min(job.units_total, job.units_done + units);
    const double useful = (job.units_done - before) * unit_s * static_cast<double>(job.chips());
    job.useful_chip_s += useful;
    credited_.useful_chip_s += useful;
    if (job.training()) {
      io::JobRecord& rec = result_.jobs[job.record];
      const double tokens = std::min(rec.tokens_target, job.units_done * job.tokens_per_unit);
      credited_.tokens += tokens - rec.tokens_done;
      credited_.flops += (tokens - rec.tokens_done) * job.model_flops_per_token;
      rec.tokens_done = tokens;
      rec.flops_done = tokens * job.model_flops_per_token;
    }
  }

  // One run of a job on its chips, chunk by chunk, until it ends or is stopped from outside (its epoch
  // changes). Failures do not end a chunk: they are drawn for the chunk in advance (draw_failures), and
  // the chunk's busy time grows by the work each one loses, followed by the time the job waits for spares
  // and restarts. So a chunk costs the same few SimGrid activities however often its job fails.
  void run(Job& job, std::uint64_t epoch) {
    const ReliabilitySpec& rel = scenario_.reliability;
    const auto g = static_cast<std::size_t>(job.pool);
    if (job.restart_pending) {
      job.restart_pending = false;
      sg4::this_actor::sleep_for(rel.enabled ? rel.restart_s.value : 0.0);
      if (job.epoch != epoch) return;
    }
    const PoolRate r = rate(job, g);
    const double speed = layout_.generations[g].core_speed_flops_per_s;
    while (job.units_done < job.units_total) {
      // A chunk: whole units, at most a day of useful work, and a whole number of checkpoint intervals
      // when the interval is shorter than a day; it ends with a checkpoint.
      double cap_s = kChunkDurationS;
      if (!std::isinf(job.interval_s) && job.interval_s < cap_s) cap_s = std::floor(cap_s / job.interval_s) * job.interval_s;
      const double units = std::min(job.units_total - job.units_done, std::max(1.0, std::floor(cap_s / r.unit_s)));
      const double useful_s = units * r.unit_s;
      const double checkpoints = std::isinf(job.interval_s) ? 0.0 : std::ceil(useful_s / job.interval_s - 1e-9);
      job.chunk_start_s = sg4::Engine::get_clock();
      job.chunk_base_s = useful_s + checkpoints * job.checkpoint_s;
      job.chunk_units = units;
      draw_failures(job);
      const double busy_s = job.chunk_busy_s;
      job.activities.clear();
      job.activity_amounts.clear();
      // Without a cap the level is always 0, which every host got at its delivery: nothing to set.
      if (capped()) {
        set_job_pstate(job);
        if (job.epoch != epoch) return;  // stopped while its hosts' levels were set
      }
      begin_adjust(job, r, busy_s);
      for (const auto& sl : job.slices) {
        auto exec = sg4::Exec::init()->set_flops_amount(busy_s * speed)->set_thread_count(static_cast<int>(sl.chips))->set_host(fleet_.host(sl.block));
        exec->start();
        job.activities.push_back(exec);
        job.activity_amounts.push_back(busy_s * speed);
      }
      const auto n = job.slices.size();
      if (n > 1 && r.scale_out_bytes_per_chip > 0) {
        // Redone work sends its gradients again.
        const double units_sent = units * busy_s / job.chunk_base_s;
        for (std::size_t b = 0; b < n; ++b) {
          const double bytes = units_sent * r.scale_out_bytes_per_chip * static_cast<double>(job.slices[b].chips);
          auto comm = sg4::Comm::sendto_async(fleet_.host(job.slices[b].block), fleet_.host(job.slices[(b + 1) % n].block),
                                              static_cast<uint64_t>(std::llround(bytes)));
          job.activities.push_back(comm);
          job.activity_amounts.push_back(std::max(1.0, std::round(bytes)));
        }
      }
      try {
        // By index, holding each activity: another actor may stop the run (stop_run cancels and clears
        // job.activities) while this one waits or before it resumes, and a new run may refill them.
        for (std::size_t i = 0; i < job.activities.size(); ++i) {
          const sg4::ActivityPtr a = job.activities[i];
          a->wait();
          if (job.epoch != epoch) return;
        }
      } catch (const simgrid::CancelException&) {
        return;  // stopped from outside: stop_run does the bookkeeping
      } catch (const simgrid::NetworkFailureException&) {
        // A cancelled flow (Comm::sendto_async is detached) fails this way in SimGrid 3.32 rather than
        // with CancelException. Only stop_run cancels flows: links never fail, and a retirement stops the
        // jobs on its blocks before turning them off. The cancelling actor may still be inside stop_run
        // (a cancel is a simcall, so this actor can run first), hence no check of the epoch here.
        return;
      }
      if (job.epoch != epoch) return;
      job.chunk_busy_end_s = sg4::Engine::get_clock();
      if (job.chunk_downtime_s > 0) {
        sg4::this_actor::sleep_for(job.chunk_downtime_s);
        if (job.epoch != epoch) return;
      }
      record_failures(job, chunk_point(job));
      credit(job, units);
      job.activities.clear();
      job.chunk_units = 0;
      job.chunk_busy_end_s = -1;
      job.chunk_failures.clear();
    }
    finish(job);
  }

  // The failures of the chunk about to run: exponential gaps of running time at the job's rate. Each
  // rolls the job back to its last checkpoint (the chunk starts at one) and adds the restart, plus the
  // wait for a spare system when the cause needs a repair.
  void draw_failures(Job& job) {
    const ReliabilitySpec& rel = scenario_.reliability;
    job.chunk_failures.clear();
    job.chunk_busy_s = job.chunk_base_s;
    job.chunk_downtime_s = 0;
    const double lambda = interruption_rate_per_s(rel, static_cast<double>(job.chips()));
    if (!(lambda > 0)) return;
    const double segment = std::isinf(job.interval_s) ? kInf : job.interval_s + job.checkpoint_s;
    double pos = 0, busy = 0;  // position in the chunk's work, running time so far
    for (;;) {
      const double gap = std::exponential_distribution<double>(lambda)(job.failure_rng);
      if (pos + gap >= job.chunk_base_s) break;
      pos += gap;
      busy += gap;
      const double lost = std::isinf(segment) ? pos : std::fmod(pos, segment);
      pos -= lost;
      ChunkFailure f;
      f.busy_offset_s = busy;
      f.lost_s = lost;
      const FailureCause& cause = draw_cause(job);
      f.repair = cause.needs_repair;
      const double at = job.chunk_start_s + busy + job.chunk_downtime_s;
      double resume = at;
      if (cause.needs_repair) {
        Pool& p = fleet_.pools()[static_cast<std::size_t>(job.pool)];
        if (p.spare_ready_s.empty()) {
          resume = at + rel.repair_s.value;  // no spare: wait for its own system
        } else {
          resume = std::max(at, p.spare_ready_s.top());
          p.spare_ready_s.pop();
          p.spare_ready_s.push(at + rel.repair_s.value);  // the failed system, repaired, becomes a spare
        }
      }
      f.downtime_s = resume - at + rel.restart_s.value;
      job.chunk_downtime_s += f.downtime_s;
      job.chunk_failures.push_back(f);
    }
    job.chunk_busy_s = busy + (job.chunk_base_s - pos);
  }

  const FailureCause& draw_cause(Job& job) {
    const auto& causes = scenario_.reliability.table.causes;
    double total = 0;
    for (const auto& c : causes) total += c.interruptions.value;
    double u = std::uniform_real_distribution<double>(0.0, total)(job.failure_rng);
    for (const auto& c : causes) {
      if (u < c.interruptions.value) return c;
      u -= c.interruptions.value;
    }
    return causes.back();
  }

  // Records the failures of the chunk that have happened by `c`: their count, lost work and downtime.
  void record_failures(Job& job, const ChunkPoint& c) {
    io::JobRecord& rec = result_.jobs[job.record];
    for (std::size_t i = 0; i < c.failures && i < job.chunk_failures.size(); ++i) rec.repairs += job.chunk_failures[i].repair ? 1 : 0;
    rec.interruptions += static_cast<std::int64_t>(c.failures);
    rec.lost_chip_s += c.lost_s * static_cast<double>(job.chips());
    rec.downtime_chip_s += c.downtime_s * static_cast<double>(job.chips());
    month_.interruptions += static_cast<std::int64_t>(c.failures);
  }

  // Where the current chunk stands. The simulation runs a chunk's busy time first and its downtime
  // after; the books interleave them as they happen (run to a failure, wait, run again ...), at the
  // chunk's elapsed time: the busy progress of its activities, plus the downtime slept so far.
  ChunkPoint chunk_point(const Job& job) const {
    const double now = sg4::Engine::get_clock();
    const double elapsed = job.chunk_busy_end_s >= 0 ? job.chunk_busy_s + (now - job.chunk_busy_end_s) : chunk_progress(job) * job.chunk_busy_s;
    ChunkPoint c;
    double t = 0, busy = 0, pos = 0;
    for (const auto& f : job.chunk_failures) {
      const double run = f.busy_offset_s - busy;
      if (t + run > elapsed) break;
      t += run, busy = f.busy_offset_s;
      pos += run - f.lost_s;
      ++c.failures;
      c.lost_s += f.lost_s;
      const double wait = std::min(f.downtime_s, elapsed - t);
      c.downtime_s += wait;
      t += wait;
      if (wait < f.downtime_s) {
        c.position_s = std::clamp(pos, 0.0, job.chunk_base_s);
        return c;
      }
    }
    pos += std::max(0.0, elapsed - t);
    c.position_s = std::clamp(pos, 0.0, job.chunk_base_s);
    return c;
  }

  // A finished job keeps only what the totals need: ten years of jobs stay small.
  static void release_state(Job& job) {
    job.rates = {};
    job.rated = {};
    job.slices = {};
    job.activities = {};
    job.activity_amounts = {};
    job.chunk_failures = {};
    job.arrival.name = {};
    job.arrival.source = {};
    job.arrival.training.name = {};
  }

  void finish(Job& job) {
    const double now = sg4::Engine::get_clock();
    io::JobRecord& rec = result_.jobs[job.record];
    job.state = JobState::kDone;
    remove_dyn(job, now);  // before any simcall: the power controller must not pick a finished job
    rec.end_s = now;
    if (job.training()) {
      rec.tokens_done = rec.tokens_target;
      rec.flops_done = rec.tokens_done * job.model_flops_per_token;
    }
    rec.energy_it_j += job_energy(job) - job.energy_at_start_j;
    book_adjust(job, now);
    fleet_.release(job.pool, job.slices, now);
    job.slices.clear();
    job.pool = -1;
    ++job.epoch;
    running_.erase(std::find(running_.begin(), running_.end(), job.id));
    month_.jobs_completed += 1;
    release_state(job);
    request_schedule();
  }

  // --- Inference pools ------------------------------------------------------------------------------
  // Serving is a fluid at the step resolution (inference.step_s): each step, every demand stream's
  // requests (plus its backlog) become replicas on the generations in placement order, within what the
  // policy allows; the pools grow (preempting preemptible training under inference-first) or shrink to
  // match, and what the replicas can do is served. No SimGrid activity runs for serving: its chips are
  // held (busy to the scheduler) and powered on, so the energy plugin books their idle power, and the
  // power serving adds above idle (models/serving) is integrated here and added to the IT energy.

  // Totals integrated over time (continuous, so reporting months split steps exactly).
  struct ServingTotals {
    double output_tokens = 0, input_tokens = 0, requests = 0, late_requests = 0, arrived_requests = 0, dropped_requests = 0;
    double chip_s = 0, energy_j = 0, extra_j = 0;
  };
  struct ServingRate {
    bool valid = false;
    std::int64_t replica_chips = 0;
    double tokens_per_s = 0;  // output tokens per second per replica
    double extra_w = 0;  // power per replica above its chips' idle slots, at full load
  };
  // Requests waiting to be served: those of one step, not yet served.
  struct Waiting {
    double requests = 0, input_tokens = 0, output_tokens = 0;
    double arrived_s = 0;  // the start of the step they arrived in
  };

  void init_serving() {
    const InferenceSpec& inf = scenario_.inference;
    if (!inf.enabled()) return;
    const std::size_t gens = layout_.generations.size();
    serving_slices_.resize(gens);
    serving_rates_.assign(inf.demand.size(), std::vector<ServingRate>(gens));
    waiting_requests_.resize(inf.demand.size());
    for (std::size_t s = 0; s < inf.demand.size(); ++s) {
      const DemandStream& d = inf.demand[s];
      const ServedModel& m = inf.models[d.model];
      if (d.trace) demand_.push_back(make_trace_demand(d.replay));
      else demand_.push_back(make_generated_demand(d.generated, stream_seed(scenario_.seed, "demand/" + d.name)));
      for (std::size_t g = 0; g < gens; ++g) {
        if (!serves_on(g)) continue;  // a training-only track's generation
        const SystemSpec& sys = choice_.roadmap[g].system;
        const ServingEstimate e = best_serving_replica({m.model, m.precision, d.input_tokens(), d.output_tokens()}, sys, {m.ttft_s, m.tpot_s});
        io::ServingReplicaRecord rec{d.name, m.name, sys.id, e.valid, e.reason, e.chips, e.batch, e.tokens_per_s, e.ttft_s, e.tpot_s, e.power_w,
                                     e.energy_per_token_j};
        result_.serving_replicas.push_back(rec);
        if (!e.valid) continue;
        ServingRate& r = serving_rates_[s][g];
        r.valid = true;
        r.replica_chips = e.chips;
        r.tokens_per_s = e.tokens_per_s;
        r.extra_w = e.power_w - static_cast<double>(e.chips) * sys.chip_slot_idle_w();
      }
    }
    if (inf.policy == ServingPolicy::kPartition) {
      // Training never gets the partition: its largest job is bounded by the rest.
      max_schedulable_ -= static_cast<std::int64_t>(std::floor(inf.partition * static_cast<double>(max_schedulable_)));  // as serving_reserved
    }
  }

  std::int64_t serving_held(std::size_t g) const {
    if (serving_slices_.empty()) return 0;
    std::int64_t n = 0;
    for (const auto& sl : serving_slices_[g]) n += sl.chips;
    return n;
  }
  // Chips of generation g training may ever use: all schedulable ones, less a serving partition.
  std::int64_t training_schedulable(std::size_t g) const {
    if (!trains_on(g)) return 0;
    const std::int64_t all = fleet_.pools()[g].schedulable();
    return scenario_.inference.enabled() && scenario_.inference.policy == ServingPolicy::kPartition ? all - serving_reserved(g) : all;
  }
  // Chips of generation g training may not use now.
  std::int64_t serving_reserved(std::size_t g) const {
    if (!scenario_.inference.enabled()) return 0;
    if (scenario_.inference.policy == ServingPolicy::kPartition) {
      bool serves = false;  // a generation no stream can be served on keeps all its chips for training
      for (const auto& rates : serving_rates_) serves = serves || rates[g].valid;
      return serves ? static_cast<std::int64_t>(std::floor(scenario_.inference.partition * static_cast<double>(fleet_.pools()[g].schedulable()))) : 0;
    }
    return serving_held(g);
  }

  void settle_serving(double now) {
    const double dt = now - serving_last_s_;
    if (dt <= 0) return;
    serving_acc_.output_tokens += serving_now_.output_tokens * dt;
    serving_acc_.input_tokens += serving_now_.input_tokens * dt;
    serving_acc_.requests += serving_now_.requests * dt;
    serving_acc_.late_requests += serving_now_.late_requests * dt;
    serving_acc_.arrived_requests += serving_now_.arrived_requests * dt;
    serving_acc_.dropped_requests += serving_now_.dropped_requests * dt;
    serving_acc_.chip_s += serving_now_.chip_s * dt;
    serving_acc_.energy_j += serving_now_.energy_j * dt;
    serving_acc_.extra_j += serving_now_.extra_j * dt;
    serving_last_s_ = now;
  }

  void serving() {
    const double step = scenario_.inference.step_s, horizon = scenario_.horizon_s;
    for (std::int64_t k = 0;; ++k) {
      const double t0 = static_cast<double>(k) * step;
      if (t0 >= horizon) break;
      sg4::this_actor::sleep_until(t0);
      if (k == 0) fleet_ready_->acquire();  // the fleet delivered at time 0 is there
      serve_step(t0, std::min(horizon, t0 + step));
    }
  }

  // Generations in placement order.
  std::vector<std::size_t> serving_order() const {
    std::vector<std::size_t> order(layout_.generations.size());
    for (std::size_t g = 0; g < order.size(); ++g) order[g] = scenario_.inference.newest_first ? order.size() - 1 - g : g;
    return order;
  }

  void serve_step(double t0, double t1) {
    const InferenceSpec& inf = scenario_.inference;
    // A scheduling decision in progress (its preemptions' cancels let other actors run) must be carried
    // out before serving takes chips it counted as free.
    while (in_schedule_) sg4::this_actor::yield();
    serving_busy_ = true;
    preempted_ = false;
    settle_serving(t0);
    const double dt = t1 - t0;
    const std::size_t gens = layout_.generations.size();
    // 1. What each stream asks for this step: its arrivals and its backlog.
    std::vector<double> want_tokens_per_s(inf.demand.size(), 0.0);
    double arrived = 0, dropped = 0;  // requests, booked over the step like what is served
    for (std::size_t s = 0; s < inf.demand.size(); ++s) {
      const DemandStep a = demand_[s]->step(t0, t1);
      arrived += a.requests;
      if (a.requests > 0) waiting_requests_[s].push_back({a.requests, a.input_tokens, a.output_tokens, t0});
      for (const Waiting& w : waiting_requests_[s]) want_tokens_per_s[s] += w.output_tokens / dt;
    }
    // 2. What serving may hold per generation.
    std::vector<std::int64_t> cap(gens, 0);
    for (std::size_t g = 0; g < gens; ++g) {
      const Pool& p = fleet_.pools()[g];
      if (inf.policy == ServingPolicy::kPartition) {
        cap[g] = serving_reserved(g);
      } else {
        // All of the schedulable chips but those of runs that cannot be preempted.
        std::int64_t pinned = 0;
        for (std::size_t id : running_)
          if (static_cast<std::size_t>(jobs_[id].pool) == g && !jobs_[id].arrival.preemptible) pinned += jobs_[id].chips();
        cap[g] = std::max<std::int64_t>(0, p.schedulable() - pinned);
      }
    }
    // 3. Replicas: streams in the scenario's order, generations in placement order.
    std::vector<std::vector<std::int64_t>> replicas(inf.demand.size(), std::vector<std::int64_t>(gens, 0));
    std::vector<std::int64_t> target(gens, 0);
    for (std::size_t s = 0; s < inf.demand.size(); ++s) {
      double want = want_tokens_per_s[s];
      for (std::size_t g : serving_order()) {
        const ServingRate& r = serving_rates_[s][g];
        if (!r.valid || want <= 0) continue;
        const std::int64_t room = (cap[g] - target[g]) / r.replica_chips;
        const auto need = static_cast<std::int64_t>(std::ceil(want / r.tokens_per_s - 1e-9));
        const std::int64_t n = std::max<std::int64_t>(0, std::min(room, need));
        replicas[s][g] = n;
        target[g] += n * r.replica_chips;
        want -= static_cast<double>(n) * r.tokens_per_s;
      }
    }
    // Under a power cap, replicas at full load must fit what the cap leaves: the last streams lose
    // replicas first, on the generations they were placed on last.
    if (capped()) {
      const double budget = serving_power_budget_w(t0, t1);
      double full = 0;
      for (std::size_t s = 0; s < inf.demand.size(); ++s)
        for (std::size_t g = 0; g < gens; ++g) full += static_cast<double>(replicas[s][g]) * serving_rates_[s][g].extra_w;
      const std::vector<std::size_t> order = serving_order();
      for (std::size_t s = inf.demand.size(); s-- > 0 && full > budget;)
        for (auto it = order.rbegin(); it != order.rend() && full > budget; ++it) {
          const ServingRate& r = serving_rates_[s][*it];
          if (replicas[s][*it] == 0 || r.extra_w <= 0) continue;
          const auto cut = std::min(replicas[s][*it], static_cast<std::int64_t>(std::ceil((full - budget) / r.extra_w)));
          replicas[s][*it] -= cut;
          target[*it] -= cut * r.replica_chips;
          full -= static_cast<double>(cut) * r.extra_w;
        }
    }
    // 4. Resize the pools: shrink first (the freed chips may go to training), then grow.
    bool released = false;
    for (std::size_t g = 0; g < gens; ++g) {
      const std::int64_t held = serving_held(g);
      if (held > target[g]) {
        shrink_serving(g, held - target[g], t0);
        released = true;
      }
    }
    for (std::size_t g = 0; g < gens; ++g) {
      const std::int64_t held = serving_held(g);
      if (held >= target[g]) continue;
      std::int64_t grow = target[g] - held;
      if (inf.policy == ServingPolicy::kInferenceFirst && fleet_.pools()[g].free() < grow) make_room(g, grow, t0);
      grow = std::min(grow, fleet_.pools()[g].free());
      if (grow > 0) {
        auto got = fleet_.allocate(static_cast<int>(g), grow, t0, true);
        serving_slices_[g].insert(serving_slices_[g].end(), got.begin(), got.end());
      }
      // Fewer chips than planned (spares, repairs): the last streams lose replicas, and chips no replica
      // uses are given back.
      std::int64_t short_by = target[g] - serving_held(g);
      if (short_by <= 0) continue;
      for (std::size_t s = inf.demand.size(); s-- > 0 && short_by > 0;) {
        const ServingRate& r = serving_rates_[s][g];
        while (replicas[s][g] > 0 && short_by > 0) --replicas[s][g], short_by -= r.replica_chips;
      }
      std::int64_t used = 0;
      for (std::size_t s = 0; s < inf.demand.size(); ++s) used += replicas[s][g] * serving_rates_[s][g].replica_chips;
      if (serving_held(g) > used) {
        shrink_serving(g, serving_held(g) - used, t0);
        released = true;
      }
    }
    if (capped()) {
      settle_bound(t0);
      serving_full_w_ = 0;
      for (std::size_t s = 0; s < inf.demand.size(); ++s)
        for (std::size_t g = 0; g < gens; ++g) serving_full_w_ += static_cast<double>(replicas[s][g]) * serving_rates_[s][g].extra_w;
      enforce_cap(t0);
    }
    // 5. Serve: oldest requests first; those from earlier steps are late; what waits longer than
    // max_delay_s by the next step is dropped.
    ServingTotals now;
    double extra_w = 0;
    for (std::size_t s = 0; s < inf.demand.size(); ++s) {
      double capacity = 0, full_w = 0;
      for (std::size_t g = 0; g < gens; ++g) {
        capacity += static_cast<double>(replicas[s][g]) * serving_rates_[s][g].tokens_per_s;
        full_w += static_cast<double>(replicas[s][g]) * serving_rates_[s][g].extra_w;
      }
      double budget = capacity * dt;  // output tokens the replicas can produce this step
      double served = 0;
      auto& queue = waiting_requests_[s];
      for (Waiting& w : queue) {
        if (w.output_tokens <= 0 && w.requests > 0) {  // nothing to generate: served at once
          now.requests += w.requests / dt;
          now.input_tokens += w.input_tokens / dt;
          if (w.arrived_s < t0) now.late_requests += w.requests / dt;
          w.requests = 0, w.input_tokens = 0;
          continue;
        }
        if (budget <= 0) break;
        const double f = std::min(1.0, budget / w.output_tokens);
        budget -= f * w.output_tokens;
        served += f * w.output_tokens;
        now.output_tokens += f * w.output_tokens / dt;
        now.input_tokens += f * w.input_tokens / dt;
        now.requests += f * w.requests / dt;
        if (w.arrived_s < t0) now.late_requests += f * w.requests / dt;
        w.requests *= 1 - f, w.input_tokens *= 1 - f, w.output_tokens *= 1 - f;
      }
      while (!queue.empty() && (queue.front().requests <= 0 || queue.front().output_tokens <= 1e-12 * std::max(1.0, served) ||
                                t1 - queue.front().arrived_s > inf.max_delay_s)) {
        if (queue.front().requests > 0 && queue.front().output_tokens > 1e-12 * std::max(1.0, served)) dropped += queue.front().requests;
        queue.pop_front();
      }
      if (capacity > 0) extra_w += full_w * (served / dt) / capacity;  // replicas at the load they carry
    }
    held_rates(now);
    now.energy_j += extra_w;
    now.extra_j = extra_w;
    now.arrived_requests = arrived / dt;
    now.dropped_requests = dropped / dt;
    serving_now_ = now;
    serving_busy_ = false;
    serving_started_ = true;
    if (released || preempted_ || schedule_deferred_) {
      schedule_deferred_ = false;
      request_schedule();
    }
  }

  // Adds the chips serving holds, and their idle power, to a step's rates.
  void held_rates(ServingTotals& t) const {
    for (std::size_t g = 0; g < serving_slices_.size(); ++g) {
      const auto held = static_cast<double>(serving_held(g));
      t.chip_s += held;
      t.energy_j += held * choice_.roadmap[g].system.chip_slot_idle_w();
    }
  }

  // Preempts preemptible training runs on generation g until `chips` are free: the lowest priority
  // first, the most recently started first (as the priority policy does).
  void make_room(std::size_t g, std::int64_t chips, double now) {
    std::vector<std::size_t> candidates;
    for (std::size_t id : running_)
      if (static_cast<std::size_t>(jobs_[id].pool) == g && jobs_[id].arrival.preemptible && !jobs_[id].stopping) candidates.push_back(id);
    std::sort(candidates.begin(), candidates.end(), [this](std::size_t a, std::size_t b) {
      const Job &ja = jobs_[a], &jb = jobs_[b];
      if (ja.arrival.priority != jb.arrival.priority) return ja.arrival.priority < jb.arrival.priority;
      const double sa = result_.jobs[ja.record].start_s, sb = result_.jobs[jb.record].start_s;
      if (sa != sb) return sa > sb;
      return a > b;
    });
    for (std::size_t id : candidates) {
      if (fleet_.pools()[g].free() >= chips) break;
      Job& job = jobs_[id];
      // Another actor may have stopped or moved it while an earlier stop yielded.
      if (job.state != JobState::kRunning || job.stopping || static_cast<std::size_t>(job.pool) != g) continue;
      stop_run(job, now);
      ++month_.serving_preemptions;
      preempted_ = true;
    }
  }

  // Gives back `chips` of generation g's serving slices, the last taken first.
  void shrink_serving(std::size_t g, std::int64_t chips, double now) {
    auto& slices = serving_slices_[g];
    std::vector<Topology::Slice> back;
    while (chips > 0 && !slices.empty()) {
      Topology::Slice& last = slices.back();
      const std::int64_t take = std::min(chips, last.chips);
      back.push_back({last.block, take});
      last.chips -= take;
      chips -= take;
      if (last.chips == 0) slices.pop_back();
    }
    fleet_.release(static_cast<int>(g), back, now);
  }

  // Before a lot retires: serving gives back its chips on those blocks (it regrows at the next step).
  void release_serving_on(const std::vector<bool>& retiring, double now) {
    for (std::size_t g = 0; g < serving_slices_.size(); ++g) {
      std::vector<Topology::Slice> keep, back;
      for (const auto& sl : serving_slices_[g]) (retiring[static_cast<std::size_t>(sl.block)] ? back : keep).push_back(sl);
      if (back.empty()) continue;
      settle_serving(now);
      fleet_.release(static_cast<int>(g), back, now);
      serving_slices_[g] = std::move(keep);
      // The rates of this step no longer hold for the chips given back: scale chips and idle energy.
      // (Tokens keep their rate to the step's end: a retirement within a step is rare and short.)
      serving_now_.chip_s = 0, serving_now_.energy_j = serving_now_.extra_j;
      held_rates(serving_now_);
    }
  }

  // --- Site power cap (models/power_cap.hpp, docs/models.md#power-cap) -------------------------------
  // The controller keeps an upper bound on the site's IT power: every powered block at idle, the network
  // and storage of installed chips, serving's replicas at full load, and every running training job's
  // chips at its activity and the throttle level's speed. PUE x the bound is checked against the cap
  // after every change that can raise either (result.power_cap_violations must stay 0), and the metered IT
  // energy against the bound's integral every month (sim/io/invariants).
  bool capped() const { return scenario_.site.power_cap.enabled(); }
  bool throttling() const { return scenario_.site.power_cap.policy == PowerCapSpec::Policy::kThrottle; }

  double lot_floor_w(const Lot& lot) const {
    return static_cast<double>(lot.slots.size()) *
           (layout_.generations[lot.generation].power.idle_w + infra_w_per_chip_ * static_cast<double>(layout_.block_chips));
  }
  double job_dyn_w(Job& job, std::size_t g) {
    const ChipSpec& chip = choice_.roadmap[g].system.chip;
    return rate(job, g).activity * (chip.power_busy_w.value - chip.power_idle_w.value) * static_cast<double>(job.chips());
  }
  double it_bound_w() const { return floor_w_ + serving_full_w_ + train_dyn_w_ * throttle_dynamic_fraction(throttle_speed(level_)); }
  double cap_w(double t) const { return site_cap_w(scenario_.site, start_date_, t); }
  // What the cap leaves training now (IT power above idle), with a rounding allowance.
  double training_budget_w(double now) const {
    const double cap = cap_w(now);
    return cap / pue_at(scenario_.site, start_date_, now) * (1 + 1e-12) - floor_w_ - serving_full_w_;
  }

  void settle_bound(double now) {
    const double dt = now - bound_last_s_;
    if (dt <= 0) return;
    bound_it_j_ += it_bound_w() * dt;
    throttle_chip_s_ += throttle_speed(level_) * train_chips_ * dt;
    training_chip_s_ += train_chips_ * dt;
    bound_last_s_ = now;
  }

  void remove_dyn(Job& job, double now) {
    settle_bound(now);
    train_dyn_w_ = std::max(0.0, train_dyn_w_ - job.dyn_w);
    if (job.dyn_w > 0) train_chips_ -= static_cast<double>(job.chips());
    if (train_chips_ < 0.5) train_dyn_w_ = 0, train_chips_ = 0;  // nothing runs: no rounding residue
    job.dyn_w = 0;
  }

  // A run may start if the cap can hold it at the slowest level the policy allows.
  bool power_admits(double dyn_w, double now) const {
    if (!capped()) return true;
    const int slowest = throttling() ? scenario_.site.power_cap.min_level : 0;
    return (train_dyn_w_ + dyn_w) * throttle_dynamic_fraction(throttle_speed(slowest)) <= training_budget_w(now);
  }

  // Brings the bound within the cap: the fastest level that fits (throttle; defer runs at full speed),
  // else stops runs, preemptible ones first, the lowest priority and the most recently started first.
  //
  // set_level and stop_run let other actors run, and they may raise the bound and call enforce_cap: such a
  // nested call only asks the running one to look again (enforce_again_), which it does until a pass
  // ends with nothing changed behind its back.
  void enforce_cap(double now) {
    if (!capped()) return;
    if (enforcing_) {
      enforce_again_ = true;
      return;
    }
    enforcing_ = true;
    bool stopped = false;
    do {
      enforce_again_ = false;
      for (;;) {
        const double budget = training_budget_w(now);
        const int k =
            throttling() ? throttle_level_for(budget, train_dyn_w_, scenario_.site.power_cap.min_level) : (train_dyn_w_ <= budget ? 0 : -1);
        if (k >= 0) {
          set_level(k, now);
          break;
        }
        Job* victim = power_victim();
        if (!victim) break;  // floor and serving alone above the cap: counted as a violation below
        const double before = train_dyn_w_;
        stop_run(*victim, now);
        if (train_dyn_w_ >= before) break;  // nothing was freed (cannot happen: power_victim picks running jobs)
        ++month_.power_preemptions;
        stopped = true;
      }
    } while (enforce_again_);
    const double facility_w = pue_at(scenario_.site, start_date_, now) * it_bound_w();
    month_.power_bound_peak_w = std::max(month_.power_bound_peak_w, facility_w);
    if (facility_w > cap_w(now) * (1 + 1e-9)) ++result_.power_cap_violations;
    enforcing_ = false;
    if (stopped) request_schedule();
  }

  Job* power_victim() {
    Job* best = nullptr;
    auto before = [this](const Job& a, const Job& b) {  // a goes first
      if (a.arrival.preemptible != b.arrival.preemptible) return a.arrival.preemptible;
      if (a.arrival.priority != b.arrival.priority) return a.arrival.priority < b.arrival.priority;
      const double sa = result_.jobs[a.record].start_s, sb = result_.jobs[b.record].start_s;
      if (sa != sb) return sa > sb;
      return a.id > b.id;
    };
    for (std::size_t id : running_) {
      Job& job = jobs_[id];
      if (job.state != JobState::kRunning || job.stopping || job.dyn_w <= 0) continue;
      if (!best || before(job, *best)) best = &job;
    }
    return best;
  }

  // Every running job's hosts to the new level, and its chunk's power below busy rebooked: the rest of
  // its executions at the new speed.
  void set_level(int k, double now) {
    if (k == level_) return;
    settle_bound(now);
    level_ = k;
    ++result_.throttle_changes;
    for (std::size_t id : running_copy()) {
      Job& job = jobs_[id];
      if (job.state != JobState::kRunning || job.stopping) continue;
      set_job_pstate(job);  // simcalls: other actors may run
      if (job.state != JobState::kRunning || job.stopping || job.adjust_to_s <= now || job.activities.empty()) continue;
      const auto* exec = dynamic_cast<const sg4::Exec*>(job.activities.front().get());
      if (!exec) continue;
      const double left = exec->get_state() == sg4::Activity::State::FINISHED ? 0.0 : exec->get_remaining_ratio();
      if (job.state != JobState::kRunning || job.stopping) continue;
      begin_adjust(job, job.rates[static_cast<std::size_t>(job.pool)], left * job.chunk_busy_s);
    }
  }

  // set_pstate is a simcall: level_ may change while this runs, so it repeats until a pass finds every
  // host at the current level (a pass that sets nothing does not yield).
  void set_job_pstate(const Job& job) {
    for (bool changed = true; changed;) {
      changed = false;
      if (job.pool < 0 || job.state != JobState::kRunning) return;
      const auto ps = static_cast<unsigned long>(power_state(static_cast<std::size_t>(job.pool), level_));
      std::vector<std::int64_t> blocks;
      for (const auto& sl : job.slices) blocks.push_back(sl.block);
      for (auto b : blocks) {
        sg4::Host* h = fleet_.host(b);
        if (h->get_pstate() != ps) h->set_pstate(static_cast<int>(ps)), changed = true;
      }
    }
  }

  // The cap changes (curtailment windows, PUE by month, the ramp): enforce it, and let waiting runs
  // start when it rises.
  void power_cap_actor() {
    double t = 0;
    for (;;) {
      const double before = cap_w(t) / pue_at(scenario_.site, start_date_, t);
      t = next_cap_change_s(scenario_.site, t);
      if (!(t < scenario_.horizon_s)) break;
      sg4::this_actor::sleep_until(t);
      enforce_cap(t);
      if (cap_w(t) / pue_at(scenario_.site, start_date_, t) > before) request_schedule();
    }
  }

  // Serving's power this step (its replicas at full load, above idle) may use what the lowest cap of the
  // step leaves at the step's highest PUE, after every block powered by the step's end and the slowest
  // power of the runs serving cannot preempt.
  double serving_power_budget_w(double t0, double t1) {
    // Over [t0, t1], the end included: at t1 the cap may fall, or blocks arrive, before the next step
    // resizes serving.
    double floor = floor_w_;
    for (std::size_t i = 0; i < plan_.lots.size(); ++i) {
      const Lot& lot = plan_.lots[i];
      if (!lot_on_[i] && lot.delivery_s <= t1 && lot.retire_s > std::max(t0, lot.delivery_s)) floor += lot_floor_w(lot);
    }
    const int slowest = throttling() ? scenario_.site.power_cap.min_level : 0;
    double pinned = 0;
    for (std::size_t id : running_)
      if (!jobs_[id].arrival.preemptible && !jobs_[id].stopping) pinned += jobs_[id].dyn_w;
    const double cap = std::min(min_site_cap_w(scenario_.site, start_date_, t0, t1), cap_w(t1));
    const double pue = std::max(max_pue_over(scenario_.site, start_date_, t0, t1), pue_at(scenario_.site, start_date_, t1));
    return cap / pue - floor - pinned * throttle_dynamic_fraction(throttle_speed(slowest));
  }

  // The site's idle floor (blocks idle, network, storage) must fit under the lowest cap: no policy can
  // lower it. Checked on the plan at the worst month's PUE and the lowest curtailment.
  void check_power_floor() const {
    const SiteSpec& site = scenario_.site;
    double fraction = 1;
    for (const auto& w : site.power_cap.curtailment) fraction = std::min(fraction, w.fraction);
    struct Event {
      double t, w;
    };
    std::vector<Event> events;
    for (const Lot& lot : plan_.lots) {
      events.push_back({lot.delivery_s, lot_floor_w(lot)});
      if (lot.retire_s < scenario_.horizon_s) events.push_back({lot.retire_s, -lot_floor_w(lot)});
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t || (a.t == b.t && a.w < b.w); });
    double floor = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      floor += events[i].w;
      if ((i + 1 < events.size() && events[i + 1].t == events[i].t) || events[i].t >= scenario_.horizon_s) continue;
      const double cap = ramp_power_w(site.power_w.value, site.power_ramp, events[i].t) * fraction;
      const double need = floor * site.pue.value;
      if (need > cap * (1 + 1e-9))
        throw io::InputError(fmt::format(
            "{}: site.power_cap: on {} choice '{}' idles at {:.4g} MW of facility power (blocks idle, network and storage, PUE {:g}), above the "
            "lowest cap then, {:.4g} MW{}: no policy can get under it; lower power_cap.oversubscription ({:g}){}",
            site.power_cap.where, format_iso_date(add_seconds(start_date_, events[i].t)), choice_.name, need / 1e6, site.pue.value, cap / 1e6,
            fraction < 1 ? fmt::format(" (curtailed to {:g})", fraction) : "", site.power_cap.oversubscription,
            fraction < 1 ? " or curtail less" : ""));
    }
  }

  // --- Metering -------------------------------------------------------------------------------------
  // Credited plus in-flight (the running chunks' progress), so monthly figures do not jump at chunk ends.
  struct Totals {
    double tokens = 0, flops = 0, useful_chip_s = 0;
  };
  Totals totals_now() const {
    Totals t = credited_;
    for (std::size_t id : running_) {
      const Job& job = jobs_[id];
      if (job.chunk_units <= 0) continue;
      // In flight: where the chunk's work stands (checkpoints are spread through it; failures roll it back).
      const double units = std::min({job.chunk_units, job.units_total - job.units_done, chunk_point(job).position_s / job.chunk_base_s * job.chunk_units});
      t.useful_chip_s += units * job.rates[static_cast<std::size_t>(job.pool)].unit_s * static_cast<double>(job.chips());
      if (job.training()) {
        const double target = job.arrival.training.tokens;
        const double tokens = std::min(target, (job.units_done + units) * job.tokens_per_unit) - std::min(target, job.units_done * job.tokens_per_unit);
        t.tokens += tokens;
        t.flops += tokens * job.model_flops_per_token;
      }
    }
    return t;
  }

  std::vector<std::int64_t> installed_by_generation() const {
    std::vector<std::int64_t> v;
    for (const auto& p : fleet_.pools()) v.push_back(p.installed);
    return v;
  }

  // --- Training power by activity --------------------------------------------------------------------
  // The plugin books a computing chip at the catalog's busy power; a training step draws less (its memory-
  // bound work and exposed communication: models/power training_activity). The difference is booked here
  // over the chunk's executions, like serving's extra power.
  void begin_adjust(Job& job, const PoolRate& r, double busy_s) {
    const double now = sg4::Engine::get_clock();
    book_adjust(job, now);
    const ChipSpec& chip = choice_.roadmap[static_cast<std::size_t>(job.pool)].system.chip;
    // At throttle level k the plugin's busy power is idle + (busy - idle) x speed^3 and the executions
    // take busy_s / speed.
    const double speed = throttle_speed(level_);
    job.adjust_w = -(1.0 - r.activity) * (chip.power_busy_w.value - chip.power_idle_w.value) * static_cast<double>(job.chips()) *
                   throttle_dynamic_fraction(speed);
    job.adjust_from_s = now;
    job.adjust_to_s = now + busy_s / speed;
  }
  void book_adjust(Job& job, double now) {
    const double e = job.adjust_w * std::max(0.0, std::min(job.adjust_to_s, now) - job.adjust_from_s);
    adjust_booked_j_ += e;
    result_.jobs[job.record].energy_it_j += e;
    job.adjust_w = 0, job.adjust_from_s = 0, job.adjust_to_s = 0;
  }
  // The adjustment up to `now`: booked, plus the running chunks' so far.
  double adjust_j(double now) const {
    double e = adjust_booked_j_;
    for (std::size_t id : running_) {
      const Job& job = jobs_[id];
      e += job.adjust_w * std::max(0.0, std::min(job.adjust_to_s, now) - job.adjust_from_s);
    }
    return e;
  }

  // At the horizon: the work running jobs have done counts (saved or not), and so do the failures that
  // have happened; each running job's energy so far is booked.
  void close_in_flight() {
    for (auto& job : jobs_) {
      if (job.state != JobState::kRunning) continue;
      io::JobRecord& rec = result_.jobs[job.record];
      if (job.chunk_units > 0) {
        const ChunkPoint c = chunk_point(job);
        record_failures(job, c);
        credit(job, c.position_s / job.chunk_base_s * job.chunk_units);
        job.chunk_units = 0;
        job.chunk_failures.clear();
      }
      rec.energy_it_j += job_energy(job) - job.energy_at_start_j;
      book_adjust(job, sg4::Engine::get_clock());
    }
  }

  // IT energy so far: the hosts (energy plugin), what serving adds above idle, what training draws below
  // busy, and the scale-out network and storage per installed chip.
  double it_energy_j(double now) {
    settle_serving(now);
    return fleet_.total_energy_j() + serving_acc_.extra_j + adjust_j(now) + infra_w_per_chip_ * fleet_.installed_chip_seconds(now);
  }

  // Time of use: the energy drawn in the peak hours, measured at each window's start and end (and at month
  // ends, so that a window across a month boundary is split).
  void tariff() {
    const ElectricityPrice& e = scenario_.site.electricity;
    for (std::int64_t day = 0;; ++day) {
      const double t0 = static_cast<double>(day) * units::kSecondsPerDay;
      if (t0 >= scenario_.horizon_s) break;
      if (e.weekdays_only && (e.start_weekday + day) % 7 >= 5) continue;
      const double from = t0 + e.peak_start_hour * units::kSecondsPerHour, to = std::min(scenario_.horizon_s, t0 + e.peak_end_hour * units::kSecondsPerHour);
      if (from >= scenario_.horizon_s) break;
      sg4::this_actor::sleep_until(from);
      peak_start_energy_j_ = it_energy_j(sg4::Engine::get_clock());
      peak_open_ = true;
      sg4::this_actor::sleep_until(to);
      close_peak_window(sg4::Engine::get_clock(), true);
    }
  }
  void close_peak_window(double now, bool window_ends) {
    if (!peak_open_) return;
    const double e = it_energy_j(now);
    peak_energy_j_ += e - peak_start_energy_j_;
    peak_start_energy_j_ = e;
    if (window_ends) peak_open_ = false;
  }

  // Records each reporting month; at the horizon closes the books and stops every other actor.
  void meter() {
    const double horizon = scenario_.horizon_s;
    const auto months = static_cast<std::size_t>(std::ceil(horizon / units::kSecondsPerMonth - 1e-9));
    double prev_t = 0, prev_e = 0, prev_alloc = 0, prev_inst = 0;
    Totals prev;
    ServingTotals prev_serving;
    double prev_peak = 0, prev_bound = 0, prev_throttle = 0, prev_training = 0;
    for (std::size_t m = 1; m <= months; ++m) {
      const double t = std::min(static_cast<double>(m) * units::kSecondsPerMonth, horizon);
      sg4::this_actor::sleep_until(t);
      const double now = sg4::Engine::get_clock();
      if (m == months) close_in_flight();
      const double inst = fleet_.installed_chip_seconds(now);
      const double e = it_energy_j(now);
      close_peak_window(now, false);
      const Totals tot = totals_now();
      const double alloc = fleet_.allocated_chip_seconds(now);
      io::MonthRecord rec = month_;
      rec.it_energy_j = e - prev_e;
      rec.tokens = tot.tokens - prev.tokens;
      rec.flops = tot.flops - prev.flops;
      rec.useful_chip_s = tot.useful_chip_s - prev.useful_chip_s;
      rec.allocated_chip_s = alloc - prev_alloc;
      rec.installed_chip_s = inst - prev_inst;
      rec.duration_s = now - prev_t;
      rec.chips_installed = installed_by_generation();
      rec.jobs_waiting = static_cast<std::int64_t>(waiting_.size());
      rec.jobs_running = static_cast<std::int64_t>(running_.size());
      rec.output_tokens_served = serving_acc_.output_tokens - prev_serving.output_tokens;
      rec.input_tokens_served = serving_acc_.input_tokens - prev_serving.input_tokens;
      rec.requests_served = serving_acc_.requests - prev_serving.requests;
      rec.requests_late = serving_acc_.late_requests - prev_serving.late_requests;
      rec.requests_arrived = serving_acc_.arrived_requests - prev_serving.arrived_requests;
      rec.requests_dropped = serving_acc_.dropped_requests - prev_serving.dropped_requests;
      rec.serving_chip_s = serving_acc_.chip_s - prev_serving.chip_s;
      rec.serving_energy_j = serving_acc_.energy_j - prev_serving.energy_j;
      rec.it_energy_peak_j = peak_energy_j_ - prev_peak;
      prev_peak = peak_energy_j_;
      settle_bound(now);
      rec.training_chip_s = training_chip_s_ - prev_training;
      rec.throttle_chip_s = throttle_chip_s_ - prev_throttle;
      prev_training = training_chip_s_, prev_throttle = throttle_chip_s_;
      if (capped()) {
        // Every running job's hosts at the site's level (else they draw more than the bound counts),
        // unless a level change is under way at this instant.
        for (std::size_t id : enforcing_ ? std::vector<std::size_t>{} : running_) {
          const Job& job = jobs_[id];
          if (job.stopping || job.pool < 0 || job.activities.empty()) continue;
          const auto ps = static_cast<unsigned long>(power_state(static_cast<std::size_t>(job.pool), level_));
          for (const auto& sl : job.slices)
            if (fleet_.host(sl.block)->get_pstate() != ps) ++result_.power_cap_violations;
        }
        rec.power_bound_it_j = bound_it_j_ - prev_bound;
        prev_bound = bound_it_j_;
        rec.power_cap_min_w = min_site_cap_w(scenario_.site, start_date_, prev_t, now);
      }
      rec.serving_chips = 0;
      for (std::size_t g = 0; g < serving_slices_.size(); ++g) rec.serving_chips += serving_held(g);
      prev_serving = serving_acc_;
      result_.months.push_back(rec);
      month_ = {};
      if (capped()) month_.power_bound_peak_w = pue_at(scenario_.site, start_date_, now) * it_bound_w();
      prev_t = now, prev_e = e, prev = tot, prev_alloc = alloc, prev_inst = inst;
      if (options_.progress) options_.progress(now / horizon, now);
    }
    result_.it_energy_j = prev_e;
    sg4::Actor::kill_all();
  }

  const Scenario& scenario_;
  const HardwareChoice& choice_;
  const PlatformLayout& layout_;
  const FleetPlan& plan_;
  io::ChoiceResult& result_;
  Fleet fleet_;
  sg4::Host* controller_;
  const SimulationOptions& options_;
  std::unique_ptr<SchedulingPolicy> policy_;
  std::unique_ptr<JobSource> source_;
  std::deque<Job> jobs_;  // a deque: actors hold references to their job while others are added
  std::vector<std::size_t> waiting_;  // by submission (time, then id)
  std::vector<std::size_t> running_;
  std::map<PlanKey, PlanResult> plans_;
  // What the policy sees of the waiting jobs (sized ones), in waiting_ order; run times per pool are
  // refreshed when a job returns to the queue.
  std::vector<QueuedJobView> queue_view_;
  std::uint64_t fleet_version_ = 0, sized_at_version_ = ~std::uint64_t{0};
  io::MonthRecord month_;  // counters of the month in progress
  Totals credited_;  // work credited to jobs so far (in-flight chunks are added when metering)
  bool in_schedule_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::int64_t max_schedulable_ = 0;
  std::vector<Worker*> idle_workers_;
  // Inference pools (empty without inference).
  std::vector<std::unique_ptr<DemandSource>> demand_;  // per demand stream
  std::vector<std::vector<ServingRate>> serving_rates_;  // [stream][generation]
  std::vector<std::deque<Waiting>> waiting_requests_;  // per stream, oldest first
  std::vector<std::vector<Topology::Slice>> serving_slices_;  // per generation
  ServingTotals serving_now_;  // rates (per second) of the step in progress
  ServingTotals serving_acc_;  // integrated up to serving_last_s_
  double serving_last_s_ = 0;
  double adjust_booked_j_ = 0;  // training power below busy, booked (begin_adjust)
  double infra_w_per_chip_ = 0;  // site network + storage power per installed chip
  // Power cap controller.
  Date start_date_;
  int level_ = 0;  // throttle level of every training host (0: full speed)
  double floor_w_ = 0;  // IT power of powered blocks at idle, plus network and storage of installed chips
  double serving_full_w_ = 0;  // serving replicas' power above idle at full load, this step
  double train_dyn_w_ = 0;  // running jobs' power above idle at full speed
  double train_chips_ = 0;  // chips of running jobs
  double bound_last_s_ = 0, bound_it_j_ = 0, throttle_chip_s_ = 0, training_chip_s_ = 0;  // integrated (settle_bound)
  std::vector<bool> lot_on_;  // delivered and not yet retired, by lot
  bool enforcing_ = false, enforce_again_ = false;
  double peak_energy_j_ = 0, peak_start_energy_j_ = 0;  // time of use (tariff)
  bool peak_open_ = false;
  bool serving_busy_ = false;  // inside serve_step (Simulation::schedule defers)
  bool serving_started_ = false;  // the first serving step is done
  bool preempted_ = false;  // this serving step preempted training (the scheduler must look again)
  bool schedule_deferred_ = false;
  sg4::SemaphorePtr fleet_ready_ = sg4::Semaphore::create(0);
 public:
  std::optional<std::string> input_error_;  // bad input met while simulating (simulate_choice throws it)
 private:
  bool schedule_requested_ = false;
  sg4::SemaphorePtr schedule_wakeup_ = sg4::Semaphore::create(0);
};

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }

// The hosts of the loaded platform, in slot order, after checking that the platform is the one the
// scenario describes: host names and count, cores, speed and wattage per power state (one per
// generation) from the catalog, links > 0.
std::vector<sg4::Host*> checked_hosts(const sg4::Engine& engine, const PlatformLayout& layout, const HardwareChoice& choice) {
  const auto where = choice.platform_file.empty() ? std::string("generated platform") : choice.platform_file.string();
  auto bad = [&](const std::string& what) { return io::InputError(fmt::format("{}: {} (choice '{}')", where, what, choice.name)); };
  if (engine.get_host_count() != static_cast<std::size_t>(layout.hosts))
    throw bad(fmt::format("the platform has {} hosts but the scenario needs {} ({} chips in blocks of {})", engine.get_host_count(), layout.hosts,
                          layout.chips(), choice.block_chips));
  std::vector<sg4::Host*> hosts;
  hosts.reserve(static_cast<std::size_t>(layout.hosts));
  // Power state g x kThrottleLevels + k: generation g at throttle level k (models/power.hpp).
  constexpr int kLevels = power_constants::kThrottleLevels;
  std::string wattage;
  for (const auto& g : layout.generations)
    for (int k = 0; k < kLevels; ++k) {
      const BlockPower w = throttled(g.power, k);
      wattage += fmt::format("{}{}:{}:{}", wattage.empty() ? "" : ", ", w.idle_w, w.idle_w, w.busy_w);
    }
  const auto gens = layout.generations.size();
  const auto states = static_cast<unsigned long>(gens * kLevels);
  for (std::int64_t i = 0; i < layout.hosts; ++i) {
    const auto name = fmt::format("{}{}", layout.host_prefix, i);
    sg4::Host* h = engine.host_by_name_or_null(name);
    if (!h) throw bad(fmt::format("no host named '{}' (hosts must be {}0..{}{})", name, layout.host_prefix, layout.host_prefix, layout.hosts - 1));
    if (h->get_core_count() != static_cast<int>(layout.block_chips))
      throw bad(fmt::format("host '{}' has {} cores but a block has {} chips", name, h->get_core_count(), layout.block_chips));
    if (h->get_pstate_count() != states)
      throw bad(fmt::format("host '{}' has {} power states but the choice needs {} ({} generations x {} throttle levels; regenerate it with gigasim "
                            "platform)",
                            name, h->get_pstate_count(), states, gens, kLevels));
    for (std::size_t g = 0; g < gens; ++g)
      for (int k = 0; k < kLevels; ++k) {
        const auto ps = static_cast<unsigned long>(power_state(g, k));
        const double want = layout.generations[g].core_speed_flops_per_s * throttle_speed(k);
        if (!close(h->get_pstate_speed(ps), want))
          throw bad(fmt::format("host '{}' has speed {:g} FLOP/s in power state {} but one {} chip sustains {:g} at throttle level {} (peak x "
                                "gemm_efficiency from the catalog, x speed {:g})",
                                name, h->get_pstate_speed(ps), ps, layout.generations[g].system_id, want, k, throttle_speed(k)));
      }
    const char* w = h->get_property("wattage_per_state");
    if (!w) throw bad(fmt::format("host '{}' has no wattage_per_state property (expected \"{}\")", name, wattage));
    std::string text(w);
    std::size_t pos = 0;
    for (std::size_t g = 0; g < gens; ++g)
      for (int k = 0; k < kLevels; ++k) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        double a = -1, b = -1, c = -1;
        char extra = 0;
        const std::string part = pos < text.size() ? text.substr(pos, end - pos) : std::string();
        const BlockPower p = throttled(layout.generations[g].power, k);
        if (std::sscanf(part.c_str(), " %lf:%lf:%lf %c", &a, &b, &c, &extra) != 3 || !close(a, p.idle_w) || !close(b, p.idle_w) || !close(c, p.busy_w))
          throw bad(fmt::format("host '{}' has wattage_per_state \"{}\" but the catalog gives \"{}\" (idle:idle:busy per generation and throttle "
                                "level)",
                                name, w, wattage));
        pos = end + 1;
      }
    hosts.push_back(h);
  }
  for (const sg4::Link* l : engine.get_all_links())
    if (!(l->get_bandwidth() > 0)) throw bad(fmt::format("link '{}' has bandwidth {:g}: expected a bandwidth > 0", l->get_name(), l->get_bandwidth()));
  return hosts;
}

}  // namespace

io::ChoiceResult simulate_choice(const Scenario& scenario, const HardwareChoice& choice, const SimulationOptions& options) {
  // SimGrid keeps static state: a second engine in one process is undefined behaviour. Refuse loudly.
  static bool engine_used = false;
  if (engine_used) throw std::logic_error("simulate_choice called twice in one process (SimGrid allows one engine per process)");
  engine_used = true;
  std::vector<std::string> args = {"gigasim", fmt::format("--log=root.thresh:{}", options.simgrid_log_threshold),
                                   // CM02: latency + size / bandwidth, no hidden correction factors (docs/architecture.md).
                                   "--cfg=network/model:CM02",
                                   // No TCP window bound (gamma / 2 RTT): RDMA fabrics have none, and at
                                   // microsecond latencies it would cap a flow far below link bandwidth.
                                   "--cfg=network/TCP-gamma:0",
                                   // No 5% reverse-path charge for TCP acknowledgements.
                                   "--cfg=network/crosstraffic:0",
                                   fmt::format("--cfg=contexts/stack-size:{}", kStackKiB)};
#if defined(__SANITIZE_ADDRESS__)
  args.emplace_back("--cfg=contexts/factory:thread");  // ucontext stacks confuse AddressSanitizer
#endif
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  sg_host_energy_plugin_init();

  const FleetPlan plan = plan_choice_fleet(scenario.site, scenario.budget, choice, scenario.horizon_s);
  const PlatformLayout layout = layout_platform(scenario.site, choice, plan.slots_per_hall, Precision::kBf16);
  if (options.on_phase) options.on_phase("load-platform");
  if (choice.platform_file.empty()) {
    const auto dir = options.scratch_dir.empty() ? std::filesystem::temp_directory_path() : options.scratch_dir;
    const auto tmp = dir / fmt::format("gigasim-{}-{}.xml", ::getpid(), choice.name);
    {
      std::ofstream out(tmp);
      out << io::platform_xml(layout);
    }
    engine.load_platform(tmp.string());
    std::filesystem::remove(tmp);
  } else {
    try {
      engine.load_platform(choice.platform_file.string());
    } catch (const std::exception& e) {
      throw io::InputError(fmt::format("{}: SimGrid cannot load this platform: {}", choice.platform_file.string(), e.what()));
    }
  }

  io::ChoiceResult result;
  result.choice = choice.name;
  result.system_id = choice.system.id;
  result.chips = plan.slots * choice.block_chips;
  result.block_chips = choice.block_chips;
  result.hosts = layout.hosts;
  result.horizon_s = scenario.horizon_s;

  std::vector<sg4::Host*> hosts = checked_hosts(engine, layout, choice);
  // The actors that drive the simulation live on a host of their own, which never turns off (slots do)
  // and draws nothing.
  sg4::Host* controller = engine.get_netzone_root()
                              ->create_host("gigasim-controller", 1.0)
                              ->set_property("wattage_per_state", "0:0:0")
                              ->set_property("wattage_off", "0")
                              ->seal();
  if (options.on_phase) options.on_phase("simulate");
  const Topology topology(layout);
  if (!topology.connected()) throw std::logic_error("generated fabric is not connected");
  Simulation sim(scenario, choice, layout, plan, topology, result, std::move(hosts), controller, options);
  sim.start();
  engine.run();
  if (sim.input_error_) throw io::InputError(*sim.input_error_);
  return result;
}

}  // namespace gigasim::sim
