#include "simulation.hpp"

#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "models/platform_layout.hpp"
#include "models/topology.hpp"
#include "models/planner.hpp"
#include "models/step_model.hpp"
#include "models/units.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/platform_xml.hpp"

namespace sg4 = simgrid::s4u;

namespace gigasim::sim {
namespace {

// A job advances in chunks of at most this much simulated time at its ideal rate; the chunk is the
// unit of execution (one SimGrid exec per block plus its reduction traffic), never a training step.
constexpr double kChunkDurationS = units::kSecondsPerDay;

// Free chips per block, and the integral of allocated chips over time. Jobs get chips, not whole
// blocks: several jobs may share a block (one Exec each, their threads adding up to at most its cores).
class Fleet {
 public:
  using Slice = Topology::Slice;
  Fleet(std::vector<sg4::Host*> hosts, std::int64_t block_chips, const Topology& topology)
      : hosts_(std::move(hosts)), free_(hosts_.size(), block_chips), block_chips_(block_chips), topology_(topology),
        free_total_(static_cast<std::int64_t>(hosts_.size()) * block_chips) {}

  std::int64_t free_chips() const { return free_total_; }
  sg4::Host* host(std::int64_t block) const { return hosts_[static_cast<std::size_t>(block)]; }

  // The free chips nearest each other on the fabric (models/topology).
  std::vector<Slice> allocate(std::int64_t chips, double now_s) {
    accumulate(now_s);
    std::vector<Slice> picked = topology_.nearby_free_chips(free_, chips);
    std::int64_t got = 0;
    for (const Slice& sl : picked) {
      auto& f = free_[static_cast<std::size_t>(sl.block)];
      if (sl.chips <= 0 || sl.chips > f) throw std::logic_error("allocate: chips allocated twice or beyond what is installed");
      f -= sl.chips;
      got += sl.chips;
    }
    if (got != chips) throw std::logic_error("allocate: fewer free chips than the scheduler counted");
    free_total_ -= chips;
    return picked;
  }

  void release(const std::vector<Slice>& slices, double now_s) {
    accumulate(now_s);
    for (const Slice& sl : slices) {
      auto& f = free_[static_cast<std::size_t>(sl.block)];
      f += sl.chips;
      if (f > block_chips_) throw std::logic_error("release: more chips freed than the block has");
      free_total_ += sl.chips;
    }
  }

  double allocated_chip_seconds(double now_s) {
    accumulate(now_s);
    return allocated_chip_s_;
  }

  double total_energy_j() const {
    double e = 0;
    for (auto* h : hosts_) e += sg_host_get_consumed_energy(h);
    return e;
  }

 private:
  void accumulate(double now_s) {
    const auto allocated = static_cast<double>(static_cast<std::int64_t>(hosts_.size()) * block_chips_ - free_total_);
    allocated_chip_s_ += allocated * (now_s - last_s_);
    last_s_ = now_s;
  }
  std::vector<sg4::Host*> hosts_;
  std::vector<std::int64_t> free_;
  std::int64_t block_chips_;
  const Topology& topology_;
  std::int64_t free_total_;
  double allocated_chip_s_ = 0;
  double last_s_ = 0;
};

struct JobState {
  const PretrainingJobSpec* spec = nullptr;
  io::JobRecord* record = nullptr;
  std::vector<Topology::Slice> slices;  // the chips it holds, per block
  double energy_at_start_j = 0;
  // Current chunk, for progress between chunk ends.
  double chunk_tokens = 0;
  std::vector<sg4::ActivityPtr> activities;
  std::vector<double> activity_amounts;
  bool running = false;

  double tokens_now() const {
    if (!running || activities.empty()) return record->tokens_done;
    double progress = 1.0;
    for (std::size_t i = 0; i < activities.size(); ++i) {
      const auto& a = activities[i];
      const double done = a->get_state() == sg4::Activity::State::FINISHED ? 1.0 : 1.0 - a->get_remaining() / activity_amounts[i];
      progress = std::min(progress, std::clamp(done, 0.0, 1.0));
    }
    return record->tokens_done + chunk_tokens * progress;
  }
};

class Simulation {
 public:
  Simulation(const Scenario& scenario, const HardwareChoice& choice, const PlatformLayout& layout, const Topology& topology,
             io::ChoiceResult& result, std::vector<sg4::Host*> hosts, const SimulationOptions& options)
      : scenario_(scenario), choice_(choice), layout_(layout), result_(result), fleet_(std::move(hosts), choice.block_chips, topology),
        options_(options) {
    jobs_.resize(scenario.workload.pretraining.size());
    result_.jobs.resize(jobs_.size());
    for (std::size_t i = 0; i < jobs_.size(); ++i) {
      const auto& spec = scenario.workload.pretraining[i];
      jobs_[i].spec = &spec;
      jobs_[i].record = &result_.jobs[i];
      auto& rec = result_.jobs[i];
      rec.name = spec.name;
      rec.chips = spec.chips;
      rec.submit_s = spec.submit_s;
      rec.tokens_target = spec.tokens;
    }
  }

  void start() {
    sg4::Host* home = fleet_.host(0);
    sg4::Actor::create("submitter", home, [this] { submitter(); });
    sg4::Actor::create("meter", home, [this] { meter(); });
  }

 private:
  void submitter() {
    std::vector<std::size_t> order(jobs_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [this](auto a, auto b) { return jobs_[a].spec->submit_s < jobs_[b].spec->submit_s; });
    for (auto i : order) {
      sg4::this_actor::sleep_until(jobs_[i].spec->submit_s);
      queue_.push_back(i);
      try_start();
    }
  }

  // FIFO: start jobs from the head of the queue while they fit (no backfilling yet).
  void try_start() {
    while (!queue_.empty()) {
      JobState& job = jobs_[queue_.front()];
      if (job.spec->chips > fleet_.free_chips()) return;
      queue_.pop_front();
      job.slices = fleet_.allocate(job.spec->chips, sg4::Engine::get_clock());
      job.record->blocks = static_cast<std::int64_t>(job.slices.size());
      sg4::Actor::create(fmt::format("job-{}", job.spec->name), fleet_.host(job.slices.front().block), [this, &job] { run_job(job); });
    }
  }

  // The job's share of the IT energy of the blocks it uses: each block's energy times the fraction of
  // the block's chips the job holds (exact when the job holds whole blocks).
  double job_energy(const JobState& job) const {
    double e = 0;
    for (const auto& sl : job.slices)
      e += sg_host_get_consumed_energy(fleet_.host(sl.block)) * static_cast<double>(sl.chips) / static_cast<double>(choice_.block_chips);
    return e;
  }

  // A job runs at the layout the planner picks for its chips on this system (models/planner), in chunks
  // of whole optimizer steps (at most a day): one Exec per block for the step time the model predicts
  // (every chip busy), concurrent with the data-parallel gradient traffic that crosses blocks, as one
  // flow per block to the next in a ring. With no contention the flows finish within the step time
  // (the model already counts their ideal cost); an oversubscribed fabric or other jobs' flows stretch
  // the chunk.
  void run_job(JobState& job) {
    io::JobRecord& rec = *job.record;
    const PretrainingJobSpec& spec = *job.spec;
    rec.start_s = sg4::Engine::get_clock();
    job.energy_at_start_j = job_energy(job);
    job.running = true;

    const PlanResult plan = plan_layout(training_workload(spec), hardware_from_catalog(choice_.system, spec.chips));
    if (!plan.found) throw std::logic_error(fmt::format("job '{}' has no layout (the loader should have refused it)", spec.name));
    const StepEstimate& step = plan.estimate;
    rec.layout = fmt::format("tp{}-pp{}-dp{}-ep{}-mb{}-v{}-{}{}", plan.layout.tp, plan.layout.pp, plan.layout.dp, plan.layout.ep,
                             plan.layout.micro_batch, plan.layout.pp_interleave, to_string(plan.layout.recompute),
                             plan.layout.sequence_parallel ? "-sp" : "");
    rec.step_time_s = step.step_time_s;
    rec.mfu = step.mfu;
    const double tokens_per_step = static_cast<double>(spec.global_batch_sequences * spec.model.seq_len);
    const auto steps_per_chunk = std::max<std::int64_t>(1, static_cast<std::int64_t>(kChunkDurationS / step.step_time_s));
    // Gradient bytes each chip sends between systems per step, for the collective the model chose.
    const double ring_bytes_per_chip = step.dp_scale_out_bytes_per_chip;
    const auto nblocks = job.slices.size();

    while (rec.tokens_done < spec.tokens) {
      const double remaining_steps = std::ceil((spec.tokens - rec.tokens_done) / tokens_per_step - 1e-9);
      const double steps = std::min(static_cast<double>(steps_per_chunk), remaining_steps);
      const double chunk_tokens = std::min(spec.tokens - rec.tokens_done, steps * tokens_per_step);
      const double busy_flops = steps * step.step_time_s * layout_.core_speed_flops_per_s;  // per chip
      job.chunk_tokens = chunk_tokens;
      job.activities.clear();
      job.activity_amounts.clear();
      for (std::size_t b = 0; b < nblocks; ++b) {
        const auto& sl = job.slices[b];
        auto exec = sg4::Exec::init()->set_flops_amount(busy_flops)->set_thread_count(static_cast<int>(sl.chips))->set_host(fleet_.host(sl.block));
        exec->start();
        job.activities.push_back(exec);
        job.activity_amounts.push_back(busy_flops);
      }
      if (nblocks > 1 && ring_bytes_per_chip > 0) {
        for (std::size_t b = 0; b < nblocks; ++b) {
          const double bytes = steps * ring_bytes_per_chip * static_cast<double>(job.slices[b].chips);
          auto comm = sg4::Comm::sendto_async(fleet_.host(job.slices[b].block), fleet_.host(job.slices[(b + 1) % nblocks].block),
                                              static_cast<uint64_t>(std::llround(bytes)));
          job.activities.push_back(comm);
          job.activity_amounts.push_back(std::max(1.0, std::round(bytes)));
        }
      }
      for (auto& a : job.activities) a->wait();
      rec.tokens_done += chunk_tokens;
    }
    job.running = false;
    job.activities.clear();
    rec.tokens_done = spec.tokens;
    rec.flops_done = spec.tokens * model_flops_per_token(spec);
    rec.end_s = sg4::Engine::get_clock();
    rec.energy_it_j = job_energy(job) - job.energy_at_start_j;
    fleet_.release(job.slices, rec.end_s);
    try_start();
  }

  static double model_flops_per_token(const PretrainingJobSpec& spec) { return 3.0 * token_flops(spec.model).model_forward; }

  double tokens_now() const {
    double t = 0;
    for (const auto& j : jobs_) t += j.tokens_now();
    return t;
  }

  double flops_now() const {
    double f = 0;
    for (const auto& j : jobs_) f += j.tokens_now() * model_flops_per_token(*j.spec);
    return f;
  }

  // Records each reporting month; at the horizon closes the books and stops every other actor.
  void meter() {
    const double horizon = scenario_.horizon_s;
    const auto months = static_cast<std::size_t>(std::ceil(horizon / units::kSecondsPerMonth - 1e-9));
    double prev_t = 0, prev_e = 0, prev_tokens = 0, prev_flops = 0, prev_alloc = 0;
    for (std::size_t m = 1; m <= months; ++m) {
      const double t = std::min(static_cast<double>(m) * units::kSecondsPerMonth, horizon);
      sg4::this_actor::sleep_until(t);
      const double now = sg4::Engine::get_clock();
      const double e = fleet_.total_energy_j();
      const double tokens = tokens_now();
      const double flops = flops_now();
      const double alloc = fleet_.allocated_chip_seconds(now);
      result_.months.push_back({.it_energy_j = e - prev_e,
                                .tokens = tokens - prev_tokens,
                                .flops = flops - prev_flops,
                                .allocated_chip_s = alloc - prev_alloc,
                                .duration_s = now - prev_t});
      prev_t = now, prev_e = e, prev_tokens = tokens, prev_flops = flops, prev_alloc = alloc;
      if (options_.progress) options_.progress(now / horizon, now);
    }
    result_.it_energy_j = prev_e;
    for (auto& j : jobs_) {
      if (!j.running) continue;
      j.record->tokens_done = j.tokens_now();
      j.record->flops_done = j.record->tokens_done * model_flops_per_token(*j.spec);
      j.record->energy_it_j = job_energy(j) - j.energy_at_start_j;
    }
    sg4::Actor::kill_all();
  }

  const Scenario& scenario_;
  const HardwareChoice& choice_;
  const PlatformLayout& layout_;
  io::ChoiceResult& result_;
  Fleet fleet_;
  const SimulationOptions& options_;
  std::vector<JobState> jobs_;
  std::deque<std::size_t> queue_;
};

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }

// The hosts of the loaded platform, in block order, after checking that the platform is the one the
// scenario describes: host names and count, cores, speed and wattage from the catalog, links > 0.
std::vector<sg4::Host*> checked_hosts(const sg4::Engine& engine, const PlatformLayout& layout, const HardwareChoice& choice) {
  const auto where = choice.platform_file.empty() ? std::string("generated platform") : choice.platform_file.string();
  auto bad = [&](const std::string& what) { return io::InputError(fmt::format("{}: {} (choice '{}')", where, what, choice.name)); };
  if (engine.get_host_count() != static_cast<std::size_t>(layout.hosts))
    throw bad(fmt::format("the platform has {} hosts but the scenario needs {} ({} chips in blocks of {})", engine.get_host_count(), layout.hosts,
                          choice.chips, choice.block_chips));
  std::vector<sg4::Host*> hosts;
  hosts.reserve(static_cast<std::size_t>(layout.hosts));
  const std::string wattage = fmt::format("{}:{}:{}", layout.power.idle_w, layout.power.idle_w, layout.power.busy_w);
  for (std::int64_t i = 0; i < layout.hosts; ++i) {
    const auto name = fmt::format("{}{}", layout.host_prefix, i);
    sg4::Host* h = engine.host_by_name_or_null(name);
    if (!h) throw bad(fmt::format("no host named '{}' (hosts must be {}0..{}{})", name, layout.host_prefix, layout.host_prefix, layout.hosts - 1));
    if (h->get_core_count() != static_cast<int>(layout.block_chips))
      throw bad(fmt::format("host '{}' has {} cores but a block has {} chips", name, h->get_core_count(), layout.block_chips));
    if (!close(h->get_speed(), layout.core_speed_flops_per_s))
      throw bad(fmt::format("host '{}' has speed {:g} FLOP/s but one {} chip sustains {:g} (peak x gemm_efficiency from the catalog)", name,
                            h->get_speed(), choice.system.id, layout.core_speed_flops_per_s));
    const char* w = h->get_property("wattage_per_state");
    if (!w) throw bad(fmt::format("host '{}' has no wattage_per_state property (expected \"{}\")", name, wattage));
    double a = -1, b = -1, c = -1;
    char extra = 0;
    if (std::sscanf(w, "%lf:%lf:%lf%c", &a, &b, &c, &extra) != 3 || !close(a, layout.power.idle_w) || !close(b, layout.power.idle_w) ||
        !close(c, layout.power.busy_w))
      throw bad(fmt::format("host '{}' has wattage_per_state \"{}\" but the catalog gives \"{}\" (idle:idle:busy for the block)", name, w, wattage));
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
                                   "--cfg=network/crosstraffic:0"};
#if defined(__SANITIZE_ADDRESS__)
  args.emplace_back("--cfg=contexts/factory:thread");  // ucontext stacks confuse AddressSanitizer
#endif
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  sg_host_energy_plugin_init();

  const PlatformLayout layout = layout_platform(scenario.site, choice, Precision::kBf16);
  if (options.on_phase) options.on_phase("load-platform");
  if (choice.platform_file.empty()) {
    const auto tmp = std::filesystem::temp_directory_path() / fmt::format("gigasim-{}-{}.xml", ::getpid(), choice.name);
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
  result.chips = choice.chips;
  result.block_chips = choice.block_chips;
  result.hosts = layout.hosts;
  result.horizon_s = scenario.horizon_s;

  std::vector<sg4::Host*> hosts = checked_hosts(engine, layout, choice);
  if (options.on_phase) options.on_phase("simulate");
  const Topology topology(layout);
  if (!topology.connected()) throw std::logic_error("generated fabric is not connected");
  Simulation sim(scenario, choice, layout, topology, result, std::move(hosts), options);
  sim.start();
  engine.run();
  return result;
}

}  // namespace gigasim::sim
