#include "line_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "sim/io/input_error.hpp"

namespace gigasim::io::traces {

namespace {
constexpr std::size_t kBufferBytes = std::size_t{1} << 16;
}

LineReader::LineReader(std::unique_ptr<std::istream> in, std::string source)
    : in_(std::move(in)), source_(std::move(source)), buffer_(std::make_unique_for_overwrite<char[]>(kBufferBytes)) {}
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;
LineReader::~LineReader() = default;

bool LineReader::fill() {
  if (eof_ || !in_) return false;
  in_->read(buffer_.get(), static_cast<std::streamsize>(kBufferBytes));
  const std::streamsize got = in_->gcount();
  if (in_->bad())
    throw InputError(fmt::format("{}:{}: read error after line {} (the file could not be read to its end)", source_,
                                 physical_lines_ + 1, physical_lines_));
  if (got <= 0) {
    eof_ = true;
    return false;
  }
  if (in_->eof()) eof_ = true;  // the rest of this chunk is the end of the input
  pos_ = 0;
  end_ = static_cast<std::size_t>(got);
  return true;
}

bool LineReader::read_physical(std::string& line) {
  line.clear();
  bool any = false;
  for (;;) {
    if (pos_ == end_ && !fill()) break;
    any = true;
    const char* start = buffer_.get() + pos_;
    const std::size_t avail = end_ - pos_;
    const void* nl = std::memchr(start, '\n', avail);
    const std::size_t take = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : avail;
    if (line.size() + take > kMaxLineBytes + 1)  // +1: a CR before the LF is not part of the line
      throw InputError(fmt::format("{}:{}:1: line: expected at most {} bytes (1 MiB) per line, got a longer line "
                                   "(is this a text trace?)",
                                   source_, physical_lines_ + 1, kMaxLineBytes));
    line.append(start, take);
    pos_ += take;
    if (nl) {
      ++pos_;  // the LF
      break;
    }
  }
  if (!any) return false;
  ++physical_lines_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() > kMaxLineBytes)
    throw InputError(fmt::format("{}:{}:1: line: expected at most {} bytes (1 MiB) per line, got a longer line "
                                 "(is this a text trace?)",
                                 source_, physical_lines_, kMaxLineBytes));
  if (physical_lines_ == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  return true;
}

bool LineReader::next(std::string& line) {
  if (replay_) {
    replay_ = false;
    line.swap(replay_line_);
    return true;
  }
  while (read_physical(line)) {
    const bool blank = std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
    if (!blank) {
      line_number_ = physical_lines_;
      return true;
    }
  }
  return false;
}

void LineReader::unread(std::string line) {
  replay_line_ = std::move(line);
  replay_ = true;
}

}  // namespace gigasim::io::traces
