#pragma once
// Reporters: the same Results as a console table, JSON (the stable,
// versioned interface), CSV and Markdown.
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "apbench/results.hpp"
#include "apbench/results_json.hpp"  // write_json, the --json reporter

namespace apb {

// How the console report is laid out.
struct ConsoleOptions {
  bool color = false;       // ANSI colours (for terminals)
  std::size_t width = 100;  // columns of the terminal (at least 60 are used)
  // Every column of every table, however wide; otherwise a table keeps its
  // most important columns (strategy, wall, 95% CI, speed-up, efficiency,
  // throughput, p99, ...) that fit `width` and names the others once.
  bool wide = false;
};

// Human-readable table(s), one per workload, with units on every number,
// the sequential baseline and the ratios; then the summary lines. Long
// lines wrap to the width.
void write_console(std::ostream& out, const Results& results,
                   const ConsoleOptions& options);
// The same at 100 columns; `color` adds ANSI colours.
void write_console(std::ostream& out, const Results& results, bool color);

// One row per run, header row first; numbers in seconds without units,
// column names carry the unit ("wall_median_s").
void write_csv(std::ostream& out, const Results& results);

// A GitHub-flavoured Markdown report: context, one table per workload,
// summary.
void write_markdown(std::ostream& out, const Results& results);

// Google Benchmark's JSON format (what --benchmark_format=json writes), so
// its tools, such as compare.py, read apbench's runs: one entry per measured
// repetition, named as the adapter names the run (apbench/gbench_name.hpp),
// mean/median/stddev aggregates, and n/a or failed runs as errors without a
// time.
void write_gbench_json(std::ostream& out, const Results& results);

// One self-contained HTML page (no network, scripts or fonts): context,
// every table, stage breakdowns, diagnoses, advice, summary, and the charts
// inline as SVG. The chart tool (apbench-charts) writes it, so the page and
// the charts have one implementation; without matplotlib its page has every
// table and a line saying what is missing. When the tool cannot run at all
// (no Python 3), the page holds the Markdown report as text and says why.
void write_html(std::ostream& out, const Results& results);

// HdrHistogram's interval-log format (version 1.3), which its own tools
// read (HistogramLogProcessor, HistogramLogReader, hdr_log_read, hdrh): one
// interval per run, spanning its measured repetitions, tagged with its name
// as --gbench-json gives it ("Tag=io.sleep/async/ops:10/..."), its latency
// histogram compressed as HdrHistogram encodes it; an open-loop run adds its
// service-time histogram, tagged "NAME/service_time". Runs without a
// measured op have no interval.
void write_hlog(std::ostream& out, const Results& results);

// The chart tool, apbench-charts (Python + matplotlib), found in this
// order: $APBENCH_CHARTS if set (nothing else when it is not an executable
// file); the path an install recorded (a program built against an
// installed apbench compiles that record in, through find_package);
// beside the running program or in its prefix's bin/ (an installed
// apbench); this build's source tree (a program of apbench's own build
// tree only); the first apbench-charts in $PATH. nullopt when none is
// there; chart_tool_not_found() then says where it looked.
std::optional<std::string> chart_tool();
std::string chart_tool_not_found();

// Runs the chart tool on `results` (given on its standard input) with
// `args` (e.g. {"--out", "charts/"}); with `html`, also asks for the page
// and returns its text. `give_up`, polled every few milliseconds while the
// tool runs, ends it early when true (an interruption with a time budget).
// `error` says why when `ok` is false.
struct ChartToolRun {
  bool ok = false;
  std::string error;
  std::string html;
  std::string tool;      // the apbench-charts that ran ("" when none)
  double seconds = 0;    // how long it took
  bool gave_up = false;  // `give_up` ended it
};
ChartToolRun run_chart_tool(const Results& results,
                            const std::vector<std::string>& args, bool html,
                            const std::function<bool()>& give_up = {});

// The HTML page without the chart tool: the Markdown report as text (every
// table, the advice and the summary) under a notice saying why (`why`, one
// sentence, e.g. how to make the full page from the JSON).
void write_html_without_charts(std::ostream& out, const Results& results,
                               const std::string& why);

// A reporter the command line offers as `flag FILE`: the built-in ones
// (json, csv, markdown, gbench-json, html, hlog) and any registered with
// APB_REGISTER_REPORTER, also from outside apbench's tree, so a new output
// format needs no CLI edit.
struct Reporter {
  std::string name;  // "json"
  std::string flag;  // "--json"
  std::string help;  // one line for --help
  std::function<void(std::ostream&, const Results&)> write;
};

// Every reporter, built-ins first, then in registration order.
const std::vector<Reporter>& reporters();
// Adds a reporter; throws std::logic_error for a duplicate name or flag, or
// a flag that is not "--" and lower-case letters, digits and dashes.
bool add_reporter(Reporter reporter);

}  // namespace apb

// Registers a reporter at start-up; use at namespace scope in a .cpp file:
//   APB_REGISTER_REPORTER({"tsv", "--tsv", "write a TSV file", write_tsv});
#define APB_REPORTER_CONCAT_INNER(a, b) a##b
#define APB_REPORTER_CONCAT(a, b) APB_REPORTER_CONCAT_INNER(a, b)
#define APB_REGISTER_REPORTER(...)                        \
  [[maybe_unused]] static const bool APB_REPORTER_CONCAT( \
      apb_reporter_registered_, __LINE__) = ::apb::add_reporter(__VA_ARGS__)
