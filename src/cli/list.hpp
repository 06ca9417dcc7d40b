#pragma once
#include <iosfwd>

namespace apb::cli {
// `apbench --list`: workloads with kind, forms, parameters (default, unit,
// help) and description; strategies with what each does.
void print_list(std::ostream& out);
}  // namespace apb::cli
