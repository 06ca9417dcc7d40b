#pragma once
// The reports of `apbench compare` (compare.hpp): a console table that fits
// 100 columns, a Markdown table for a pull request, and the versioned JSON
// document "apbench.compare/1" (docs/compare-schema.md).
#include <iosfwd>

#include "apbench/compare.hpp"

namespace apb {

// `color` adds ANSI colours (slower red, faster green).
void write_compare_console(std::ostream& out, const Comparison& comparison,
                           bool color);
void write_compare_markdown(std::ostream& out, const Comparison& comparison);
void write_compare_json(std::ostream& out, const Comparison& comparison);

}  // namespace apb
