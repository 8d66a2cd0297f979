#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "fields.hpp"
#include "sim/io/input_error.hpp"
#include "sim/io/yaml_view.hpp"  // closest_name
#include "trace.hpp"

namespace gigasim::io::traces {

namespace {


}  // namespace

std::string_view to_string(TraceKind kind) { return kind == TraceKind::kRequests ? "requests" : "jobs"; }

const std::vector<TraceFormat>& trace_formats() {
  static const std::vector<TraceFormat> formats = {
      {"azure", TraceKind::kRequests, "Azure LLM inference trace CSV (2023, and the 2024 week-long files): TIMESTAMP,ContextTokens,GeneratedTokens",
       make_azure_reader},
      {"mooncake", TraceKind::kRequests, "Mooncake (FAST'25) JSON Lines: timestamp (ms), input_length, output_length, hash_ids",
       make_mooncake_reader},
      {"acme", TraceKind::kJobs, "AcmeTrace (Seren, Kalos) job CSV: submit_time, duration, gpu_num, type, state", make_acme_reader},
      {"helios", TraceKind::kJobs, "Helios cluster_log CSV: submit_time, duration, gpu_num, state", make_helios_reader},
      {"alibaba-openb", TraceKind::kJobs,
       "Alibaba cluster-trace-gpu-v2023 openb pod list CSV: creation/scheduled/deletion_time, num_gpu, gpu_milli, qos, pod_phase",
       make_alibaba_openb_reader},
  };
  return formats;
}

std::string trace_format_names() {
  std::string out;
  for (const TraceFormat& f : trace_formats()) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

const TraceFormat& find_trace_format(std::string_view name, std::string_view what) {
  std::vector<std::string> names;
  for (const TraceFormat& f : trace_formats()) {
    if (f.name == name) return f;
    names.push_back(f.name);
  }
  std::string msg = fmt::format("{}: expected one of {}, got {}", what, trace_format_names(), shown(name));
  if (auto best = closest_name(name, names)) msg += fmt::format("; did you mean '{}'?", *best);
  throw InputError(msg);
}

std::string_view detect_trace_format(std::string_view first_line) {
  const auto start = first_line.find_first_not_of(" \t\r\n");  // JSON whitespace
  if (start == std::string_view::npos) return {};
  if (first_line[start] == '{') return "mooncake";
  std::vector<std::string> header;
  if (split_csv(first_line, header) != 0) return {};
  auto has = [&](std::string_view name) {
    return std::any_of(header.begin(), header.end(), [&](const std::string& h) { return lower(h) == name; });
  };
  if (has("contexttokens") || has("generatedtokens")) return "azure";
  if (has("gpu_milli") || has("creation_time") || has("pod_phase")) return "alibaba-openb";
  if (has("submit_time") && has("type")) return "acme";
  if (has("submit_time") && has("vc")) return "helios";
  return {};
}

std::unique_ptr<TraceReader> open_trace(std::unique_ptr<std::istream> in, std::string source, std::string_view format) {
  LineReader lines(std::move(in), std::move(source));
  if (!format.empty()) return find_trace_format(format).open(std::move(lines));
  std::string first;
  if (!lines.next(first))
    throw InputError(fmt::format("{}: expected a trace ({}), got an empty file", lines.source(), trace_format_names()));
  const std::string_view detected = detect_trace_format(first);
  if (detected.empty())
    fail_at(lines.source(), lines.line_number(), 1, "header",
            fmt::format("expected the header of an azure, acme, helios or alibaba-openb CSV, or a mooncake JSON line, got {} "
                        "(name the format with --format: {})",
                        shown(first, 200), trace_format_names()));
  lines.unread(std::move(first));
  return find_trace_format(detected).open(std::move(lines));
}

std::unique_ptr<TraceReader> open_trace_file(const std::filesystem::path& file, std::string_view format) {
  namespace fs = std::filesystem;
  if (!format.empty()) find_trace_format(format);  // an unknown format is reported before a missing file
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (!fs::exists(st)) throw InputError(fmt::format("{}: cannot open the trace: no such file", file.string()));
  if (fs::is_directory(st)) throw InputError(fmt::format("{}: expected a trace file, got a directory", file.string()));
  auto in = std::make_unique<std::ifstream>(file, std::ios::binary);
  if (!*in) throw InputError(fmt::format("{}: cannot open the trace: {}", file.string(), std::strerror(errno)));
  return open_trace(std::move(in), file.string(), format);
}

}  // namespace gigasim::io::traces
