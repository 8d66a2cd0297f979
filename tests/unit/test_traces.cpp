// Trace readers (sim/io/traces): the real public traces when they are present (figures from the READMEs
// in ../shared/traces), small inline inputs for each format, every error message, and the
// scale/loop wrapper.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "test_helpers.hpp"

#include "sim/io/input_error.hpp"
#include "sim/io/traces/summary.hpp"
#include "sim/io/traces/timestamp.hpp"
#include "sim/io/traces/trace.hpp"
#include "sim/io/traces/transform.hpp"

using namespace gigasim::io;
using namespace gigasim::io::traces;
namespace fs = std::filesystem;

namespace {

fs::path traces_dir() { return fs::path(GIGASIM_SOURCE_DIR) / ".." / "shared" / "traces"; }

std::unique_ptr<TraceReader> open_text(const std::string& text, std::string_view format = {}, const std::string& name = "t.csv") {
  return open_trace(std::make_unique<std::istringstream>(text), name, format);
}

std::vector<TraceRecord> read_all(TraceReader& r) {
  std::vector<TraceRecord> out;
  TraceRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}

std::vector<TraceRecord> read_text(const std::string& text, std::string_view format = {}) {
  auto r = open_text(text, format);
  return read_all(*r);
}

// The InputError message of reading `text` to its end, or "<no error>".
std::string error_of(const std::string& text, std::string_view format = {}, const std::string& name = "t.csv") {
  try {
    auto r = open_text(text, format, name);
    read_all(*r);
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

constexpr const char* kAzureHeader = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

}  // namespace

// --- The real traces --------------------------------------------------------------------------------

TEST_CASE("traces: real file: Azure 2023 code", "[traces][real]") {
  const fs::path file = traces_dir() / "azure_llm_2023" / "AzureLLMInferenceTrace_code.csv";
  gigasim::test::require_shared_file(file);
  auto r = open_trace_file(file);  // detected
  CHECK(r->format() == "azure");
  CHECK(r->kind() == TraceKind::kRequests);
  TraceRecord first;
  REQUIRE(r->next(first));
  CHECK(first.time_s == 0);
  CHECK(first.input_tokens == 4808);
  CHECK(first.output_tokens == 10);
  CHECK(first.row == 2);
  auto again = open_trace_file(file, "azure");
  const TraceSummary s = summarize_trace(*again);
  CHECK(s.records == 8819);
  CHECK(s.span_s() == Approx(3435.948056).margin(1e-6));  // 18:17:03.9799600 -> 19:14:19.9280160
  CHECK(s.span_s() / 60 == Approx(57.3).margin(0.05));
  CHECK(s.input_tokens.mean() == Approx(2047.85).margin(0.01));
  CHECK(s.input_tokens.median() == 1469);
  CHECK(s.input_tokens.max() == 7437);
  CHECK(s.output_tokens.mean() == Approx(27.88).margin(0.01));
  CHECK(s.output_tokens.median() == 13);
  CHECK(s.output_tokens.max() == 1899);
  CHECK(s.input_tokens.median_exact());
}

TEST_CASE("traces: real file: Azure 2023 conversation", "[traces][real]") {
  const fs::path file = traces_dir() / "azure_llm_2023" / "AzureLLMInferenceTrace_conv.csv";
  gigasim::test::require_shared_file(file);
  auto r = open_trace_file(file);
  const TraceSummary s = summarize_trace(*r);
  CHECK(s.records == 19366);
  CHECK(s.span_s() / 60 == Approx(58.4).margin(0.05));
  CHECK(s.input_tokens.mean() == Approx(1155).margin(0.5));
  CHECK(s.input_tokens.median() == 1020);
  CHECK(s.input_tokens.max() == 14050);
  CHECK(s.output_tokens.mean() == Approx(211).margin(0.5));
  CHECK(s.output_tokens.median() == 129);
  CHECK(s.output_tokens.max() == 1000);
}

TEST_CASE("traces: real file: Mooncake conversation and synthetic", "[traces][real]") {
  const fs::path conv = traces_dir() / "mooncake_fast25" / "conversation_trace.jsonl";
  gigasim::test::require_shared_file(conv);
  auto r = open_trace_file(conv);
  CHECK(r->format() == "mooncake");
  TraceRecord first;
  REQUIRE(r->next(first));
  CHECK(first.time_s == 0);
  CHECK(first.input_tokens == 6758);
  CHECK(first.output_tokens == 500);
  auto all = open_trace_file(conv, "mooncake");
  const TraceSummary s = summarize_trace(*all);
  CHECK(s.records == 12031);
  CHECK(s.first_s == 0);
  CHECK(s.last_s == Approx(3536.999).margin(1e-9));  // timestamps 0 .. 3,536,999 ms
  CHECK(s.input_tokens.mean() == Approx(12035).margin(0.5));
  CHECK(s.input_tokens.median() == 6909);
  CHECK(s.input_tokens.max() == 126195);
  CHECK(s.output_tokens.median() == 350);
  CHECK(s.output_tokens.max() == 2000);

  const fs::path synth = traces_dir() / "mooncake_fast25" / "synthetic_trace.jsonl";
  gigasim::test::require_shared_file(synth);
  auto sr = open_trace_file(synth);
  const TraceSummary ss = summarize_trace(*sr);
  CHECK(ss.records == 3993);
  CHECK(ss.last_s == Approx(1022.025).margin(1e-9));
  CHECK(ss.input_tokens.max() == 191378);
  CHECK(ss.output_tokens.max() == 893);
}

TEST_CASE("traces: real file: Alibaba openb pod list", "[traces][real]") {
  const fs::path file = traces_dir() / "alibaba_gpu_v2023" / "openb_pod_list_default.csv";
  gigasim::test::require_shared_file(file);
  auto r = open_trace_file(file);
  CHECK(r->format() == "alibaba-openb");
  CHECK(r->kind() == TraceKind::kJobs);
  std::uint64_t n = 0, pending = 0, eight = 0;
  double last = 0, gpus = 0;
  std::vector<double> scheduled_durations;
  TraceRecord rec;
  while (r->next(rec)) {
    ++n;
    last = rec.time_s;
    gpus += rec.gpus;
    if (rec.gpus == 8) ++eight;
    if (rec.state == "Pending") ++pending;
    else scheduled_durations.push_back(rec.duration_s);
    CHECK(rec.duration_s >= 0);
  }
  CHECK(n == 8152);
  CHECK(pending == 897);  // scheduled_time empty
  CHECK(eight == 44);
  CHECK(last == 12901761);  // creation_time 0 .. 12,901,761 s
  CHECK(gpus == Approx(6086.8).margin(1e-6));
  std::nth_element(scheduled_durations.begin(), scheduled_durations.begin() + scheduled_durations.size() / 2, scheduled_durations.end());
  CHECK(scheduled_durations[scheduled_durations.size() / 2] == 616);  // README: median 616 s
}

TEST_CASE("traces: real file: Acme and Helios schema examples", "[traces][real]") {
  const fs::path dir = traces_dir() / "schema_examples";
  gigasim::test::require_shared_file(dir / "acme_kalos_example.csv");
  auto kalos = open_trace_file(dir / "acme_kalos_example.csv");
  CHECK(kalos->format() == "acme");
  const auto k = read_all(*kalos);
  REQUIRE(k.size() == 2);
  CHECK(k[0].gpus == 64);
  CHECK(k[0].duration_s == 18);
  CHECK(k[0].type == "Other");
  CHECK(k[0].state == "FAILED");
  CHECK(k[1].time_s == 27 * 60 + 44);  // 11:00:58 -> 11:28:42
  CHECK(k[1].state == "CANCELLED");

  auto seren = open_trace_file(dir / "acme_seren_example.csv");
  CHECK(seren->format() == "acme");
  const auto s = read_all(*seren);
  REQUIRE(s.size() == 2);
  CHECK(s[1].time_s == 5 * 60 + 36);
  CHECK(s[1].duration_s == 2693);
  CHECK(s[1].gpus == 8);

  auto helios = open_trace_file(dir / "helios_cluster_log_example.csv");
  CHECK(helios->format() == "helios");
  const auto h = read_all(*helios);
  REQUIRE(h.size() == 3);
  CHECK(h[1].time_s == 26);
  CHECK(h[1].gpus == 4);
  CHECK(h[2].duration_s == 675233);
  CHECK(h[2].type.empty());
  CHECK(h[2].state == "CANCELLED");

  // BurstGPT is not a supported format: detection says so.
  CHECK_THAT(error_of([&] { open_trace_file(dir / "burstgpt_example.csv"); }),
             Catch::Contains("burstgpt_example.csv:1:1: header: expected the header of an azure, acme, helios or alibaba-openb CSV"));
}

// --- Inline inputs ------------------------------------------------------------------------------------

TEST_CASE("traces: azure 2023: rebased times, 7 fractional digits, CRLF, no final newline", "[traces]") {
  const auto recs = read_text(
      "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
      "2023-11-16 18:17:03.9799600,4808,10\r\n"
      "2023-11-16 18:17:04.0319600,3180,8\r\n"
      "2023-11-16 23:59:59.9999999,0,0\r\n"
      "2023-11-17 00:00:00.0000001,1,2");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].time_s == 0);
  CHECK(recs[1].time_s == Approx(0.052).margin(1e-12));
  CHECK(recs[2].time_s == Approx(5 * 3600 + 42 * 60 + 56.0200399).margin(1e-9));
  CHECK(recs[3].time_s - recs[2].time_s == Approx(2e-7).margin(1e-10));
  CHECK(recs[3].input_tokens == 1);
  CHECK(recs[3].output_tokens == 2);
  CHECK(recs[3].row == 5);
}

TEST_CASE("traces: azure 2024: UTC offsets and a variable number of fractional digits", "[traces]") {
  const auto recs = read_text(std::string(kAzureHeader) +
                              "2024-05-10 00:00:00+00:00,100,10\n"
                              "2024-05-10 00:00:00.009930+00:00,200,20\n"
                              "2024-05-10 02:00:00.5+02:00,300,30\n"   // 00:00:00.5 UTC
                              "2024-05-09 19:00:01-05:00,400,40\n"     // 00:00:01 UTC
                              "2024-05-10T00:00:02Z,500,50\n"
                              "2024-05-10 00:00:03.123456789+0000,600,60\n");
  REQUIRE(recs.size() == 6);
  CHECK(recs[0].time_s == 0);
  CHECK(recs[1].time_s == Approx(0.00993).margin(1e-12));
  CHECK(recs[2].time_s == Approx(0.5).margin(1e-12));
  CHECK(recs[3].time_s == Approx(1.0).margin(1e-12));
  CHECK(recs[4].time_s == Approx(2.0).margin(1e-12));
  CHECK(recs[5].time_s == Approx(3.123456789).margin(1e-12));
  CHECK(recs[5].input_tokens == 600);
}

TEST_CASE("traces: timestamps: calendar, offsets and rejections", "[traces]") {
  CHECK(parse_timestamp("1970-01-01 00:00:00").ns == 0);
  CHECK(parse_timestamp("2000-03-01 00:00:00").ns - parse_timestamp("2000-02-28 00:00:00").ns == 2 * 86400'000'000'000LL);  // leap year
  CHECK(parse_timestamp("2024-02-29 12:00:00").ok);
  CHECK(parse_timestamp("2023-11-16 18:17:03.9799600").ns == 1700158623979960000LL);
  CHECK(parse_timestamp("2023-03-01 00:18:22+08:00").ns == parse_timestamp("2023-02-28 16:18:22").ns);
  CHECK(parse_timestamp("2023-02-29 00:00:00").why == "day 29 does not exist in 2023-02");
  CHECK(parse_timestamp("2023-13-01 00:00:00").why == "month 13 does not exist");
  CHECK(parse_timestamp("2023-01-01 24:00:00").why == "time 24:00:00 does not exist");
  CHECK(parse_timestamp("2023-01-01 00:00:00.1234567890").why == "more than 9 fractional digits");
  CHECK(parse_timestamp("2023-01-01 00:00:00+19:00").why == "UTC offset +19:00 is out of range");
  CHECK(parse_timestamp("1969-12-31 23:59:59").why == "year 1969 is not in [1970, 2200]");
  for (const char* bad : {"", "2023-1-01 00:00:00", "2023-01-01", "2023-01-01 00:00", "2023-01-01 00:00:00.", "2023-01-01 00:00:00 ",
                          "2023-01-01 00:00:00+", "2023-01-01 00:00:00+0", "2023-01-01 00:00:00Zx", "1700158623"}) {
    INFO(bad);
    CHECK_FALSE(parse_timestamp(bad).ok);
  }
}

TEST_CASE("traces: acme and helios: columns by name, in any order, empty duration", "[traces]") {
  // Seren header, columns shuffled, with +08:00 times.
  const auto seren = read_text(
      "state,gpu_num,submit_time,type,job_id,duration,start_time,end_time\n"
      "FAILED,8,2023-03-01 00:18:22+08:00,Other,5778432,117,2023-03-01 00:18:54+08:00,2023-03-01 00:20:51+08:00\n"
      "COMPLETED,8,2023-03-01 00:23:58+08:00,Pretrain,5778469,,2023-03-01 00:24:11+08:00,2023-03-01 01:09:04+08:00\n"
      "CANCELLED,16,2023-03-01 00:30:00+08:00,SFT,5778470,,,\n",
      "acme");
  REQUIRE(seren.size() == 3);
  CHECK(seren[0].duration_s == 117);
  CHECK(seren[1].time_s == 336);
  CHECK(seren[1].duration_s == 2693);  // from end_time - start_time
  CHECK(seren[1].type == "Pretrain");
  CHECK(seren[2].duration_s == 0);  // never started
  CHECK(seren[2].gpus == 16);

  const auto helios = read_text(
      "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n"
      "1425511,uXBbc,vcJkd,1,1,1,COMPLETED,2020-06-09 18:41:01,2020-06-09 18:41:01,2020-06-10 04:55:09,36848,0\n"
      "1425512,uVMrF,vchbv,4,16,1,FAILED,2020-06-09 18:41:27,2020-06-09 18:41:27,2020-06-09 18:45:36,249,0\n");
  REQUIRE(helios.size() == 2);
  CHECK(helios[0].duration_s == 36848);
  CHECK(helios[1].time_s == 26);
  CHECK(helios[1].state == "FAILED");
  CHECK(helios[1].type.empty());
}

TEST_CASE("traces: alibaba-openb: durations from scheduled or creation time, fractional GPUs", "[traces]") {
  const auto recs = read_text(
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n"
      "openb-pod-0000,12000,16384,1,1000,,LS,Running,100,12537496,100\n"
      "openb-pod-0001,6000,12288,1,460,,BE,Succeeded,200,1200,700\n"
      "openb-pod-0002,88000,327680,8,1000,V100M16|V100M32,Burstable,Failed,300,400,310\n"
      "openb-pod-0003,1000,1024,2,500,,BE,Pending,300,1300,\n"
      "openb-pod-0004,1000,1024,0,0,,LS,Running,400,500,400\n");
  REQUIRE(recs.size() == 5);
  CHECK(recs[0].time_s == 0);
  CHECK(recs[1].time_s == 100);
  CHECK(recs[1].duration_s == 500);
  CHECK(recs[1].gpus == Approx(0.46));
  CHECK(recs[1].type == "BE");
  CHECK(recs[1].state == "Succeeded");
  CHECK(recs[2].gpus == 8);
  CHECK(recs[3].duration_s == 1000);  // unscheduled: deletion - creation
  CHECK(recs[3].gpus == 1);
  CHECK(recs[3].state == "Pending");
  CHECK(recs[4].gpus == 0);
}

TEST_CASE("traces: mooncake: rebased milliseconds, hash_ids and unknown keys are ignored", "[traces]") {
  const auto recs = read_text(
      "{\"timestamp\": 1000, \"input_length\": 6758, \"output_length\": 500, \"hash_ids\": [0, 1, 2]}\n"
      "\n"
      "{\"output_length\": 3, \"input_length\": 10, \"timestamp\": 1500.5, \"extra\": {\"a\": [1]}}\r\n"
      "{\"timestamp\": 4000, \"input_length\": 0, \"output_length\": 0}");
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].time_s == 0);
  CHECK(recs[1].time_s == Approx(0.5005));
  CHECK(recs[1].row == 3);
  CHECK(recs[1].input_tokens == 10);
  CHECK(recs[2].time_s == 3);
}

TEST_CASE("traces: format detection and the registry", "[traces]") {
  CHECK(detect_trace_format("TIMESTAMP,ContextTokens,GeneratedTokens") == "azure");
  CHECK(detect_trace_format("{\"timestamp\": 0}") == "mooncake");
  CHECK(detect_trace_format("job_id,user,node_num,gpu_num,cpu_num,type,state,submit_time,start_time,end_time,duration,queue,gpu_time") == "acme");
  CHECK(detect_trace_format("job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue") == "helios");
  CHECK(detect_trace_format("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time") ==
        "alibaba-openb");
  CHECK(detect_trace_format("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type").empty());
  CHECK(trace_format_names() == "azure, mooncake, acme, helios, alibaba-openb");
  CHECK(find_trace_format("helios").kind == TraceKind::kJobs);
  CHECK(error_of([] { find_trace_format("azur", "--format"); }) ==
        "--format: expected one of azure, mooncake, acme, helios, alibaba-openb, got \"azur\"; did you mean 'azure'?");
  // An explicit format wins over detection.
  CHECK(error_of("{\"timestamp\": 0}\n", "azure") ==
        "t.csv:1:1: header: expected a column \"TIMESTAMP\" (an azure trace has the columns TIMESTAMP,ContextTokens,GeneratedTokens), "
        "got the header \"{\\\"timestamp\\\": 0}\"");
}

// --- Errors -------------------------------------------------------------------------------------------

TEST_CASE("traces: errors: bad values name file:line:field, the column, what was expected and what was found", "[traces][errors]") {
  const std::string h = kAzureHeader;
  const std::string ok = "2023-11-16 18:17:03.9799600,1,1\n";
  CHECK(error_of(h + ok + "2023-11-16 18:17:04.0000000,abc,1\n") == "t.csv:3:2: ContextTokens: expected a non-negative integer, got \"abc\"");
  CHECK(error_of(h + ok + "2023-11-16 18:17:04.0000000,1,-5\n") == "t.csv:3:3: GeneratedTokens: expected a non-negative integer, got \"-5\"");
  CHECK(error_of(h + ok + "2023-11-16 18:17:04.0000000,1.5,1\n") == "t.csv:3:2: ContextTokens: expected a non-negative integer, got \"1.5\"");
  CHECK(error_of(h + ok + "2023-11-16 18:17:04.0000000,2000000000,1\n") ==
        "t.csv:3:2: ContextTokens: expected a non-negative integer <= 1000000000, got \"2000000000\"");
  CHECK(error_of(h + ok + "2023-11-16 18:17:04.0000000,,1\n") == "t.csv:3:2: ContextTokens: expected a non-negative integer, got \"\"");
  CHECK(error_of(h + ok + "yesterday,1,1\n") ==
        "t.csv:3:1: TIMESTAMP: expected a date and time like \"2023-11-16 18:17:03.9799600\" or \"2024-05-10 00:00:00.009930+00:00\", "
        "got \"yesterday\"");
  CHECK(error_of(h + "2023-02-30 00:00:00,1,1\n") ==
        "t.csv:2:1: TIMESTAMP: expected a valid date and time (day 30 does not exist in 2023-02), got \"2023-02-30 00:00:00\"");
  CHECK(error_of(h + ok + "2023-11-16 18:17:02.0000000,1,1\n") ==
        "t.csv:3:1: TIMESTAMP: expected a time at or after the previous row's \"2023-11-16 18:17:03.9799600\" (line 2; the trace must be "
        "sorted by time), got \"2023-11-16 18:17:02.0000000\"");
  // Control bytes are escaped, long values cut.
  CHECK(error_of(h + "2023-11-16 18:17:03,1\x01,1\n") == "t.csv:2:2: ContextTokens: expected a non-negative integer, got \"1\\x01\"");
  CHECK(error_of(h + "2023-11-16 18:17:03," + std::string(100, '9') + ",1\n") ==
        "t.csv:2:2: ContextTokens: expected a non-negative integer, got \"" + std::string(60, '9') + "...\"");
}

TEST_CASE("traces: errors: missing and extra fields, broken quotes, wrong headers", "[traces][errors]") {
  const std::string h = kAzureHeader;
  CHECK(error_of(h + "2023-11-16 18:17:03,1\n") ==
        "t.csv:2:3: GeneratedTokens: expected a value (the header has 3 columns), got the end of the row after 2 fields");
  CHECK(error_of(h + "2023-11-16 18:17:03,1,2,3\n") == "t.csv:2:4: row: expected 3 fields as in the header, got 4 (extra field \"3\")");
  CHECK(error_of(h + "2023-11-16 18:17:03,\"1,2\n") ==
        "t.csv:2:2: ContextTokens: expected a closing quote before the next comma or the end of the line");
  CHECK(error_of(h + "2023-11-16 18:17:03,\"1\"x,2\n") ==
        "t.csv:2:2: ContextTokens: expected a closing quote before the next comma or the end of the line");
  CHECK(read_text(h + "\"2023-11-16 18:17:03\", \"12\" ,2\n").at(0).input_tokens == 12);  // quoted fields and blanks are fine
  CHECK(error_of("TIMESTAMP,ContextTokns,GeneratedTokens\n", "azure") ==
        "t.csv:1:2: header: expected a column \"ContextTokens\" (an azure trace has the columns TIMESTAMP,ContextTokens,GeneratedTokens), "
        "got \"ContextTokns\"");
  CHECK(error_of("TIMESTAMP,ContextTokens,GeneratedTokens,TIMESTAMP\n") ==
        "t.csv:1:4: header: expected each column once, got \"TIMESTAMP\" again (also column 1)");
  CHECK(error_of("TIMESTAMP,,GeneratedTokens\n", "azure") ==
        "t.csv:1:2: header: expected a column name, got \"\" (the header is \"TIMESTAMP,,GeneratedTokens\")");
  CHECK(error_of("job_id,submit_time,gpu_num,state\n", "acme") ==
        "t.csv:1:1: header: expected a column \"duration\" (an acme trace has the columns submit_time,duration,gpu_num,type,state), got the "
        "header \"job_id,submit_time,gpu_num,state\"");
  CHECK(error_of("hello,world\n1,2\n") ==
        "t.csv:1:1: header: expected the header of an azure, acme, helios or alibaba-openb CSV, or a mooncake JSON line, got \"hello,world\" "
        "(name the format with --format: azure, mooncake, acme, helios, alibaba-openb)");
  // Header only: no records, no error.
  CHECK(read_text(h).empty());
}

TEST_CASE("traces: errors: empty, missing and unreadable inputs, absurdly long lines", "[traces][errors]") {
  CHECK(error_of("") == "t.csv: expected a trace (azure, mooncake, acme, helios, alibaba-openb), got an empty file");
  CHECK(error_of("\n  \n\r\n") == "t.csv: expected a trace (azure, mooncake, acme, helios, alibaba-openb), got an empty file");
  CHECK(error_of("", "azure") ==
        "t.csv: expected an azure trace starting with the header \"TIMESTAMP,ContextTokens,GeneratedTokens\", got an empty file");
  CHECK(error_of("", "mooncake", "t.jsonl") == "t.jsonl: expected a mooncake trace (one JSON object per line), got an empty file");
  CHECK(error_of([] { open_trace_file("/nonexistent/trace.csv"); }) == "/nonexistent/trace.csv: cannot open the trace: no such file");
  const fs::path dir = fs::temp_directory_path();
  CHECK(error_of([&] { open_trace_file(dir); }) == dir.string() + ": expected a trace file, got a directory");
  CHECK(error_of([] { open_trace_file("/nonexistent/trace.csv", "azur"); }) ==
        "trace format: expected one of azure, mooncake, acme, helios, alibaba-openb, got \"azur\"; did you mean 'azure'?");

  const std::string long_line(LineReader::kMaxLineBytes + 1, '1');
  CHECK(error_of(std::string(kAzureHeader) + "2023-11-16 18:17:03,1,1\n" + long_line + "\n") ==
        "t.csv:3:1: line: expected at most 1048576 bytes (1 MiB) per line, got a longer line (is this a text trace?)");
  CHECK(error_of(long_line) == "t.csv:1:1: line: expected at most 1048576 bytes (1 MiB) per line, got a longer line (is this a text trace?)");
  // Exactly 1 MiB (plus CRLF) is accepted by the line reader.
  LineReader lines(std::make_unique<std::istringstream>(std::string(LineReader::kMaxLineBytes, 'x') + "\r\nnext"), "x");
  std::string line;
  REQUIRE(lines.next(line));
  CHECK(line.size() == LineReader::kMaxLineBytes);
  REQUIRE(lines.next(line));
  CHECK(line == "next");
  CHECK(lines.line_number() == 2);
  CHECK_FALSE(lines.next(line));
}

TEST_CASE("traces: errors: mooncake lines", "[traces][errors]") {
  auto err = [](const std::string& text) { return error_of(text, "mooncake", "m.jsonl"); };
  const std::string ok = "{\"timestamp\": 5, \"input_length\": 1, \"output_length\": 1}\n";
  CHECK(err(ok + "{\"timestamp\": 6, \"input_length\": 1, \"output_length\": 1\n") ==
        "m.jsonl:2:55: line: expected a JSON object, got invalid JSON (syntax error while parsing object - unexpected end of input; "
        "expected '}')");
  CHECK(err(ok + "[1, 2]\n") == "m.jsonl:2:1: line: expected a JSON object, got an array");
  CHECK(err(ok + "{\"timestamp\": 6, \"output_length\": 1}\n") ==
        "m.jsonl:2:1: input_length: expected a key \"input_length\" (a non-negative integer), got an object without it");
  CHECK(err(ok + "{\"timestamp\": 6, \"input_length\": -3, \"output_length\": 1}\n") ==
        "m.jsonl:2:18: input_length: expected a non-negative integer, got -3");
  CHECK(err(ok + "{\"timestamp\": 6, \"input_length\": \"12\", \"output_length\": 1}\n") ==
        "m.jsonl:2:18: input_length: expected a non-negative integer, got \"12\"");
  CHECK(err(ok + "{\"timestamp\": 6, \"input_length\": 1, \"output_length\": 1.5}\n") ==
        "m.jsonl:2:37: output_length: expected a non-negative integer, got 1.5");
  CHECK(err(ok + "{\"timestamp\": 4, \"input_length\": 1, \"output_length\": 1}\n") ==
        "m.jsonl:2:2: timestamp: expected a time at or after the previous line's 5 (line 1; the trace must be sorted by timestamp), got 4");
  CHECK(err(ok + "{\"timestamp\": null, \"input_length\": 1, \"output_length\": 1}\n") ==
        "m.jsonl:2:2: timestamp: expected a non-negative number of milliseconds, got null");
  CHECK(err("{\"timestamp\": 1e400}\n") == "m.jsonl:1:1: line: expected a JSON object, got invalid JSON (number overflow parsing '1e400')");
  CHECK(err(std::string(40, '[') + "\n") == "m.jsonl:1:33: line: expected JSON nested at most 32 levels deep, got deeper nesting");
}

TEST_CASE("traces: errors: job traces", "[traces][errors]") {
  const std::string acme = "job_id,gpu_num,type,state,submit_time,start_time,end_time,duration\n";
  CHECK(error_of(acme + "1,8,Other,FAILED,2023-03-01 00:18:22+08:00,,,-5\n") ==
        "t.csv:2:8: duration: expected a non-negative number of seconds, got \"-5\"");
  CHECK(error_of(acme + "1,eight,Other,FAILED,2023-03-01 00:18:22+08:00,,,5\n") ==
        "t.csv:2:2: gpu_num: expected a non-negative number of GPUs, got \"eight\"");
  CHECK(error_of(acme + "1,8,Other,FAILED,2023-03-01 00:18:22+08:00,2023-03-01 00:18:22+08:00,,\n") ==
        "t.csv:2:8: duration: expected a number of seconds (or an end_time for a job with a start_time), got \"\"");
  CHECK(error_of(acme + "1,8,Other,FAILED,2023-03-01 00:18:22+08:00,2023-03-01 00:18:22+08:00,2023-03-01 00:18:21+08:00,\n") ==
        "t.csv:2:7: end_time: expected a time at or after start_time \"2023-03-01 00:18:22+08:00\", got \"2023-03-01 00:18:21+08:00\"");
  CHECK(error_of(acme + "1,8,Other,FAILED,2023-03-01 00:18:22+08:00,,,5\n2,8,Other,FAILED,2023-03-01 00:18:22+09:00,,,5\n") ==
        "t.csv:3:5: submit_time: expected a time at or after the previous row's \"2023-03-01 00:18:22+08:00\" (line 2; the trace must be "
        "sorted by submit_time), got \"2023-03-01 00:18:22+09:00\"");
  const std::string openb = "num_gpu,gpu_milli,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";
  CHECK(error_of(openb + "1,1000,LS,Running,100,50,60\n") ==
        "t.csv:2:7: scheduled_time: expected a time at or after creation_time \"100\", got \"60\"");
  CHECK(error_of(openb + "1,1000,LS,Running,100,150,160\n") ==
        "t.csv:2:6: deletion_time: expected a time at or after scheduled_time \"160\", got \"150\"");
  CHECK(error_of(openb + "1,1000,LS,Pending,100,50,\n") ==
        "t.csv:2:6: deletion_time: expected a time at or after creation_time \"100\", got \"50\"");
  CHECK(error_of(openb + "1,1500,LS,Running,100,150,100\n") == "t.csv:2:2: gpu_milli: expected a non-negative integer <= 1000, got \"1500\"");
  CHECK(error_of(openb + "1,1000,LS,Running,100,150,100\n1,1000,LS,Running,99,150,100\n") ==
        "t.csv:3:5: creation_time: expected a time at or after the previous row's \"100\" (line 2; the trace must be sorted by "
        "creation_time), got \"99\"");
}

// --- Scale and loop -----------------------------------------------------------------------------------

namespace {

// A request trace of `n` records at 0, 10, 20, ... s with input tokens 0, 1, 2, ...
std::string ten_second_trace(int n) {
  std::string text = "{\"timestamp\": 0, \"input_length\": 0, \"output_length\": 0}\n";
  for (int i = 1; i < n; ++i) text += "{\"timestamp\": " + std::to_string(i * 10000) + ", \"input_length\": " + std::to_string(i) + ", \"output_length\": 0}\n";
  return text;
}

std::vector<TraceRecord> transformed(const std::string& text, const TraceTransform& t, int* opens = nullptr) {
  auto r = transform_trace(
      [&] {
        if (opens) ++*opens;
        return open_text(text, "mooncake", "m.jsonl");
      },
      t);
  CHECK(r->format() == "mooncake");
  CHECK(r->source() == "m.jsonl");
  return read_all(*r);
}

}  // namespace

TEST_CASE("traces: transform: time scale", "[traces][transform]") {
  TraceTransform t;
  t.time_scale = 0.5;
  const auto recs = transformed(ten_second_trace(4), t);
  REQUIRE(recs.size() == 4);
  CHECK(recs[3].time_s == 15);
  CHECK(recs[3].input_tokens == 3);
}

TEST_CASE("traces: transform: rate scale keeps every k-th record or duplicates", "[traces][transform]") {
  auto inputs = [](const std::vector<TraceRecord>& v) {
    std::vector<std::int64_t> out;
    for (const auto& r : v) out.push_back(r.input_tokens);
    return out;
  };
  TraceTransform t;
  t.rate_scale = 0.25;
  CHECK(inputs(transformed(ten_second_trace(10), t)) == std::vector<std::int64_t>{0, 4, 8});
  t.rate_scale = 1.0 / 3.0;
  CHECK(inputs(transformed(ten_second_trace(10), t)) == std::vector<std::int64_t>{0, 3, 6, 9});
  t.rate_scale = 2;
  CHECK(inputs(transformed(ten_second_trace(3), t)) == std::vector<std::int64_t>{0, 0, 1, 1, 2, 2});
  t.rate_scale = 1.5;
  CHECK(inputs(transformed(ten_second_trace(4), t)) == std::vector<std::int64_t>{0, 0, 1, 2, 2, 3});
  const auto dup = transformed(ten_second_trace(3), TraceTransform{1.0, 2.0, false, std::numeric_limits<double>::infinity()});
  CHECK(dup[3].time_s == 10);  // a copy keeps its record's time
  // Over a long trace the count follows the rate.
  t.rate_scale = 0.1;
  CHECK(transformed(ten_second_trace(1000), t).size() == 100);
}

TEST_CASE("traces: transform: loop to a horizon, rebasing each pass by the span plus one mean gap", "[traces][transform]") {
  TraceTransform t;
  t.loop = true;
  t.horizon_s = 95;
  int opens = 0;
  const auto recs = transformed(ten_second_trace(3), t, &opens);  // 0, 10, 20 s: period 30 s
  std::vector<double> times;
  for (const auto& r : recs) times.push_back(r.time_s);
  CHECK(times == std::vector<double>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90});
  CHECK(opens == 4);
  CHECK(recs.back().input_tokens == 0);

  // Loop, then scale: the horizon is in scaled time.
  t.time_scale = 2;
  t.horizon_s = 100;
  CHECK(transformed(ten_second_trace(3), t).size() == 5);  // 0 20 40 60 80

  // Without loop, the horizon only cuts.
  TraceTransform cut;
  cut.horizon_s = 15;
  CHECK(transformed(ten_second_trace(5), cut).size() == 2);
}

TEST_CASE("traces: transform: bad settings and unloopable traces", "[traces][transform]") {
  auto bad = [](TraceTransform t) { return error_of([&] { transformed(ten_second_trace(3), t); }); };
  TraceTransform t;
  t.time_scale = 0;
  CHECK(bad(t) == "time_scale: expected a number > 0, got 0");
  t = {};
  t.rate_scale = -1;
  CHECK(bad(t) == "rate_scale: expected a number in (0, 1000], got -1");
  t = {};
  t.rate_scale = std::nan("");
  CHECK(bad(t) == "rate_scale: expected a number in (0, 1000], got nan");
  t = {};
  t.loop = true;
  CHECK(bad(t) == "horizon_s: expected a finite horizon to loop the trace until, got none");
  t.horizon_s = -5;
  CHECK(bad(t) == "horizon_s: expected a number > 0, got -5");
  t.horizon_s = 100;
  CHECK(error_of([&] { transformed(ten_second_trace(1), t); }) ==
        "m.jsonl: expected a trace of at least 2 records spanning more than 0 s to loop, got 1 record spanning 0 s");
  CHECK(error_of([&] { transformed("{\"timestamp\": 7, \"input_length\": 0, \"output_length\": 0}\n"
                                   "{\"timestamp\": 7, \"input_length\": 0, \"output_length\": 0}\n",
                                   t); }) ==
        "m.jsonl: expected a trace of at least 2 records spanning more than 0 s to loop, got 2 records spanning 0 s");
}

// --- Summary ------------------------------------------------------------------------------------------

TEST_CASE("traces: summary: exact medians for small traces, a bounded sample for large ones", "[traces]") {
  SampledStat s;
  for (double v : {5.0, 1.0, 3.0, 4.0}) s.add(v);
  CHECK(s.median() == 3.5);
  CHECK(s.mean() == 3.25);
  CHECK(s.max() == 5);
  CHECK(s.min() == 1);
  CHECK(s.median_exact());
  SampledStat big;
  const std::uint64_t n = 3 * SampledStat::kSampleSize;
  for (std::uint64_t i = 0; i < n; ++i) big.add(static_cast<double>((i * 7919) % n));  // a permutation of 0 .. n-1
  CHECK_FALSE(big.median_exact());
  CHECK(big.median() == Approx(static_cast<double>(n) / 2).epsilon(0.01));
  CHECK(big.max() == static_cast<double>(n - 1));

  auto r = open_text(std::string(kAzureHeader) + "2024-05-10 00:00:00+00:00,10,1\n2024-05-10 00:00:02+00:00,30,3\n2024-05-10 00:00:04+00:00,20,2\n");
  const TraceSummary sum = summarize_trace(*r, 2);
  CHECK(sum.records == 2);
  CHECK(sum.limited);
  CHECK(sum.rate_per_s() == 0.5);
  const std::string text = format_summary(sum);
  CHECK_THAT(text, Catch::Contains("format: azure (requests)"));
  CHECK_THAT(text, Catch::Contains("records: 2 (stopped at the limit"));
  CHECK_THAT(text, Catch::Contains("medians: exact"));
}
