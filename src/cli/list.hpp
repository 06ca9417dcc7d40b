#pragma once
#include <cstddef>
#include <iosfwd>

namespace apb::cli {
// `apbench --list`: workloads with kind, forms, parameters (default, unit,
// help) and description; strategies with what each does; lines wrapped at
// `width` columns.
void print_list(std::ostream& out, std::size_t width);
}  // namespace apb::cli
