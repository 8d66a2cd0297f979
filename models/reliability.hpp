// Failures and checkpointing of training jobs (pure arithmetic; the simulation draws the interruptions).
//
// Rates. A failure table (platforms/reliability/*.yaml) counts the unexpected interruptions of one
// observed run by cause, with the run's exposure (chips x duration). Each cause's rate per chip-second is
// count / (chips x duration_s), so a job of n chips is interrupted at n x sum(rates) per second: in
// proportion to its size. The same per-chip rates are applied to every generation (no public table exists
// for the others); `rate_scale` is the scenario's what-if on them.
//
// Checkpoints. A job writes its checkpoint (bytes_per_param x parameters) to storage at the scenario's
// bandwidth: write time delta. Unless the scenario fixes the interval, it checkpoints every tau of useful
// work, tau from Daly's higher-order estimate (J. T. Daly, "A higher order estimate of the optimum
// checkpoint interval for restart dumps", FGCS 22(3), 2006), which is Young's sqrt(2 delta M) plus
// corrections:
//   tau = sqrt(2 delta M) (1 + sqrt(delta / (2M)) / 3 + delta / (18 M)) - delta   for delta < 2M,
//   tau = M                                                                        otherwise,
// with M the job's mean time between interruptions.
//
// An interruption loses the work since the last completed checkpoint, then costs restart_s; a cause that
// needs a repair takes one repair unit (a server or tray: spare_unit_chips, by default the system's
// chips capped at 8) out for repair_s, and the job waits for a spare unit (or, with none, for its own
// repair) before it restarts. spare_fraction of each generation's installed units are hot spares.
#pragma once

#include <string>
#include <vector>

#include "provenance.hpp"

namespace gigasim {

// A replayed trace job has no model to size its checkpoint: unless the scenario fixes the interval, it
// saves its work every hour, at no cost (gigasim assumption).
inline constexpr double kTraceCheckpointIntervalS = 3600.0;

struct FailureCause {
  std::string name;  // e.g. faulty-gpu
  std::string component;  // e.g. gpu, network, host, software
  Quantity interruptions;  // count in the observed run
  bool needs_repair = false;  // hardware that must be swapped (software and maintenance: restart only)
};

struct FailureTable {
  std::string id;  // file stem
  std::string description;
  Quantity exposure_chips;
  Quantity exposure_duration_s;
  std::vector<FailureCause> causes;

  double rate_per_chip_s(const FailureCause& c) const;
  double rate_per_chip_s() const;  // all causes
  double repair_fraction() const;  // share of interruptions that need a repair
};

struct ReliabilitySpec {
  bool enabled = false;  // no table: jobs never fail
  FailureTable table;
  Quantity rate_scale;  // multiplies every rate (1 = the table's)
  double checkpoint_interval_s = 0;  // > 0: fixed by the scenario; 0: Daly's estimate per job
  Quantity checkpoint_bytes_per_param;
  Quantity checkpoint_bandwidth_bytes_per_s;  // storage write bandwidth available to one job
  Quantity restart_s;  // from an interruption (or a preemption) to computing again
  Quantity repair_s;  // a failed system back in service
  Quantity spare_fraction;  // of each generation's installed repair units, held back as hot spares
  std::int64_t spare_unit_chips = 0;  // chips one repair swaps; 0: min(system chips, 8)
};

// Chips one hardware repair swaps on a system of `system_chips` chips.
std::int64_t spare_unit_chips(const ReliabilitySpec& r, std::int64_t system_chips);
// Hot spare units held for `installed_chips` chips in units of `unit_chips`: floor(spare_fraction x units),
// 0 when failures are off.
std::int64_t spare_units(const ReliabilitySpec& r, std::int64_t installed_chips, std::int64_t unit_chips);

// Interruptions per second of a job on `chips` chips.
double interruption_rate_per_s(const ReliabilitySpec& r, double chips);
double checkpoint_write_s(const ReliabilitySpec& r, double params);
// Daly's optimum interval of useful work between checkpoints (see above); +inf when mtbf_s is +inf.
double daly_interval_s(double checkpoint_write_s, double mtbf_s);
// The interval a job uses: the scenario's, else Daly's.
double checkpoint_interval_s(const ReliabilitySpec& r, double params, double chips);

// Expected fraction of wall time spent on useful work for a job with interval tau, write time delta,
// interruption rate lambda and a fixed delay d after each interruption (restart, plus any wait for a
// spare): first-order model, useful / (useful + checkpoints + lost work + delays) with lost work tau/2
// per interruption on average. For reports and tests; the simulation draws real interruptions.
double expected_efficiency(double tau_s, double delta_s, double lambda_per_s, double delay_s);

}  // namespace gigasim
