#pragma once
#include <string>

#include "apbench/results.hpp"

namespace apb {

// Describes this machine, build and libraries for the results.
RunContext current_context(std::string command_line);

}  // namespace apb
