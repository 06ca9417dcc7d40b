// Console reporter: one aligned table per workload, units on every number,
// then the summary lines.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "apbench/units.hpp"

namespace apb {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kBest = "\x1b[1;32m";  // bold green
constexpr std::string_view kWarn = "\x1b[33m";    // yellow
constexpr std::string_view kFail = "\x1b[31m";    // red
constexpr std::string_view kDim = "\x1b[2m";

constexpr std::size_t kMaxErrorMessages = 5;
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

// Runs of one table: same workload, parameters and load.
bool same_table(const RunResult& a, const RunResult& b) {
  return a.workload == b.workload && a.params == b.params && a.ops == b.ops &&
         a.load_mode == b.load_mode &&
         a.requested_concurrency == b.requested_concurrency;
}

bool measured(const RunResult& run) {
  return run.status == RunStatus::ok && run.wall_s.n > 0;
}

std::string checksum_text(std::uint64_t value) {
  return fmt::format("0x{:016x}", value);
}

std::string percent(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return fmt::format("{:.1f} %", fraction * 100.0);
}

std::string ratio(const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return "-";
  return fmt::format("{:.2f}x", *value);
}

// format_rate gives "12.35 k/s"; the table says what is counted:
// "12.35 kops/s", "2.500 ops/s".
std::string ops_rate(double per_second) {
  std::string text = format_rate(per_second);
  if (text == "-") return text;
  const auto slash = text.rfind("/s");
  if (slash == std::string::npos) return text + " ops/s";
  text.insert(slash, "ops");
  return text;
}

std::string count(double value) {
  if (!std::isfinite(value)) return "-";
  if (value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.1f}", value);
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

std::string concurrency_text(const RunResult& run) {
  if (run.requested_concurrency == 0 || run.requested_concurrency == run.ops)
    return "all";
  return std::to_string(run.requested_concurrency);
}

const std::vector<std::string>& column_titles() {
  static const std::vector<std::string> titles = {
      "strategy",       "wall median", "95% CI", "speed-up", "efficiency",
      "throughput",     "p50",         "p99",    "max",      "CPU",
      "ctx sw vol/inv", "peak mem",    "errors"};
  return titles;
}

std::vector<std::string> measured_cells(const RunResult& run, bool best) {
  const bool has_latency = run.latency_s.count > 0;
  auto latency = [&](double seconds) {
    return has_latency ? format_duration(seconds) : std::string("-");
  };
  return {
      fmt::format("{} {}", best ? '*' : ' ', run.strategy),
      format_duration(run.wall_s.median),
      fmt::format("[{}, {}]",
                  format_duration(std::max(0.0, run.wall_s.ci95_low)),
                  format_duration(run.wall_s.ci95_high)),
      ratio(run.speedup_vs_sequential),
      run.efficiency ? percent(*run.efficiency) : std::string("-"),
      ops_rate(run.throughput_ops_s.median),
      latency(run.latency_s.p50),
      latency(run.latency_s.p99),
      latency(run.latency_s.max),
      percent(run.cpu_utilization),
      fmt::format("{}/{}", count(run.voluntary_switches),
                  count(run.involuntary_switches)),
      run.peak_rss_bytes > 0
          ? format_bytes(static_cast<double>(run.peak_rss_bytes))
          : std::string("-"),
      std::to_string(run.errors),
  };
}

class TableWriter {
 public:
  TableWriter(std::ostream& out, const Painter& paint)
      : out_(out), paint_(paint) {}

  void write(const std::vector<const RunResult*>& runs) {
    write_header(runs);

    const RunResult* best = fastest(runs);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::size_t> widths;
    for (const auto& title : column_titles()) widths.push_back(title.size());
    for (const RunResult* run : runs) {
      if (measured(*run)) {
        rows.push_back(measured_cells(*run, run == best));
      } else {
        rows.push_back({fmt::format("  {}", run->strategy)});
      }
      for (std::size_t i = 0; i < rows.back().size(); ++i)
        widths[i] = std::max(widths[i], rows.back()[i].size());
    }

    write_cells(column_titles(), widths, kBold);
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
    write_errors(runs);
    write_notes(runs);
    out_ << '\n';
  }

 private:
  void write_header(const std::vector<const RunResult*>& runs) {
    const RunResult& first = *runs.front();
    std::string line = fmt::format("{} ({}): {} ops", first.workload,
                                   to_string(first.kind), first.ops);
    if (first.load_mode != "closed")
      line += fmt::format(", {} loop", first.load_mode);
    line += fmt::format(", concurrency {}", concurrency_text(first));
    const RunResult* sample = &first;
    for (const RunResult* run : runs) {
      if (measured(*run)) {
        sample = run;
        break;
      }
    }
    if (sample->wall_s.n > 0) {
      line += fmt::format(", {} repetition{}", sample->wall_s.n,
                          sample->wall_s.n == 1 ? "" : "s");
      if (sample->warmup > 0)
        line += fmt::format(" + {} warm-up", sample->warmup);
    }
    if (!first.params.empty()) line += fmt::format("; {}", params_text(first));
    for (const RunResult* run : runs) {
      if (run->ideal_s) {
        line += fmt::format("; ideal {}", format_duration(*run->ideal_s));
        break;
      }
    }
    if (auto sum = agreed_checksum(runs))
      line += fmt::format("; checksum {}", checksum_text(*sum));
    out_ << paint_(kBold, line) << '\n';
  }

  // The one checksum every measured run with a checksum agrees on.
  static std::optional<std::uint64_t> agreed_checksum(
      const std::vector<const RunResult*>& runs) {
    std::optional<std::uint64_t> agreed;
    for (const RunResult* run : runs) {
      if (!run->checksum) continue;
      if (agreed && *agreed != *run->checksum) return std::nullopt;
      agreed = run->checksum;
    }
    return agreed;
  }

  static const RunResult* fastest(const std::vector<const RunResult*>& runs) {
    const RunResult* best = nullptr;
    std::size_t candidates = 0;
    for (const RunResult* run : runs) {
      if (!measured(*run) || !(run->wall_s.median > 0)) continue;
      ++candidates;
      if (!best || run->wall_s.median < best->wall_s.median) best = run;
    }
    return candidates >= 2 ? best : nullptr;
  }

  void write_cells(const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& widths,
                   std::string_view style) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      line += "  ";
      if (i == 0) {
        line += fmt::format("{:<{}}", cells[i], widths[i]);
      } else {
        line += fmt::format("{:>{}}", cells[i], widths[i]);
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
    std::vector<const RunResult*> with_sum;
    for (const RunResult* run : runs)
      if (run->checksum) with_sum.push_back(run);
    if (!agreed_checksum(runs) && !with_sum.empty()) {
      std::string list;
      for (const RunResult* run : with_sum) {
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

  void write_errors(const std::vector<const RunResult*>& runs) {
    for (const RunResult* run : runs) {
      if (run->errors == 0 && run->error_messages.empty()) continue;
      std::vector<std::pair<std::string, std::uint64_t>> messages(
          run->error_messages.begin(), run->error_messages.end());
      std::stable_sort(
          messages.begin(), messages.end(),
          [](const auto& a, const auto& b) { return a.second > b.second; });
      out_ << "  "
           << paint_(kFail,
                     fmt::format("errors in {}: {} failed op{}", run->strategy,
                                 run->errors, run->errors == 1 ? "" : "s"))
           << '\n';
      const std::size_t shown = std::min(messages.size(), kMaxErrorMessages);
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
    // Each distinct (name, value) once; a name whose value differs between
    // strategies is shown per strategy.
    std::map<std::string, std::vector<std::string>> values_by_name;
    for (const RunResult* run : runs) {
      for (const auto& [name, value] : run->notes) {
        auto& values = values_by_name[name];
        if (std::find(values.begin(), values.end(), value) == values.end())
          values.push_back(value);
      }
    }
    std::vector<std::string> items;
    std::vector<std::pair<std::string, std::string>> seen;
    for (const RunResult* run : runs) {
      for (const auto& note : run->notes) {
        if (std::find(seen.begin(), seen.end(), note) != seen.end()) continue;
        seen.push_back(note);
        if (values_by_name[note.first].size() > 1) {
          items.push_back(fmt::format("{}={} ({})", note.first,
                                      one_line(note.second), run->strategy));
        } else {
          items.push_back(
              fmt::format("{}={}", note.first, one_line(note.second)));
        }
      }
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
  bool any_best_column = false;
  std::size_t cores = results.context.cores;
  for (std::size_t begin = 0; begin < results.runs.size();) {
    std::size_t end = begin + 1;
    while (end < results.runs.size() &&
           same_table(results.runs[begin], results.runs[end]))
      ++end;
    std::vector<const RunResult*> table;
    for (std::size_t i = begin; i < end; ++i) {
      table.push_back(&results.runs[i]);
      any_best_column = any_best_column || measured(results.runs[i]);
      if (cores == 0) cores = results.runs[i].cores;
    }
    TableWriter(out, paint).write(table);
    begin = end;
  }
  if (any_best_column) {
    std::string legend =
        "wall: median over repetitions; 95% CI: of the mean wall time; "
        "speed-up: vs sequential; efficiency: ideal / wall; ";
    legend += cores > 0 ? fmt::format("CPU: share of all {} cores; ", cores)
                        : std::string("CPU: share of all cores; ");
    legend +=
        "p50/p99/max: op latency; ctx sw: voluntary/involuntary context "
        "switches per repetition; * fastest";
    out << paint(kDim, legend) << "\n";
  }
  if (!results.summary.empty()) {
    out << '\n' << paint(kBold, "Summary") << '\n';
    for (const auto& line : results.summary) out << "  - " << line << '\n';
  }
}

}  // namespace apb
