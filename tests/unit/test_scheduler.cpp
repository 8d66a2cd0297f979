#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>

#include "models/scheduler.hpp"

using namespace gigasim;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Owns what a SchedulerView only points at.
struct World {
  double now_s = 0;
  std::vector<PoolView> pools;
  std::vector<QueuedJobView> queue;
  std::vector<RunningJobView> running;

  SchedulerView view() const { return {now_s, pools, queue, running}; }

  // A pool of `installed` chips; the running jobs added to it later take their chips from its free ones.
  World& pool(std::int64_t installed) {
    pools.push_back({installed, installed});
    return *this;
  }
  World& job(std::size_t id, std::int64_t chips, std::vector<double> run_s, int priority = 0, double submit_s = 0) {
    queue.push_back({id, chips, priority, submit_s, std::move(run_s)});
    return *this;
  }
  World& run(std::size_t id, std::size_t pool_index, std::int64_t chips, double expected_end_s, int priority = 0,
             bool preemptible = false, double start_s = 0) {
    running.push_back({id, pool_index, chips, priority, preemptible, start_s, expected_end_s});
    pools.at(pool_index).free_chips -= chips;
    return *this;
  }
};

Decisions decide(std::string_view policy, const World& w) {
  const auto p = make_policy(policy);
  REQUIRE(p);
  return p->decide(w.view());
}

std::vector<std::size_t> started_ids(const Decisions& d) {
  std::vector<std::size_t> out;
  for (const auto& s : d.start) out.push_back(s.job);
  return out;
}

using Starts = std::vector<StartDecision>;
using Ids = std::vector<std::size_t>;

}  // namespace

// ---- make_policy ----

TEST_CASE("scheduler: make_policy knows the three names and nothing else", "[scheduler]") {
  REQUIRE(policy_names() == std::vector<std::string>{"fifo", "backfill", "priority"});
  for (const auto& n : policy_names()) {
    const auto p = make_policy(n);
    REQUIRE(p);
    CHECK(p->name() == n);
  }
  CHECK(make_policy("sjf") == nullptr);
  CHECK(make_policy("") == nullptr);
  CHECK(make_policy("FIFO") == nullptr);
  CHECK(make_policy("fifo ") == nullptr);
}

TEST_CASE("scheduler: every policy decides nothing on an empty queue", "[scheduler]") {
  World w;
  w.pool(8).run(1, 0, 4, 10, 0, true);
  for (const auto& n : policy_names()) {
    const Decisions d = decide(n, w);
    CHECK(d.start.empty());
    CHECK(d.preempt.empty());
  }
}

// ---- fifo ----

TEST_CASE("scheduler: fifo starts in order while jobs fit, then blocks behind the head", "[scheduler]") {
  World w;
  w.pool(10).job(1, 4, {100}).job(2, 8, {100}).job(3, 2, {100});
  // 1 takes 4 of 10; 2 needs 8 of the 6 left and blocks 3, which would fit.
  CHECK(decide("fifo", w).start == Starts{{1, 0}});
  CHECK(decide("fifo", w).preempt.empty());
}

TEST_CASE("scheduler: fifo puts the head on the fitting pool where it finishes first", "[scheduler]") {
  World w;
  w.pool(8).pool(8).pool(8);
  SECTION("the fastest pool") {
    w.job(1, 4, {300, 100, 200});
    CHECK(decide("fifo", w).start == Starts{{1, 1}});
  }
  SECTION("the fastest pool with enough free chips") {
    w.run(9, 1, 6, 1000).job(1, 4, {300, 100, 200});
    CHECK(decide("fifo", w).start == Starts{{1, 2}});
  }
  SECTION("never a pool where it cannot run") {
    w.job(1, 4, {kInf, kInf, 500});
    CHECK(decide("fifo", w).start == Starts{{1, 2}});
  }
  SECTION("a short run-time vector means it cannot run on the later pools") {
    w.job(1, 4, {300});
    CHECK(decide("fifo", w).start == Starts{{1, 0}});
  }
  SECTION("ties go to the lower pool index") {
    w.job(1, 4, {200, 100, 100});
    CHECK(decide("fifo", w).start == Starts{{1, 1}});
  }
  SECTION("chips taken by earlier starts count") {
    w.job(1, 6, {300, 100, 200}).job(2, 6, {300, 100, 200}).job(3, 6, {300, 100, 200}).job(4, 1, {1, 1, 1});
    // 1 takes pool 1, 2 the next fastest (2), 3 the slowest (0); 4 fits the 2 chips left on each: tie, pool 0.
    CHECK(decide("fifo", w).start == Starts{{1, 1}, {2, 2}, {3, 0}, {4, 0}});
  }
}

TEST_CASE("scheduler: fifo is strict even for a job no pool can hold", "[scheduler]") {
  World w;
  w.pool(8).job(1, 16, {100}).job(2, 1, {100});
  CHECK(decide("fifo", w).start.empty());
}

// ---- backfill ----

// One pool of 10 chips, 4 held until t=100: a head of 8 chips is reserved at t=100 with 2 extra chips.
TEST_CASE("scheduler: backfill starts jobs that do not delay the head's reservation", "[scheduler]") {
  World w;
  w.now_s = 0;
  w.pool(10).run(9, 0, 4, 100).job(1, 8, {50});
  SECTION("a short job that ends before the reservation") {
    w.job(2, 6, {99});
    CHECK(decide("backfill", w).start == Starts{{2, 0}});
    CHECK(decide("fifo", w).start.empty());
  }
  SECTION("a job that ends exactly at the reservation's start does not delay it") {
    w.job(2, 6, {100});
    CHECK(decide("backfill", w).start == Starts{{2, 0}});
  }
  SECTION("a long job on more than the extra chips would delay it: refused") {
    w.job(2, 3, {101});
    CHECK(decide("backfill", w).start.empty());
  }
  SECTION("long jobs on the extra chips, which they consume") {
    w.job(2, 2, {1000}).job(3, 1, {1000}).job(4, 1, {1000});
    CHECK(decide("backfill", w).start == Starts{{2, 0}});
  }
  SECTION("short jobs do not consume the extra chips") {
    w.job(2, 3, {50}).job(3, 2, {1000}).job(4, 1, {20}).job(5, 1, {1000});
    // 2 (short) leaves 3 free; 3 takes the 2 extra chips; 4 (short) the last free chip; 5 nothing left.
    CHECK(decide("backfill", w).start == Starts{{2, 0}, {3, 0}, {4, 0}});
  }
  SECTION("a job that does not fit now is not started") {
    w.job(2, 7, {10});
    CHECK(decide("backfill", w).start.empty());
  }
  SECTION("backfilled jobs keep queue order") {
    w.job(2, 1, {1000}).job(3, 1, {10}).job(4, 1, {1000});
    CHECK(decide("backfill", w).start == Starts{{2, 0}, {3, 0}, {4, 0}});
  }
  CHECK(decide("backfill", w).preempt.empty());
}

TEST_CASE("scheduler: backfill allows a long job on another pool than the reservation's", "[scheduler]") {
  World w;
  // Pool 0 as above (reservation at 100, 2 extra chips); pool 1: 4 chips, free, too small for the head.
  w.pool(10).pool(4).run(9, 0, 4, 100).job(1, 8, {50, 50});
  SECTION("on the only pool it may use, though slower there") {
    w.job(2, 3, {500, 800});
    CHECK(decide("backfill", w).start == Starts{{2, 1}});
  }
  SECTION("on the pool where it finishes first when both are allowed") {
    w.job(2, 2, {500, 800}).job(3, 2, {500, 800});
    // 2 uses the extra chips of pool 0 (faster); 3 may no longer, so goes to pool 1.
    CHECK(decide("backfill", w).start == Starts{{2, 0}, {3, 1}});
  }
}

TEST_CASE("scheduler: backfill reserves on the pool where the head finishes first", "[scheduler]") {
  World w;
  // Two pools of 9 chips, 1 free, 8 held: on pool 0 until 100, on pool 1 until 20. The head needs all 9,
  // so no extra chips; a long 1-chip job may use only the pool without the reservation.
  w.pool(9).pool(9).run(8, 0, 8, 100).run(9, 1, 8, 20);
  SECTION("on pool 0: it ends at 150 there, 220 on pool 1") {
    w.job(1, 9, {50, 200}).job(2, 1, {1000, 1000});
    CHECK(decide("backfill", w).start == Starts{{2, 1}});
  }
  SECTION("on pool 1: it ends at 70 there, 150 on pool 0") {
    w.job(1, 9, {50, 50}).job(2, 1, {1000, 1000});
    CHECK(decide("backfill", w).start == Starts{{2, 0}});
  }
  SECTION("ties: the lower index") {
    w.job(1, 9, {120, 200}).job(2, 1, {1000, 1000});  // both end at 220
    CHECK(decide("backfill", w).start == Starts{{2, 1}});
  }
}

TEST_CASE("scheduler: backfill counts the jobs it started ahead of the head", "[scheduler]") {
  World w;
  w.pool(10).job(1, 6, {100}).job(2, 8, {50});
  SECTION("the reservation is when the started job ends") {
    w.job(3, 4, {100});  // ends at 100: allowed
    CHECK(decide("backfill", w).start == Starts{{1, 0}, {3, 0}});
  }
  SECTION("and its extra chips are 10 - 8") {
    w.job(3, 3, {101}).job(4, 2, {101});
    CHECK(decide("backfill", w).start == Starts{{1, 0}, {4, 0}});
  }
}

TEST_CASE("scheduler: backfill releases all the chips that come back at the reservation's start", "[scheduler]") {
  World w;
  // Two jobs end at 100: 4 + 4 chips back then, 2 free now. Head: 6 -> extra 10 - 6 = 4.
  w.pool(10).run(8, 0, 4, 100).run(9, 0, 4, 100).job(1, 6, {50}).job(2, 2, {1000});
  CHECK(decide("backfill", w).start == Starts{{2, 0}});
}

TEST_CASE("scheduler: backfill takes an overdue running job to end now", "[scheduler]") {
  World w;
  w.now_s = 500;
  // Expected at 100 but still running at 500: the reservation is now, so only the extra chips are open.
  w.pool(10).run(9, 0, 6, 100).job(1, 8, {50}).job(2, 2, {1}).job(3, 2, {1000});
  // 2 (not ending before now) takes the 2 extra chips; 3 may not.
  CHECK(decide("backfill", w).start == Starts{{2, 0}});
}

TEST_CASE("scheduler: backfill skips a job larger than any pool", "[scheduler]") {
  World w;
  w.pool(8).pool(4);
  SECTION("as the head") {
    w.job(1, 9, {10, 10}).job(2, 8, {10, 10}).job(3, 4, {10, 10});
    CHECK(decide("backfill", w).start == Starts{{2, 0}, {3, 1}});
    CHECK(decide("fifo", w).start.empty());
  }
  SECTION("as one where it can run: 8 chips but only pool 1 runs it") {
    w.job(1, 8, {kInf, 10}).job(2, 8, {10, 10});
    CHECK(decide("backfill", w).start == Starts{{2, 0}});
  }
  SECTION("behind a blocked head it does not start either") {
    w.run(9, 0, 8, 100).job(1, 8, {10, 10}).job(2, 9, {1, 1}).job(3, 4, {1000, 1000});
    CHECK(decide("backfill", w).start == Starts{{3, 1}});
  }
}

// ---- priority ----

TEST_CASE("scheduler: priority serves by priority, then submit time, then id", "[scheduler]") {
  World w;
  w.pool(100);
  w.job(1, 1, {10}, 1, 0).job(2, 1, {10}, 5, 3).job(3, 1, {10}, 5, 2).job(4, 1, {10}, 3, 1).job(6, 1, {10}, 5, 3).job(5, 1, {10}, 5, 3);
  CHECK(started_ids(decide("priority", w)) == Ids{3, 2, 5, 6, 4, 1});
}

TEST_CASE("scheduler: priority takes the chips in priority order", "[scheduler]") {
  World w;
  w.pool(10).job(1, 6, {10}, 1).job(2, 6, {10}, 2).job(3, 4, {10}, 0);
  // 2 first; 1 does not fit and does not block 3.
  CHECK(decide("priority", w).start == Starts{{2, 0}, {3, 0}});
  CHECK(decide("priority", w).preempt.empty());
}

TEST_CASE("scheduler: priority preempts only strictly lower-priority preemptible jobs", "[scheduler]") {
  World w;
  w.pool(8).run(10, 0, 4, 1000, 5, true).run(11, 0, 4, 1000, 3, false);
  SECTION("equal priority: not preempted") {
    w.job(1, 4, {10}, 5);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt.empty());
    CHECK(d.start.empty());
  }
  SECTION("strictly lower: preempted") {
    w.job(1, 4, {10}, 6);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt == Ids{10});
    CHECK(d.start == Starts{{1, 0}});
  }
  SECTION("a non-preemptible job is never preempted, whatever the priorities") {
    w.job(1, 8, {10}, 100);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt.empty());
    CHECK(d.start.empty());
  }
  SECTION("fifo and backfill never preempt") {
    w.job(1, 4, {10}, 100);
    CHECK(decide("fifo", w).preempt.empty());
    CHECK(decide("backfill", w).preempt.empty());
  }
}

TEST_CASE("scheduler: priority preempts the lowest priority, then most recent, and only as many as needed", "[scheduler]") {
  World w;
  // id, pool, chips, end, priority, preemptible, start
  w.pool(16).run(21, 0, 2, 1000, 1, true, 10).run(22, 0, 2, 1000, 1, true, 20).run(23, 0, 4, 1000, 2, true, 30).run(24, 0, 8, 1000, 3, true, 5);
  // Preemption order: 22 (priority 1, started last), 21, 23, 24.
  SECTION("2 chips: one job") {
    w.job(1, 2, {10}, 9);
    CHECK(decide("priority", w).preempt == Ids{22});
  }
  SECTION("3 chips: two jobs") {
    w.job(1, 3, {10}, 9);
    CHECK(decide("priority", w).preempt == Ids{22, 21});
  }
  SECTION("5 chips: three jobs") {
    w.job(1, 5, {10}, 9);
    CHECK(decide("priority", w).preempt == Ids{22, 21, 23});
  }
  SECTION("16 chips: all") {
    w.job(1, 16, {10}, 9);
    CHECK(decide("priority", w).preempt == Ids{22, 21, 23, 24});
  }
  SECTION("priority 3 may not preempt 24: 10 chips are out of reach") {
    w.job(1, 10, {10}, 3);
    CHECK(decide("priority", w).preempt.empty());
    w.job(2, 8, {10}, 3);  // but 8 are within reach
    CHECK(decide("priority", w).preempt == Ids{22, 21, 23});
    CHECK(decide("priority", w).start == Starts{{2, 0}});
  }
  SECTION("free chips count first") {
    w.pools[0].installed_chips = 18;
    w.pools[0].free_chips = 2;
    w.job(1, 5, {10}, 9);
    CHECK(decide("priority", w).preempt == Ids{22, 21});
  }
  SECTION("equal start times: the higher id first") {
    w.running[0].start_s = 20;
    w.job(1, 2, {10}, 9);
    CHECK(decide("priority", w).preempt == Ids{22});
    w.running[0].id = 29;
    CHECK(decide("priority", w).preempt == Ids{29});
  }
  SECTION("successive jobs take successive victims, never one twice") {
    w.job(1, 2, {10}, 9).job(2, 2, {10}, 8).job(3, 4, {10}, 7);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt == Ids{22, 21, 23});
    CHECK(d.start == Starts{{1, 0}, {2, 0}, {3, 0}});
  }
  SECTION("leftover chips of a preemption serve the next job without preempting more") {
    w.job(1, 3, {10}, 9).job(2, 1, {10}, 0);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt == Ids{22, 21});
    CHECK(d.start == Starts{{1, 0}, {2, 0}});
  }
}

TEST_CASE("scheduler: priority preempts on the pool needing the fewest preempted chips", "[scheduler]") {
  World w;
  w.pool(8).pool(8).pool(8);
  SECTION("fewest chips, even if slower there") {
    w.run(10, 0, 8, 1000, 0, true).run(11, 1, 4, 1000, 0, true).run(12, 1, 4, 1000, 0, false).run(13, 2, 8, 1000, 0, false);
    w.job(1, 4, {10, 50, 1}, 1);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt == Ids{11});
    CHECK(d.start == Starts{{1, 1}});
  }
  SECTION("ties: where the job finishes first") {
    w.run(10, 0, 8, 1000, 0, true).run(11, 1, 8, 1000, 0, true).run(12, 2, 8, 1000, 0, true);
    w.job(1, 4, {30, 10, 20}, 1);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt == Ids{11});
    CHECK(d.start == Starts{{1, 1}});
  }
  SECTION("a pool where it fits needs no preemption, even if slower") {
    w.run(10, 0, 8, 1000, 0, true).run(11, 1, 4, 1000, 0, false);
    w.job(1, 4, {1, 50, kInf}, 1);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt.empty());
    CHECK(d.start == Starts{{1, 1}});
  }
  SECTION("never on a pool where the job cannot run") {
    w.run(10, 0, 8, 1000, 0, true).run(11, 1, 8, 1000, 0, true).run(12, 2, 2, 1000, 0, false);
    w.job(1, 8, {kInf, 10}, 1);
    const Decisions d = decide("priority", w);
    CHECK(d.preempt == Ids{11});
    CHECK(d.start == Starts{{1, 1}});
  }
}

TEST_CASE("scheduler: priority does not let a job that cannot start block lower ones", "[scheduler]") {
  World w;
  w.pool(8).run(10, 0, 4, 1000, 5, false);
  // 1 needs 8 chips and cannot preempt 10; 2 (lower priority) takes the 4 free chips.
  w.job(1, 8, {10}, 9).job(2, 4, {10}, 1);
  const Decisions d = decide("priority", w);
  CHECK(d.preempt.empty());
  CHECK(d.start == Starts{{2, 0}});
}

TEST_CASE("scheduler: priority with a failed preemption preempts nothing", "[scheduler]") {
  World w;
  w.pool(8).run(10, 0, 4, 1000, 0, true).run(11, 0, 4, 1000, 0, false);
  w.job(1, 8, {10}, 9);
  const Decisions d = decide("priority", w);
  CHECK(d.preempt.empty());
  CHECK(d.start.empty());
}

// ---- properties over random views ----

namespace {

// A small deterministic generator (the std distributions differ between standard libraries).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  std::int64_t in(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(g_() % static_cast<std::uint64_t>(hi - lo + 1)); }
  bool chance(int percent) { return in(0, 99) < percent; }

 private:
  std::mt19937_64 g_;
};

World random_world(Rng& rng) {
  World w;
  w.now_s = static_cast<double>(rng.in(0, 1000));
  const auto pools = static_cast<std::size_t>(rng.in(1, 4));
  for (std::size_t p = 0; p < pools; ++p) w.pool(rng.in(0, 64));
  std::size_t id = 0;
  const auto running = rng.in(0, 12);
  for (std::int64_t i = 0; i < running; ++i) {
    const auto p = static_cast<std::size_t>(rng.in(0, static_cast<std::int64_t>(pools) - 1));
    if (w.pools[p].free_chips == 0) continue;
    const std::int64_t chips = rng.in(1, w.pools[p].free_chips);
    const double start_s = w.now_s - static_cast<double>(rng.in(0, 500));
    double end_s = w.now_s + static_cast<double>(rng.in(-50, 500));  // some overdue
    if (rng.chance(5)) end_s = kInf;
    const int priority = static_cast<int>(rng.in(0, 4));
    const bool preemptible = rng.chance(60);  // one draw per statement: argument order is unspecified
    w.run(id++, p, chips, end_s, priority, preemptible, start_s);
  }
  const auto queued = rng.in(0, 25);
  double submit_s = 0;
  for (std::int64_t i = 0; i < queued; ++i) {
    std::vector<double> run_s;
    const auto known = static_cast<std::size_t>(rng.in(static_cast<std::int64_t>(pools) - 1, static_cast<std::int64_t>(pools)));
    for (std::size_t p = 0; p < known; ++p) run_s.push_back(rng.chance(15) ? kInf : static_cast<double>(rng.in(0, 400)));
    submit_s += static_cast<double>(rng.in(0, 2));  // ties happen
    const std::int64_t chips = rng.chance(15) ? rng.in(0, 80) : rng.in(1, 16);  // some larger than any pool
    w.job(id++, chips, std::move(run_s), static_cast<int>(rng.in(0, 5)), submit_s);
  }
  return w;
}

// Feasibility, as the simulation needs it; returns what is wrong, or "" if nothing.
std::string infeasibility(const World& w, const Decisions& d) {
  std::map<std::size_t, const RunningJobView*> running;
  for (const auto& r : w.running) running[r.id] = &r;
  std::map<std::size_t, const QueuedJobView*> queued;
  for (const auto& q : w.queue) queued[q.id] = &q;
  std::vector<std::int64_t> free;
  for (const auto& p : w.pools) free.push_back(p.free_chips);

  std::set<std::size_t> preempted;
  for (std::size_t id : d.preempt) {
    if (!running.count(id)) return "preempts a job that is not running";
    if (!preempted.insert(id).second) return "preempts a job twice";
    free[running[id]->pool] += running[id]->chips;
  }
  std::set<std::size_t> started;
  for (const auto& s : d.start) {
    if (!queued.count(s.job)) return "starts a job that is not queued";
    if (!started.insert(s.job).second) return "starts a job twice";
    if (s.pool >= w.pools.size()) return "starts a job on no pool";
    const QueuedJobView& q = *queued[s.job];
    if (s.pool >= q.run_s_by_pool.size() || q.run_s_by_pool[s.pool] == kInf) return "starts a job where it cannot run";
    free[s.pool] -= q.chips;
    if (free[s.pool] < 0) return "starts more chips than are free";
  }
  return "";
}

// Under "priority", every preempted job is preemptible and of lower priority than a job started on its pool.
std::string bad_preemption(const World& w, const Decisions& d) {
  std::map<std::size_t, int> top_started;  // pool -> highest priority started there
  for (const auto& s : d.start)
    for (const auto& q : w.queue)
      if (q.id == s.job) top_started[s.pool] = std::max(top_started.count(s.pool) ? top_started[s.pool] : q.priority, q.priority);
  for (std::size_t id : d.preempt)
    for (const auto& r : w.running) {
      if (r.id != id) continue;
      if (!r.preemptible) return "preempts a non-preemptible job";
      if (!top_started.count(r.pool) || r.priority >= top_started[r.pool]) return "preempts for no job of higher priority";
    }
  return "";
}

bool can_run(const QueuedJobView& q, std::size_t pool) { return pool < q.run_s_by_pool.size() && q.run_s_by_pool[pool] != kInf; }

bool ever_fits(const World& w, const QueuedJobView& q) {
  for (std::size_t p = 0; p < w.pools.size(); ++p)
    if (can_run(q, p) && q.chips <= w.pools[p].installed_chips) return true;
  return false;
}

bool all_ever_fit(const World& w) {
  return std::all_of(w.queue.begin(), w.queue.end(), [&](const QueuedJobView& q) { return ever_fits(w, q); });
}

const QueuedJobView& queued(const World& w, std::size_t id) {
  return *std::find_if(w.queue.begin(), w.queue.end(), [&](const QueuedJobView& q) { return q.id == id; });
}

// The earliest time `job` could finish after `starts` (nothing else starting): on each pool, the first
// moment when the chips free after the starts plus those released by then are enough (an overdue
// running job releases now). Brute force, independent of the policy's code.
double earliest_finish_s(const World& w, const QueuedJobView& job, const Starts& starts) {
  double best = kInf;
  for (std::size_t p = 0; p < w.pools.size(); ++p) {
    if (!can_run(job, p) || job.chips > w.pools[p].installed_chips) continue;
    std::int64_t free = w.pools[p].free_chips;
    std::vector<std::pair<double, std::int64_t>> releases;
    for (const auto& r : w.running)
      if (r.pool == p) releases.push_back({std::max(r.expected_end_s, w.now_s), r.chips});
    for (const auto& s : starts) {
      if (s.pool != p) continue;
      const QueuedJobView& q = queued(w, s.job);
      free -= q.chips;
      releases.push_back({w.now_s + q.run_s_by_pool[p], q.chips});
    }
    std::vector<double> times{w.now_s};
    for (const auto& r : releases) times.push_back(r.first);
    for (double t : times) {
      std::int64_t avail = free;
      for (const auto& r : releases)
        if (r.first <= t) avail += r.second;
      if (avail >= job.chips) best = std::min(best, t + job.run_s_by_pool[p]);
    }
  }
  return best;
}

// Under "backfill", the head (the first job that could ever run and did not start) finishes no later
// than if only the jobs ahead of it had started.
std::string delays_head(const World& w, const Decisions& d) {
  std::set<std::size_t> started;
  for (const auto& s : d.start) started.insert(s.job);
  Starts ahead;
  for (const auto& q : w.queue) {
    if (!ever_fits(w, q)) continue;
    if (!started.count(q.id)) {
      if (earliest_finish_s(w, q, d.start) > earliest_finish_s(w, q, ahead)) return "backfilled jobs delay the head";
      return "";
    }
    for (const auto& s : d.start)
      if (s.job == q.id) ahead.push_back(s);
  }
  return "";
}

}  // namespace

TEST_CASE("scheduler: every policy's decisions are feasible and deterministic on random views", "[scheduler]") {
  Rng rng(20240611);
  int with_preemptions = 0, with_backfills = 0;
  for (int i = 0; i < 3000; ++i) {
    const World w = random_world(rng);
    const auto fifo = decide("fifo", w);
    const auto backfill = decide("backfill", w);
    const auto priority = decide("priority", w);
    INFO("view " << i);
    for (const Decisions* d : {&fifo, &backfill, &priority}) {
      REQUIRE(infeasibility(w, *d) == "");
    }
    REQUIRE(bad_preemption(w, priority) == "");
    REQUIRE(delays_head(w, backfill) == "");
    REQUIRE(fifo.preempt.empty());
    REQUIRE(backfill.preempt.empty());
    // FIFO starts a prefix of the queue, in order.
    for (std::size_t k = 0; k < fifo.start.size(); ++k) REQUIRE(fifo.start[k].job == w.queue[k].id);
    // Backfill starts what FIFO does first (when no job is skipped as too large), then maybe more.
    if (all_ever_fit(w)) {
      REQUIRE(backfill.start.size() >= fifo.start.size());
      REQUIRE(std::equal(fifo.start.begin(), fifo.start.end(), backfill.start.begin()));
      if (backfill.start.size() > fifo.start.size()) ++with_backfills;
    }
    if (!priority.preempt.empty()) ++with_preemptions;
    // Deterministic: the same view, the same decisions.
    REQUIRE(decide("backfill", w).start == backfill.start);
    REQUIRE(decide("priority", w).start == priority.start);
    REQUIRE(decide("priority", w).preempt == priority.preempt);
  }
  // The generator exercises the interesting paths.
  CHECK(with_preemptions > 100);
  CHECK(with_backfills > 100);
}

TEST_CASE("scheduler: a large view (thousands queued, hundreds running) is decided", "[scheduler]") {
  World w;
  w.now_s = 1e6;
  for (int p = 0; p < 6; ++p) w.pool(8000);
  Rng rng(7);
  std::size_t id = 0;
  auto time_s = [&](std::int64_t hi) { return static_cast<double>(rng.in(1, hi)); };
  auto priority = [&] { return static_cast<int>(rng.in(0, 9)); };
  for (int i = 0; i < 600; ++i) {
    const double end_s = w.now_s + time_s(100000);
    const int prio = priority();
    w.run(id++, static_cast<std::size_t>(i % 6), 32, end_s, prio, true, w.now_s - time_s(1000));
  }
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t chips = rng.in(1, 4096);
    const double run_s = time_s(100000);
    w.job(id++, chips, std::vector<double>(6, run_s), priority(), i);
  }
  for (const auto& n : policy_names()) {
    const Decisions d = decide(n, w);
    CHECK(infeasibility(w, d) == "");
    CHECK(!d.start.empty());
  }
}
