#pragma once
#include <string>
#include <vector>

#include "options.hpp"

namespace apb::cli {

// Runs what the options ask for and writes every requested output. Returns
// the exit status; throws UsageError for bad input (after writing any
// results already measured). `argv`: the command line as typed (--forks
// starts its processes with it).
int run_session(const Options& options, const std::vector<std::string>& argv);

// An error message made one printable line: control characters escaped,
// long input cut, library source locations dropped.
std::string message_line(const std::string& message);

}  // namespace apb::cli
