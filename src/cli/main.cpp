// apbench: the benchmark executable. Parsing, planning and reporting live
// in src/cli; this file only maps outcomes to exit codes.
#include <fmt/format.h>

#include <csignal>
#include <exception>
#include <string>
#include <vector>

#include "apbench/error.hpp"
#include "options.hpp"
#include "session.hpp"
#include "subcommands.hpp"
#include "temp_folders.hpp"

int main(int argc, char** argv) {
  // Past the file size limit (ulimit -f) a write fails with EFBIG, which
  // is reported, instead of the process dying of SIGXFSZ without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  // What an apbench killed with SIGKILL could not remove.
  apb::cli::reap_temp_folders();
  // `apbench compare ...`: a first word that names a subcommand.
  if (argc > 1)
    if (const auto* sub = apb::cli::find_subcommand(argv[1]))
      return apb::cli::run_subcommand(*sub, argc - 1, argv + 1);
  apb::cli::Options options;
  switch (apb::cli::parse_options(argc, argv, options)) {
    case apb::cli::ParseOutcome::exit_ok:
      return 0;
    case apb::cli::ParseOutcome::exit_usage:
      return 2;
    case apb::cli::ParseOutcome::run:
      break;
  }
  try {
    return apb::cli::run_session(options,
                                 std::vector<std::string>(argv, argv + argc));
  } catch (const apb::UsageError& e) {
    fmt::print(stderr, "apbench: error: {}\n",
               apb::cli::message_line(e.what()));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "apbench: internal error: {}\n",
               apb::cli::message_line(e.what()));
    return 1;
  }
}
