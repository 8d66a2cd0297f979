// Loading `inference:` of a scenario: the models served, the demand for them (generated, or replayed
// from request traces read once here into bins) and how serving shares the fleet with training. Every
// error names file, line, column and key path; errors inside a trace file name its row and column,
// prefixed by where the scenario names it.
#pragma once

#include <filesystem>
#include <string>

#include "models/scenario.hpp"
#include "yaml_view.hpp"

namespace gigasim::io {

InferenceSpec read_inference(const YamlView& v, const std::string& start_date, double horizon_s);

// Every served model must have a replica that meets its objectives on some generation of every choice.
void check_servable(const YamlView& v, const InferenceSpec& inference, const HardwareChoice& choice);

}  // namespace gigasim::io
