#pragma once
// apbench --forks N: the plan measured in N fresh processes of this same
// executable, one after another, each doing a share of the repetitions.
// A row's samples then include what changes from one process to the next
// (where the kernel and the hypervisor put its threads, its memory layout)
// instead of one process's luck, which its repetitions all share; the
// parts are put together with apb::merge_processes.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "apbench/plan.hpp"
#include "apbench/results.hpp"
#include "options.hpp"
#include "outputs.hpp"
#include "signals.hpp"

namespace apb::cli {

// What a process started by --forks is told through its environment
// (APBENCH_FORK): which one it is, its repetitions, where its JSON goes
// (a pipe to the parent, /dev/fd/3). It parses the command line as its
// parent did, then takes these typed settings over the plan and outputs
// the command line gave (never written back into options to parse again).
struct ForkChild {
  unsigned index = 0;  // from 0
  unsigned count = 1;
  unsigned repetitions = 1;
  std::string json_path;
  pid_t parent = 0;
  // Its share of `plan`: its repetitions in every sweep.
  void take_share(Plan& plan) const;
  // Its one output: the JSON, into the parent's pipe (the console tables,
  // files, page and charts are the parent's, of all processes together).
  OutputSelection outputs() const;
  // Once SIGTERM is handled: this process ends when its parent does.
  void die_with_parent() const;
};

// This process's instructions when --forks started it; nullopt otherwise.
// Throws UsageError when APBENCH_FORK is set but malformed.
std::optional<ForkChild> fork_child_from_environment();

// How many processes measure `plan`: --forks N, or "auto" (the default):
// one per repetition, at most 10, when the plan has 5 repetitions or
// more, else 1. Throws UsageError for a count the plan cannot take: more
// than its repetitions, or a plan whose runs depend on what each process
// measured (a sweep's early stops and refined knees) or on when it starts
// (--shard, --start-at).
unsigned fork_count(const Options& options, const Plan& plan);

struct ForkOutcome {
  std::vector<Results> parts;  // of the processes that wrote results
  // Not 0: a process ended badly (2: bad input it found, 1: it failed or
  // died) and no more were started; its own message is on stderr.
  int status = 0;
};

// Starts the processes one after another with `argv` (the command line as
// typed) and waits for each; a signal the watcher received is passed on
// to the running process, and no further one starts. `done(k, parts)`
// after each process that wrote results.
ForkOutcome run_forks(
    const std::vector<std::string>& argv, unsigned forks, unsigned repetitions,
    const SignalWatcher& signals,
    const std::function<void(unsigned, const std::vector<Results>&)>& done);

// --forks: the plan measured by `forks` processes of this executable (with
// run_forks), their results merged into `results.runs` and written to
// `outputs` after each process, each run counting its repetitions done
// against the `repetitions` asked of all processes. Returns a process's
// bad end (its message is on stderr), or 0.
int measure_in_processes(const std::vector<std::string>& argv, unsigned forks,
                         const Plan& plan, Results& results, Outputs& outputs,
                         const SignalWatcher& signals, bool quiet,
                         bool verbose);

}  // namespace apb::cli
