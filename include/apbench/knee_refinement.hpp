#pragma once
// Sharper knees (--refine N): after a rate or concurrency sweep, bisect
// between the last point that meets the SLO and the first that breaks it,
// so the knee is known to a few percent instead of the sweep's step.
#include <functional>
#include <optional>
#include <vector>

#include "apbench/load.hpp"
#include "apbench/results.hpp"

namespace apb {

// The loads the knee lies between: `meets` meets the SLO, `breaks` (the
// next point up) does not.
struct KneeBracket {
  Load meets;
  Load breaks;
};

// From one strategy's runs of a sweep, ascending: the highest point meeting
// the SLO below the lowest one that breaks it (a failed run breaks it), or
// nullopt when no point breaks it, or the first point already does.
std::optional<KneeBracket> knee_bracket(
    const std::vector<const RunResult*>& runs, const Slo& slo);

// The load halfway between: the geometric mean of the rates (sweeps are
// log-spaced), or the integer middle of the concurrencies; nullopt when no
// point lies strictly between (adjacent concurrencies).
std::optional<Load> midpoint(const KneeBracket& bracket);

// Bisects `steps` times: `measure(load)` runs there and says whether it
// met the SLO (nullopt: stop, e.g. on Ctrl-C). Returns the final bracket.
KneeBracket refine_knee(
    KneeBracket bracket, unsigned steps,
    const std::function<std::optional<bool>(const Load&)>& measure);

}  // namespace apb
