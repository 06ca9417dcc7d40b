// Describing the machine's noise and warning about noisy runs (noise.hpp);
// engine/noise_probe.cpp reads it.
#include "apbench/noise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "apbench/stats.hpp"

namespace apb {
namespace {

std::string percent(double fraction) {
  return fmt::format("{:.0f} %", 100 * fraction);
}

}  // namespace

std::string describe_noise(const MachineNoise& n, unsigned cores) {
  const auto share = [](const std::optional<double>& v) {
    return v ? percent(*v) : std::string("n/a");
  };
  std::string out = "machine: load ";
  out += n.load_average ? fmt::format("{:.2f}", *n.load_average) : "n/a";
  out += fmt::format(" on {} cores · busy {} · steal {}", cores,
                     share(n.cpu_busy), share(n.cpu_steal));
  if (n.other_runnable)
    out += fmt::format(" · {} other runnable", *n.other_runnable);
  if (n.virtualization == "hypervisor")
    out += " · in a VM";
  else if (!n.virtualization.empty())
    out += fmt::format(" · in a VM ({})", n.virtualization);
  // Shown where the system exposes them (a VM rarely does).
  if (!n.governor.empty()) out += fmt::format(" · governor {}", n.governor);
  if (n.turbo) out += fmt::format(" · turbo {}", *n.turbo ? "on" : "off");
  return out;
}

std::string noise_causes(const MachineNoise& n, unsigned cores) {
  std::vector<std::string> causes;
  const double c = std::max(1u, cores);
  if (n.cpu_busy && *n.cpu_busy > 0.25)
    causes.push_back(fmt::format("{} of the CPUs busy with other work",
                                 percent(*n.cpu_busy)));
  if (n.cpu_steal && *n.cpu_steal > 0.02)
    causes.push_back(fmt::format("{} of CPU time stolen by the hypervisor",
                                 percent(*n.cpu_steal)));
  // A thread runnable at the instant of reading is common on a quiet
  // machine too: evidence on its own only when it could fill every core.
  if (n.other_runnable && *n.other_runnable > 0 &&
      (!causes.empty() || *n.other_runnable >= c))
    causes.push_back(fmt::format("{} other runnable thread{}",
                                 *n.other_runnable,
                                 *n.other_runnable == 1 ? "" : "s"));
  // The load average is not a cause on its own: it lags a minute behind,
  // so an apbench run that just ended (its own load) would raise it.
  if (!causes.empty() && n.load_average)
    causes.push_back(
        fmt::format("load average {:.2f} on {} cores", *n.load_average, cores));
  std::string out;
  for (const auto& cause : causes) out += (out.empty() ? "" : ", ") + cause;
  return out;
}

std::optional<std::string> spread_warning(const RunResult& run,
                                          const MachineNoise& before,
                                          const MachineNoise& during,
                                          unsigned cores) {
  if (run.status != RunStatus::ok || run.repetitions.size() < 3)
    return std::nullopt;
  const double spread = relative_spread(run.wall_s);
  if (spread <= kNoisySpread) return std::nullopt;
  std::string seen = noise_causes(before, cores);
  if (!seen.empty()) seen += " (before the runs)";
  // During a run apbench's own threads are busy and runnable: only steal,
  // and a load beyond the cores, tell of others.
  if (during.cpu_steal && *during.cpu_steal > 0.02)
    seen += fmt::format("{}{} of CPU time stolen during the run",
                        seen.empty() ? "" : ", ", percent(*during.cpu_steal));
  const double c = std::max(1u, cores);
  if (seen.empty() && during.load_average && *during.load_average > c + 0.5)
    seen = fmt::format(
        "load average {:.2f} on {} cores (apbench's own threads count too)",
        *during.load_average, cores);
  if (seen.empty()) seen = "no busy or stolen CPU";
  return fmt::format(
      "{} · {}: wall times of {} repetitions spread ±{:.1f} % (limit ±{:.0f} "
      "%). Seen: {}. Remedy: more --repetitions, --cpus LIST to pin apbench, "
      "or quiet the machine",
      run.workload, run.strategy, run.repetitions.size(), 100 * spread,
      100 * kNoisySpread, seen);
}

}  // namespace apb
