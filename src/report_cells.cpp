#include "report_cells.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "apbench/units.hpp"

namespace apb::report_detail {
namespace {

bool same_table(const RunResult& a, const RunResult& b) {
  return a.workload == b.workload && a.params == b.params && a.ops == b.ops &&
         a.load_mode == b.load_mode &&
         a.requested_concurrency == b.requested_concurrency;
}

}  // namespace

bool measured(const RunResult& run) {
  return run.status == RunStatus::ok && run.wall_s.n > 0;
}

std::vector<std::vector<const RunResult*>> group_tables(
    const std::vector<RunResult>& runs) {
  std::vector<std::vector<const RunResult*>> tables;
  for (const RunResult& run : runs) {
    if (tables.empty() || !same_table(*tables.back().front(), run))
      tables.emplace_back();
    tables.back().push_back(&run);
  }
  return tables;
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

const RunResult* first_measured(const std::vector<const RunResult*>& runs) {
  for (const RunResult* run : runs)
    if (measured(*run)) return run;
  return nullptr;
}

std::optional<double> first_ideal(const std::vector<const RunResult*>& runs) {
  for (const RunResult* run : runs)
    if (run->ideal_s) return run->ideal_s;
  return std::nullopt;
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

std::vector<const RunResult*> differing_checksums(
    const std::vector<const RunResult*>& runs) {
  std::vector<const RunResult*> with_sum;
  if (agreed_checksum(runs)) return with_sum;
  for (const RunResult* run : runs)
    if (run->checksum) with_sum.push_back(run);
  return with_sum;
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

// format_rate gives "12.35 k/s"; the tables say what is counted:
// "12.35 kops/s", "2.500 ops/s".
std::string ops_rate(double per_second) {
  std::string text = format_rate(per_second);
  if (text == "-") return text;
  const auto slash = text.rfind("/s");
  if (slash == std::string::npos) return text + " ops/s";
  text.insert(slash, "ops");
  return text;
}

// Medians of whole counts can fall halfway; only then show a decimal.
std::string count(double value) {
  if (!std::isfinite(value)) return "-";
  if (value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.1f}", value);
}

// 0 and "as many as ops" both mean every op is in flight at once.
std::string concurrency_text(const RunResult& run) {
  if (run.requested_concurrency == 0 || run.requested_concurrency == run.ops)
    return "all";
  return std::to_string(run.requested_concurrency);
}

std::string repetitions_text(const RunResult& run) {
  std::string text = fmt::format("{} repetition{}", run.wall_s.n,
                                 run.wall_s.n == 1 ? "" : "s");
  if (run.warmup > 0) text += fmt::format(" + {} warm-up", run.warmup);
  return text;
}

std::vector<std::pair<std::string, std::uint64_t>> messages_by_count(
    const RunResult& run) {
  std::vector<std::pair<std::string, std::uint64_t>> messages(
      run.error_messages.begin(), run.error_messages.end());
  std::stable_sort(
      messages.begin(), messages.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  return messages;
}

std::vector<TableNote> table_notes(const std::vector<const RunResult*>& runs) {
  std::map<std::string, std::vector<std::string>> values_by_name;
  for (const RunResult* run : runs) {
    for (const auto& [name, value] : run->notes) {
      auto& values = values_by_name[name];
      if (std::find(values.begin(), values.end(), value) == values.end())
        values.push_back(value);
    }
  }
  std::vector<TableNote> notes;
  std::vector<std::pair<std::string, std::string>> seen;
  for (const RunResult* run : runs) {
    for (const auto& note : run->notes) {
      if (std::find(seen.begin(), seen.end(), note) != seen.end()) continue;
      seen.push_back(note);
      TableNote item{note.first, note.second, std::nullopt};
      if (values_by_name[note.first].size() > 1) item.strategy = run->strategy;
      notes.push_back(std::move(item));
    }
  }
  return notes;
}

std::vector<std::string> measured_cells(const RunResult& run,
                                        std::string strategy_cell,
                                        const CellFormat& format) {
  // A run without latency samples has zeros there, not measurements.
  const bool has_latency = run.latency_s.count > 0;
  auto latency = [&](double seconds) {
    return has_latency ? format_duration(seconds) : std::string("-");
  };
  return {
      std::move(strategy_cell),
      format_duration(run.wall_s.median),
      // The CI of a noisy mean can dip below zero; no time is negative.
      fmt::format(format.interval,
                  format_duration(std::max(0.0, run.wall_s.ci95_low)),
                  format_duration(run.wall_s.ci95_high)),
      ratio(run.speedup_vs_sequential),
      run.efficiency ? percent(*run.efficiency) : std::string("-"),
      ops_rate(run.throughput_ops_s.median),
      latency(run.latency_s.p50),
      latency(run.latency_s.p99),
      latency(run.latency_s.max),
      percent(run.cpu_utilization),
      fmt::format(format.pair, count(run.voluntary_switches),
                  count(run.involuntary_switches)),
      run.peak_rss_bytes > 0
          ? format_bytes(static_cast<double>(run.peak_rss_bytes))
          : std::string("-"),
      std::to_string(run.errors),
  };
}

}  // namespace apb::report_detail
