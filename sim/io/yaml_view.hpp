// Strict, user-facing access to a YAML document. Every value is reached through a YamlView that knows
// its file, line, column and key path, so every error can say where it is and what was expected:
//
//   scenarios/x.yaml:12:14: hardware_choices[0].chips: expected an integer >= 1, got "-3"
//
// Unknown keys are rejected with the closest valid name; duplicate keys are rejected; numbers must be
// finite and unquoted; values overridden on the command line (--set) report "--set k=v" as location.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "input_error.hpp"
#include "models/uncertainty.hpp"

namespace gigasim::io {

// How the documents of one load resolve numbers given as distributions, and what they drew. Shared by
// the scenario and every catalog file it reads, so a catalog number read for two choices draws once.
struct Sampling {
  SamplingSpec spec;
  std::vector<UncertainInput> draws;  // each key once, in reading order
};

// The document a view belongs to: its file, the key paths that --set replaced, and the sampling.
struct Document {
  std::filesystem::path file;
  std::map<std::string, std::string> overrides;  // canonical key path -> "--set k=v"
  std::shared_ptr<Sampling> sampling;  // null: distributions resolve to their central values, unrecorded
  std::string sample_namespace;        // prefixed to key paths for sampling ("" for a scenario)
  // With `extends`: the file that defined each subtree, by key path prefix (the longest match wins;
  // a path matching none is `file`'s).
  std::vector<std::pair<std::string, std::filesystem::path>> origins;
};

// A closed or open interval of accepted numbers, with how to say it.
struct Range {
  double lo = -1e308;
  double hi = 1e308;
  bool lo_open = false;
  bool hi_open = false;

  static Range positive() { return {0.0, 1e308, true, false}; }
  static Range non_negative() { return {0.0, 1e308, false, false}; }
  static Range closed(double lo, double hi) { return {lo, hi, false, false}; }
  static Range at_least(double lo) { return {lo, 1e308, false, false}; }
  // (0, hi]
  static Range up_to(double hi) { return {0.0, hi, true, false}; }
  bool contains(double v) const;
  std::string describe() const;  // e.g. "> 0", "in [1, 3]"
};

class YamlView {
 public:
  YamlView(YAML::Node node, std::string path, std::shared_ptr<const Document> doc);

  const std::string& path() const { return path_; }
  const Document& document() const { return *doc_; }
  std::string location() const;  // "file:line:col" or "--set k=v"
  // The file this value was written in (with `extends`, the base's for an inherited value).
  const std::filesystem::path& source_file() const;
  // A path given as text, resolved relative to the file it was written in.
  std::filesystem::path as_path() const;
  [[noreturn]] void fail(const std::string& what) const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  const YAML::Node& node() const { return node_; }

  // Checks this is a mapping whose keys are all in `allowed` (each once); the error for an unknown key
  // lists the closest allowed one.
  void expect_map(std::initializer_list<std::string_view> allowed) const;
  void expect_map(const std::vector<std::string>& allowed) const;
  bool has(std::string_view key) const;
  YamlView at(std::string_view key) const;  // required key: missing is an error
  std::optional<YamlView> find(std::string_view key) const;
  std::vector<YamlView> items() const;  // elements of a sequence (error if not a sequence)
  // Key/value pairs of a mapping, in file order (error if not a mapping).
  std::vector<std::pair<std::string, YamlView>> entries() const;

  std::string as_string() const;  // a non-empty scalar
  // A finite, unquoted number within range, or a distribution whose whole support lies within range
  // ({uniform: [lo, hi]}, {triangular: [lo, mode, hi]}, {normal: [mean, sd]}, {lognormal: [median,
  // sigma]}), resolved by the document's sampling.
  double as_number(const Range& range = {}) const;
  bool is_distribution() const;  // a mapping with one key naming a distribution
  std::int64_t as_integer(std::int64_t lo, std::int64_t hi) const;
  bool as_bool() const;
  // One of `choices`; the error lists them and the closest.
  std::string as_enum(std::initializer_list<std::string_view> choices) const;

  std::string describe_value() const;  // how the value is shown in messages

 private:
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const Document> doc_;

  YamlView child(const YAML::Node& n, std::string path) const { return YamlView(n, std::move(path), doc_); }
  double plain_number(const Range& range) const;
  double sampled_number(const Range& range) const;
};

// Reads and parses `file` (syntax errors become InputError with line and column; more than one
// document is an error).
YAML::Node load_yaml_file(const std::filesystem::path& file);
// The same from text; `file` names it in messages.
YAML::Node parse_yaml_text(const std::string& text, const std::filesystem::path& file);

// Applies "key.path=value" to `root`; numeric segments index sequences, and a non-numeric segment on a
// sequence selects the element whose `name` (or `id`) equals it. Records the canonical path in `doc`.
void apply_override(YAML::Node& root, std::string_view assignment, Document& doc);

// The valid name closest to `given` by edit distance, if any is reasonably close.
std::optional<std::string> closest_name(std::string_view given, const std::vector<std::string>& candidates);

}  // namespace gigasim::io
