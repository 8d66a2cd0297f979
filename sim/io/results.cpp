#include "results.hpp"

#include <nlohmann/json.hpp>

namespace gigasim::io {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(JobRecord, name, kind, system, priority, chips, blocks, submit_s, start_s, end_s, tokens_target, tokens_done,
                                   flops_done, energy_it_j, layout, step_time_s, mfu, rejected, interruptions, repairs, preemptions, lost_chip_s,
                                   downtime_chip_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MonthRecord, it_energy_j, tokens, flops, allocated_chip_s, installed_chip_s, useful_chip_s, duration_s,
                                   chips_installed, jobs_started, queue_wait_s, jobs_completed, interruptions, jobs_waiting, jobs_running)

void to_json(nlohmann::json& j, const ChoiceResult& r) {
  j = nlohmann::json{{"choice", r.choice},   {"system_id", r.system_id}, {"generations", r.generations}, {"chips", r.chips},
                     {"lots_delivered", r.lots_delivered}, {"lots_retired", r.lots_retired}, {"jobs_rejected", r.jobs_rejected},
                     {"block_chips", r.block_chips}, {"hosts", r.hosts}, {"horizon_s", r.horizon_s},
                     {"it_energy_j", r.it_energy_j}, {"months", r.months}, {"jobs", r.jobs}};
}

void from_json(const nlohmann::json& j, ChoiceResult& r) {
  j.at("choice").get_to(r.choice);
  j.at("system_id").get_to(r.system_id);
  j.at("generations").get_to(r.generations);
  j.at("lots_delivered").get_to(r.lots_delivered);
  j.at("lots_retired").get_to(r.lots_retired);
  j.at("jobs_rejected").get_to(r.jobs_rejected);
  j.at("chips").get_to(r.chips);
  j.at("block_chips").get_to(r.block_chips);
  j.at("hosts").get_to(r.hosts);
  j.at("horizon_s").get_to(r.horizon_s);
  j.at("it_energy_j").get_to(r.it_energy_j);
  j.at("months").get_to(r.months);
  j.at("jobs").get_to(r.jobs);
}

}  // namespace gigasim::io
