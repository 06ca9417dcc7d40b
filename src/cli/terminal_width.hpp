#pragma once
// How wide the console report may be.
#include <unistd.h>

#include <cstddef>

namespace apb::cli {

// The widest console report: 100 columns.
inline constexpr std::size_t kMaxConsoleWidth = 100;

// The columns of the terminal on `fd` (standard output: the report;
// standard error: the progress line, which must fit the terminal it is
// redrawn on whatever stdout is); off a terminal (a pipe, a file) or when
// the terminal does not say, $COLUMNS if it is a number; at most
// kMaxConsoleWidth, which is also the default.
std::size_t terminal_width(int fd = STDOUT_FILENO);

}  // namespace apb::cli
