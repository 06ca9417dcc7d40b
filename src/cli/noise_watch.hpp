#pragma once
// After each run: a warning on stderr when its repetitions spread too far,
// with the cause the machine shows (apb::spread_warning).
#include <string>

#include "apbench/noise.hpp"
#include "apbench/results.hpp"

namespace apb::cli {

class NoiseWatch {
 public:
  explicit NoiseWatch(const RunContext& context);
  // The warning for `run`, wrapped to 100 columns, or "" (then nothing is
  // printed). Samples the machine since the previous run either way.
  std::string finished(const RunResult& run);

 private:
  MachineNoise before_;
  unsigned cores_;
  NoiseProbe probe_;
};

}  // namespace apb::cli
