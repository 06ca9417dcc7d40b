// Console reporter: one aligned table per workload, units on every number,
// then the summary lines. Everything fits the width it is given: tables keep
// their most important columns (the others under --wide or in the files) and
// long lines wrap at spaces instead of being cut.
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/noise.hpp"
#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "apbench/units.hpp"
#include "report/cells.hpp"
#include "text/quantities.hpp"
#include "text/wrap.hpp"

namespace apb {
namespace {

using report_detail::measured;

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kBest = "\x1b[1;32m";  // bold green
constexpr std::string_view kWarn = "\x1b[33m";    // yellow
constexpr std::string_view kFail = "\x1b[31m";    // red
constexpr std::string_view kDim = "\x1b[2m";

// An error message is the user's text and may be a whole page: its first
// part says what went wrong.
constexpr std::size_t kMaxMessageLength = 240;
// Narrower than this, tables cannot show even their key columns.
constexpr std::size_t kMinWidth = 60;

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

std::string shortened(std::string_view text) {
  std::string line(text);
  if (display_width(line) > kMaxMessageLength) {
    line.resize(kMaxMessageLength - 3);
    // Never end inside a UTF-8 sequence.
    while (!line.empty() &&
           (static_cast<unsigned char>(line.back()) & 0xC0) == 0x80)
      line.pop_back();
    if (!line.empty() && (static_cast<unsigned char>(line.back()) & 0x80))
      line.pop_back();
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

// The columns of each table kind, most important first (indices into the
// shared cells): a narrow terminal drops them from the end.
const std::vector<std::size_t>& closed_loop_order() {
  // strategy, wall, 95% CI, speed-up, efficiency, throughput, p99, p50, max,
  // CPU, errors, peak mem, ctx sw
  static const std::vector<std::size_t> order = {0, 1, 2, 3,  4,  5, 7,
                                                 6, 8, 9, 12, 11, 10};
  return order;
}
const std::vector<std::size_t>& open_loop_order() {
  // strategy, offered, achieved, p99, service p99, dropped, errors, p50,
  // p99.9, max, service p50, CPU
  static const std::vector<std::size_t> order = {0,  1, 2, 4, 8, 9,
                                                 11, 3, 5, 6, 7, 10};
  return order;
}

// A table whose runs failed ops shows the errors column (their share of the
// ops) right after the speed, so the two are read together.
std::vector<std::size_t> column_order(bool open, bool errors) {
  using namespace report_detail;
  if (!errors) return open ? open_loop_order() : closed_loop_order();
  return open ? errors_beside_speed(open_loop_order(), kAchievedColumn,
                                    kOpenErrorsColumn)
              : errors_beside_speed(closed_loop_order(), kThroughputColumn,
                                    kErrorsColumn);
}

std::vector<std::string> measured_cells(const RunResult& run, bool best) {
  return report_detail::measured_cells(
      run, fmt::format("{} {}", best ? '*' : ' ', run.strategy),
      {.interval = "[{}, {}]", .pair = "{}/{}"});
}

// The columns of a table that fit in `width`, in order; every column when
// `wide`. Each column takes its width plus two spaces before it.
std::vector<std::size_t> fitting_columns(const std::vector<std::size_t>& order,
                                         const std::vector<std::size_t>& widths,
                                         std::size_t width, bool wide) {
  std::vector<std::size_t> shown;
  std::size_t used = 0;
  for (std::size_t column : order) {
    const std::size_t need = widths[column] + 2;
    if (!wide && !shown.empty() && used + need > width) break;
    shown.push_back(column);
    used += need;
  }
  return shown;
}

class TableWriter {
 public:
  TableWriter(std::ostream& out, const Painter& paint,
              const ConsoleOptions& options,
              std::vector<std::string>& hidden_columns)
      : out_(out),
        paint_(paint),
        width_(std::max(options.width, kMinWidth)),
        wide_(options.wide),
        hidden_(hidden_columns) {}

  void write(const std::vector<const RunResult*>& runs) {
    write_header(runs);

    // An open loop's wall time is its schedule's: no "fastest" there.
    const bool open = runs.front()->load.open();
    const auto& titles =
        open ? report_detail::open_loop_titles() : column_titles();
    const RunResult* best = open ? nullptr : report_detail::fastest(runs);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> widths;
    for (const auto& title : titles) widths.push_back(display_width(title));
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
    const auto order = column_order(open, report_detail::any_errors(runs));
    const auto shown = fitting_columns(order, widths, width_, wide_);
    for (std::size_t i = 0; i < titles.size(); ++i)
      if (std::find(shown.begin(), shown.end(), i) == shown.end() &&
          std::find(hidden_.begin(), hidden_.end(), titles[i]) == hidden_.end())
        hidden_.push_back(titles[i]);

    write_cells(titles, shown, widths, kBold);
    write_rule(shown, widths);
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const RunResult& run = *runs[r];
      if (rows[r].size() == 1) {
        write_status_row(run, rows[r][0], widths[0]);
      } else {
        write_cells(rows[r], shown, widths, runs[r] == best ? kBest : "");
      }
    }

    write_warnings(runs);
    write_stages(runs);
    write_fork_join(runs);
    write_diagnoses(runs);
    write_errors(runs);
    write_notes(runs);
    write_counters(runs);
    out_ << '\n';
  }

  // A sweep's table: a column per strategy. When they do not fit side by
  // side, the strategies are shown in blocks, each with the x column again.
  void write_curve(const report_detail::CurveTable& table) {
    write_wrapped(table.title, "", "    ", kBold);
    std::vector<std::size_t> widths(table.header.size(), 0);
    auto widen = [&](const std::vector<std::string>& row) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i]));
    };
    widen(table.header);
    for (const auto& row : table.rows) widen(row);
    std::size_t next = 1;
    while (next < widths.size()) {
      std::vector<std::size_t> block = {0};
      std::size_t used = widths[0] + 2;
      while (next < widths.size() && (block.size() == 1 || wide_ ||
                                      used + widths[next] + 2 <= width_)) {
        used += widths[next] + 2;
        block.push_back(next++);
      }
      if (block[1] != 1) out_ << '\n';  // a block after the first
      write_cells(table.header, block, widths, kBold);
      write_rule(block, widths);
      for (const auto& row : table.rows) write_cells(row, block, widths, "");
    }
    for (const auto& note : table.footnotes)
      write_wrapped("note: " + note, "  ", "        ", kDim);
    out_ << '\n';
  }

  // `text` wrapped to the width; every line painted on its own, so a
  // colour never runs into the next line's indent.
  void write_wrapped(std::string_view text, std::string_view first,
                     std::string_view rest, std::string_view style) {
    const std::size_t indent = display_width(first);
    bool first_line = true;
    for (auto& line : wrap(text, width_ - indent, "",
                           rest.substr(std::min(rest.size(), indent)))) {
      if (first_line) {
        out_ << first << (style.empty() ? line : paint_(style, line)) << '\n';
      } else {
        // The continuation indent stays unpainted.
        const std::size_t lead = line.find_first_not_of(' ');
        const std::size_t cut = lead == std::string::npos ? line.size() : lead;
        out_ << std::string(indent, ' ') << line.substr(0, cut)
             << (style.empty() ? line.substr(cut)
                               : paint_(style, line.substr(cut)))
             << '\n';
      }
      first_line = false;
    }
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
    write_wrapped(line, "", "    ", kBold);
  }

  void write_rule(const std::vector<std::size_t>& shown,
                  const std::vector<std::size_t>& widths) {
    std::size_t total = 0;
    for (std::size_t column : shown) total += widths[column] + 2;
    out_ << "  " << std::string(total - 2, '-') << '\n';
  }

  void write_cells(const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& shown,
                   const std::vector<std::size_t>& widths,
                   std::string_view style) {
    std::string line;
    for (std::size_t column : shown) {
      const std::string empty;
      const std::string& cell = column < cells.size() ? cells[column] : empty;
      line += "  ";
      const std::size_t w = display_width(cell);
      const std::size_t pad = widths[column] > w ? widths[column] - w : 0;
      if (column == 0) {
        line += cell + std::string(pad, ' ');
      } else {
        line += std::string(pad, ' ') + cell;
      }
    }
    out_ << (style.empty() ? line : paint_(style, line)) << '\n';
  }

  void write_status_row(const RunResult& run, const std::string& strategy,
                        std::size_t width) {
    const std::string_view style =
        run.status == RunStatus::failed ? kFail : kWarn;
    const std::string lead = fmt::format("  {:<{}}  ", strategy, width);
    std::string text(to_string(run.status));
    if (!run.reason.empty())
      text += fmt::format(" \u2014 {}", shortened(run.reason));
    write_wrapped(text, lead, std::string(display_width(lead) + 2, ' '), style);
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
      write_wrapped(
          fmt::format("warning: strategies computed different checksums: {}",
                      list),
          "  ", "    ", kWarn);
    }
    for (const RunResult* run : runs) {
      if (!run->checksum_mismatch) continue;
      write_wrapped(fmt::format("warning: {}: repetitions computed different "
                                "checksums",
                                run->strategy),
                    "  ", "    ", kWarn);
    }
  }

  void write_stages(const std::vector<const RunResult*>& runs) {
    for (const RunResult* run : runs)
      if (auto text = report_detail::stages_text(*run); !text.empty())
        write_wrapped(fmt::format("stages per op, {}: {}", run->strategy, text),
                      "  ", "    ", kDim);
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
        write_wrapped(
            fmt::format("{}: {}: {}", run->strategy, d.kind, d.message), "  ",
            "    ", kWarn);
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
      const std::string share =
          run->errors == 0
              ? std::string()
              : fmt::format(", {} of {}", format_error_rate(error_rate(*run)),
                            run->errors + ops_succeeded(*run));
      write_wrapped(
          fmt::format("errors in {}: {} failed op{}{}{}", run->strategy,
                      run->errors, run->errors == 1 ? "" : "s", share,
                      causes_text(*run)),
          "  ", "    ", kFail);
      const std::size_t shown =
          std::min(messages.size(), report_detail::kMaxErrorMessages);
      for (std::size_t i = 0; i < shown; ++i)
        write_wrapped(fmt::format("{} x {}", messages[i].second,
                                  shortened(messages[i].first)),
                      "    ", "      ", "");
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
      std::string item = fmt::format("{}={}", note.name, note.value);
      if (note.strategy) item += fmt::format(" ({})", *note.strategy);
      items.push_back(std::move(item));
    }
    if (items.empty()) return;
    std::string line = "note: ";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) line += "; ";
      line += items[i];
    }
    write_wrapped(line, "  ", "        ", kDim);
  }

  // The workload's counters that are not 0, a line per run:
  // "note: async: server_accept_errors=12".
  void write_counters(const std::vector<const RunResult*>& runs) {
    for (const RunResult* run : runs) {
      std::string items;
      for (const auto& [name, n] : run->counters)
        if (n > 0)
          items += fmt::format("{}{}={}", items.empty() ? "" : ", ", name, n);
      if (!items.empty())
        write_wrapped(fmt::format("note: {}: {}", run->strategy, items), "  ",
                      "        ", kDim);
    }
  }

  std::ostream& out_;
  const Painter& paint_;
  std::size_t width_;
  bool wide_;
  std::vector<std::string>& hidden_;
};

// `text` wrapped at `width` columns; lines after the first indented by two
// spaces.
std::string wrapped(const std::string& text, std::size_t width) {
  std::string out;
  for (const auto& line : wrap(text, width, "", "  ")) {
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

// The machine's noise before the runs, first, so a busy machine is seen
// before the numbers it spoiled.
void write_noise(std::ostream& out, const RunContext& c, const Painter& paint,
                 std::size_t width) {
  const MachineNoise& n = c.noise;
  if (!n.load_average && !n.cpu_busy) return;  // not measured
  out << wrapped(describe_noise(n, c.cores), width) << '\n';
  const std::string causes = noise_causes(n, c.cores);
  if (!causes.empty())
    out << paint(kWarn, wrapped("warning: a busy machine: " + causes +
                                    "; "
                                    "timings will be slower and spread more: "
                                    "quiet the machine, or pin apbench with "
                                    "--cpus",
                                width))
        << '\n';
  out << '\n';
}

}  // namespace

void write_console(std::ostream& out, const Results& results, bool color) {
  write_console(out, results, ConsoleOptions{.color = color});
}

void write_console(std::ostream& out, const Results& results,
                   const ConsoleOptions& options) {
  const Painter paint(options.color);
  std::vector<std::string> hidden;
  // Text outside the tables (advice, legend, summary) wraps with them.
  TableWriter text(out, paint, options, hidden);
  write_noise(out, results.context, paint, options.width);
  if (const std::string w = report_detail::unoptimized_warning(results);
      !w.empty())
    out << paint(kWarn, wrapped(w, options.width)) << "\n";
  if (results.runs.empty()) {
    out << "no runs\n";
  }
  // The legend explains the number columns: only needed once a run has them.
  bool any_best_column = false;
  bool any_errors = false;
  std::size_t cores = results.context.cores;
  for (const RunResult& run : results.runs) {
    any_best_column = any_best_column || measured(run);
    any_errors = any_errors || (measured(run) && run.errors > 0);
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
        TableWriter(out, paint, options, hidden)
            .write_curve(curves[static_cast<std::size_t>(c)]);
      curve_written[static_cast<std::size_t>(c)] = true;
      continue;
    }
    TableWriter(out, paint, options, hidden).write(table);
    for (const auto& a : results.advice)
      if (a.first_run == index) {
        text.write_wrapped("advice: " + a.text, "  ", "          ", kBold);
        out << '\n';
      }
  }
  for (const RegimeMap& map : results.maps)
    TableWriter(out, paint, options, hidden)
        .write_curve(report_detail::map_table(results, map));
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
    if (any_errors)
      legend +=
          " (most successful ops per second, among the runs that failed at "
          "most 1 % of their ops when there are any); errors: failed ops "
          "(share of the ops that finished); throughput and speed-up count "
          "only the ops that succeeded";
    text.write_wrapped(legend, "", "", kDim);
  }
  if (!hidden.empty()) {
    std::string names;
    for (const auto& title : hidden)
      names += (names.empty() ? "" : ", ") + title;
    text.write_wrapped(
        fmt::format("not shown at this width: {} (--wide shows every column; "
                    "so do --markdown, --csv and --json files)",
                    names),
        "", "", kDim);
  }
  if (!results.summary.empty()) {
    out << '\n' << paint(kBold, "Summary") << '\n';
    // A line indented by the analysis is a point about the line above it.
    for (const auto& line : results.summary) {
      const bool nested = line.starts_with("  ");
      const std::size_t start = line.find_first_not_of(' ');
      const std::string_view body = start == std::string::npos
                                        ? std::string_view()
                                        : std::string_view(line).substr(start);
      if (nested)
        text.write_wrapped(body, "      - ", "        ", "");
      else
        text.write_wrapped(body, "  - ", "    ", "");
    }
  }
}

}  // namespace apb
