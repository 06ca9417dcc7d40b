// CSV reporter: a header row, then one row per run. Numbers are in the unit
// the column name carries (seconds, ops/s, fraction), without unit text;
// an empty field means "not measured" or "not known".
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "report/cells.hpp"

namespace apb {
namespace {

constexpr std::string_view kColumns[] = {
    "workload",
    "kind",
    "strategy",
    "status",
    "reason",
    "params",
    "ops",
    "concurrency",
    "threads",
    "repetitions",
    "wall_median_s",
    "wall_min_s",
    "wall_max_s",
    "wall_ci95_low_s",
    "wall_ci95_high_s",
    "throughput_median_ops_s",
    "latency_p50_s",
    "latency_p90_s",
    "latency_p99_s",
    "latency_p999_s",
    "latency_max_s",
    "latency_mean_s",
    "cpu_utilization",
    "ideal_s",
    "efficiency",
    "speedup_vs_sequential",
    "errors",
    "error_rate",
    "checksum",
    "load_mode",
    "offered_rate_ops_s",
    "dropped",
    "service_p50_s",
    "service_p99_s",
    "sweep_axes",  // a --set sweep's axes, ';'-separated ("work;concurrency")
};

std::string axes_text(const std::vector<std::string>& axes) {
  std::string out;
  for (const auto& axis : axes) out += (out.empty() ? "" : ";") + axis;
  return out;
}

// RFC 4180: a field with a comma, quote or line break is quoted, and its
// quotes doubled.
std::string field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos)
    return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// Shortest text that reads back as the same double; empty when not finite.
std::string csv_number(double value) {
  if (!std::isfinite(value)) return {};
  return fmt::format("{}", value);
}

std::string csv_number(const std::optional<double>& value) {
  return value ? csv_number(*value) : std::string();
}

void write_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out << ',';
    out << fields[i];
  }
  out << '\n';
}

std::vector<std::string> run_fields(const RunResult& run) {
  const bool measured = run.status == RunStatus::ok || !run.repetitions.empty();
  const bool latency = measured && run.latency_s.count > 0;
  auto m = [&](double value) { return measured ? csv_number(value) : ""; };
  auto l = [&](double value) { return latency ? csv_number(value) : ""; };

  std::string params;
  for (const auto& [name, value] : run.params) {
    if (!params.empty()) params += ';';
    params += fmt::format("{}={}", name, value);
  }

  return {
      field(run.workload),
      field(to_string(run.kind)),
      field(run.strategy),
      field(to_string(run.status)),
      field(run.reason),
      field(params),
      std::to_string(run.load.ops),
      std::to_string(run.concurrency),
      std::to_string(run.load.threads),
      std::to_string(run.repetitions.size()),
      m(run.wall_s.median),
      m(run.wall_s.min),
      m(run.wall_s.max),
      m(run.wall_s.ci95_low),
      m(run.wall_s.ci95_high),
      m(run.throughput_ops_s.median),
      l(run.latency_s.p50),
      l(run.latency_s.p90),
      l(run.latency_s.p99),
      l(run.latency_s.p999),
      l(run.latency_s.max),
      l(run.latency_s.mean),
      m(run.cpu_utilization),
      csv_number(run.ideal_s),
      csv_number(run.efficiency),
      csv_number(run.speedup_vs_sequential),
      std::to_string(run.errors),
      m(error_rate(run)),
      run.checksum ? checksum_text(*run.checksum) : std::string(),
      field(to_string(run.load.mode)),
      run.load.open() ? csv_number(run.load.rate) : std::string(),
      std::to_string(run.dropped),
      run.service_time_s && latency ? csv_number(run.service_time_s->p50) : "",
      run.service_time_s && latency ? csv_number(run.service_time_s->p99) : "",
      field(axes_text(run.sweep_axes)),
  };
}

}  // namespace

void write_csv(std::ostream& out, const Results& results) {
  std::vector<std::string> header;
  for (std::string_view column : kColumns) header.emplace_back(column);
  write_row(out, header);
  for (const RunResult& run : results.runs) write_row(out, run_fields(run));
}

}  // namespace apb
