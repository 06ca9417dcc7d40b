// Markdown reporter: a GitHub-flavoured report with the run context, one
// table per workload (the console's columns) and the summary.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "apbench/units.hpp"
#include "report/cells.hpp"
#include "text/quantities.hpp"

namespace apb {
namespace {

using report_detail::measured;

// Text safe inside a table cell or a list item: one line, Markdown
// punctuation escaped.
std::string markdown_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\|*_`<>[]#").find(c) != std::string_view::npos)
      out += '\\';
    out += c;
  }
  return out;
}

// Verbatim text in a code span (parameter values, checksums).
std::string code(std::string_view text) {
  std::string clean;
  for (char c : text) clean += (c == '\n' || c == '\r' || c == '`') ? ' ' : c;
  std::string out = "`" + clean + "`";
  // A '|' ends a table cell even inside a code span on GitHub.
  std::string escaped;
  for (char c : out) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

const std::vector<std::string>& markdown_closed_loop_titles() {
  static const std::vector<std::string> titles = {"strategy",
                                                  "wall (median)",
                                                  "95% CI",
                                                  "speed-up",
                                                  "efficiency",
                                                  "throughput",
                                                  "latency p50",
                                                  "latency p99",
                                                  "latency max",
                                                  "CPU",
                                                  "ctx switches vol/invol",
                                                  "peak memory",
                                                  "errors"};
  return titles;
}
constexpr std::size_t kColumnCount = 13;

// The cells in `order` (column indices).
std::vector<std::string> ordered(const std::vector<std::string>& cells,
                                 const std::vector<std::size_t>& order) {
  std::vector<std::string> out;
  for (std::size_t column : order)
    out.push_back(column < cells.size() ? cells[column] : std::string());
  return out;
}

void write_row(std::ostream& out, const std::vector<std::string>& cells) {
  out << '|';
  for (const auto& cell : cells) out << ' ' << cell << " |";
  out << '\n';
}

void write_header(std::ostream& out, const std::vector<std::string>& titles) {
  write_row(out, titles);
  out << "|:--|";
  for (std::size_t i = 1; i < titles.size(); ++i) out << "--:|";
  out << '\n';
}

void write_curve(std::ostream& out, const report_detail::CurveTable& table) {
  out << "## " << markdown_escape(table.title) << "\n\n";
  write_header(out, table.header);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(markdown_escape(cell));
    write_row(out, cells);
  }
  out << '\n';
  for (const auto& note : table.footnotes)
    out << "- " << markdown_escape(note) << '\n';
  if (!table.footnotes.empty()) out << '\n';
}

std::vector<std::string> run_cells(const RunResult& run, bool best) {
  const std::string name = markdown_escape(run.strategy);
  if (!measured(run)) {
    std::string status = fmt::format("**{}**", to_string(run.status));
    if (!run.reason.empty()) status += ": " + markdown_escape(run.reason);
    std::vector<std::string> cells = {name, status};
    cells.resize(kColumnCount);
    return cells;
  }
  std::vector<std::string> cells = report_detail::measured_cells(
      run, best ? fmt::format("**{}** (fastest)", name) : name,
      {.interval = "{} \u2013 {}", .pair = "{} / {}"});
  if (best) cells[1] = fmt::format("**{}**", cells[1]);  // the wall median
  return cells;
}

void write_table(std::ostream& out, const std::vector<const RunResult*>& runs) {
  const RunResult& first = *runs.front();
  out << fmt::format("## {} ({})\n\n", markdown_escape(first.workload),
                     to_string(first.kind));

  std::vector<std::string> facts;
  facts.push_back(fmt::format("{} ops", first.load.ops));
  const bool open = first.load.open();
  if (open)
    facts.push_back(fmt::format(
        "open loop at {} for {} ({} arrivals, at most {} in flight)",
        report_detail::ops_rate(first.load.rate),
        format_duration(first.load.duration_s),
        markdown_escape(to_string(first.load.arrival)),
        first.load.max_in_flight));
  else
    facts.push_back("concurrency " + report_detail::concurrency_text(first));
  if (const RunResult* sample = report_detail::first_measured(runs))
    facts.push_back(report_detail::repetitions_text(*sample));
  if (!first.params.empty()) {
    std::string params;
    for (const auto& [name, value] : first.params) {
      if (!params.empty()) params += ' ';
      params += code(name + "=" + value);
    }
    facts.push_back("params " + params);
  }
  if (auto ideal = report_detail::first_ideal(runs))
    facts.push_back("ideal " + format_duration(*ideal));
  if (auto sum = report_detail::agreed_checksum(runs))
    facts.push_back("checksum " + code(checksum_text(*sum)));
  for (std::size_t i = 0; i < facts.size(); ++i)
    out << (i > 0 ? " · " : "") << facts[i];
  out << "\n\n";
  const bool errors = report_detail::any_errors(runs);
  if (open) {
    // Latency from the due time beside service time from the start.
    const auto& titles = report_detail::open_loop_titles();
    const auto order = report_detail::column_order(
        titles.size(), errors, report_detail::kAchievedColumn,
        report_detail::kOpenErrorsColumn);
    write_header(out, ordered(titles, order));
    for (const RunResult* run : runs) {
      if (measured(*run)) {
        write_row(out, ordered(report_detail::open_loop_cells(
                                   *run, markdown_escape(run->strategy)),
                               order));
      } else {
        // The status spans from the second column: kept there.
        std::vector<std::string> cells = run_cells(*run, false);
        cells.resize(titles.size());
        write_row(out, cells);
      }
    }
  } else {
    const auto order = report_detail::column_order(
        kColumnCount, errors, report_detail::kThroughputColumn,
        report_detail::kErrorsColumn);
    write_header(out, ordered(markdown_closed_loop_titles(), order));
    const RunResult* best = report_detail::fastest(runs);
    for (const RunResult* run : runs)
      write_row(out, measured(*run)
                         ? ordered(run_cells(*run, run == best), order)
                         : run_cells(*run, false));
  }
  out << '\n';

  // Warnings, errors and notes as a list under the table.
  std::vector<std::string> items;
  const auto differing = report_detail::differing_checksums(runs);
  if (!differing.empty()) {
    std::string list;
    for (const RunResult* run : differing) {
      if (!list.empty()) list += ", ";
      list += markdown_escape(run->strategy) + " " +
              code(checksum_text(*run->checksum));
    }
    items.push_back("**Warning:** strategies computed different checksums: " +
                    list);
  }
  for (const RunResult* run : runs) {
    if (run->checksum_mismatch)
      items.push_back(fmt::format(
          "**Warning:** {}: repetitions computed different checksums",
          markdown_escape(run->strategy)));
  }
  for (const RunResult* run : runs)
    if (auto text = report_detail::stages_text(*run); !text.empty())
      items.push_back(fmt::format("Stages per op, {}: {}",
                                  markdown_escape(run->strategy),
                                  markdown_escape(text)));
  if (const auto fj = report_detail::fork_join_text(runs)) {
    std::string item = "Fork-join: " + markdown_escape(fj->tree);
    if (!fj->per_task.empty()) item += "; overhead per task:";
    for (std::size_t i = 0; i < fj->per_task.size(); ++i)
      item += (i == 0 ? " " : ", ") + markdown_escape(fj->per_task[i]);
    items.push_back(item);
  }
  for (const RunResult* run : runs)
    for (const auto& d : run->diagnoses)
      items.push_back(fmt::format("**{}** ({}): {}", markdown_escape(d.kind),
                                  markdown_escape(run->strategy),
                                  markdown_escape(d.message)));
  for (const RunResult* run : runs) {
    if (run->errors == 0 && run->error_messages.empty()) continue;
    const auto messages = report_detail::messages_by_count(*run);
    std::string item = fmt::format("Errors in {}: {} failed op{}",
                                   markdown_escape(run->strategy), run->errors,
                                   run->errors == 1 ? "" : "s");
    if (run->errors > 0)
      item += fmt::format(", {} of {}", format_error_rate(error_rate(*run)),
                          run->errors + ops_succeeded(*run));
    const std::size_t shown =
        std::min(messages.size(), report_detail::kMaxErrorMessages);
    for (std::size_t i = 0; i < shown; ++i) {
      item += fmt::format("{} {} x {}", i == 0 ? ":" : ";", messages[i].second,
                          markdown_escape(messages[i].first));
    }
    if (messages.size() > shown)
      item += fmt::format("; and {} more", messages.size() - shown);
    items.push_back(item);
  }
  std::string notes;
  for (const auto& note : report_detail::table_notes(runs)) {
    if (!notes.empty()) notes += ", ";
    notes += code(note.name + "=" + note.value);
    if (note.strategy)
      notes += fmt::format(" ({})", markdown_escape(*note.strategy));
  }
  if (!notes.empty()) items.push_back("Notes: " + notes);
  for (const auto& item : items) out << "- " << item << '\n';
  if (!items.empty()) out << '\n';
}

}  // namespace

void write_markdown(std::ostream& out, const Results& results) {
  const RunContext& c = results.context;
  out << "# apbench results\n\n";

  std::vector<std::string> context;
  auto add = [&](std::string_view label, const std::string& value) {
    if (!value.empty())
      context.push_back(
          fmt::format("**{}** {}", label, markdown_escape(value)));
  };
  add("date", c.date);
  add("host", c.host);
  if (c.cores > 0) context.push_back(fmt::format("**cores** {}", c.cores));
  add("CPU", c.cpu_model);
  add("OS", c.os);
  add("compiler", c.compiler);
  add("build", c.build_type);
  add("apbench", c.apbench_version);
  for (std::size_t i = 0; i < context.size(); ++i)
    out << (i > 0 ? " · " : "") << context[i];
  if (!context.empty()) out << "\n\n";
  if (!c.command_line.empty())
    out << "Command: " << code(c.command_line) << "\n\n";
  if (const std::string w = report_detail::unoptimized_warning(results);
      !w.empty())
    out << "**" << markdown_escape(w) << "**\n\n";
  out << "Wall: median over repetitions; 95% CI: of the mean wall time; "
         "speed-up: against `sequential`; efficiency: ideal / wall; CPU: "
         "share of all cores; latencies per op; context switches per "
         "repetition.\n\n";

  if (results.runs.empty()) out << "No runs.\n\n";
  std::vector<int> curve_of;
  const auto curves = report_detail::curve_tables(results, curve_of);
  std::vector<bool> curve_written(curves.size(), false);
  for (const auto& table : report_detail::group_tables(results.runs)) {
    const auto index =
        static_cast<std::size_t>(table.front() - results.runs.data());
    if (const int c = curve_of.at(index); c >= 0) {
      const auto ci = static_cast<std::size_t>(c);
      if (!curve_written[ci]) write_curve(out, curves[ci]);
      curve_written[ci] = true;
      continue;
    }
    write_table(out, table);
    for (const auto& a : results.advice)
      if (a.first_run == index)
        out << "**Advice:** " << markdown_escape(a.text) << "\n\n";
  }

  for (const RegimeMap& map : results.maps)
    write_curve(out, report_detail::map_table(results, map));

  if (!results.summary.empty()) {
    out << "## Summary\n\n";
    for (const auto& line : results.summary)
      out << "- " << markdown_escape(line) << '\n';
  }
}

}  // namespace apb
