// Markdown reporter: a GitHub-flavoured report with the run context, one
// table per workload (the console's columns) and the summary.
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

constexpr std::size_t kMaxErrorMessages = 5;

bool same_table(const RunResult& a, const RunResult& b) {
  return a.workload == b.workload && a.params == b.params && a.ops == b.ops &&
         a.load_mode == b.load_mode &&
         a.requested_concurrency == b.requested_concurrency;
}

bool measured(const RunResult& run) {
  return run.status == RunStatus::ok && run.wall_s.n > 0;
}

// Text safe inside a table cell or a list item: one line, Markdown
// punctuation escaped.
std::string escape(std::string_view text) {
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

std::optional<std::uint64_t> agreed_checksum(
    const std::vector<const RunResult*>& runs) {
  std::optional<std::uint64_t> agreed;
  for (const RunResult* run : runs) {
    if (!run->checksum) continue;
    if (agreed && *agreed != *run->checksum) return std::nullopt;
    agreed = run->checksum;
  }
  return agreed;
}

const RunResult* fastest(const std::vector<const RunResult*>& runs) {
  const RunResult* best = nullptr;
  std::size_t candidates = 0;
  for (const RunResult* run : runs) {
    if (!measured(*run) || !(run->wall_s.median > 0)) continue;
    ++candidates;
    if (!best || run->wall_s.median < best->wall_s.median) best = run;
  }
  return candidates >= 2 ? best : nullptr;
}

constexpr std::string_view kHeader =
    "| strategy | wall (median) | 95% CI | speed-up | efficiency | "
    "throughput | latency p50 | latency p99 | latency max | CPU | "
    "ctx switches vol/invol | peak memory | errors |\n"
    "|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
constexpr std::size_t kColumnCount = 13;

void write_row(std::ostream& out, const std::vector<std::string>& cells) {
  out << '|';
  for (const auto& cell : cells) out << ' ' << cell << " |";
  out << '\n';
}

std::vector<std::string> run_cells(const RunResult& run, bool best) {
  const std::string name = escape(run.strategy);
  if (!measured(run)) {
    std::string status = fmt::format("**{}**", to_string(run.status));
    if (!run.reason.empty()) status += ": " + escape(run.reason);
    std::vector<std::string> cells = {name, status};
    cells.resize(kColumnCount);
    return cells;
  }
  const bool has_latency = run.latency_s.count > 0;
  auto latency = [&](double seconds) {
    return has_latency ? format_duration(seconds) : std::string("-");
  };
  return {
      best ? fmt::format("**{}** (fastest)", name) : name,
      best ? fmt::format("**{}**", format_duration(run.wall_s.median))
           : format_duration(run.wall_s.median),
      fmt::format("{} \u2013 {}",
                  format_duration(std::max(0.0, run.wall_s.ci95_low)),
                  format_duration(run.wall_s.ci95_high)),
      ratio(run.speedup_vs_sequential),
      run.efficiency ? percent(*run.efficiency) : std::string("-"),
      ops_rate(run.throughput_ops_s.median),
      latency(run.latency_s.p50),
      latency(run.latency_s.p99),
      latency(run.latency_s.max),
      percent(run.cpu_utilization),
      fmt::format("{} / {}", count(run.voluntary_switches),
                  count(run.involuntary_switches)),
      run.peak_rss_bytes > 0
          ? format_bytes(static_cast<double>(run.peak_rss_bytes))
          : std::string("-"),
      std::to_string(run.errors),
  };
}

void write_table(std::ostream& out, const std::vector<const RunResult*>& runs) {
  const RunResult& first = *runs.front();
  out << fmt::format("## {} ({})\n\n", escape(first.workload),
                     to_string(first.kind));

  std::vector<std::string> facts;
  facts.push_back(fmt::format("{} ops", first.ops));
  if (first.load_mode != "closed")
    facts.push_back(fmt::format("{} loop", escape(first.load_mode)));
  const bool all = first.requested_concurrency == 0 ||
                   first.requested_concurrency == first.ops;
  facts.push_back(fmt::format(
      "concurrency {}",
      all ? std::string("all") : std::to_string(first.requested_concurrency)));
  for (const RunResult* run : runs) {
    if (!measured(*run)) continue;
    std::string reps = fmt::format("{} repetition{}", run->wall_s.n,
                                   run->wall_s.n == 1 ? "" : "s");
    if (run->warmup > 0) reps += fmt::format(" + {} warm-up", run->warmup);
    facts.push_back(reps);
    break;
  }
  if (!first.params.empty()) {
    std::string params;
    for (const auto& [name, value] : first.params) {
      if (!params.empty()) params += ' ';
      params += code(name + "=" + value);
    }
    facts.push_back("params " + params);
  }
  for (const RunResult* run : runs) {
    if (run->ideal_s) {
      facts.push_back("ideal " + format_duration(*run->ideal_s));
      break;
    }
  }
  if (auto sum = agreed_checksum(runs))
    facts.push_back("checksum " + code(checksum_text(*sum)));
  for (std::size_t i = 0; i < facts.size(); ++i)
    out << (i > 0 ? " · " : "") << facts[i];
  out << "\n\n" << kHeader;

  const RunResult* best = fastest(runs);
  for (const RunResult* run : runs)
    write_row(out, run_cells(*run, run == best));
  out << '\n';

  // Warnings, errors and notes as a list under the table.
  std::vector<std::string> items;
  if (!agreed_checksum(runs)) {
    std::string list;
    for (const RunResult* run : runs) {
      if (!run->checksum) continue;
      if (!list.empty()) list += ", ";
      list += escape(run->strategy) + " " + code(checksum_text(*run->checksum));
    }
    if (!list.empty())
      items.push_back("**Warning:** strategies computed different checksums: " +
                      list);
  }
  for (const RunResult* run : runs) {
    if (run->checksum_mismatch)
      items.push_back(fmt::format(
          "**Warning:** {}: repetitions computed different checksums",
          escape(run->strategy)));
  }
  for (const RunResult* run : runs) {
    if (run->errors == 0 && run->error_messages.empty()) continue;
    std::vector<std::pair<std::string, std::uint64_t>> messages(
        run->error_messages.begin(), run->error_messages.end());
    std::stable_sort(
        messages.begin(), messages.end(),
        [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string item =
        fmt::format("Errors in {}: {} failed op{}", escape(run->strategy),
                    run->errors, run->errors == 1 ? "" : "s");
    const std::size_t shown = std::min(messages.size(), kMaxErrorMessages);
    for (std::size_t i = 0; i < shown; ++i) {
      item += fmt::format("{} {} x {}", i == 0 ? ":" : ";", messages[i].second,
                          escape(messages[i].first));
    }
    if (messages.size() > shown)
      item += fmt::format("; and {} more", messages.size() - shown);
    items.push_back(item);
  }
  // Each distinct note once; a name whose value differs between strategies
  // is shown per strategy.
  std::map<std::string, std::vector<std::string>> values_by_name;
  for (const RunResult* run : runs) {
    for (const auto& [name, value] : run->notes) {
      auto& values = values_by_name[name];
      if (std::find(values.begin(), values.end(), value) == values.end())
        values.push_back(value);
    }
  }
  std::vector<std::pair<std::string, std::string>> seen;
  std::string notes;
  for (const RunResult* run : runs) {
    for (const auto& note : run->notes) {
      if (std::find(seen.begin(), seen.end(), note) != seen.end()) continue;
      seen.push_back(note);
      if (!notes.empty()) notes += ", ";
      notes += code(note.first + "=" + note.second);
      if (values_by_name[note.first].size() > 1)
        notes += fmt::format(" ({})", escape(run->strategy));
    }
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
      context.push_back(fmt::format("**{}** {}", label, escape(value)));
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
  out << "Wall: median over repetitions; 95% CI: of the mean wall time; "
         "speed-up: against `sequential`; efficiency: ideal / wall; CPU: "
         "share of all cores; latencies per op; context switches per "
         "repetition.\n\n";

  if (results.runs.empty()) out << "No runs.\n\n";
  for (std::size_t begin = 0; begin < results.runs.size();) {
    std::size_t end = begin + 1;
    while (end < results.runs.size() &&
           same_table(results.runs[begin], results.runs[end]))
      ++end;
    std::vector<const RunResult*> table;
    for (std::size_t i = begin; i < end; ++i) table.push_back(&results.runs[i]);
    write_table(out, table);
    begin = end;
  }

  if (!results.summary.empty()) {
    out << "## Summary\n\n";
    for (const auto& line : results.summary)
      out << "- " << escape(line) << '\n';
  }
}

}  // namespace apb
