#pragma once
// Reporters: the same Results as a console table, JSON (the stable,
// versioned interface), CSV and Markdown.
#include <iosfwd>
#include <string>

#include "apbench/results.hpp"

namespace apb {

// Human-readable table(s), one per workload, with units on every number,
// the sequential baseline and the ratios; then the summary lines.
// `color` adds ANSI colours (for terminals).
void write_console(std::ostream& out, const Results& results, bool color);

// Schema "apbench.results/1", documented in docs/results-schema.md.
void write_json(std::ostream& out, const Results& results);

// One row per run, header row first; numbers in seconds without units,
// column names carry the unit ("wall_median_s").
void write_csv(std::ostream& out, const Results& results);

// A GitHub-flavoured Markdown report: context, one table per workload,
// summary.
void write_markdown(std::ostream& out, const Results& results);

}  // namespace apb
