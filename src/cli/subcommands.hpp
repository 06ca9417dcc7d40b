#pragma once
// Subcommands: `apbench WORD ...` where WORD names one runs it instead of
// a benchmark (`apbench compare A.json B.json`). A flag never names one, so
// `apbench --filter ...` is unaffected; a new subcommand is one entry in
// subcommands.cpp.
#include <string_view>
#include <vector>

namespace apb::cli {

struct Subcommand {
  std::string_view name;     // "compare"
  std::string_view usage;    // "compare BASE.json NEW.json [MORE.json...]"
  std::string_view summary;  // one line for apbench --help
  // argv[0] is the subcommand's name; returns the exit status. Bad input
  // is thrown as a UsageError (run_subcommand reports it).
  int (*run)(int argc, char** argv);
};

const std::vector<Subcommand>& subcommands();

// The subcommand `word` names, or null.
const Subcommand* find_subcommand(std::string_view word);

// Runs it: a UsageError is one line "apbench NAME: error: ..." and exit 2,
// any other exception "apbench NAME: internal error: ..." and exit 1.
int run_subcommand(const Subcommand& sub, int argc, char** argv);

int run_compare(int argc, char** argv);  // compare_command.cpp
int run_merge(int argc, char** argv);    // merge_command.cpp
int run_report(int argc, char** argv);   // report_command.cpp

}  // namespace apb::cli
