// Scheduling policies: pure decisions over a read-only view of the fleet and the queue. The simulation
// (sim/engine) builds the view whenever something changes (a job arrives or ends, chips are delivered,
// retired, fail or come back), asks the policy, and carries out what it decides: preemptions first (their
// chips are free at once), then starts. Placement of a started job's chips on the fabric (topology-aware
// or packed) is the simulation's, not the policy's: a policy only counts chips.
//
// A *pool* is the installed chips of one hardware generation. A job runs on one pool (gang: all its
// chips at once, from one generation); its estimated run time differs per pool.
//
// Policies (make_policy):
//   "fifo"      strict first-come first-served: the queue head starts on the pool where it would finish
//               first among those with enough free chips; nothing behind it starts before it does.
//   "backfill"  FIFO with EASY backfilling: the head gets a reservation on the pool where it would
//               finish first (the earliest time enough chips are free, from the running jobs' expected
//               ends, plus its run time there); a later job may start now on a pool with enough free
//               chips if it does not delay the reservation: it is on another pool, or it ends before the
//               reservation's start, or it uses only chips the head will not need then ("extra" chips,
//               which it consumes). Jobs no pool can ever hold (more chips than installed) are skipped.
//   "priority"  highest priority first (ties: earlier submit, then lower id); a job that does not fit
//               may preempt running jobs of strictly lower priority that are preemptible, on one pool:
//               the pool needing the fewest preempted chips (ties: the job finishing first), preempting
//               the lowest priority first, most recently started first, only as many as needed. A job
//               that cannot start does not block lower-priority ones.
//
// Details common to the policies (clarifications of the above):
//   - a job can run on a pool where its run time is finite (a missing entry counts as +inf);
//   - ties between pools go to the lower index; "finishes first" compares now_s + run time;
//   - "fifo" is strict even for a job no pool can hold: it waits (for deliveries) and so does the queue;
//   - "backfill": the jobs it starts ahead of the head in the same decision count as running (ending at
//     now_s + run time); a running job past its expected end is taken to end at now_s; only the head has
//     a reservation; ending exactly at the reservation's start does not delay it; the extra chips are
//     those free on the reservation's pool at its start beyond the head's; a backfilled job goes to the
//     pool where it finishes first among those allowed; if no pool ever frees enough chips for the head
//     (expected ends of +inf), its reservation starts at +inf and delays nothing;
//   - "priority": a pool where the job fits needs 0 preempted chips, so a job that fits somewhere never
//     preempts; preemption order ties (same priority and start) go to the higher id; "only as many as
//     needed" is the shortest prefix of that order whose chips, with the free ones, are enough.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gigasim {

struct PoolView {
  std::int64_t installed_chips = 0;  // chips in service (delivered, not retired, not under repair)
  std::int64_t free_chips = 0;  // of those, not held by a job
};

struct QueuedJobView {
  std::size_t id = 0;
  std::int64_t chips = 0;
  int priority = 0;  // larger runs first under "priority"
  double submit_s = 0;
  // Estimated remaining run time on each pool (index = pool); +inf where the job cannot run.
  std::vector<double> run_s_by_pool;
};

struct RunningJobView {
  std::size_t id = 0;
  std::size_t pool = 0;
  std::int64_t chips = 0;
  int priority = 0;
  bool preemptible = false;
  double start_s = 0;
  double expected_end_s = 0;
};

struct SchedulerView {
  double now_s = 0;
  std::span<const PoolView> pools;
  std::span<const QueuedJobView> queue;  // in submission order (ties by id)
  std::span<const RunningJobView> running;
};

struct StartDecision {
  std::size_t job = 0;  // QueuedJobView::id
  std::size_t pool = 0;
  bool operator==(const StartDecision&) const = default;
};

struct Decisions {
  std::vector<std::size_t> preempt;  // RunningJobView::id, carried out before the starts
  std::vector<StartDecision> start;  // in this order; together they fit the free chips (after preemptions)
};

class SchedulingPolicy {
 public:
  virtual ~SchedulingPolicy() = default;
  virtual std::string_view name() const = 0;
  virtual Decisions decide(const SchedulerView& view) const = 0;
};

// "fifo", "backfill" or "priority"; nullptr for another name.
std::unique_ptr<SchedulingPolicy> make_policy(std::string_view name);
const std::vector<std::string>& policy_names();  // {"fifo", "backfill", "priority"}

}  // namespace gigasim
