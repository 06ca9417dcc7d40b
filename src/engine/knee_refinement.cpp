// --refine: bisection of a sweep's knee (knee_refinement.hpp).
#include "apbench/knee_refinement.hpp"

#include <cmath>

#include "apbench/saturation.hpp"

namespace apb {

std::optional<KneeBracket> knee_bracket(
    const std::vector<const RunResult*>& runs, const Slo& slo) {
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const RunResult& below = *runs[i - 1];
    const RunResult& above = *runs[i];
    const bool below_meets =
        below.status == RunStatus::ok && meets_slo(below, slo);
    const bool above_breaks =
        above.status != RunStatus::ok || !meets_slo(above, slo);
    if (!below_meets) return std::nullopt;  // the first point already breaks
    if (above_breaks) return KneeBracket{below.load, above.load};
  }
  return std::nullopt;
}

std::optional<Load> midpoint(const KneeBracket& b) {
  Load mid = b.meets;
  if (b.meets.open()) {
    if (!(b.meets.rate > 0) || !(b.breaks.rate > b.meets.rate))
      return std::nullopt;
    mid.rate = std::sqrt(b.meets.rate * b.breaks.rate);
    // The schedule sets the ops of an open loop (rate x duration).
    mid.ops = static_cast<std::size_t>(std::llround(mid.rate * mid.duration_s));
    return mid;
  }
  const std::size_t lo = b.meets.concurrency, hi = b.breaks.concurrency;
  if (hi <= lo + 1) return std::nullopt;
  mid.concurrency = lo + (hi - lo) / 2;
  return mid;
}

KneeBracket refine_knee(
    KneeBracket bracket, unsigned steps,
    const std::function<std::optional<bool>(const Load&)>& measure) {
  for (unsigned i = 0; i < steps; ++i) {
    const auto mid = midpoint(bracket);
    if (!mid) break;
    const auto met = measure(*mid);
    if (!met) break;
    (*met ? bracket.meets : bracket.breaks) = *mid;
  }
  return bracket;
}

}  // namespace apb
