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
// every table, stage breakdowns, diagnoses, advice, summary (the console's
// and the Markdown report's cells, in HTML), and the charts inline as SVG,
// drawn by the chart tool (apbench-charts). Without the tool or matplotlib
// the page has every table and a line saying what is missing.
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

// One chart the chart tool drew for the HTML page, and what it shows.
struct InlineChart {
  std::size_t source = 0;          // which results file (0 when one)
  std::vector<std::size_t> runs;   // indices into that file's runs
  std::optional<std::size_t> map;  // or: index into its maps
  std::string svg;      // ready to inline: ids unique within the page
  std::string caption;  // one sentence under the chart
};

// Runs the chart tool on `results` (given on its standard input) with
// `args` (e.g. {"--out", "charts/"}); with `inline_charts`, also asks for
// the charts to inline in a page and returns them. `source_name` is the
// results file the charts' captions name ("" for none). `give_up`, polled
// every few milliseconds while the tool runs, ends it early when true (an
// interruption with a time budget). `error` says why when `ok` is false;
// `missing` says why the tool drew nothing when it ran without matplotlib.
struct ChartToolRun {
  bool ok = false;
  std::string error;
  std::string missing;
  std::vector<InlineChart> charts;
  std::string tool;      // the apbench-charts that ran ("" when none)
  double seconds = 0;    // how long it took
  bool gave_up = false;  // `give_up` ended it
};
ChartToolRun run_chart_tool(const Results& results,
                            const std::vector<std::string>& args,
                            bool inline_charts,
                            const std::function<bool()>& give_up = {},
                            const std::string& source_name = "");
// The same on saved results files (each a source of the page, in order).
ChartToolRun run_chart_tool_on_files(const std::vector<std::string>& files,
                                     const std::vector<std::string>& args,
                                     bool inline_charts);

// The page of write_html from results already in hand: one part per
// results file (named when more than one), `charts` under the sections
// they show, and `notice` (when not empty) at the top.
struct HtmlSource {
  std::string name;  // the file's name, or ""
  const Results* results = nullptr;
};
void write_html_page(std::ostream& out, const std::vector<HtmlSource>& sources,
                     const std::vector<InlineChart>& charts,
                     const std::string& notice);

// The page without charts: every table, under a notice saying why (`why`,
// one sentence, e.g. how to make the full page from the JSON).
void write_html_without_charts(std::ostream& out, const Results& results,
                               const std::string& why);

// Why a chart tool run drew no charts, and what to do: one sentence.
std::string charts_missing_text(const ChartToolRun& run);

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
      apb_reporter_registered_, __COUNTER__) =            \
      ::apb::add_reporter(__VA_ARGS__)
