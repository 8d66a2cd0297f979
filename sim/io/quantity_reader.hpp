// Reading numbers with their provenance.
#pragma once

#include <map>
#include <string>

#include "models/provenance.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

// Scenario style: a plain number (label "scenario", source "<file>:<line>") or
// {value, label?, source?, note?}.
Quantity read_quantity(const YamlView& v, const Range& range);

// Catalog style: {value, label, source, note?}; `source` must be a key of `sources`.
Quantity read_sourced_quantity(const YamlView& v, const Range& range, const std::map<std::string, std::string>& sources);

}  // namespace gigasim::io
