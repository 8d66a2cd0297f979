#include "yaml_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace gigasim::io {
namespace {

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

bool is_plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() != "!"; }

// Strict number parsing: the whole text must be a decimal or scientific number.
std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;
  double v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

bool looks_non_finite(const std::string& s) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view t : {".nan", "nan", ".inf", "inf", "-.inf", "-inf", "+.inf", "+inf", "infinity", "-infinity"})
    if (lower == t) return true;
  return false;
}

// Each key once: a catalog number read for several choices is one parameter with one draw.
void record_draw(Sampling& sampling, UncertainInput input) {
  for (const auto& d : sampling.draws)
    if (d.key == input.key) return;
  sampling.draws.push_back(std::move(input));
}

}  // namespace

bool Range::contains(double v) const {
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string Range::describe() const {
  const bool has_lo = lo > -1e308;
  const bool has_hi = hi < 1e308;
  if (has_lo && has_hi)
    return fmt::format("in {}{:g}, {:g}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  if (has_lo) return fmt::format("{} {:g}", lo_open ? ">" : ">=", lo);
  if (has_hi) return fmt::format("{} {:g}", hi_open ? "<" : "<=", hi);
  return "finite";
}

YamlView::YamlView(YAML::Node node, std::string path, std::shared_ptr<const Document> doc)
    : node_(std::move(node)), path_(std::move(path)), doc_(std::move(doc)) {}

namespace {
// Whether key path `prefix` is `path` or one of its ancestors ("" is everyone's).
bool path_within(const std::string& path, const std::string& prefix) {
  if (prefix.empty() || path == prefix) return true;
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 && (path[prefix.size()] == '.' || path[prefix.size()] == '[');
}
}  // namespace

const std::filesystem::path& YamlView::source_file() const {
  const std::filesystem::path* best = &doc_->file;
  std::size_t best_len = 0;
  bool found = false;
  for (const auto& [prefix, file] : doc_->origins)
    if (path_within(path_, prefix) && (!found || prefix.size() >= best_len)) {
      best = &file;
      best_len = prefix.size();
      found = true;
    }
  return *best;
}

std::filesystem::path YamlView::as_path() const {
  const std::filesystem::path p = as_string();
  if (p.is_absolute()) return p;
  for (const auto& [prefix, text] : doc_->overrides)
    if (path_within(path_, prefix)) return doc_->file.parent_path() / p;  // --set: relative to the scenario
  return source_file().parent_path() / p;
}

std::string YamlView::location() const {
  for (const auto& [p, text] : doc_->overrides)
    if (!p.empty() && path_within(path_, p)) return text;
  const YAML::Mark m = node_.IsDefined() ? node_.Mark() : YAML::Mark::null_mark();
  if (m.line < 0) return source_file().string();
  return fmt::format("{}:{}:{}", source_file().string(), m.line + 1, m.column + 1);
}

void YamlView::fail(const std::string& what) const {
  if (path_.empty()) throw InputError(fmt::format("{}: {}", location(), what));
  throw InputError(fmt::format("{}: {}: {}", location(), path_, what));
}

std::string YamlView::describe_value() const {
  if (!node_.IsDefined() || node_.IsNull()) return "nothing (null)";
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a list";
  return fmt::format("\"{}\"", node_.Scalar());
}

void YamlView::expect_map(std::initializer_list<std::string_view> allowed) const {
  expect_map(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void YamlView::expect_map(const std::vector<std::string>& allowed) const {
  if (!node_.IsMap()) fail(fmt::format("expected a mapping with keys {}, got {}", quoted_list(allowed), describe_value()));
  std::set<std::string> seen;
  for (const auto& kv : node_) {
    const YamlView key(kv.first, path_, doc_);
    if (!kv.first.IsScalar()) key.fail("expected a plain key (a name), got a complex key");
    const std::string name = kv.first.Scalar();
    // A key added by `extends` has no position of its own: point at its value.
    const YamlView key_at(kv.first.Mark().line >= 0 ? kv.first : kv.second, join_path(path_, name), doc_);
    if (!seen.insert(name).second) key_at.fail("duplicate key (each key may appear once)");
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string msg = fmt::format("unknown key '{}'", name);
      if (auto best = closest_name(name, allowed)) msg += fmt::format("; did you mean '{}'?", *best);
      msg += fmt::format(" (valid keys here: {})", quoted_list(allowed));
      key_at.fail(msg);
    }
  }
}

bool YamlView::has(std::string_view key) const {
  return node_.IsMap() && node_[std::string(key)].IsDefined();
}

YamlView YamlView::at(std::string_view key) const {
  if (!node_.IsMap()) fail(fmt::format("expected a mapping containing '{}', got {}", key, describe_value()));
  const YAML::Node n = node_[std::string(key)];
  if (!n.IsDefined()) fail(fmt::format("missing required key '{}'", key));
  return child(n, join_path(path_, key));
}

std::optional<YamlView> YamlView::find(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  const YAML::Node n = node_[std::string(key)];
  if (!n.IsDefined()) return std::nullopt;
  return child(n, join_path(path_, key));
}

std::vector<YamlView> YamlView::items() const {
  if (!node_.IsSequence()) fail(fmt::format("expected a list, got {}", describe_value()));
  std::vector<YamlView> out;
  out.reserve(node_.size());
  std::size_t i = 0;
  for (const auto& item : node_) out.push_back(child(item, fmt::format("{}[{}]", path_, i++)));
  return out;
}

std::vector<std::pair<std::string, YamlView>> YamlView::entries() const {
  if (!node_.IsMap()) fail(fmt::format("expected a mapping, got {}", describe_value()));
  std::vector<std::pair<std::string, YamlView>> out;
  for (const auto& kv : node_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    out.emplace_back(key, child(kv.second, join_path(path_, key)));
  }
  return out;
}

std::string YamlView::as_string() const {
  if (!node_.IsScalar() || node_.Scalar().empty()) fail(fmt::format("expected a non-empty text value, got {}", describe_value()));
  return node_.Scalar();
}

namespace {
constexpr std::string_view kDistributionForms =
    "{uniform: [lo, hi]}, {triangular: [lo, mode, hi]}, {normal: [mean, sd]} or {lognormal: [median, sigma]}";
const std::vector<std::string> kDistributionNames{"uniform", "triangular", "normal", "lognormal"};
}  // namespace

bool YamlView::is_distribution() const {
  if (!node_.IsMap() || node_.size() != 1) return false;
  const auto kv = node_.begin();
  return kv->first.IsScalar() &&
         std::find(kDistributionNames.begin(), kDistributionNames.end(), kv->first.Scalar()) != kDistributionNames.end();
}

double YamlView::as_number(const Range& range) const {
  if (is_distribution()) return sampled_number(range);
  if (node_.IsMap()) {
    std::string msg = fmt::format("expected a number {} or a distribution ({}), got a mapping", range.describe(), kDistributionForms);
    if (node_.size() == 1 && node_.begin()->first.IsScalar())
      if (auto best = closest_name(node_.begin()->first.Scalar(), kDistributionNames))
        msg += fmt::format("; did you mean '{}'?", *best);
    fail(msg);
  }
  return plain_number(range);
}

double YamlView::plain_number(const Range& range) const {
  if (!node_.IsScalar()) fail(fmt::format("expected a number {}, got {}", range.describe(), describe_value()));
  const std::string& s = node_.Scalar();
  if (!is_plain_scalar(node_)) fail(fmt::format("expected a number {}, got the quoted text {} (remove the quotes)", range.describe(), describe_value()));
  if (looks_non_finite(s)) fail(fmt::format("expected a finite number {}, got {}", range.describe(), describe_value()));
  const auto v = parse_number(s);
  if (!v) {
    const bool unit_suffix = !s.empty() && (std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '-' || s.front() == '.') &&
                             std::isalpha(static_cast<unsigned char>(s.back()));
    if (unit_suffix)
      fail(fmt::format("expected a plain number {}, got {}: write the value in the unit the key's name gives (e.g. power_w: 5e9 for 5 GW)",
                       range.describe(), describe_value()));
    fail(fmt::format("expected a number {}, got {}", range.describe(), describe_value()));
  }
  if (!std::isfinite(*v)) fail(fmt::format("expected a finite number {}, got {}", range.describe(), describe_value()));
  if (!range.contains(*v)) fail(fmt::format("expected a number {}, got {}", range.describe(), describe_value()));
  return *v;
}

double YamlView::sampled_number(const Range& range) const {
  const auto kv = node_.begin();
  const std::string name = kv->first.Scalar();
  const YamlView params = child(kv->second, join_path(path_, name));
  const std::size_t want = name == "triangular" ? 3 : 2;
  const std::string_view form = name == "uniform" ? "[lo, hi]" : name == "triangular" ? "[lo, mode, hi]" : name == "normal" ? "[mean, sd]" : "[median, sigma]";
  if (!params.is_sequence() || params.node().size() != want)
    params.fail(fmt::format("expected the {} parameters {}, got {}", name, form, params.describe_value()));
  const auto items = params.items();
  std::vector<double> p;
  for (const auto& item : items) p.push_back(item.plain_number({}));
  Distribution d;
  if (name == "uniform") {
    d = {DistributionKind::kUniform, p[0], p[1], 0};
    if (!(p[0] < p[1])) params.fail(fmt::format("expected lo < hi, got [{:g}, {:g}]", p[0], p[1]));
  } else if (name == "triangular") {
    d = {DistributionKind::kTriangular, p[0], p[1], p[2]};
    if (!(p[0] < p[2]) || p[1] < p[0] || p[1] > p[2])
      params.fail(fmt::format("expected lo <= mode <= hi with lo < hi, got [{:g}, {:g}, {:g}]", p[0], p[1], p[2]));
  } else if (name == "normal") {
    d = {DistributionKind::kNormal, p[0], p[1], 0};
    if (!(p[1] > 0)) items[1].fail(fmt::format("expected a standard deviation > 0, got {:g}", p[1]));
  } else {
    d = {DistributionKind::kLognormal, p[0], p[1], 0};
    if (!(p[0] > 0)) items[0].fail(fmt::format("expected a median > 0, got {:g}", p[0]));
    if (!(p[1] > 0)) items[1].fail(fmt::format("expected a sigma > 0 (the standard deviation of the logarithm), got {:g}", p[1]));
  }
  const auto [lo, hi] = support(d);
  if (!std::isfinite(lo) || !std::isfinite(hi) || !range.contains(lo) || !range.contains(hi))
    fail(fmt::format("the distribution {} can draw values in [{:g}, {:g}]{}, outside what this key accepts ({})", describe(d), lo, hi,
                     d.kind == DistributionKind::kNormal || d.kind == DistributionKind::kLognormal ? " (truncated at 4 standard deviations)" : "",
                     range.describe()));
  // A quantity's number ({value: ..., label, source}) is keyed by the quantity: "system.price_usd".
  std::string key = doc_->sample_namespace + path_;
  if (key.size() > 6 && key.compare(key.size() - 6, 6, ".value") == 0) key.resize(key.size() - 6);
  const Sampling* sampling = doc_->sampling.get();
  if (!sampling || sampling->spec.count == 0) {
    const double v = central_value(d);
    if (doc_->sampling) record_draw(*doc_->sampling, {key, location(), d, v});
    return v;
  }
  const SamplingSpec& spec = sampling->spec;
  const double v = quantile(d, lhs_coordinate(spec.seed, key, spec.index, spec.count));
  record_draw(*doc_->sampling, {key, location(), d, v});
  return v;
}

std::int64_t YamlView::as_integer(std::int64_t lo, std::int64_t hi) const {
  const std::string want = fmt::format("an integer in [{}, {}]", lo, hi);
  if (is_distribution()) fail(fmt::format("expected {}: this key takes a whole number, and distributions are accepted only where any real number is", want));
  if (!node_.IsScalar()) fail(fmt::format("expected {}, got {}", want, describe_value()));
  if (!is_plain_scalar(node_)) fail(fmt::format("expected {}, got the quoted text {} (remove the quotes)", want, describe_value()));
  const auto v = parse_number(node_.Scalar());
  if (!v || !std::isfinite(*v) || std::floor(*v) != *v) fail(fmt::format("expected {}, got {}", want, describe_value()));
  if (*v < static_cast<double>(lo) || *v > static_cast<double>(hi)) fail(fmt::format("expected {}, got {}", want, describe_value()));
  return static_cast<std::int64_t>(*v);
}

bool YamlView::as_bool() const {
  if (node_.IsScalar() && is_plain_scalar(node_)) {
    const std::string& s = node_.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  fail(fmt::format("expected true or false, got {}", describe_value()));
}

std::string YamlView::as_enum(std::initializer_list<std::string_view> choices) const {
  std::vector<std::string> names(choices.begin(), choices.end());
  if (!node_.IsScalar()) fail(fmt::format("expected one of {}, got {}", quoted_list(names), describe_value()));
  const std::string& s = node_.Scalar();
  if (std::find(names.begin(), names.end(), s) != names.end()) return s;
  std::string msg = fmt::format("expected one of {}, got {}", quoted_list(names), describe_value());
  if (auto best = closest_name(s, names)) msg += fmt::format("; did you mean '{}'?", *best);
  fail(msg);
}

std::optional<std::string> closest_name(std::string_view given, const std::vector<std::string>& candidates) {
  // Hyphenated ids (catalog systems): a candidate containing every part of the given name is what was
  // meant ("a100-x8" -> "a100-80gb-x8"), even when another is fewer edits away ("h100-x8").
  auto parts = [](std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= text.size()) {
      const auto dash = text.find('-', start);
      out.push_back(text.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
      if (dash == std::string_view::npos) break;
      start = dash + 1;
    }
    return out;
  };
  if (given.find('-') != std::string_view::npos) {
    const auto want = parts(given);
    std::optional<std::string> shortest;
    for (const auto& c : candidates) {
      const auto have = parts(c);
      const bool all = std::all_of(want.begin(), want.end(), [&](std::string_view w) { return std::find(have.begin(), have.end(), w) != have.end(); });
      if (all && c != given && (!shortest || c.size() < shortest->size())) shortest = c;
    }
    if (shortest) return shortest;
  }
  std::optional<std::string> best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(given, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Close enough to be a typo: at most a third of the longer name, and at least one edit allowed.
  if (!best) return std::nullopt;
  const std::size_t limit = std::max<std::size_t>(2, std::max(given.size(), best->size()) / 3);
  if (best_d > limit) return std::nullopt;
  return best;
}

YAML::Node load_yaml_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) throw InputError(fmt::format("{}: file not found", file.string()));
    throw InputError(fmt::format("{}: cannot be read", file.string()));
  }
  if (std::filesystem::is_directory(file)) throw InputError(fmt::format("{}: is a directory, expected a YAML file", file.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_yaml_text(buf.str(), file);
}

YAML::Node parse_yaml_text(const std::string& text, const std::filesystem::path& file) {
  // A second document starts at a "---" line after content. (YAML::LoadAll is not used: yaml-cpp 0.7
  // never returns from it on some malformed inputs, e.g. ",\n"; found by fuzzing.)
  bool content = false, ended = false;
  std::size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    ++line_no;
    auto is_marker = [&](std::string_view m) {
      return line.substr(0, 3) == m && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    };
    const bool start = is_marker("---"), finish = is_marker("...");
    const auto first = line.find_first_not_of(" \t\r");
    const bool has_text = !start && !finish && first != std::string_view::npos && line[first] != '#' && !(first == 0 && line[0] == '%');
    if ((start && content) || (has_text && ended))
      throw InputError(fmt::format("{}:{}:1: expected a single YAML document, found more after the first (remove the '---' or '...' marker)",
                                   file.string(), line_no));
    if (finish && content) ended = true;
    if (has_text) content = true;
    pos = end + 1;
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed YAML: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

void apply_override(YAML::Node& root, std::string_view assignment, Document& doc) {
  const std::string text = fmt::format("--set {}", assignment);
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw InputError(fmt::format("{}: expected key.path=value (e.g. --set site.pue=1.2)", text));
  const std::string key_path(assignment.substr(0, eq));
  const std::string value_text(assignment.substr(eq + 1));

  std::vector<std::string> segments;
  std::size_t start = 0;
  while (true) {
    const auto dot = key_path.find('.', start);
    segments.push_back(key_path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& s : segments)
    if (s.empty()) throw InputError(fmt::format("{}: empty segment in key path '{}'", text, key_path));

  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}: the value is not valid YAML: {}", text, e.msg));
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);

  std::string canonical;
  YAML::Node cur = root;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (cur.IsSequence()) {
      std::size_t index = cur.size();
      const bool numeric = std::all_of(seg.begin(), seg.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (numeric) {
        unsigned long long parsed = 0;
        const auto [ptr, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), parsed);
        index = (ec == std::errc() && ptr == seg.data() + seg.size() && parsed < cur.size()) ? static_cast<std::size_t>(parsed) : cur.size();
      } else {
        for (std::size_t k = 0; k < cur.size(); ++k) {
          const YAML::Node item = cur[k];
          if (item.IsMap() && ((item["name"].IsDefined() && item["name"].IsScalar() && item["name"].Scalar() == seg) ||
                               (item["id"].IsDefined() && item["id"].IsScalar() && item["id"].Scalar() == seg))) {
            index = k;
            break;
          }
        }
      }
      if (index >= cur.size())
        throw InputError(fmt::format("{}: '{}' selects no element of the list at '{}' (it has {} elements; use an index or an element's name)",
                                     text, seg, canonical.empty() ? "<root>" : canonical, cur.size()));
      canonical += fmt::format("[{}]", index);
      if (last) {
        YAML::Node target = cur[index];
        target = value;
      } else {
        cur.reset(cur[index]);
      }
      continue;
    }
    if (!cur.IsMap()) {
      if (cur.IsNull() || !cur.IsDefined()) {
        cur = YAML::Node(YAML::NodeType::Map);
      } else {
        throw InputError(fmt::format("{}: '{}' is not a mapping, so it has no key '{}'", text, canonical, seg));
      }
    }
    canonical = canonical.empty() ? seg : canonical + "." + seg;
    if (last) {
      cur[seg] = value;
    } else {
      YAML::Node next = cur[seg];
      if (!next.IsDefined() || next.IsNull()) {
        cur[seg] = YAML::Node(YAML::NodeType::Map);
      }
      cur.reset(cur[seg]);
    }
  }
  doc.overrides[canonical] = text;
}

}  // namespace gigasim::io
