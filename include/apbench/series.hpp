#pragma once
// Latency versus throughput: the runs of one (workload, parameters,
// strategy) at several offered rates (open loop) or concurrencies (closed
// loop) form a series; under a latency SLO its knee is the highest
// throughput that still meets the SLO.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/results.hpp"
#include "apbench/saturation.hpp"

namespace apb {

// Parses "pNN=DURATION" (e.g. p99=50ms, p99.9=1s, p50=200us); throws
// UsageError naming the accepted form.
// slo_text() is in results.hpp.
Slo parse_slo(std::string_view text);

// Groups the ok runs into series: every open-loop run belongs to one (a
// single rate is a one-point curve); closed-loop runs only when they were
// swept (RunResult::swept) at two or more concurrencies, or at two or more
// --threads (a strong-scaling series with speed-ups and an Amdahl fit).
std::vector<Series> build_series(const std::vector<RunResult>& runs,
                                 const std::optional<Slo>& slo);

// past_saturation(), the rule that ends a strategy's sweep: saturation.hpp.

}  // namespace apb
