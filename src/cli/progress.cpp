#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "apbench/units.hpp"
#include "terminal_width.hpp"
#include "text/wrap.hpp"

namespace apb::cli {

Progress::Progress(bool live, bool verbose, std::size_t runs, std::size_t units,
                   std::string prefix, unsigned later_processes)
    : prefix_(std::move(prefix)),
      later_processes_(later_processes),
      live_(live),
      verbose_(verbose),
      width_(terminal_width(STDERR_FILENO)),
      runs_(runs),
      units_(units),
      start_(std::chrono::steady_clock::now()) {}

void Progress::update(const RunRequest& r, std::size_t in_group, unsigned rep,
                      unsigned total) {
  ++units_done_;
  if (!live_) return;
  const bool warm = rep < r.warmup;
  std::string point;
  if (r.load.open())
    point = fmt::format(" · {}", format_rate(r.load.rate));
  else if (r.load.concurrency > 0 &&
           (r.sweep_axes.empty() ||
            std::find(r.sweep_axes.begin(), r.sweep_axes.end(),
                      "concurrency") != r.sweep_axes.end()))
    point = fmt::format(" · concurrency {}", r.load.concurrency);
  // A parameter sweep's point: its swept values (the cell of a map).
  const auto values = r.params.values();
  for (const auto& axis : r.sweep_axes) {
    if (axis == "concurrency") continue;  // shown above
    if (axis == "threads")
      point += fmt::format(" · threads {}", r.load.threads);
    for (const auto& [name, value] : values)
      if (name == axis) point += fmt::format(" · {} {}", name, value);
  }
  if (r.border_probe) point += " (border probe)";
  std::string eta;
  const double done = static_cast<double>(units_done_ - 1);
  if (done > 0 && units_ > units_done_ - 1)
    eta = fmt::format(
        " · ETA {}",
        format_duration(
            elapsed() / done *
            static_cast<double>(units_ - units_done_ + 1 +
                                std::size_t{later_processes_} * units_)));
  const std::string head = fmt::format(
      "{}[{}/{}] {}{} · {} · {} {}/{}", prefix_,
      std::min(groups_runs_ + in_group + 1, runs_), runs_,
      r.workload->info.name, point, r.strategy->name(),
      warm ? "warm-up" : "repetition", warm ? rep + 1 : rep - r.warmup + 1,
      warm ? r.warmup : total - r.warmup);
  const std::string tail =
      fmt::format(" · {} elapsed{}", format_duration(elapsed()), eta);
  // One column short of the width: a line that wraps cannot be redrawn.
  // The time and the ETA stay whole; the run's description gives way.
  const std::size_t room = width_ - 1;
  const std::size_t tail_width = display_width(tail);
  const std::string line =
      tail_width + 20 < room ? truncate_to_width(head, room - tail_width) + tail
                             : truncate_to_width(head + tail, room);
  fmt::print(stderr, "\r\033[K{}", line);
}

void Progress::clear() const {
  if (live_) fmt::print(stderr, "\r\033[K");
}

void Progress::done(const RunResult& result) {
  ++runs_done_;
  clear();
  if (!verbose_) return;
  std::string point;
  if (result.load.open())
    point = fmt::format(" at {}", format_rate(result.load.rate));
  std::string outcome = result.reason;
  if (result.status == RunStatus::ok) {
    outcome = result.load.open()
                  ? fmt::format("{} achieved, p99 {}",
                                format_rate(result.throughput_ops_s.median),
                                format_duration(result.latency_s.p99))
                  : format_duration(result.wall_s.median);
    if (result.interrupted)
      outcome +=
          fmt::format(" (interrupted: {} of {} repetitions)",
                      result.repetitions.size(), result.repetitions_requested);
  }
  const std::string line =
      fmt::format("[{}/{}] {}{} · {}: {} {}", runs_done_,
                  std::max(runs_done_, runs_), result.workload, point,
                  result.strategy, to_string(result.status), outcome);
  for (const auto& part : wrap(line, width_, "", "    "))
    fmt::print(stderr, "{}\n", part);
  std::fflush(stderr);
}

void Progress::group_finished(std::size_t runs) { groups_runs_ += runs; }

void Progress::skipped(std::size_t runs, std::size_t units) {
  runs_ -= std::min(runs, runs_);
  units_ -= std::min(units, units_);
}

void Progress::resized(std::ptrdiff_t runs, std::ptrdiff_t units) {
  const auto add = [](std::size_t& total, std::ptrdiff_t delta) {
    total = delta < 0
                ? total - std::min(total, static_cast<std::size_t>(-delta))
                : total + static_cast<std::size_t>(delta);
  };
  add(runs_, runs);
  add(units_, units);
}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start_)
      .count();
}

}  // namespace apb::cli
