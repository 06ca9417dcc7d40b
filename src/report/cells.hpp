#pragma once
// Pieces the human-readable reporters (console, Markdown) share, so their
// tables show the same numbers in the same words; the checksum text is also
// used by CSV and JSON. Only the markup around these pieces differs.
#include <fmt/core.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apbench/results.hpp"

namespace apb::report_detail {

// Error messages listed per run; the rest are only counted.
inline constexpr std::size_t kMaxErrorMessages = 5;

// A run with numbers for a table row: ok, with at least one repetition.
bool measured(const RunResult& run);

// Consecutive runs with the same comparison key form one table.
std::vector<std::vector<const RunResult*>> group_tables(
    const std::vector<RunResult>& runs);

// The measured run with the highest goodput (lowest goodput_wall_s: the
// lowest median wall time when no op failed) among those within the error
// limit (contenders() in results.hpp), or null when fewer than two runs
// were measured (a lone run is not "fastest").
const RunResult* fastest(const std::vector<const RunResult*>& runs);

// The first measured run, or null: whose repetition count a header shows.
const RunResult* first_measured(const std::vector<const RunResult*>& runs);

// The ideal time of the first run that has one.
std::optional<double> first_ideal(const std::vector<const RunResult*>& runs);

// The one checksum every run with a checksum agrees on.
std::optional<std::uint64_t> agreed_checksum(
    const std::vector<const RunResult*>& runs);

// The runs with a checksum when those checksums differ; empty otherwise.
std::vector<const RunResult*> differing_checksums(
    const std::vector<const RunResult*>& runs);

// Some run of the table failed an op: its tables then show the errors
// column right after the throughput, so the error rate is read with the
// speed.
bool any_errors(const std::vector<const RunResult*>& runs);

// Where measured_cells and open_loop_cells put the speed and the errors.
inline constexpr std::size_t kThroughputColumn = 5;
inline constexpr std::size_t kErrorsColumn = 12;
inline constexpr std::size_t kAchievedColumn = 2;
inline constexpr std::size_t kOpenErrorsColumn = 11;

// `order` (column indices) with `errors` moved to right after `speed`.
std::vector<std::size_t> errors_beside_speed(std::vector<std::size_t> order,
                                             std::size_t speed,
                                             std::size_t errors);

// Every column of `columns`; with `errors`, the errors column (with its
// share of the ops) right after the speed, as errors_beside_speed.
std::vector<std::size_t> column_order(std::size_t columns, bool errors,
                                      std::size_t speed,
                                      std::size_t errors_column);

// A run's failed ops and their share of its finished ops: "48 (12.0 %)";
// "0" when none failed.
std::string errors_text(const RunResult& run);

std::string percent(double fraction);                   // "12.3 %"
std::string ratio(const std::optional<double>& value);  // "1.75x"
std::string ops_rate(double per_second);                // "12.35 kops/s"
std::string count(double value);                        // "12", "3.5"
std::string concurrency_text(const RunResult& run);     // "all", "4"
std::string repetitions_text(const RunResult& run);  // "5 repetitions + 1 ..."

// A run's error messages, most frequent first (ties in message order).
std::vector<std::pair<std::string, std::uint64_t>> messages_by_count(
    const RunResult& run);

// A note shown once per table. `strategy` is set only when runs of the table
// give the note's name different values, so the reader sees whose it is.
struct TableNote {
  std::string name;
  std::string value;
  std::optional<std::string> strategy;
};
std::vector<TableNote> table_notes(const std::vector<const RunResult*>& runs);

// How a table writes the wall-time interval and the context-switch pair.
struct CellFormat {
  fmt::format_string<std::string, std::string> interval;
  fmt::format_string<std::string, std::string> pair;
};

// The cells of a measured run's row: `strategy_cell` (the reporter marks the
// fastest run its own way), then the twelve value columns.
std::vector<std::string> measured_cells(const RunResult& run,
                                        std::string strategy_cell,
                                        const CellFormat& format);

// A pipeline run's stage breakdown in one line: per-op time in each stage
// (and queued before it), the overlap of CPU with I/O, and the stage where
// ops spend the most time (the one that bounds the pipeline); "" when the
// run has no stages.
std::string stages_text(const RunResult& run);

// "workload example.crunch was compiled without optimisation ...": a
// warning when a workload's own code was built without -O while apbench
// was optimised (its CPU work then runs several times slower than it
// would in a Release build); "" otherwise.
std::string unoptimized_warning(const Results& results);

// Fork-join runs of one table: the tree ("290 tasks, 146 leaves per op;
// serial 10.7 ms, critical path 0.41 ms per op") and each strategy's
// overhead per task ("parallel 61 ns (2 threads)"); empty without any.
struct ForkJoinText {
  std::string tree;
  std::vector<std::string> per_task;
};
std::optional<ForkJoinText> fork_join_text(
    const std::vector<const RunResult*>& runs);

// An open-loop run's row: latency from the due time and service time from
// the start side by side, so a stall that queued ops is visible.
const std::vector<std::string>& open_loop_titles();
std::vector<std::string> open_loop_cells(const RunResult& run,
                                         std::string strategy_cell);

// A sweep as one compact table: a row per offered rate (or concurrency), a
// column per strategy, each cell "achieved · p99"; then the knee, the
// highest throughput, and why a strategy stopped early.
struct CurveTable {
  std::string title;                // workload, kind, load, params
  std::vector<std::string> header;  // first cell names the x axis
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> footnotes;  // stopped early, per strategy
};
// One table per (workload, parameters, x) with a series of two or more
// points; `curve_of[i]` is the index of the table showing run i, or -1.
std::vector<CurveTable> curve_tables(const Results& results,
                                     std::vector<int>& curve_of);

// A regime map as a curve-like table: a row per value of the y axis, a
// column per value of the x axis; each cell the winner's letter and its
// speed-up over the runner-up ("P 1.95x"), or "tie"; the footnotes hold
// the legend (letters, test) and the map's advice.
CurveTable map_table(const Results& results, const RegimeMap& map);

// One letter per strategy of the map, in map.strategies order: the first
// letter of its name not taken yet, upper case.
std::vector<std::string> map_letters(const RegimeMap& map);

}  // namespace apb::report_detail
