#pragma once
// Reading a results file back (read_json, read_json_file): now declared
// with writing it in apbench/results_json.hpp; this include keeps working.
#include "apbench/results_json.hpp"
