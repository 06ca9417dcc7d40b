// Console reporter: one aligned table per workload, units on every number,
// then the summary lines.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "apbench/units.hpp"
#include "report/cells.hpp"

namespace apb {
namespace {

using report_detail::checksum_text;
using report_detail::measured;

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kBest = "\x1b[1;32m";  // bold green
constexpr std::string_view kWarn = "\x1b[33m";    // yellow
constexpr std::string_view kFail = "\x1b[31m";    // red
constexpr std::string_view kDim = "\x1b[2m";

constexpr std::size_t kMaxMessageLength = 120;

class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}
  std::string operator()(std::string_view style, std::string_view text) const {
    if (!color_ || text.empty()) return std::string(text);
    return fmt::format("{}{}{}", style, text, kReset);
  }

 private:
  bool color_;
};

// Columns a UTF-8 string takes on a terminal (continuation bytes take none).
std::size_t display_width(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string one_line(std::string_view text) {
  std::string line;
  for (char c : text) line += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (line.size() > kMaxMessageLength) {
    line.resize(kMaxMessageLength - 3);
    line += "...";
  }
  return line;
}

std::string params_text(const RunResult& run) {
  std::string text;
  for (const auto& [name, value] : run.params) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{}={}", name, value);
  }
  return text;
}

const std::vector<std::string>& column_titles() {
  static const std::vector<std::string> titles = {
      "strategy",       "wall median", "95% CI", "speed-up", "efficiency",
      "throughput",     "p50",         "p99",    "max",      "CPU",
      "ctx sw vol/inv", "peak mem",    "errors"};
  return titles;
}

std::vector<std::string> measured_cells(const RunResult& run, bool best) {
  return report_detail::measured_cells(
      run, fmt::format("{} {}", best ? '*' : ' ', run.strategy),
      {.interval = "[{}, {}]", .pair = "{}/{}"});
}

class TableWriter {
 public:
  TableWriter(std::ostream& out, const Painter& paint)
      : out_(out), paint_(paint) {}

  void write(const std::vector<const RunResult*>& runs) {
    write_header(runs);

    // An open loop's wall time is its schedule's: no "fastest" there.
    const bool open = runs.front()->load.open();
    const auto& titles =
        open ? report_detail::open_loop_titles() : column_titles();
    const RunResult* best = open ? nullptr : report_detail::fastest(runs);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> widths;
    for (const auto& title : titles) widths.push_back(title.size());
    for (const RunResult* run : runs) {
      if (measured(*run)) {
        rows.push_back(open ? report_detail::open_loop_cells(
                                  *run, fmt::format("  {}", run->strategy))
                            : measured_cells(*run, run == best));
      } else {
        rows.push_back({fmt::format("  {}", run->strategy)});
      }
      for (std::size_t i = 0; i < rows.back().size(); ++i)
        widths[i] = std::max(widths[i], display_width(rows.back()[i]));
    }

    write_cells(titles, widths, kBold);
    std::size_t total = 0;
    for (std::size_t w : widths) total += w + 2;
    out_ << "  " << std::string(total - 2, '-') << '\n';
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const RunResult& run = *runs[r];
      if (rows[r].size() == 1) {
        write_status_row(run, rows[r][0], widths[0]);
      } else {
        write_cells(rows[r], widths, runs[r] == best ? kBest : "");
      }
    }

    write_warnings(runs);
    write_stages(runs);
    write_fork_join(runs);
    write_diagnoses(runs);
    write_errors(runs);
    write_notes(runs);
    out_ << '\n';
  }

 private:
  void write_header(const std::vector<const RunResult*>& runs) {
    const RunResult& first = *runs.front();
    std::string line = fmt::format("{} ({}): {} ops", first.workload,
                                   to_string(first.kind), first.load.ops);
    if (first.load.open())
      line += fmt::format(
          ", open loop at {} for {} ({} arrivals, at most {} "
          "in flight)",
          report_detail::ops_rate(first.load.rate),
          format_duration(first.load.duration_s), to_string(first.load.arrival),
          first.load.max_in_flight);
    else
      line += fmt::format(", concurrency {}",
                          report_detail::concurrency_text(first));
    // Without a measured run, the first may still have failed repetitions.
    const RunResult* sample = report_detail::first_measured(runs);
    if (!sample) sample = &first;
    if (sample->wall_s.n > 0)
      line += ", " + report_detail::repetitions_text(*sample);
    if (!first.params.empty()) line += fmt::format("; {}", params_text(first));
    if (auto ideal = report_detail::first_ideal(runs))
      line += fmt::format("; ideal {}", format_duration(*ideal));
    if (auto sum = report_detail::agreed_checksum(runs))
      line += fmt::format("; checksum {}", checksum_text(*sum));
    out_ << paint_(kBold, line) << '\n';
  }

 public:
  void write_curve(const report_detail::CurveTable& table) {
    out_ << paint_(kBold, table.title) << '\n';
    std::vector<std::size_t> widths(table.header.size(), 0);
    auto widen = [&](const std::vector<std::string>& row) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i]));
    };
    widen(table.header);
    for (const auto& row : table.rows) widen(row);
    write_cells(table.header, widths, kBold);
    std::size_t total = 0;
    for (std::size_t w : widths) total += w + 2;
    out_ << "  " << std::string(total - 2, '-') << '\n';
    for (const auto& row : table.rows) write_cells(row, widths, "");
    for (const auto& note : table.footnotes)
      out_ << "  " << paint_(kDim, "note: " + note) << '\n';
    out_ << '\n';
  }

 private:
  void write_cells(const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& widths,
                   std::string_view style) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      line += "  ";
      const std::size_t pad = widths[i] > display_width(cells[i])
                                  ? widths[i] - display_width(cells[i])
                                  : 0;
      if (i == 0) {
        line += cells[i] + std::string(pad, ' ');
      } else {
        line += std::string(pad, ' ') + cells[i];
      }
    }
    out_ << (style.empty() ? line : paint_(style, line)) << '\n';
  }

  void write_status_row(const RunResult& run, const std::string& strategy,
                        std::size_t width) {
    const std::string_view style =
        run.status == RunStatus::failed ? kFail : kWarn;
    std::string status(to_string(run.status));
    std::string text = paint_(style, status);
    if (!run.reason.empty())
      text += fmt::format(" \u2014 {}", one_line(run.reason));
    out_ << fmt::format("  {:<{}}  {}\n", strategy, width, text);
  }

  void write_warnings(const std::vector<const RunResult*>& runs) {
    const auto differing = report_detail::differing_checksums(runs);
    if (!differing.empty()) {
      std::string list;
      for (const RunResult* run : differing) {
        if (!list.empty()) list += ", ";
        list +=
            fmt::format("{} {}", run->strategy, checksum_text(*run->checksum));
      }
      out_ << "  "
           << paint_(kWarn,
                     fmt::format("warning: strategies computed different "
                                 "checksums: {}",
                                 list))
           << '\n';
    }
    for (const RunResult* run : runs) {
      if (!run->checksum_mismatch) continue;
      out_ << "  "
           << paint_(kWarn, fmt::format("warning: {}: repetitions computed "
                                        "different checksums",
                                        run->strategy))
           << '\n';
    }
  }

  void write_stages(const std::vector<const RunResult*>& runs) {
    for (const RunResult* run : runs)
      if (auto text = report_detail::stages_text(*run); !text.empty())
        out_ << "  "
             << paint_(kDim, fmt::format("stages per op, {}: {}", run->strategy,
                                         text))
             << '\n';
  }

  // Under the table, wrapped to the terminal: the tree, then each
  // strategy's overhead per task.
  void write_fork_join(const std::vector<const RunResult*>& runs) {
    const auto text = report_detail::fork_join_text(runs);
    if (!text) return;
    out_ << "  " << paint_(kDim, "fork-join: " + text->tree) << '\n';
    if (text->per_task.empty()) return;
    std::string line = "overhead per task:";
    for (std::size_t i = 0; i < text->per_task.size(); ++i) {
      const std::string item =
          " " + text->per_task[i] + (i + 1 < text->per_task.size() ? "," : "");
      if (display_width(line) + display_width(item) > 96) {
        out_ << "  " << paint_(kDim, line) << '\n';
        line = "  ";
      }
      line += item;
    }
    out_ << "  " << paint_(kDim, line) << '\n';
  }

  void write_diagnoses(const std::vector<const RunResult*>& runs) {
    for (const RunResult* run : runs)
      for (const auto& d : run->diagnoses)
        out_ << "  "
             << paint_(kWarn, fmt::format("{}: {}: {}", run->strategy, d.kind,
                                          d.message))
             << '\n';
  }

  // " (connect 5, timeout 2)"
  static std::string causes_text(const RunResult& run) {
    if (run.errors_by_cause.empty()) return "";
    std::string text;
    for (const auto& [cause, n] : run.errors_by_cause)
      text += fmt::format("{}{} {}", text.empty() ? " (" : ", ", cause, n);
    return text + ")";
  }

  void write_errors(const std::vector<const RunResult*>& runs) {
    for (const RunResult* run : runs) {
      if (run->errors == 0 && run->error_messages.empty()) continue;
      const auto messages = report_detail::messages_by_count(*run);
      out_ << "  "
           << paint_(kFail, fmt::format("errors in {}: {} failed op{}{}",
                                        run->strategy, run->errors,
                                        run->errors == 1 ? "" : "s",
                                        causes_text(*run)))
           << '\n';
      const std::size_t shown =
          std::min(messages.size(), report_detail::kMaxErrorMessages);
      for (std::size_t i = 0; i < shown; ++i) {
        out_ << fmt::format("    {} x {}\n", messages[i].second,
                            one_line(messages[i].first));
      }
      if (messages.size() > shown) {
        out_ << fmt::format("    ... and {} more message{}\n",
                            messages.size() - shown,
                            messages.size() - shown == 1 ? "" : "s");
      }
    }
  }

  void write_notes(const std::vector<const RunResult*>& runs) {
    std::vector<std::string> items;
    for (const auto& note : report_detail::table_notes(runs)) {
      std::string item = fmt::format("{}={}", note.name, one_line(note.value));
      if (note.strategy) item += fmt::format(" ({})", *note.strategy);
      items.push_back(std::move(item));
    }
    if (items.empty()) return;
    std::string line = "note: ";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) line += "; ";
      line += items[i];
    }
    out_ << "  " << paint_(kDim, line) << '\n';
  }

  std::ostream& out_;
  const Painter& paint_;
};

}  // namespace

void write_console(std::ostream& out, const Results& results, bool color) {
  const Painter paint(color);
  if (results.runs.empty()) {
    out << "no runs\n";
  }
  // The legend explains the number columns: only needed once a run has them.
  bool any_best_column = false;
  std::size_t cores = results.context.cores;
  for (const RunResult& run : results.runs) {
    any_best_column = any_best_column || measured(run);
    if (cores == 0) cores = run.cores;
  }
  std::vector<int> curve_of;
  const auto curves = report_detail::curve_tables(results, curve_of);
  std::vector<bool> curve_written(curves.size(), false);
  for (const auto& table : report_detail::group_tables(results.runs)) {
    const auto index =
        static_cast<std::size_t>(table.front() - &results.runs[0]);
    if (const int c = curve_of.at(index); c >= 0) {
      // The runs of a sweep show as one curve table, where it first appears.
      if (!curve_written[static_cast<std::size_t>(c)])
        TableWriter(out, paint)
            .write_curve(curves[static_cast<std::size_t>(c)]);
      curve_written[static_cast<std::size_t>(c)] = true;
      continue;
    }
    TableWriter(out, paint).write(table);
    for (const auto& a : results.advice)
      if (a.first_run == index)
        out << "  " << paint(kBold, "advice: " + a.text) << "\n\n";
  }
  if (any_best_column) {
    std::string legend =
        "wall: median over repetitions; 95% CI: of the mean wall time; "
        "speed-up: vs sequential; efficiency: ideal / wall; ";
    legend += cores > 0 ? fmt::format("CPU: share of all {} cores; ", cores)
                        : std::string("CPU: share of all cores; ");
    legend +=
        "p50/p99/max: op latency (open loop: from when the op was due; "
        "service: from when it started); ctx sw: voluntary/involuntary "
        "context switches per repetition; * fastest";
    out << paint(kDim, legend) << "\n";
  }
  if (!results.summary.empty()) {
    out << '\n' << paint(kBold, "Summary") << '\n';
    for (const auto& line : results.summary) out << "  - " << line << '\n';
  }
}

}  // namespace apb
