// Reporters: console, JSON, CSV and Markdown over a hand-made Results.
#include "apbench/report.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/results.hpp"
#include "text/wrap.hpp"

namespace apb {
namespace {

namespace json = boost::json;

Summary summary_of(double median, double spread) {
  Summary s;
  s.n = 5;
  s.median = median;
  s.mean = median;
  s.min = median - spread;
  s.max = median + spread;
  s.stddev = spread / 2;
  s.ci95_low = median - spread / 2;
  s.ci95_high = median + spread / 2;
  return s;
}

RunResult ok_run(std::string workload, WorkloadKind kind, std::string strategy,
                 double wall, std::size_t ops) {
  RunResult run;
  run.workload = std::move(workload);
  run.kind = kind;
  run.strategy = std::move(strategy);
  run.status = RunStatus::ok;
  run.load.ops = ops;
  run.concurrency = ops;
  run.load.concurrency = ops;
  run.load.threads = 2;
  run.cores = 2;
  run.seed = 42;
  run.warmup = 1;
  for (int i = 0; i < 5; ++i) {
    Repetition r;
    r.wall_s = wall;
    r.cpu_user_s = wall / 10;
    r.cpu_system_s = wall / 20;
    r.cpu_utilization = 0.075;
    r.voluntary_switches = 12;
    r.involuntary_switches = 3;
    r.ops_ok = ops;
    r.checksum = 0x2a;
    run.repetitions.push_back(r);
  }
  run.wall_s = summary_of(wall, wall / 100);
  run.throughput_ops_s = summary_of(static_cast<double>(ops) / wall, 0.1);
  run.latency_s.count = ops * 5;
  run.latency_s.p50 = wall / 2;
  run.latency_s.p90 = wall * 0.9;
  run.latency_s.p99 = wall * 0.99;
  run.latency_s.p999 = wall * 0.999;
  run.latency_s.max = wall;
  run.latency_s.mean = wall / 2;
  run.cpu_time_s = wall * 0.15;
  run.cpu_utilization = 0.075;
  run.voluntary_switches = 12;
  run.involuntary_switches = 3.5;
  run.peak_rss_bytes = 12 * 1024 * 1024;
  return run;
}

RunResult status_run(std::string workload, WorkloadKind kind,
                     std::string strategy, RunStatus status, std::string reason,
                     std::size_t ops) {
  RunResult run;
  run.workload = std::move(workload);
  run.kind = kind;
  run.strategy = std::move(strategy);
  run.status = status;
  run.reason = std::move(reason);
  run.load.ops = ops;
  run.load.concurrency = ops;
  run.load.threads = 2;  // the runner resolves threads for every run
  return run;
}

const char* const kFailReason = "setup failed: port 8080, \"in use\"";
const char* const kNaReason = "workload has no blocking form";

Results sample_results() {
  Results results;
  results.context.apbench_version = "0.1.0";
  results.context.date = "2024-05-01T12:00:00Z";
  results.context.host = "bench-host";
  results.context.cores = 2;
  results.context.cpu_model = "Test CPU @ 3.0GHz";
  results.context.os = "Linux 6.1";
  results.context.compiler = "GCC 12.2.0";
  results.context.build_type = "Release";
  results.context.libraries = {{"boost", "1.81.0"}, {"onetbb", "2021.8"}};
  results.context.command_line = "apbench --workload io.sleep";

  const std::vector<std::pair<std::string, std::string>> sleep_params = {
      {"duration", "500ms"}};

  RunResult seq =
      ok_run("io.sleep", WorkloadKind::io, "sequential", 5.0021, 10);
  seq.params = sleep_params;
  seq.concurrency = 1;
  seq.ideal_s = 0.5;
  seq.efficiency = 0.5 / 5.0021;
  seq.speedup_vs_sequential = 1.0;
  seq.checksum = 0x2a;
  seq.notes = {{"timer", "steady_clock"}};
  seq.counters = {{"server_accept_errors", 0}};

  RunResult async = ok_run("io.sleep", WorkloadKind::io, "async", 0.5003, 10);
  async.params = sleep_params;
  async.ideal_s = 0.5;
  async.efficiency = 0.5 / 0.5003;
  async.speedup_vs_sequential = 5.0021 / 0.5003;
  async.checksum = 0x2a;
  async.errors = 3;
  async.error_messages = {{"connection refused", 2}, {"timeout, after 1 s", 1}};
  async.repetitions[0].errors = 3;
  async.notes = {{"timer", "steady_clock"}};
  async.counters = {{"server_accept_errors", 7}};

  RunResult threads = status_run("io.sleep", WorkloadKind::io, "threads",
                                 RunStatus::not_applicable, kNaReason, 10);
  threads.params = sleep_params;

  RunResult pool = status_run("io.sleep", WorkloadKind::io, "async-pool",
                              RunStatus::failed, kFailReason, 10);
  pool.params = sleep_params;

  const std::vector<std::pair<std::string, std::string>> mandel_params = {
      {"size", "2048"}, {"iterations", "256"}};
  RunResult mseq =
      ok_run("cpu.mandelbrot", WorkloadKind::cpu, "sequential", 0.466, 4);
  mseq.params = mandel_params;
  mseq.load.concurrency = 2;
  mseq.speedup_vs_sequential = 1.0;
  mseq.checksum = 0xabc;
  mseq.notes = {{"calibration", "1.2 Mpx/s"}};

  RunResult mpar =
      ok_run("cpu.mandelbrot", WorkloadKind::cpu, "parallel", 0.246, 4);
  mpar.params = mandel_params;
  mpar.load.concurrency = 2;
  mpar.speedup_vs_sequential = 0.466 / 0.246;
  mpar.checksum = 0xabd;  // disagrees with sequential: a warning
  mpar.notes = {{"calibration", "1.2 Mpx/s"}};

  results.runs = {seq, async, threads, pool, mseq, mpar};
  results.summary = {
      "io.sleep: async is 10.00x faster than sequential",
      "cpu.mandelbrot: parallel is 1.89x faster than sequential"};
  return results;
}

std::string console(const Results& results, bool color) {
  std::ostringstream out;
  write_console(out, results, color);
  return out.str();
}

std::string console(const Results& results, const ConsoleOptions& options) {
  std::ostringstream out;
  write_console(out, results, options);
  return out.str();
}

// ---------------------------------------------------------------- JSON

void expect_keys(const json::object& o, std::initializer_list<const char*> keys,
                 json::kind kind, std::string_view where) {
  for (const char* key : keys) {
    const json::value* v = o.if_contains(key);
    ASSERT_NE(v, nullptr) << where << "." << key;
    EXPECT_EQ(v->kind(), kind) << where << "." << key;
  }
}

// A measured number: a JSON number when measured, null otherwise.
void expect_numbers(const json::object& o,
                    std::initializer_list<const char*> keys, bool measured,
                    std::string_view where) {
  for (const char* key : keys) {
    const json::value* v = o.if_contains(key);
    ASSERT_NE(v, nullptr) << where << "." << key;
    if (measured) {
      EXPECT_TRUE(v->is_number()) << where << "." << key;
    } else {
      EXPECT_TRUE(v->is_null()) << where << "." << key;
    }
  }
}

json::value parse_json(const Results& results) {
  std::ostringstream out;
  write_json(out, results);
  return json::parse(out.str());
}

TEST(ReportJson, HasSchemaAndContext) {
  const json::value doc = parse_json(sample_results());
  const json::object& root = doc.as_object();
  EXPECT_EQ(root.at("schema").as_string(), "apbench.results/1");

  const json::object& context = root.at("context").as_object();
  expect_keys(context,
              {"apbench_version", "date", "host", "cpu_model", "os", "compiler",
               "build_type", "command_line"},
              json::kind::string, "context");
  EXPECT_TRUE(context.at("cores").is_number());
  EXPECT_EQ(context.at("cores").to_number<int>(), 2);
  EXPECT_EQ(context.at("libraries").as_object().at("boost").as_string(),
            "1.81.0");

  const json::array& summary = root.at("summary").as_array();
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_TRUE(summary[0].is_string());
  EXPECT_TRUE(root.at("slo").is_null());
  EXPECT_TRUE(root.at("series").as_array().empty());
}

// "group": runs with equal comparison keys share it, numbered from 0 in
// order of first appearance; a run that differs only in threads does not.
TEST(ReportJson, RunsOfOneComparisonKeyShareAGroup) {
  Results results = sample_results();
  RunResult more_threads = results.runs.front();
  more_threads.load.threads = 4;
  results.runs.push_back(more_threads);
  const json::value doc = parse_json(results);
  std::vector<std::uint64_t> groups;
  for (const auto& run : doc.at("runs").as_array())
    groups.push_back(run.at("group").to_number<std::uint64_t>());
  EXPECT_EQ(groups, (std::vector<std::uint64_t>{0, 0, 0, 0, 1, 1, 2}));
}

TEST(ReportJson, EveryRunHasEveryKey) {
  const Results results = sample_results();
  const json::value doc = parse_json(results);
  const json::array& runs = doc.at("runs").as_array();
  ASSERT_EQ(runs.size(), results.runs.size());

  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResult& expected = results.runs[i];
    const json::object& run = runs[i].as_object();
    const std::string where = "runs[" + std::to_string(i) + "]";
    const bool measured = expected.status == RunStatus::ok;

    expect_keys(run, {"workload", "kind", "strategy", "status", "reason"},
                json::kind::string, where);
    EXPECT_EQ(run.at("strategy").as_string(), expected.strategy);
    EXPECT_EQ(run.at("status").as_string(), to_string(expected.status));
    EXPECT_EQ(run.at("reason").as_string(), expected.reason);

    expect_keys(run,
                {"params", "load", "wall_s", "throughput_ops_s", "latency_s",
                 "context_switches", "errors_by_message", "notes", "counters"},
                json::kind::object, where);
    for (const auto& [name, value] : expected.params)
      EXPECT_EQ(run.at("params").at(name).as_string(), value) << where;

    const json::object& load = run.at("load").as_object();
    EXPECT_TRUE(load.at("mode").is_string());
    for (const char* key :
         {"ops", "concurrency", "requested_concurrency", "threads"})
      EXPECT_TRUE(load.at(key).is_number()) << where << ".load." << key;
    // The open-loop keys are always present: null in a closed loop.
    const bool open = load.at("mode").as_string() == "open";
    for (const char* key :
         {"rate_ops_s", "duration_s", "arrival", "max_in_flight"})
      EXPECT_EQ(load.at(key).is_null(), !open) << where << ".load." << key;
    EXPECT_EQ(run.at("service_time_s").is_null(), !open) << where;
    EXPECT_TRUE(run.at("dropped").is_number()) << where;
    EXPECT_TRUE(run.at("latency_spectrum").is_array()) << where;

    for (const char* key : {"seed", "warmup", "repetitions", "errors"})
      EXPECT_TRUE(run.at(key).is_number()) << where << "." << key;
    EXPECT_EQ(run.at("repetitions").to_number<std::size_t>(),
              expected.repetitions.size());
    EXPECT_EQ(run.at("errors").to_number<std::uint64_t>(), expected.errors);
    expect_numbers(run, {"error_rate"}, measured, where);

    expect_numbers(run.at("wall_s").as_object(),
                   {"median", "min", "max", "mean", "stddev", "ci95_low",
                    "ci95_high", "outliers"},
                   measured, where + ".wall_s");
    expect_numbers(run.at("throughput_ops_s").as_object(),
                   {"median", "min", "max", "ci95_low", "ci95_high"}, measured,
                   where + ".throughput_ops_s");
    const json::object& latency = run.at("latency_s").as_object();
    expect_numbers(latency, {"p50", "p90", "p99", "p999", "max", "mean"},
                   measured, where + ".latency_s");
    EXPECT_TRUE(latency.at("count").is_number());
    expect_numbers(run, {"cpu_time_s", "cpu_utilization", "peak_rss_bytes"},
                   measured, where);
    expect_numbers(run.at("context_switches").as_object(),
                   {"voluntary", "involuntary"}, measured,
                   where + ".context_switches");

    expect_numbers(run, {"ideal_s"}, expected.ideal_s.has_value(), where);
    expect_numbers(run, {"efficiency"}, expected.efficiency.has_value(), where);
    expect_numbers(run, {"speedup_vs_sequential"},
                   expected.speedup_vs_sequential.has_value(), where);

    ASSERT_TRUE(run.contains("checksum")) << where;
    if (expected.checksum) {
      const std::string sum(run.at("checksum").as_string());
      EXPECT_EQ(sum.rfind("0x", 0), 0u) << sum;
      EXPECT_EQ(std::stoull(sum, nullptr, 16), *expected.checksum);
    } else {
      EXPECT_TRUE(run.at("checksum").is_null()) << where;
    }
    EXPECT_TRUE(run.at("checksum_mismatch").is_bool()) << where;

    const json::array& samples = run.at("repetition_samples").as_array();
    ASSERT_EQ(samples.size(), expected.repetitions.size());
    for (const json::value& sample : samples) {
      expect_numbers(
          sample.as_object(),
          {"wall_s", "cpu_user_s", "cpu_system_s", "cpu_utilization",
           "voluntary_switches", "involuntary_switches", "ops_ok", "errors"},
          true, where + ".repetition_samples");
    }
  }

  const json::object& async = runs[1].as_object();
  EXPECT_EQ(async.at("errors_by_message")
                .at("connection refused")
                .to_number<std::uint64_t>(),
            2u);
  EXPECT_EQ(async.at("notes").at("timer").as_string(), "steady_clock");
  EXPECT_EQ(async.at("counters")
                .at("server_accept_errors")
                .to_number<std::uint64_t>(),
            7u);
  EXPECT_DOUBLE_EQ(async.at("wall_s").at("median").as_double(), 0.5003);
  // 3 failed of 53 finished: 5 repetitions of 10 successful ops, and 3.
  EXPECT_DOUBLE_EQ(async.at("error_rate").as_double(), 3.0 / 53);
  EXPECT_DOUBLE_EQ(runs[0].at("error_rate").as_double(), 0.0);
}

TEST(ReportJson, AdviceSaysHowErrorsWeigh) {
  Results results = sample_results();
  Advice a;
  a.workload = "io.sleep";
  a.best = "sequential";
  a.runner_up = "async";
  a.ratio = 0.5;
  a.error_rate = 0.0;
  a.passed_over = {"async"};
  a.text = "use sequential: async is 2.00x faster but 20.0 % of its ops failed";
  results.advice = {a};
  const json::value doc = parse_json(results);
  const json::object& advice = doc.at("advice").as_array().at(0).as_object();
  EXPECT_DOUBLE_EQ(advice.at("error_rate").as_double(), 0.0);
  ASSERT_EQ(advice.at("passed_over").as_array().size(), 1u);
  EXPECT_EQ(advice.at("passed_over").as_array()[0].as_string(), "async");
  EXPECT_EQ(advice.at("text").as_string(), a.text);
}

TEST(ReportJson, NonFiniteBecomesNullAndWholeDoublesStayDoubles) {
  Results results = sample_results();
  results.runs[0].cpu_utilization = std::numeric_limits<double>::quiet_NaN();
  results.runs[0].efficiency = std::numeric_limits<double>::infinity();
  results.runs[0].wall_s.median = 5.0;
  const json::value doc = parse_json(results);
  const json::value& run = doc.at("runs").as_array()[0];
  EXPECT_TRUE(run.at("cpu_utilization").is_null());
  EXPECT_TRUE(run.at("efficiency").is_null());
  EXPECT_TRUE(run.at("wall_s").at("median").is_double());
  EXPECT_DOUBLE_EQ(run.at("wall_s").at("median").as_double(), 5.0);
}

TEST(ReportJson, PrettyPrintedWithTwoSpaces) {
  std::ostringstream out;
  write_json(out, sample_results());
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("{\n  \"schema\": \"apbench.results/1\",\n", 0), 0u);
  EXPECT_NE(text.find("\n    \"apbench_version\": \"0.1.0\""),
            std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(ReportJson, EmptyResults) {
  const json::value doc = parse_json(Results{});
  EXPECT_TRUE(doc.at("runs").as_array().empty());
  EXPECT_TRUE(doc.at("summary").as_array().empty());
}

// ------------------------------------------------------------- console

TEST(ReportConsole, ShowsRunsUnitsReasonsAndSummary) {
  const Results results = sample_results();
  const std::string text = console(results, ConsoleOptions{.wide = true});
  for (const RunResult& run : results.runs)
    EXPECT_NE(text.find(run.strategy), std::string::npos) << run.strategy;
  for (const char* piece : {"io.sleep (io): 10 ops",
                            "concurrency all",
                            "duration=500ms",
                            "ideal 500.0 ms",
                            "checksum 0x000000000000002a",
                            "concurrency 2",
                            " ms",
                            " s ",
                            " %",
                            "ops/s",
                            "MiB",
                            "10.00x",
                            "1.00x",
                            "n/a",
                            kNaReason,
                            "failed",
                            "port 8080",
                            "2 x connection refused",
                            "1 x timeout, after 1 s",
                            "warning: strategies computed different",
                            "calibration=1.2 Mpx/s",
                            "timer=steady_clock",
                            "Summary"})
    EXPECT_NE(text.find(piece), std::string::npos) << piece << "\n" << text;
  for (const auto& line : results.summary)
    EXPECT_NE(text.find(line), std::string::npos) << line;
  // Counters only when not 0.
  EXPECT_NE(text.find("note: async: server_accept_errors=7"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("server_accept_errors=0"), std::string::npos) << text;
  // Notes are listed once per table, not once per run.
  EXPECT_EQ(text.find("timer=steady_clock"), text.rfind("timer=steady_clock"));
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(ReportConsole, MarksFastestAndColoursOnlyOnRequest) {
  const std::string plain = console(sample_results(), false);
  EXPECT_NE(plain.find("* parallel "), std::string::npos) << plain;
  EXPECT_EQ(plain.find("* sequential      466.0 ms"), std::string::npos)
      << plain;
  // io.sleep's async is ten times as fast but failed 5.7 % of its ops, over
  // the 1 % limit: sequential, which failed none, is the fastest.
  EXPECT_EQ(plain.find("* async "), std::string::npos) << plain;
  EXPECT_NE(plain.find("* sequential      5.002 s"), std::string::npos)
      << plain;
  Results clean = sample_results();
  clean.runs[1].errors = 0;
  clean.runs[1].repetitions[0].errors = 0;
  EXPECT_NE(console(clean, false).find("* async "), std::string::npos)
      << console(clean, false);

  const std::string coloured = console(sample_results(), true);
  EXPECT_NE(coloured.find("\x1b[1;32m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[0m"), std::string::npos);
}

TEST(ReportConsole, ColumnsAligned) {
  const std::string text = console(sample_results(), false);
  std::istringstream in(text);
  std::string line;
  std::size_t width = 0, rows = 0;
  while (std::getline(in, line)) {
    if (line.rfind("  strategy", 0) == 0) {
      width = line.size();
    } else if (line.find(" ops/s") != std::string::npos) {
      // A measured row: padded to the header's width.
      EXPECT_EQ(line.size(), width) << line << "\n" << text;
      ++rows;
    }
  }
  EXPECT_EQ(rows, 4u) << text;
}

// Every line fits the width; the columns left out are named once, and
// --wide brings them back. Long text wraps instead of being cut.
TEST(ReportConsole, FitsTheWidthAndWrapsLongText) {
  Results results = sample_results();
  const std::string long_note(150, 'n');
  results.runs[0].notes.push_back(
      {"remark", "a note longer than a line, " + long_note + " end of note"});
  results.summary.push_back(
      "  a nested point about the line above, long enough to need a second "
      "line at sixty columns");
  for (std::size_t width : {60u, 80u, 100u}) {
    const std::string text = console(results, ConsoleOptions{.width = width});
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
      EXPECT_LE(display_width(line), width) << line << "\n" << text;
    EXPECT_NE(text.find("not shown at this width:"), std::string::npos) << text;
    // Wrapped, not cut: the note's end is there, once the lines are joined.
    std::string flat;
    for (char c : text)
      if (c != '\n' && !(c == ' ' && !flat.empty() && flat.back() == ' '))
        flat += c;
    EXPECT_NE(flat.find("end of note"), std::string::npos) << text;
    EXPECT_EQ(text.find("-   a nested"), std::string::npos) << text;
    EXPECT_NE(text.find("      - a nested point"), std::string::npos) << text;
  }
  const std::string narrow = console(results, ConsoleOptions{.width = 80});
  EXPECT_EQ(narrow.find("peak mem"), std::string::npos) << narrow;
  // The key columns stay.
  for (const char* title : {"wall median", "95% CI", "speed-up"})
    EXPECT_NE(narrow.find(title), std::string::npos) << title << "\n" << narrow;
  const std::string wide =
      console(results, ConsoleOptions{.width = 80, .wide = true});
  EXPECT_NE(wide.find("peak mem"), std::string::npos) << wide;
  EXPECT_NE(wide.find("ctx sw vol/inv"), std::string::npos) << wide;
  EXPECT_EQ(wide.find("not shown at this width"), std::string::npos) << wide;
}

// The line of `text` that starts with `start` (after the row marks), or "".
std::string line_starting(const std::string& text, std::string_view start) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.find(start) != std::string::npos &&
        line.find_first_not_of(" *") == line.find(start))
      return line;
  return "";
}

// `line` has `first`, then only spaces, then `second`.
bool side_by_side(const std::string& line, std::string_view first,
                  std::string_view second) {
  const std::size_t at = line.find(first);
  if (at == std::string::npos) return false;
  const std::size_t next = line.find_first_not_of(' ', at + first.size());
  return next != std::string::npos &&
         line.compare(next, second.size(), second) == 0;
}

// A table whose runs failed ops shows their share right after the
// throughput, also at 100 columns; a table without errors keeps its order.
TEST(ReportConsole, ErrorRateBesideTheThroughput) {
  const std::string text = console(sample_results(), ConsoleOptions{});
  const std::size_t sleep = text.find("io.sleep (io)");
  const std::size_t mandel = text.find("cpu.mandelbrot (cpu)");
  ASSERT_NE(sleep, std::string::npos);
  ASSERT_NE(mandel, std::string::npos);
  const std::string sleep_table = text.substr(sleep, mandel - sleep);
  const std::string header = line_starting(sleep_table, "strategy");
  EXPECT_TRUE(side_by_side(header, "throughput", "errors")) << sleep_table;
  EXPECT_TRUE(side_by_side(line_starting(sleep_table, "async"), "19.99 ops/s",
                           "3 (5.7 %)"))
      << sleep_table;
  EXPECT_TRUE(side_by_side(line_starting(sleep_table, "sequential"),
                           "1.999 ops/s", "0"))
      << sleep_table;
  EXPECT_NE(sleep_table.find("errors in async: 3 failed ops, 5.7 % of 53"),
            std::string::npos)
      << sleep_table;
  // The mandelbrot table has no errors: no errors column at 100 columns.
  const std::string mandel_header =
      line_starting(text.substr(mandel), "strategy");
  EXPECT_EQ(mandel_header.find("errors"), std::string::npos) << text;
  EXPECT_NE(text.find("errors: failed ops (share of the ops that finished)"),
            std::string::npos)
      << text;
}

// The fastest mark counts successful ops: a run that finishes in a fifth of
// the time because 9 of its 10 ops fail at once is not the fastest.
TEST(ReportConsole, FastestCountsOnlySuccessfulOps) {
  Results results;
  RunResult slow =
      ok_run("io.tcp_echo", WorkloadKind::io, "sequential", 0.5, 10);
  RunResult fails = ok_run("io.tcp_echo", WorkloadKind::io, "async", 0.1, 10);
  for (auto& r : fails.repetitions) {
    r.ops_ok = 1;
    r.errors = 9;
  }
  fails.errors = 45;
  fails.errors_by_cause = {{"connect", 45}};
  results.runs = {slow, fails};
  const std::string text = console(results, false);
  EXPECT_NE(text.find("* sequential"), std::string::npos) << text;
  EXPECT_EQ(text.find("* async"), std::string::npos) << text;
  EXPECT_NE(line_starting(text, "async").find("45 (90.0 %)"), std::string::npos)
      << text;
}

// Below 0.1 %, the share keeps two significant digits: never "0.0 %".
TEST(ReportConsole, ASmallErrorRateIsNotZero) {
  Results results;
  RunResult run = ok_run("io.tcp_echo", WorkloadKind::io, "async", 0.1, 5000);
  run.repetitions[0].errors = 2;
  run.errors = 2;
  results.runs = {run};
  EXPECT_NE(console(results, false).find("2 (0.008 %)"), std::string::npos)
      << console(results, false);
}

TEST(ReportConsole, EmptyResults) {
  EXPECT_NE(console(Results{}, false).find("no runs"), std::string::npos);
}

// ----------------------------------------------------------------- CSV

// RFC 4180 reader: records of fields, quotes respected.
std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> records(1);
  records.back().emplace_back();
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& f = records.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        f += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        f += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().emplace_back();
    } else if (c == '\n') {
      records.emplace_back();
      records.back().emplace_back();
    } else if (c != '\r') {
      f += c;
    }
  }
  if (records.back().size() == 1 && records.back()[0].empty())
    records.pop_back();
  return records;
}

TEST(ReportCsv, HeaderAndOneRowPerRun) {
  const Results results = sample_results();
  std::ostringstream out;
  write_csv(out, results);
  const auto records = parse_csv(out.str());
  ASSERT_EQ(records.size(), results.runs.size() + 1);
  const auto& header = records[0];
  EXPECT_EQ(header.size(), 35u);
  EXPECT_EQ(header.front(), "workload");
  EXPECT_EQ(header.back(), "sweep_axes");
  for (const auto& record : records)
    EXPECT_EQ(record.size(), header.size()) << out.str();

  auto column = [&](std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    ADD_FAILURE() << "no column " << name;
    return std::size_t{0};
  };
  EXPECT_EQ(records[2][column("strategy")], "async");
  EXPECT_DOUBLE_EQ(std::stod(records[2][column("wall_median_s")]), 0.5003);
  EXPECT_EQ(records[2][column("checksum")], "0x000000000000002a");
  EXPECT_EQ(records[2][column("errors")], "3");
  // 3 failed of 53 finished (5 repetitions of 10 successful ops, + 3).
  EXPECT_NEAR(std::stod(records[2][column("error_rate")]), 3.0 / 53, 1e-12);
  EXPECT_EQ(records[1][column("error_rate")], "0");
  EXPECT_EQ(records[3][column("error_rate")], "");  // n/a: not measured
  EXPECT_EQ(records[3][column("status")], "n/a");
  EXPECT_EQ(records[3][column("wall_median_s")], "");
  EXPECT_EQ(records[4][column("reason")], kFailReason);
  EXPECT_EQ(records[5][column("params")], "size=2048;iterations=256");
}

TEST(ReportCsv, QuotesFieldsWithCommasAndQuotes) {
  std::ostringstream out;
  write_csv(out, sample_results());
  EXPECT_NE(out.str().find(",\"setup failed: port 8080, \"\"in use\"\"\","),
            std::string::npos)
      << out.str();
}

// ------------------------------------------------------------ Markdown

TEST(ReportMarkdown, TableRowPerRunAndSummary) {
  const Results results = sample_results();
  std::ostringstream out;
  write_markdown(out, results);
  const std::string text = out.str();

  std::istringstream in(text);
  std::string line;
  std::size_t rows = 0, headers = 0;
  while (std::getline(in, line)) {
    if (line.rfind("| strategy", 0) == 0) {
      ++headers;
    } else if (line.rfind("|:--", 0) == 0) {
      continue;
    } else if (line.rfind("| ", 0) == 0) {
      ++rows;
      // Same number of cells as the header (13 columns, 14 bars).
      std::size_t bars = 0;
      for (std::size_t i = 0; i < line.size(); ++i)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++bars;
      EXPECT_EQ(bars, 14u) << line;
    }
  }
  EXPECT_EQ(headers, 2u);
  EXPECT_EQ(rows, results.runs.size());
  // io.sleep has errors: their column follows the throughput, with the rate.
  EXPECT_NE(text.find("| throughput | errors | latency p50 |"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" ops/s | 3 (5.7 %) | "), std::string::npos) << text;
  EXPECT_NE(text.find("Errors in async: 3 failed ops, 5.7 % of 53"),
            std::string::npos)
      << text;
  // cpu.mandelbrot has none: errors stay last.
  EXPECT_NE(text.find("| peak memory | errors |"), std::string::npos) << text;
  for (const char* piece :
       {"# apbench results", "## io.sleep (io)", "## cpu.mandelbrot (cpu)",
        "bench-host", "Release", kNaReason, "**sequential** (fastest)",
        "## Summary", "- io.sleep: async is 10.00x faster than sequential"})
    EXPECT_NE(text.find(piece), std::string::npos) << piece << "\n" << text;
}

}  // namespace
}  // namespace apb
