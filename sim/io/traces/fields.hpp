// Shared by the trace readers: how values are shown and parsed, and the CSV table behind the CSV
// formats (header mapped by name, one row at a time, every error at file:line:field).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "line_reader.hpp"

namespace gigasim::io::traces {

// `text` in double quotes for a message: control and non-ASCII bytes escaped, cut after `max_bytes`.
// ASCII lower case (CSV header names are matched case-insensitively).
std::string lower(std::string_view s);

std::string shown(std::string_view text, std::size_t max_bytes = 60);
// Control and non-ASCII bytes escaped (and quotes and backslashes when `quotes`), cut after `max_bytes`.
std::string escaped(std::string_view text, std::size_t max_bytes, bool quotes = false);
// Throws InputError "source:row:col: name: message".
[[noreturn]] void fail_at(const std::string& source, std::uint64_t row, std::size_t col, std::string_view name,
                          std::string_view message);

// Strict: optional '-', decimal digits only, fits in int64.
std::optional<std::int64_t> parse_integer(std::string_view text);
// Strict: a finite decimal or scientific number (optional sign), nothing else.
std::optional<double> parse_decimal(std::string_view text);

// Splits one CSV line (RFC 4180 quoting within the line: "a,b" and "" for a quote; spaces and tabs around
// unquoted fields are dropped). Returns 0 on success, else the 1-based number of a field whose quoting
// is broken (an unclosed quote, or text after the closing quote).
std::size_t split_csv(std::string_view line, std::vector<std::string>& fields);

class CsvTable {
 public:
  // Reads the header of `lines`. `format` names the format in messages; `required` columns must all be
  // present (matched without regard to case, in any order; other columns are ignored).
  CsvTable(LineReader lines, std::string_view format, std::vector<std::string> required);

  // The next data row; false at the end. A row with another number of fields than the header is an error.
  bool next_row();

  std::size_t column(std::string_view name) const;  // index of a required column
  std::optional<std::size_t> find_column(std::string_view name) const;
  const std::string& field(std::size_t index) const { return fields_[index]; }
  std::uint64_t row() const { return lines_.line_number(); }
  const std::string& source() const { return lines_.source(); }

  // "source:row:field: column: message"
  [[noreturn]] void fail(std::size_t index, std::string_view message) const;
  // "expected <expected>, got "<field>""
  [[noreturn]] void fail_expected(std::size_t index, std::string_view expected) const;

  // An integer in [0, hi].
  std::int64_t integer(std::size_t index, std::int64_t hi) const;
  // A finite number in [0, hi]; `what` is e.g. "a non-negative number of seconds".
  double number(std::size_t index, double hi, std::string_view what) const;
  // A date and time (timestamp.hpp), in ns since the epoch.
  std::int64_t time_ns(std::size_t index) const;

 private:
  LineReader lines_;
  std::string format_;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  std::string line_;
};

// The time of the previous row, for the "times go backwards" check.
template <class T>
struct OrderCheck {
  bool have = false;
  T first{};
  T last{};
  std::string last_text;
  std::uint64_t last_row = 0;

  // Records `value` (field `col` of the current row of `table`), or fails if it is before the previous
  // row's; `sorted_by` names the order in the message. Returns value - first.
  T check(const CsvTable& table, std::size_t col, T value, std::string_view sorted_by);
};

template <class T>
T OrderCheck<T>::check(const CsvTable& table, std::size_t col, T value, std::string_view sorted_by) {
  if (!have) {
    have = true;
    first = value;
  } else if (value < last) {
    table.fail(col, "expected a time at or after the previous row's " + shown(last_text) + " (line " + std::to_string(last_row) +
                        "; the trace must be sorted by " + std::string(sorted_by) + "), got " + shown(table.field(col)));
  }
  last = value;
  last_text = table.field(col);
  last_row = table.row();
  return value - first;
}

}  // namespace gigasim::io::traces
