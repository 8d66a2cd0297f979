// Loads hardware systems from platforms/catalog/<id>.yaml. Every number must carry its provenance:
// {value, label, source[, note]} where source names an entry of the file's `sources` map.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/catalog.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

struct LoadedSystem {
  SystemSpec spec;
  std::string canonical_yaml;  // the parsed file re-emitted, for hashing
};

// Loads `<dir>/<id>.yaml`. An id with no file is an error listing the known ids and the closest one;
// `referenced_by` is the view that named the id (the error points there).
LoadedSystem load_system(const std::filesystem::path& dir, const std::string& id, const YamlView& referenced_by);
// Numbers given as distributions resolve through `sampling` (the scenario's), or to their central values.
LoadedSystem load_system_file(const std::filesystem::path& file, std::shared_ptr<Sampling> sampling = nullptr);

// Ids of every <id>.yaml in `dir`, sorted.
std::vector<std::string> list_system_ids(const std::filesystem::path& dir);

}  // namespace gigasim::io
