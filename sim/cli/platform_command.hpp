// gigasim platform SITE.yaml [-o FILE.xml] [--choice NAME] [--load] [--json]: lays out a site with the
// same code `run` uses, reports chips, power and fabric, optionally writes the SimGrid XML and loads it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gigasim::cli {

struct PlatformOptions {
  std::string site_file;
  std::string output;  // XML file to write; empty: report only
  std::string choice;  // which hardware choice; required when the file has several
  std::vector<std::string> sets;
  bool load = false;  // also load the XML into SimGrid (in a child process) and report what it sees
  bool json = false;
};

int platform_command(const PlatformOptions& options);

}  // namespace gigasim::cli
