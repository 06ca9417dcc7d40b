#pragma once
// Lists of values for sweeps, as typed on the command line:
// "100,200,400", "100..10k" (10 points, log-spaced), "100..10k:20".
#include <cstddef>
#include <string_view>
#include <vector>

namespace apb {

// Rates in ops per second; each value a number with an optional k/M suffix
// and an optional "/s" ("2.5k", "500/s"). Throws UsageError naming `flag`.
std::vector<double> parse_rate_list(std::string_view text,
                                    std::string_view flag);

// Whole numbers (k/M suffixes allowed) within [min, max]; a range A..B[:N]
// is log-spaced and rounded, duplicates removed.
std::vector<std::size_t> parse_count_list(std::string_view text,
                                          std::string_view flag,
                                          std::size_t min, std::size_t max);

// Default number of points of a range without ":N".
inline constexpr std::size_t kDefaultRangePoints = 10;

}  // namespace apb
