#include "scheduler.hpp"

#include <algorithm>
#include <limits>
#include <cmath>
#include <optional>

namespace gigasim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A job's estimated run time on a pool; +inf where it cannot run there (or the view gives no estimate).
double run_s(const QueuedJobView& job, std::size_t pool) {
  if (pool >= job.run_s_by_pool.size()) return kInf;
  const double r = job.run_s_by_pool[pool];
  return std::isfinite(r) ? r : kInf;  // NaN counts as "cannot run"
}

bool can_run(const QueuedJobView& job, std::size_t pool) { return std::isfinite(run_s(job, pool)); }

std::vector<std::int64_t> free_chips(std::span<const PoolView> pools) {
  std::vector<std::int64_t> out;
  out.reserve(pools.size());
  for (const PoolView& p : pools) out.push_back(p.free_chips);
  return out;
}

// The pool where `job` would finish first among those where it can run and `allowed(pool, run_s)` holds
// (ties: the lower index). Finishing first is the shortest run time, since every start is at now_s.
template <typename Allowed>
std::optional<std::size_t> fastest_pool(const QueuedJobView& job, std::size_t pools, Allowed allowed) {
  std::optional<std::size_t> best;
  for (std::size_t p = 0; p < pools; ++p) {
    const double r = run_s(job, p);
    if (!std::isfinite(r) || !allowed(p, r)) continue;
    if (!best || r < run_s(job, *best)) best = p;
  }
  return best;
}

std::optional<std::size_t> fastest_fitting_pool(const QueuedJobView& job, const std::vector<std::int64_t>& free) {
  return fastest_pool(job, free.size(), [&](std::size_t p, double) { return job.chips <= free[p]; });
}

void start(Decisions& d, std::vector<std::int64_t>& free, const QueuedJobView& job, std::size_t pool) {
  free[pool] -= job.chips;
  d.start.push_back({job.id, pool});
}

// ---- fifo ----

class FifoPolicy final : public SchedulingPolicy {
 public:
  std::string_view name() const override { return "fifo"; }
  Decisions decide(const SchedulerView& view) const override {
    Decisions d;
    std::vector<std::int64_t> free = free_chips(view.pools);
    for (const QueuedJobView& job : view.queue) {
      const auto pool = fastest_fitting_pool(job, free);
      if (!pool) break;  // strict: nothing passes the head, even one no pool can ever hold
      start(d, free, job, *pool);
    }
    return d;
  }
};

// ---- backfill ----

struct Reservation {
  std::size_t pool = 0;
  double start_s = kInf;
  std::int64_t extra_chips = 0;  // free on `pool` at start_s beyond the head's needs
};

// Some pool could hold the job if it were empty: chips installed and a finite run time.
bool ever_fits(const QueuedJobView& job, std::span<const PoolView> pools) {
  for (std::size_t p = 0; p < pools.size(); ++p)
    if (can_run(job, p) && job.chips <= pools[p].installed_chips) return true;
  return false;
}

// A job holding chips of a pool until an expected time.
struct Release {
  std::size_t pool = 0;
  double at_s = 0;
  std::int64_t chips = 0;
};

// The chips each pool gets back, sorted by time: at the running jobs' expected ends and at those of the
// jobs this decision already started (`started`).
std::vector<std::vector<Release>> releases_by_pool(const SchedulerView& view, std::span<const Release> started) {
  std::vector<std::vector<Release>> out(view.pools.size());
  for (const RunningJobView& r : view.running)
    if (r.pool < out.size()) out[r.pool].push_back({r.pool, std::isnan(r.expected_end_s) ? kInf : r.expected_end_s, r.chips});
  for (const Release& s : started) out[s.pool].push_back(s);
  for (auto& rel : out) std::sort(rel.begin(), rel.end(), [](const Release& a, const Release& b) { return a.at_s < b.at_s; });
  return out;
}

// The earliest time, from now_s, that `chips` are free on a pool with `free` chips now and `releases`
// sorted by time, with every release at that instant counted (a job past its expected end releases at
// now_s); start_s is +inf if that never happens.
Reservation earliest_free(std::size_t pool, std::int64_t chips, std::int64_t free, std::span<const Release> releases, double now_s) {
  std::size_t i = 0;
  for (double at_s = now_s;;) {
    while (i < releases.size() && releases[i].at_s <= at_s) free += releases[i++].chips;
    if (free >= chips) return {pool, at_s, free - chips};
    if (i == releases.size()) return {pool, kInf, 0};
    at_s = releases[i].at_s;
  }
}

// The head's reservation: on the pool where it would finish first (ties: the lower index). If no pool
// ever frees enough (expected ends of +inf), the start is +inf and nothing can delay it.
Reservation reserve(const SchedulerView& view, const QueuedJobView& head, const std::vector<std::int64_t>& free,
                    std::span<const Release> started) {
  const auto releases = releases_by_pool(view, started);
  std::optional<Reservation> best;
  double best_end_s = kInf;
  for (std::size_t p = 0; p < view.pools.size(); ++p) {
    if (!can_run(head, p) || head.chips > view.pools[p].installed_chips) continue;
    const Reservation r = earliest_free(p, head.chips, free[p], releases[p], view.now_s);
    const double end_s = r.start_s + run_s(head, p);
    if (!best || end_s < best_end_s) {
      best = r;
      best_end_s = end_s;
    }
  }
  return best.value_or(Reservation{});
}

// A later job may start now on `pool` if that does not delay the reservation.
bool does_not_delay(const Reservation& res, std::size_t pool, const QueuedJobView& job, double end_s) {
  return pool != res.pool || end_s <= res.start_s || job.chips <= res.extra_chips;
}

class BackfillPolicy final : public SchedulingPolicy {
 public:
  std::string_view name() const override { return "backfill"; }
  Decisions decide(const SchedulerView& view) const override {
    Decisions d;
    std::vector<std::int64_t> free = free_chips(view.pools);
    // In order while the jobs fit, as FIFO; the first that does not (the head) gets the reservation.
    std::vector<Release> started;
    std::size_t i = 0;
    for (; i < view.queue.size(); ++i) {
      const QueuedJobView& job = view.queue[i];
      if (!ever_fits(job, view.pools)) continue;
      const auto pool = fastest_fitting_pool(job, free);
      if (!pool) break;
      start(d, free, job, *pool);
      started.push_back({*pool, view.now_s + run_s(job, *pool), job.chips});
    }
    if (i == view.queue.size()) return d;
    Reservation res = reserve(view, view.queue[i], free, started);
    for (++i; i < view.queue.size(); ++i) backfill(view, view.queue[i], res, free, d);
    return d;
  }

 private:
  static void backfill(const SchedulerView& view, const QueuedJobView& job, Reservation& res, std::vector<std::int64_t>& free,
                       Decisions& d) {
    const auto pool = fastest_pool(job, free.size(), [&](std::size_t p, double r) {
      return job.chips <= free[p] && does_not_delay(res, p, job, view.now_s + r);
    });
    if (!pool) return;
    // Still running at the reservation's start: it holds some of the extra chips then.
    if (*pool == res.pool && view.now_s + run_s(job, *pool) > res.start_s) res.extra_chips -= job.chips;
    start(d, free, job, *pool);
  }
};

// ---- priority ----

// The preemptible running jobs of one pool in preemption order: lowest priority first, then most
// recently started, then the higher id. A job's candidates (priority below its own) are a prefix of that
// order and each preemption takes the next ones in it, so the jobs preempted so far are a prefix too: a
// cursor and prefix sums of chips answer "how many are needed" in O(log n), not a scan per queued job.
class Victims {
 public:
  void add(const RunningJobView& job) { jobs_.push_back(&job); }

  void sort() {
    std::sort(jobs_.begin(), jobs_.end(), [](const RunningJobView* a, const RunningJobView* b) {
      if (a->priority != b->priority) return a->priority < b->priority;
      if (a->start_s != b->start_s) return a->start_s > b->start_s;
      return a->id > b->id;
    });
    prefix_chips_.assign(1, 0);
    for (const RunningJobView* j : jobs_) prefix_chips_.push_back(prefix_chips_.back() + j->chips);
  }

  struct Cover {
    std::size_t jobs = 0;
    std::int64_t chips = 0;
  };

  // The fewest next victims, all of priority below `priority`, that free at least `chips` chips.
  std::optional<Cover> cover(std::int64_t chips, int priority) const {
    const auto below = std::partition_point(jobs_.begin() + diff(next_), jobs_.end(),
                                            [&](const RunningJobView* j) { return j->priority < priority; });
    const auto eligible = static_cast<std::size_t>(below - jobs_.begin());  // jobs_[next_, eligible) may go
    const auto first = prefix_chips_.begin() + diff(next_ + 1);
    const auto last = prefix_chips_.begin() + diff(eligible + 1);
    const auto k = std::lower_bound(first, last, prefix_chips_[next_] + chips);
    if (k == last) return std::nullopt;
    return Cover{static_cast<std::size_t>(k - first) + 1, *k - prefix_chips_[next_]};
  }

  // Chips of the victims a job of `priority` could still preempt.
  std::int64_t available(int priority) const {
    const auto below = std::partition_point(jobs_.begin() + diff(next_), jobs_.end(),
                                            [&](const RunningJobView* j) { return j->priority < priority; });
    return prefix_chips_[static_cast<std::size_t>(below - jobs_.begin())] - prefix_chips_[next_];
  }

  void take(std::size_t n, Decisions& d) {
    for (std::size_t i = 0; i < n; ++i) d.preempt.push_back(jobs_[next_ + i]->id);
    next_ += n;
  }

 private:
  static std::ptrdiff_t diff(std::size_t n) { return static_cast<std::ptrdiff_t>(n); }

  std::vector<const RunningJobView*> jobs_;
  std::vector<std::int64_t> prefix_chips_{0};  // prefix_chips_[k]: chips of jobs_[0, k)
  std::size_t next_ = 0;  // jobs_[0, next_) are preempted by this decision
};

// Where a job goes: its pool and the victims to preempt there first (none if it fits).
struct Placement {
  std::size_t pool = 0;
  Victims::Cover victims;
};

// Queue indices by decreasing priority (ties: earlier submit, then lower id).
std::vector<std::size_t> priority_order(std::span<const QueuedJobView> queue) {
  std::vector<std::size_t> order(queue.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto before = [&](std::size_t a, std::size_t b) {
    const QueuedJobView& x = queue[a];
    const QueuedJobView& y = queue[b];
    if (x.priority != y.priority) return x.priority > y.priority;
    if (x.submit_s != y.submit_s) return x.submit_s < y.submit_s;
    return x.id < y.id;
  };
  // The simulation's queue is in submission order: with one priority it is already in this order.
  if (!std::is_sorted(order.begin(), order.end(), before)) std::stable_sort(order.begin(), order.end(), before);
  return order;
}

std::vector<Victims> victims_by_pool(const SchedulerView& view) {
  std::vector<Victims> out(view.pools.size());
  for (const RunningJobView& r : view.running)
    if (r.preemptible && r.pool < out.size()) out[r.pool].add(r);
  for (Victims& v : out) v.sort();
  return out;
}

// The pool needing the fewest preempted chips (0 where the job fits), ties: the job finishing first,
// then the lower index.
std::optional<Placement> place(const QueuedJobView& job, const std::vector<std::int64_t>& free, const std::vector<Victims>& victims) {
  std::optional<Placement> best;
  for (std::size_t p = 0; p < free.size(); ++p) {
    if (!can_run(job, p)) continue;
    std::optional<Victims::Cover> c = Victims::Cover{};
    if (job.chips > free[p]) c = victims[p].cover(job.chips - free[p], job.priority);
    if (!c) continue;
    const bool better = !best || c->chips < best->victims.chips ||
                        (c->chips == best->victims.chips && run_s(job, p) < run_s(job, best->pool));
    if (better) best = Placement{p, *c};
  }
  return best;
}

class PriorityPolicy final : public SchedulingPolicy {
 public:
  std::string_view name() const override { return "priority"; }
  Decisions decide(const SchedulerView& view) const override {
    Decisions d;
    std::vector<std::int64_t> free = free_chips(view.pools);
    std::vector<Victims> victims = victims_by_pool(view);
    const std::vector<std::size_t> order = priority_order(view.queue);
    // The fewest chips any job from position k on asks for: once no pool has that many free plus
    // preemptible below the current priority (later jobs have no higher priority), nothing more starts.
    std::vector<std::int64_t> least(order.size() + 1, std::numeric_limits<std::int64_t>::max());
    for (std::size_t k = order.size(); k-- > 0;) least[k] = std::min(least[k + 1], view.queue[order[k]].chips);
    for (std::size_t k = 0; k < order.size(); ++k) {
      const QueuedJobView& job = view.queue[order[k]];
      bool room = false;
      for (std::size_t p = 0; p < free.size() && !room; ++p) room = free[p] + victims[p].available(job.priority) >= least[k];
      if (!room) break;
      const auto at = place(job, free, victims);
      if (!at) continue;  // does not block lower priorities
      victims[at->pool].take(at->victims.jobs, d);
      free[at->pool] += at->victims.chips;
      start(d, free, job, at->pool);
    }
    return d;
  }
};

}  // namespace

std::unique_ptr<SchedulingPolicy> make_policy(std::string_view name) {
  if (name == "fifo") return std::make_unique<FifoPolicy>();
  if (name == "backfill") return std::make_unique<BackfillPolicy>();
  if (name == "priority") return std::make_unique<PriorityPolicy>();
  return nullptr;
}

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"fifo", "backfill", "priority"};
  return names;
}

}  // namespace gigasim
