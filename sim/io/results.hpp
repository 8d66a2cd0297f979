// What one simulated hardware choice produced: plain data, measured by the simulation (sim/engine) and
// turned into outputs by the writers. Crosses the process boundary as JSON (one child per choice).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gigasim::io {

struct JobRecord {
  std::string name;
  std::string kind;  // pretraining | frontier | generated | trace
  std::string system;  // the generation it last ran on ("" if it never started)
  int priority = 0;
  std::int64_t chips = 0;
  std::int64_t blocks = 0;
  double submit_s = 0;
  double start_s = -1;  // -1: never started
  double end_s = -1;  // -1: not finished within the horizon
  double tokens_target = 0;
  double tokens_done = 0;
  double flops_done = 0;  // model FLOPs (6 N per token)
  double energy_it_j = 0;  // IT energy of the blocks the job held, while it held them
  std::string layout;  // the planner's layout, e.g. tp8-pp16-dp64-ep1-mb1-v4-full-sp
  double step_time_s = 0;  // the step model's time at that layout (no contention)
  double mfu = 0;  // at that step time
  bool rejected = false;  // no layout fits on any generation of the choice: never queued
  std::int64_t interruptions = 0;  // failures while it ran
  std::int64_t repairs = 0;  // of those, failures that needed a system swapped
  std::int64_t preemptions = 0;  // stopped by the scheduler or a retirement, and requeued
  double lost_chip_s = 0;  // work lost since the last checkpoint, in chip-seconds
  double downtime_chip_s = 0;  // chips held while waiting for a spare and restarting
};

struct MonthRecord {
  double it_energy_j = 0;
  double it_energy_peak_j = 0;  // of which in the time-of-use peak hours (0 without time of use)
  double tokens = 0;  // trained during the month
  double flops = 0;  // model FLOPs trained during the month
  double allocated_chip_s = 0;  // chip-seconds allocated to jobs during the month
  double installed_chip_s = 0;  // chip-seconds of installed chips
  double useful_chip_s = 0;  // chip-seconds of work kept (not lost to failures, not spent on checkpoints or restarts)
  double duration_s = 0;  // length of this reporting month (the last one may be shorter)
  std::vector<std::int64_t> chips_installed;  // per generation, at the end of the month
  std::int64_t jobs_started = 0;  // first starts during the month
  double queue_wait_s = 0;  // sum over those jobs of start - submit
  std::int64_t jobs_completed = 0;
  std::int64_t interruptions = 0;
  std::int64_t jobs_waiting = 0;  // at the end of the month
  std::int64_t jobs_running = 0;
  // Inference (fluid: requests may be fractional). A step's arrivals, what it serves and what it drops
  // are spread evenly over the step, so a month boundary inside a step splits them.
  double requests_arrived = 0;
  double requests_served = 0;  // of which late: served in a later step than they arrived
  double requests_late = 0;
  double requests_dropped = 0;  // not served within max_delay_s
  double output_tokens_served = 0;
  double input_tokens_served = 0;
  double serving_chip_s = 0;  // chip-seconds held by inference pools
  double serving_energy_j = 0;  // IT energy of those chips (their idle share and what serving adds)
  std::int64_t serving_chips = 0;  // held at the end of the month
  std::int64_t serving_preemptions = 0;  // training runs stopped to make room for serving
  // Site power cap (models/power_cap.hpp); zero when the site has none.
  double power_cap_min_w = 0;  // the lowest cap in force during the month (facility power)
  double power_bound_peak_w = 0;  // the highest facility power the controller allowed (PUE x IT bound)
  double power_bound_it_j = 0;  // the IT bound integrated over the month (>= the metered IT energy)
  double throttle_chip_s = 0;  // training chip-seconds, weighted by their speed fraction
  double training_chip_s = 0;  // training chip-seconds (throttle_chip_s / training_chip_s: the mean speed)
  std::int64_t power_preemptions = 0;  // runs stopped to keep within the cap
  std::int64_t power_deferred_starts = 0;  // starts the scheduler chose that waited for power
};

// How one demand stream is served on one generation (models/serving best_serving_replica).
struct ServingReplicaRecord {
  std::string stream;
  std::string model;
  std::string system;
  bool valid = false;
  std::string reason;  // when !valid
  std::int64_t chips = 0;  // per replica
  std::int64_t batch = 0;
  double tokens_per_s = 0;  // output tokens per second per replica
  double ttft_s = 0, tpot_s = 0;
  double power_w = 0;  // per replica
  double energy_per_token_j = 0;
};

struct ChoiceResult {
  std::string choice;
  std::string system_id;
  std::vector<std::string> generations;  // system ids, in roadmap order
  std::int64_t chips = 0;  // chips the slots could hold (hosts x block_chips)
  std::int64_t block_chips = 0;
  std::int64_t hosts = 0;
  std::int64_t lots_delivered = 0;
  std::int64_t lots_retired = 0;
  std::int64_t jobs_rejected = 0;
  double horizon_s = 0;
  double it_energy_j = 0;  // total over hosts at the end (equals the sum over months)
  std::int64_t power_cap_violations = 0;  // controller checks that found the bound above the cap (must be 0)
  std::int64_t throttle_changes = 0;  // times the site's throttle level changed
  std::vector<MonthRecord> months;
  std::vector<ServingReplicaRecord> serving_replicas;  // per demand stream x generation
  std::vector<JobRecord> jobs;
};

// Everything but the jobs (write_result streams those one by one).
void to_json(nlohmann::json& j, const ChoiceResult& r);
void from_json(const nlohmann::json& j, ChoiceResult& r);

// The child-to-parent format: a sequence of MessagePack documents (nlohmann), each prefixed by its
// length (4 bytes, little-endian): the result without its jobs, then one document per job. Written
// and read one record at a time, so ten years of jobs never exist as one JSON tree in memory.
void write_result(std::ostream& out, const ChoiceResult& r);
// Throws std::runtime_error on a truncated or malformed stream.
ChoiceResult read_result(std::istream& in);

}  // namespace gigasim::io
