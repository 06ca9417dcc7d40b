#pragma once
// Noise on the machine: reading it (load, CPU steal, other runnable
// threads, virtualisation, frequency governor, turbo), describing it, and
// the warning for a run whose repetitions spread too far.
#include <optional>
#include <string>

#include "apbench/results.hpp"

namespace apb {

// The relative spread (half-width of the 95 % interval of the mean wall
// time / mean) above which a run group gets a warning: wider than the
// default compare threshold, so such runs cannot show a 5 % change.
inline constexpr double kNoisySpread = 0.05;

// Reads the machine's noise. The CPU shares are measured over `window`
// (apbench sleeps meanwhile, so its own threads count for nothing).
MachineNoise measure_noise(double window_s = 0.1);

// Reads CPU steal and busy shares since the previous call (or since
// construction): over a run group, where apbench's own work counts as busy,
// so only steal and load are telling.
class NoiseProbe {
 public:
  NoiseProbe();
  MachineNoise sample();

 private:
  unsigned long long total_ = 0, idle_ = 0, steal_ = 0;
};

// "machine: load 0.12 on 2 cores · busy 3 % · steal 0 % · 0 other runnable
// · in a VM (KVM) · governor powersave · turbo on" (governor and turbo where
// exposed): one line for the console.
std::string describe_noise(const MachineNoise& noise, unsigned cores);

// The busy or stolen CPU a measurement would suffer from, in words ("2
// other runnable threads, 96 % of the CPUs busy before the run"), or ""
// when the machine looks quiet.
std::string noise_causes(const MachineNoise& noise, unsigned cores);

// After a run: its warning when the wall times of its repetitions spread
// beyond kNoisySpread (3 repetitions or more), naming the cause seen in
// `before` (the start of the session) or `during` (a probe sample over the
// run) and the remedies; nullopt when the spread is within the limit.
std::optional<std::string> spread_warning(const RunResult& run,
                                          const MachineNoise& before,
                                          const MachineNoise& during,
                                          unsigned cores);

}  // namespace apb
