#pragma once
// The live progress line (on a terminal only) and --verbose's log of runs,
// on stderr. Work is counted in repetitions, warm-ups included, for the ETA.
#include <chrono>
#include <cstddef>
#include <string>

#include "apbench/runner.hpp"

namespace apb::cli {

class Progress {
 public:
  // A process of --forks: `prefix` names it, and its ETA counts the
  // `later_processes` that will run the same plan after it.
  Progress(bool live, bool verbose, std::size_t runs, std::size_t units,
           std::string prefix = "", unsigned later_processes = 0);

  // Before each repetition. `in_group`: the run's place in its group, whose
  // runs are measured together (interleaved repetitions), so each shows
  // its own number.
  void update(const RunRequest& r, std::size_t in_group, unsigned rep,
              unsigned total);
  void clear() const;
  // A run is done (its files are written): --verbose logs it.
  void done(const RunResult& result);
  // A group is over: its `runs` count for the next group's numbers.
  void group_finished(std::size_t runs);
  // A strategy left a sweep early: its remaining points will not run.
  void skipped(std::size_t runs, std::size_t units);
  // The plan grew or shrank (PlanCallbacks::resized).
  void resized(std::ptrdiff_t runs, std::ptrdiff_t units);

 private:
  double elapsed() const;

  std::string prefix_;  // "process 2/9 · " in a process of --forks
  unsigned later_processes_;
  bool live_, verbose_;
  std::size_t width_;  // of stderr, where it is drawn
  std::size_t runs_, units_;
  std::size_t runs_done_ = 0, units_done_ = 0;
  std::size_t groups_runs_ = 0;  // runs of the groups already over
  std::chrono::steady_clock::time_point start_;
};

}  // namespace apb::cli
