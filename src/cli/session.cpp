#include "session.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>

#include "apbench/analysis.hpp"
#include "apbench/context.hpp"
#include "apbench/cpu_affinity.hpp"
#include "apbench/error.hpp"
#include "apbench/plan.hpp"
#include "apbench/report.hpp"
#include "apbench/units.hpp"
#include "forks.hpp"
#include "list.hpp"
#include "noise_watch.hpp"
#include "outputs.hpp"
#include "plan.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "terminal_width.hpp"
#include "text/printable.hpp"

namespace apb::cli {
namespace {

// What an interruption leaves the chart tool, from the signal: the run in
// progress stops and the other files are written well within the rest of
// the 2 s an interrupted apbench may take to exit.
constexpr auto kPageBudget = std::chrono::milliseconds(1500);

// Files first (they are what a script keeps), then the console, then the
// page and the charts (the chart tool takes a while); returns the exit
// status the writing earned: 1 after a failed write. `give_up`: an
// interruption's time budget is spent.
int write_all(Results& results, Outputs& outputs, const ConsoleOptions& console,
              const std::function<bool()>& give_up, bool verbose) {
  analyse(results);
  int status = 0;
  for (const auto& error : outputs.write_files(results)) {
    fmt::print(stderr, "apbench: error: {}\n", error);
    status = 1;
  }
  write_console(std::cout, results, console);
  std::cout.flush();
  if (!std::cout) {
    // A closed pipe (`apbench ... | head`) is the reader's choice; other
    // failures are reported.
    if (errno != EPIPE)
      fmt::print(stderr,
                 "apbench: error: writing the console table failed: "
                 "{}\n",
                 std::strerror(errno));
    status = 1;
  }
  if (!outputs.write_page_and_charts(results, give_up, verbose)) status = 1;
  return status;
}

}  // namespace

std::string message_line(const std::string& message) {
  return printable(without_source_location(message), 400);
}

namespace {

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

int run_session(const Options& o, const std::vector<std::string>& argv) {
  // A process of --forks: the plan of the command line, with its share of
  // the repetitions, into its JSON.
  const auto child = fork_child_from_environment();
  if (o.list) {
    print_list(std::cout, terminal_width());
    return 0;
  }
  // Before the plan: its default threads are the CPUs apbench may use.
  if (o.cpus) pin_to_cpus(*o.cpus);
  Plan plan = plan_from_options(o);
  if (child) child->take_share(plan);
  const unsigned forks = child ? 1 : fork_count(o, plan);
  Outputs outputs(child ? child->outputs() : outputs_of(o));
  // A process of --forks logs nothing of its own: its parent does.
  const bool verbose = o.verbose && !child;

  Results results;
  results.context = current_context(joined(argv));
  results.context.processes = forks;
  results.slo = plan.slo;
  outputs.started(results);
  const bool tty = isatty(STDERR_FILENO) != 0;
  const ConsoleOptions console{
      .color = !o.no_color && isatty(STDOUT_FILENO) != 0,
      .width = terminal_width(),
      .wide = o.wide};
  Progress progress(
      tty && !o.quiet, verbose, plan.run_count(), plan.repetition_count(),
      child ? fmt::format("process {}/{} · ", child->index + 1, child->count)
            : "",
      child ? child->count - child->index - 1 : 0);
  if (!o.selects_runs() && !o.quiet && !child)
    fmt::print(stderr,
               "apbench: running the default suite ({} runs, about a minute; "
               "see --help to choose your own):\n"
               "  waits one after another vs all at once, async vs parallel "
               "on CPU work,\n"
               "  and a service that fetches, then processes each request\n",
               plan.run_count());

  // A process of --forks stops quietly: its parent says what happens.
  SignalWatcher signals(
      tty,
      [&](int signal) {
        outputs.write_and_exit(SignalWatcher::exit_status(signal));
      },
      // A parent waits for its process, which has a grace of its own.
      std::chrono::seconds(forks > 1 ? 6 : 3), /*announce=*/!child);
  if (child) child->die_with_parent();
  // After a signal, the page and the charts get what is left of the time
  // an interruption may take (exit within 2 s).
  const auto out_of_time = [&signals] {
    const auto at = signals.received_at();
    return at && std::chrono::steady_clock::now() > *at + kPageBudget;
  };
  NoiseWatch noise(results.context);
  const auto warn_if_noisy = [&](const RunResult& r) {
    if (child) return;  // the parent warns, from all processes' samples
    const std::string warning = noise.finished(r);
    if (!warning.empty()) fmt::print(stderr, "{}", warning);
  };
  int status = 0;
  if (forks > 1) {
    status = measure_in_processes(argv, forks, plan, results, outputs, signals,
                                  o.quiet, verbose);
    for (const RunResult& r : results.runs) warn_if_noisy(r);
  } else {
    PlanCallbacks callbacks;
    callbacks.repetition = [&](const RunRequest& r, std::size_t in_group,
                               unsigned rep, unsigned total) {
      if (!signals.received()) progress.update(r, in_group, rep, total);
    };
    // Each run is written as soon as it is done, then logged (--verbose):
    // a run the log shows is in every file.
    callbacks.done = [&](const RunResult& r) {
      outputs.done(r);
      progress.done(r);
      warn_if_noisy(r);
    };
    callbacks.finished = [&](const RunResult& r) {
      progress.group_finished(1);
      if (outputs.finished(r)) return;
      progress.done(r);
      warn_if_noisy(r);
    };
    callbacks.skipped = [&](const EarlyStop& stop, std::size_t runs,
                            std::size_t repetitions) {
      progress.skipped(runs, repetitions);
      outputs.early_stop(stop);
    };
    callbacks.resized = [&](std::ptrdiff_t runs, std::ptrdiff_t repetitions) {
      progress.resized(runs, repetitions);
    };
    callbacks.stop = signals.stop_token();
    try {
      run_plan(plan, results, callbacks);
    } catch (const UsageError&) {
      signals.measuring_done();
      progress.clear();
      // Keep what was measured. A usage error before the first run (a
      // workload refusing its parameters at set-up) leaves standard output
      // and every file as they were: a script sees the error, not a report
      // of nothing.
      if (!results.runs.empty())
        write_all(results, outputs, console, out_of_time, verbose);
      throw;
    }
  }
  signals.measuring_done();
  progress.clear();
  const int written =
      write_all(results, outputs, console, out_of_time, verbose);
  if (const int signal = signals.received()) {
    if (child) return SignalWatcher::exit_status(signal);
    fmt::print(stderr,
               "apbench: interrupted after {} of {} runs; results so far "
               "were written\n",
               results.runs.size(), plan.run_count());
    return SignalWatcher::exit_status(signal);
  }
  return status != 0 ? status : written;
}

}  // namespace apb::cli
