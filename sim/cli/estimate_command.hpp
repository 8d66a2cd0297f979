// gigasim estimate FILE.yaml: step time, throughput, MFU, memory and breakdown of one training
// configuration, as JSON on stdout (a stable interface: keys are only ever added).
#pragma once

#include <string>
#include <vector>

namespace gigasim::cli {

struct EstimateOptions {
  std::string file;
  std::vector<std::string> sets;
  std::string catalog;  // overrides the default catalog directory
};

int estimate_command(const EstimateOptions& options);

// The catalog used when neither the file nor --catalog names one: $GIGASIM_CATALOG, else the source
// tree's platforms/catalog.
std::string default_catalog_dir();

}  // namespace gigasim::cli
