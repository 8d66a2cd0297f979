// Streaming readers for public AI-datacenter traces (docs/traces.md). A reader yields one record at a
// time through next(); it never holds more than the current line, so week-long traces of tens of
// millions of rows stream in constant memory.
//
// Every defect in the input is an io::InputError naming the source, the line (1-based), the column
// (the 1-based CSV field number, or the 1-based byte of a JSON line), the column or key name, what was
// expected and what was found:
//
//   trace.csv:17:2: ContextTokens: expected a non-negative integer, got "abc"
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "line_reader.hpp"

namespace gigasim::io::traces {

// What the records of a trace describe.
enum class TraceKind {
  kRequests,  // LLM inference requests: arrival time, input and output tokens
  kJobs,      // cluster jobs (or pods): submit time, duration, GPUs, type and final state
};

std::string_view to_string(TraceKind kind);

// One record. Which fields are set depends on the reader's kind(); the others stay at their defaults.
struct TraceRecord {
  double time_s = 0;  // arrival (requests) or submit (jobs) time, seconds after the first record
  // kRequests
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  // kJobs
  double duration_s = 0;  // run time (0 for a job that never started)
  double gpus = 0;        // GPUs held; fractional for shared GPUs (alibaba-openb)
  std::string type;       // job type (acme), QoS class (alibaba-openb); empty when the trace has none
  std::string state;      // final state, e.g. COMPLETED, FAILED, Succeeded, Pending
  std::uint64_t row = 0;  // line of the source this record came from
};

class TraceReader {
 public:
  virtual ~TraceReader() = default;
  // The next record, or false at the end of the trace. Throws InputError on a bad row.
  virtual bool next(TraceRecord& record) = 0;
  virtual std::string_view format() const = 0;  // registry name, e.g. "azure"
  virtual TraceKind kind() const = 0;
  virtual const std::string& source() const = 0;  // display name used in messages
};

// --- Registry --------------------------------------------------------------------------------------

struct TraceFormat {
  std::string name;         // --format value
  TraceKind kind;
  std::string description;  // one line
  std::function<std::unique_ptr<TraceReader>(LineReader)> open;
};

// Every known format, in a fixed order: azure, mooncake, acme, helios, alibaba-openb.
const std::vector<TraceFormat>& trace_formats();
// "azure, mooncake, acme, helios, alibaba-openb"
std::string trace_format_names();
// The format called `name`; an unknown name is an InputError listing the valid ones, prefixed by `what`
// (e.g. "--format").
const TraceFormat& find_trace_format(std::string_view name, std::string_view what = "trace format");
// The format whose header (or first line) `first_line` is, or an empty string view.
std::string_view detect_trace_format(std::string_view first_line);

// A reader over `in` (named `source` in messages). An empty `format` detects it from the first line.
std::unique_ptr<TraceReader> open_trace(std::unique_ptr<std::istream> in, std::string source, std::string_view format = {});
// The same over a file; a missing or unreadable file is an InputError.
std::unique_ptr<TraceReader> open_trace_file(const std::filesystem::path& file, std::string_view format = {});

// --- Readers (also reachable through the registry) -------------------------------------------------

std::unique_ptr<TraceReader> make_azure_reader(LineReader lines);
std::unique_ptr<TraceReader> make_mooncake_reader(LineReader lines);
std::unique_ptr<TraceReader> make_acme_reader(LineReader lines);
std::unique_ptr<TraceReader> make_helios_reader(LineReader lines);
std::unique_ptr<TraceReader> make_alibaba_openb_reader(LineReader lines);

}  // namespace gigasim::io::traces
