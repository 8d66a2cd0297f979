// Mooncake (FAST'25) JSON Lines: {"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [...]}.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "fields.hpp"
#include "sim/io/input_error.hpp"
#include "trace.hpp"

namespace gigasim::io::traces {

namespace {

constexpr std::int64_t kMaxTokens = 1'000'000'000;
constexpr double kMaxMilliseconds = 1e13;  // ~317 years
constexpr int kMaxDepth = 32;

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, column 5: " prefix.
std::string parse_reason(const std::string& what) {
  const auto at = what.find("column ");
  if (at != std::string::npos) {
    const auto colon = what.find(": ", at);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  const auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

// Control characters (and anything else odd) escaped, as shown() does, but without the quotes.
std::string sanitized(std::string_view s) { return escaped(s, 200); }

class MooncakeReader final : public TraceReader {
 public:
  explicit MooncakeReader(LineReader lines) : lines_(std::move(lines)) {
    if (!lines_.next(line_))
      throw InputError(fmt::format("{}: expected a mooncake trace (one JSON object per line), got an empty file", lines_.source()));
    lines_.unread(std::move(line_));
  }

  bool next(TraceRecord& r) override {
    if (!lines_.next(line_)) return false;
    check_depth();
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line_);
    } catch (const nlohmann::json::parse_error& e) {
      const std::size_t col = std::min<std::size_t>(std::max<std::size_t>(e.byte, 1), line_.size() + 1);
      fail_at(source(), row(), col, "line", fmt::format("expected a JSON object, got invalid JSON ({})", sanitized(parse_reason(e.what()))));
    } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range for a number like 1e400
      fail_at(source(), row(), 1, "line", fmt::format("expected a JSON object, got invalid JSON ({})", sanitized(parse_reason(e.what()))));
    }
    if (!j.is_object()) fail_at(source(), row(), 1, "line", fmt::format("expected a JSON object, got {}", describe(j)));
    const double ms = number(j, "timestamp");
    if (!have_) first_ms_ = ms;
    if (have_ && ms < last_ms_)
      fail_at(source(), row(), column_of("timestamp"), "timestamp",
              fmt::format("expected a time at or after the previous line's {} (line {}; the trace must be sorted by timestamp), got {}",
                          last_text_, last_row_, value_text(j["timestamp"])));
    have_ = true;
    last_ms_ = ms;
    last_text_ = value_text(j["timestamp"]);
    last_row_ = row();
    r = TraceRecord{};
    r.row = row();
    r.time_s = (ms - first_ms_) / 1000.0;
    r.input_tokens = tokens(j, "input_length");
    r.output_tokens = tokens(j, "output_length");
    return true;
  }
  std::string_view format() const override { return "mooncake"; }
  TraceKind kind() const override { return TraceKind::kRequests; }
  const std::string& source() const override { return lines_.source(); }

 private:
  std::uint64_t row() const { return lines_.line_number(); }

  // nlohmann's parser is iterative, but a bound keeps absurd nesting out of the value tree.
  void check_depth() const {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < line_.size(); ++i) {
      const char c = line_[i];
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        if (++depth > kMaxDepth)
          fail_at(source(), row(), i + 1, "line", fmt::format("expected JSON nested at most {} levels deep, got deeper nesting", kMaxDepth));
      } else if (c == ']' || c == '}') {
        --depth;
      }
    }
  }

  // 1-based byte of "key" in the line (1 if absent), so the column points at the value's key.
  std::size_t column_of(std::string_view key) const {
    const auto at = line_.find(fmt::format("\"{}\"", key));
    return at == std::string::npos ? 1 : at + 1;
  }

  static std::string describe(const nlohmann::json& v) {
    if (v.is_array()) return "an array";
    if (v.is_string()) return "a string";
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    return "a value";
  }

  static std::string value_text(const nlohmann::json& v) {
    return escaped(v.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace), 60);
  }

  const nlohmann::json& member(const nlohmann::json& j, const char* key, std::string_view expected) const {
    const auto it = j.find(key);
    if (it == j.end())
      fail_at(source(), row(), 1, key, fmt::format("expected a key \"{}\" ({}), got an object without it", key, expected));
    return *it;
  }

  double number(const nlohmann::json& j, const char* key) const {
    constexpr std::string_view kExpected = "a non-negative number of milliseconds";
    const nlohmann::json& v = member(j, key, kExpected);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
      fail_at(source(), row(), column_of(key), key, fmt::format("expected {}, got {}", kExpected, value_text(v)));
    const double ms = v.get<double>();
    if (ms > kMaxMilliseconds)
      fail_at(source(), row(), column_of(key), key, fmt::format("expected {} <= {:g}, got {}", kExpected, kMaxMilliseconds, value_text(v)));
    return ms;
  }

  std::int64_t tokens(const nlohmann::json& j, const char* key) const {
    constexpr std::string_view kExpected = "a non-negative integer";
    const nlohmann::json& v = member(j, key, kExpected);
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(kMaxTokens))
        fail_at(source(), row(), column_of(key), key, fmt::format("expected {} <= {}, got {}", kExpected, kMaxTokens, value_text(v)));
      return static_cast<std::int64_t>(u);
    }
    fail_at(source(), row(), column_of(key), key, fmt::format("expected {}, got {}", kExpected, value_text(v)));
  }

  LineReader lines_;
  std::string line_;
  bool have_ = false;
  double first_ms_ = 0, last_ms_ = 0;
  std::string last_text_;
  std::uint64_t last_row_ = 0;
};

}  // namespace

std::unique_ptr<TraceReader> make_mooncake_reader(LineReader lines) { return std::make_unique<MooncakeReader>(std::move(lines)); }

}  // namespace gigasim::io::traces
