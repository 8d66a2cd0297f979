#include "fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/io/input_error.hpp"
#include "sim/io/yaml_view.hpp"  // closest_name
#include "timestamp.hpp"

namespace gigasim::io::traces {

namespace {


std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "an azure", "a mooncake"
std::string with_article(std::string_view word) {
  const bool vowel = !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", word);
}

std::string joined(const std::vector<std::string>& names, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += sep;
    out += names[i];
  }
  return out;
}

}  // namespace

std::string escaped(std::string_view text, std::size_t max_bytes, bool quotes) {
  std::string out;
  std::size_t n = 0;
  for (const char ch : text) {
    if (n++ == max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (quotes && (c == '"' || c == '\\')) {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  return out;
}

std::string shown(std::string_view text, std::size_t max_bytes) {
  std::string out(1, '"');
  out += escaped(text, max_bytes, true);
  out += '"';
  return out;
}

void fail_at(const std::string& source, std::uint64_t row, std::size_t col, std::string_view name, std::string_view message) {
  throw InputError(fmt::format("{}:{}:{}: {}: {}", source, row, col, name, message));
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;
  if (first == last || !(std::isdigit(static_cast<unsigned char>(*first)) || *first == '-' || *first == '.')) return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec != std::errc() || ptr != last || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::size_t split_csv(std::string_view line, std::vector<std::string>& fields) {
  std::size_t n = 0;
  std::size_t pos = 0;
  for (;;) {
    if (n == fields.size()) fields.emplace_back();
    std::string& f = fields[n++];
    f.clear();
    // Leading blanks, then a quoted or a plain field.
    std::size_t p = pos;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p < line.size() && line[p] == '"') {
      ++p;
      bool closed = false;
      while (p < line.size()) {
        if (line[p] == '"') {
          if (p + 1 < line.size() && line[p + 1] == '"') {
            f += '"';
            p += 2;
            continue;
          }
          closed = true;
          ++p;
          break;
        }
        f += line[p++];
      }
      if (!closed) return n;
      while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
      if (p < line.size() && line[p] != ',') return n;
      pos = p;
    } else {
      const std::size_t comma = line.find(',', pos);
      const std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
      f.assign(trim(line.substr(pos, stop - pos)));
      pos = stop;
    }
    if (pos >= line.size()) break;
    ++pos;  // the comma
  }
  fields.resize(n);
  return 0;
}

CsvTable::CsvTable(LineReader lines, std::string_view format, std::vector<std::string> required)
    : lines_(std::move(lines)), format_(format) {
  const std::string expected_header = joined(required, ",");
  if (!lines_.next(line_))
    throw InputError(fmt::format("{}: expected {} trace starting with the header \"{}\", got an empty file", source(), with_article(format_),
                                 expected_header));
  if (const std::size_t bad = split_csv(line_, header_))
    fail_at(source(), row(), bad, "header", "expected a closing quote before the next comma or the end of the line");
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i].empty()) fail_at(source(), row(), i + 1, "header", fmt::format("expected a column name, got \"\" (the header is {})", shown(line_, 200)));
    for (std::size_t j = 0; j < i; ++j)
      if (lower(header_[j]) == lower(header_[i]))
        fail_at(source(), row(), i + 1, "header",
                fmt::format("expected each column once, got {} again (also column {})", shown(header_[i]), j + 1));
  }
  for (const std::string& name : required) {
    if (find_column(name)) continue;
    std::vector<std::string> unused;
    for (const std::string& h : header_) {
      const bool is_required = std::any_of(required.begin(), required.end(), [&](const std::string& r) { return lower(r) == lower(h); });
      if (!is_required) unused.push_back(h);
    }
    const auto best = closest_name(name, unused);
    if (best) {
      const auto it = std::find(header_.begin(), header_.end(), *best);
      fail_at(source(), row(), static_cast<std::size_t>(it - header_.begin()) + 1, "header",
              fmt::format("expected a column \"{}\" ({} trace has the columns {}), got {}", name, with_article(format_), expected_header, shown(*best)));
    }
    fail_at(source(), row(), 1, "header",
            fmt::format("expected a column \"{}\" ({} trace has the columns {}), got the header {}", name, with_article(format_), expected_header,
                        shown(line_, 200)));
  }
}

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const {
  const std::string want = lower(name);
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (lower(header_[i]) == want) return i;
  return std::nullopt;
}

std::size_t CsvTable::column(std::string_view name) const {
  const auto i = find_column(name);
  if (!i) throw std::logic_error(fmt::format("CsvTable::column: '{}' is not a column", name));
  return *i;
}

bool CsvTable::next_row() {
  if (!lines_.next(line_)) return false;
  if (const std::size_t bad = split_csv(line_, fields_))
    fail_at(source(), row(), bad, bad <= header_.size() ? header_[bad - 1] : std::string("row"),
            "expected a closing quote before the next comma or the end of the line");
  if (fields_.size() < header_.size()) {
    const std::size_t missing = fields_.size();
    fail_at(source(), row(), missing + 1, header_[missing],
            fmt::format("expected a value (the header has {} columns), got the end of the row after {} field{}", header_.size(), missing,
                        missing == 1 ? "" : "s"));
  }
  if (fields_.size() > header_.size())
    fail_at(source(), row(), header_.size() + 1, "row",
            fmt::format("expected {} fields as in the header, got {} (extra field {})", header_.size(), fields_.size(),
                        shown(fields_[header_.size()])));
  return true;
}

void CsvTable::fail(std::size_t index, std::string_view message) const {
  fail_at(source(), row(), index + 1, header_[index], message);
}

void CsvTable::fail_expected(std::size_t index, std::string_view expected) const {
  fail(index, fmt::format("expected {}, got {}", expected, shown(fields_[index])));
}

std::int64_t CsvTable::integer(std::size_t index, std::int64_t hi) const {
  const auto v = parse_integer(fields_[index]);
  if (!v || *v < 0) fail_expected(index, "a non-negative integer");
  if (*v > hi) fail_expected(index, fmt::format("a non-negative integer <= {}", hi));
  return *v;
}

double CsvTable::number(std::size_t index, double hi, std::string_view what) const {
  const auto v = parse_decimal(fields_[index]);
  if (!v || *v < 0) fail_expected(index, what);
  if (*v > hi) fail_expected(index, fmt::format("{} <= {:g}", what, hi));
  return *v;
}

std::int64_t CsvTable::time_ns(std::size_t index) const {
  const ParsedTime t = parse_timestamp(fields_[index]);
  if (!t.ok) {
    if (t.why.empty()) fail_expected(index, kTimestampForm);
    fail_expected(index, fmt::format("a valid date and time ({})", t.why));
  }
  return t.ns;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace gigasim::io::traces
