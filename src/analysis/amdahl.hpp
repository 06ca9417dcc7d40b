#pragma once
// Amdahl's law fitted to strong-scaling measurements.
#include <optional>
#include <span>

#include "apbench/results.hpp"

namespace apb {

// One measured speed-up at `ratio` times the baseline's threads.
struct ScalingSample {
  double ratio = 1;
  double speedup = 1;
};

// The serial fraction s of speed-up(r) = 1 / (s + (1 - s) / r), by least
// squares on y = 1/speed-up - 1/r = s (1 - 1/r), with a Student-t 95 %
// interval from the residuals (clamped to 0..1); nullopt without a sample
// at a ratio above 1. With one such sample the interval is the point.
std::optional<AmdahlFit> fit_amdahl(std::span<const ScalingSample> samples);

}  // namespace apb
