#pragma once
// How wide the console report may be.
#include <cstddef>

namespace apb::cli {

// The columns of the terminal on standard output; off a terminal (a pipe, a
// file) or when the terminal does not say, $COLUMNS if it is a number, else
// 100.
std::size_t terminal_width();

}  // namespace apb::cli
