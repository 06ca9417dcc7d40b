#pragma once
#include <string>

#include "options.hpp"

namespace apb::cli {

// Runs what the options ask for and writes every requested output. Returns
// the exit status; throws UsageError for bad input (after writing any
// results already measured).
int run_session(const Options& options, const std::string& command_line);

// An error message made one printable line: control characters escaped,
// long input cut, library source locations dropped.
std::string message_line(const std::string& message);

}  // namespace apb::cli
