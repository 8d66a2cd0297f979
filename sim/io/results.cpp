#include "results.hpp"

#include <nlohmann/json.hpp>

#include <istream>
#include <ostream>
#include <stdexcept>

namespace gigasim::io {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(JobRecord, name, kind, system, priority, chips, blocks, submit_s, start_s, end_s, tokens_target, tokens_done,
                                   flops_done, energy_it_j, layout, step_time_s, mfu, rejected, interruptions, repairs, preemptions, lost_chip_s,
                                   downtime_chip_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MonthRecord, it_energy_j, it_energy_peak_j, tokens, flops, allocated_chip_s, installed_chip_s, useful_chip_s, duration_s,
                                   chips_installed, jobs_started, queue_wait_s, jobs_completed, interruptions, jobs_waiting, jobs_running,
                                   requests_arrived, requests_served, requests_late, requests_dropped, output_tokens_served, input_tokens_served,
                                   serving_chip_s, serving_energy_j, serving_chips, serving_preemptions, power_cap_min_w,
                                   power_bound_peak_w, power_bound_it_j, throttle_chip_s, training_chip_s, power_preemptions,
                                   power_deferred_starts)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ServingReplicaRecord, stream, model, system, valid, reason, chips, batch, tokens_per_s, ttft_s, tpot_s, power_w,
                                   energy_per_token_j)

namespace {

void write_document(std::ostream& out, const nlohmann::json& j) {
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_msgpack(j);
  const auto n = static_cast<std::uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff), static_cast<char>((n >> 16) & 0xff),
                       static_cast<char>((n >> 24) & 0xff)};
  out.write(len, 4);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

bool read_document(std::istream& in, nlohmann::json& j) {
  unsigned char len[4];
  if (!in.read(reinterpret_cast<char*>(len), 4)) {
    if (in.gcount() == 0) return false;
    throw std::runtime_error("result stream: truncated length");
  }
  const std::uint32_t n = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<std::uint32_t>(len[3]) << 24);
  std::vector<std::uint8_t> bytes(n);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), n)) throw std::runtime_error("result stream: truncated document");
  try {
    j = nlohmann::json::from_msgpack(bytes);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("result stream: malformed document: ") + e.what());
  }
  return true;
}

ChoiceResult read_result_unchecked(std::istream& in);

}  // namespace

void write_result(std::ostream& out, const ChoiceResult& r) {
  nlohmann::json h = r;  // without the jobs (to_json below)
  h["job_count"] = r.jobs.size();
  write_document(out, h);
  for (const auto& job : r.jobs) write_document(out, nlohmann::json(job));
  if (!out) throw std::runtime_error("result stream: write failed");
}

ChoiceResult read_result(std::istream& in) {
  try {
    return read_result_unchecked(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("result stream: unexpected content: ") + e.what());
  }
}

namespace {
ChoiceResult read_result_unchecked(std::istream& in) {
  nlohmann::json h;
  if (!read_document(in, h)) throw std::runtime_error("result stream: empty");
  ChoiceResult r = h.get<ChoiceResult>();
  const auto count = h.at("job_count").get<std::size_t>();
  r.jobs.reserve(count);
  nlohmann::json j;
  while (read_document(in, j)) r.jobs.push_back(j.get<JobRecord>());
  if (r.jobs.size() != count) throw std::runtime_error("result stream: job count does not match");
  return r;
}
}  // namespace

void to_json(nlohmann::json& j, const ChoiceResult& r) {
  j = nlohmann::json{{"choice", r.choice},   {"system_id", r.system_id}, {"generations", r.generations}, {"chips", r.chips},
                     {"lots_delivered", r.lots_delivered}, {"lots_retired", r.lots_retired}, {"jobs_rejected", r.jobs_rejected},
                     {"block_chips", r.block_chips}, {"hosts", r.hosts}, {"horizon_s", r.horizon_s},
                     {"it_energy_j", r.it_energy_j}, {"power_cap_violations", r.power_cap_violations},
                     {"throttle_changes", r.throttle_changes}, {"months", r.months}, {"serving_replicas", r.serving_replicas}};
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
  j.at("power_cap_violations").get_to(r.power_cap_violations);
  j.at("throttle_changes").get_to(r.throttle_changes);
  j.at("months").get_to(r.months);
  j.at("serving_replicas").get_to(r.serving_replicas);
}

}  // namespace gigasim::io
