// Reads a text stream one line at a time with a bounded line length, counting lines for messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>

namespace gigasim::io::traces {

class LineReader {
 public:
  static constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;  // 1 MiB

  LineReader(std::unique_ptr<std::istream> in, std::string source);
  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;
  ~LineReader();

  // The next line that is not blank (blank: empty or only spaces, tabs and a carriage return), without
  // its end of line (LF or CRLF) and without a UTF-8 byte-order mark on the first line. The last line
  // may lack its newline. False at the end of the input. A line longer than kMaxLineBytes or a read
  // error is an InputError.
  bool next(std::string& line);
  // Gives `line` (the last line returned) back: the next call to next() returns it again, with the same
  // line number.
  void unread(std::string line);
  // The 1-based line number of the last line returned (0 before the first).
  std::uint64_t line_number() const { return line_number_; }
  // True when no line (not even a blank one) has been read: the input is empty.
  bool saw_nothing() const { return physical_lines_ == 0; }
  const std::string& source() const { return source_; }

 private:
  bool read_physical(std::string& line);  // one line, blank or not
  bool fill();

  std::unique_ptr<std::istream> in_;
  std::string source_;
  std::unique_ptr<char[]> buffer_;  // kBufferBytes, not zeroed
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
  std::uint64_t physical_lines_ = 0;
  bool replay_ = false;
  std::string replay_line_;
};

}  // namespace gigasim::io::traces
