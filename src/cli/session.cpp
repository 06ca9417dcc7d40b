#include "session.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <set>

#include "apbench/analysis.hpp"
#include "apbench/context.hpp"
#include "apbench/cpu_affinity.hpp"
#include "apbench/error.hpp"
#include "apbench/merge.hpp"
#include "apbench/plan.hpp"
#include "apbench/report.hpp"
#include "apbench/units.hpp"
#include "forks.hpp"
#include "list.hpp"
#include "noise_watch.hpp"
#include "output_file.hpp"
#include "plan.hpp"
#include "signals.hpp"
#include "terminal_width.hpp"
#include "text/printable.hpp"
#include "text/wrap.hpp"

namespace apb::cli {
namespace {

// Every output asked for, checked before anything runs so a bad path fails
// fast; two outputs resolving to the same file are refused. A process of
// --forks writes its JSON into its parent's pipe.
std::vector<OutputFile> open_outputs(const Options& o, bool fork_child) {
  std::vector<OutputFile> outs;
  for (const auto& reporter : reporters()) {
    auto it = o.outputs.find(reporter.name);
    if (it == o.outputs.end() || it->second.empty()) continue;
    OutputFile file(reporter.flag, it->second, reporter.write,
                    /*console_on_stdout=*/true, /*pipe_ok=*/fork_child);
    for (const auto& other : outs)
      if (other.resolved() == file.resolved())
        throw UsageError(fmt::format(
            "{} and {} both write '{}': give each output its own file",
            other.flag(), file.flag(), file.path()));
    outs.push_back(std::move(file));
  }
  if (!o.charts_dir.empty()) check_output_directory("--charts", o.charts_dir);
  return outs;
}

// The output files, rewritten with the runs measured so far after every
// run (so a killed process loses at most the run in progress) and once at
// the end. The watcher thread may write them too (a second Ctrl-C): a
// mutex keeps the two apart.
class Outputs {
 public:
  explicit Outputs(std::vector<OutputFile> files) : files_(std::move(files)) {}

  void started(const Results& results) {
    std::lock_guard lock(mutex_);
    so_far_.context = results.context;
    so_far_.slo = results.slo;
  }
  void finished(const RunResult& run) {
    std::lock_guard lock(mutex_);
    so_far_.runs.push_back(run);
    write_locked(so_far_, /*final=*/false);
  }
  // Every run measured so far at once (the processes of --forks, merged).
  void replace_runs(std::vector<RunResult> runs) {
    std::lock_guard lock(mutex_);
    so_far_.runs = std::move(runs);
    write_locked(so_far_, /*final=*/false);
  }
  void early_stop(const EarlyStop& stop) {
    std::lock_guard lock(mutex_);
    so_far_.early_stops.push_back(stop);
  }
  // Writes the final results (already analysed); returns the errors.
  std::vector<std::string> write_final(const Results& results) {
    std::lock_guard lock(mutex_);
    return write_locked(results, /*final=*/true);
  }
  // From the watcher thread: writes what was measured so far, marked
  // interrupted, and exits without returning (holding the lock, so the
  // session writes nothing after it).
  [[noreturn]] void write_and_exit(int status) {
    mutex_.lock();
    Results results = so_far_;
    results.interrupted = true;
    analyse(results);
    for (const auto& error : write_locked(results, /*final=*/true))
      fmt::print(stderr, "apbench: error: {}\n", error);
    fmt::print(stderr, "apbench: {} finished runs written\n",
               results.runs.size());
    std::fflush(stderr);
    ::_exit(status);
  }

 private:
  std::vector<std::string> write_locked(const Results& results, bool final) {
    std::vector<std::string> errors;
    if (files_.empty()) return errors;
    Results analysed;
    const Results* out = &results;
    if (!final) {  // a snapshot: analysed here, marked interrupted until
                   // the final write says otherwise
      analysed = results;
      analysed.interrupted = true;
      analyse(analysed);
      out = &analysed;
    }
    for (const auto& file : files_) {
      // A device or pipe takes one document, at the end.
      if (!final && file.direct()) continue;
      if (auto error = file.write(*out)) errors.push_back(*error);
    }
    return errors;
  }

  std::mutex mutex_;
  std::vector<OutputFile> files_;
  Results so_far_;
};

// The live progress line (a terminal only) and --verbose's log of runs.
// Work is counted in repetitions, warm-ups included, for the ETA.
class Progress {
 public:
  // A process of --forks: `prefix` names it, and its ETA counts the
  // `later_processes` that will run the same plan after it.
  Progress(bool live, bool verbose, std::size_t runs, std::size_t units,
           std::string prefix = "", unsigned later_processes = 0)
      : prefix_(std::move(prefix)),
        later_processes_(later_processes),
        live_(live),
        verbose_(verbose),
        runs_(runs),
        units_(units),
        start_(std::chrono::steady_clock::now()) {}

  // `in_group`: the run's place in its group, whose runs are measured
  // together (interleaved repetitions), so each shows its own number.
  void update(const RunRequest& r, std::size_t in_group, unsigned rep,
              unsigned total) {
    ++units_done_;
    if (!live_) return;
    const bool warm = rep < r.warmup;
    std::string point;
    if (r.load.open())
      point = fmt::format(" · {}", format_rate(r.load.rate));
    else if (r.load.concurrency > 0)
      point = fmt::format(" · concurrency {}", r.load.concurrency);
    std::string eta;
    const double done = static_cast<double>(units_done_ - 1);
    if (done > 0 && units_ > units_done_ - 1)
      eta = fmt::format(
          " · ETA {}",
          format_duration(
              elapsed() / done *
              static_cast<double>(units_ - units_done_ + 1 +
                                  std::size_t{later_processes_} * units_)));
    const std::string line = fmt::format(
        "{}[{}/{}] {}{} · {} · {} {}/{} · {} elapsed{}", prefix_,
        std::min(runs_done_ + in_group + 1, runs_), runs_,
        r.workload->info.name, point, r.strategy->name(),
        warm ? "warm-up" : "repetition", warm ? rep + 1 : rep - r.warmup + 1,
        warm ? r.warmup : total - r.warmup, format_duration(elapsed()), eta);
    // One column short of the width: a line that wraps cannot be redrawn.
    fmt::print(stderr, "\r\033[K{}", truncate_to_width(line, width_ - 1));
  }
  void clear() const {
    if (live_) fmt::print(stderr, "\r\033[K");
  }
  void finished(const RunResult& result) {
    ++runs_done_;
    clear();
    if (!verbose_) return;
    std::string point;
    if (result.load.open())
      point = fmt::format(" at {}", format_rate(result.load.rate));
    std::string outcome = result.reason;
    if (result.status == RunStatus::ok) {
      outcome = result.load.open()
                    ? fmt::format("{} achieved, p99 {}",
                                  format_rate(result.throughput_ops_s.median),
                                  format_duration(result.latency_s.p99))
                    : format_duration(result.wall_s.median);
    }
    const std::string line = fmt::format(
        "[{}/{}] {}{} · {}: {} {}", runs_done_, runs_, result.workload, point,
        result.strategy, to_string(result.status), outcome);
    for (const auto& part : wrap(line, width_, "", "    "))
      fmt::print(stderr, "{}\n", part);
  }
  // A strategy left a sweep early: its remaining points will not run.
  void skipped(std::size_t runs, std::size_t units) {
    runs_ -= std::min(runs, runs_);
    units_ -= std::min(units, units_);
  }

 private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }
  std::string prefix_;  // "process 2/9 · " in a process of --forks
  unsigned later_processes_;
  bool live_, verbose_;
  std::size_t width_ = terminal_width(STDERR_FILENO);  // where it is drawn
  std::size_t runs_, units_;
  std::size_t runs_done_ = 0, units_done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// Files first (they are what a script keeps), then the console; returns
// the exit status the writing earned: 1 after a failed write.
int write_all(Results& results, Outputs& outputs, const ConsoleOptions& console,
              const std::string& charts_dir) {
  analyse(results);
  int status = 0;
  for (const auto& error : outputs.write_final(results)) {
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
  if (!charts_dir.empty()) {
    const auto run = run_chart_tool(results, {"--out", charts_dir}, false);
    if (!run.ok)
      fmt::print(stderr, "apbench: error: --charts '{}': {}\n", charts_dir,
                 run.error);
  }
  return status;
}

}  // namespace

std::string message_line(const std::string& message) {
  return printable(without_source_location(message), 400);
}

namespace {

// --forks: the plan measured by `forks` processes of this executable; their
// results, merged, become `results.runs`. Returns a process's bad end (its
// message is on stderr), or 0.
int measure_in_processes(const std::vector<std::string>& argv, unsigned forks,
                         const Plan& plan, Results& results, Outputs& outputs,
                         const SignalWatcher& signals, bool quiet,
                         bool verbose) {
  unsigned reps = 0;
  for (const Sweep& s : plan.sweeps)
    reps = std::max(reps, s.settings.repetitions);
  if (!quiet)
    fmt::print(stderr,
               "apbench: {} repetitions in {} fresh processes, one after "
               "another (--forks)\n",
               reps, forks);
  Results merged;  // of the processes so far, after each one
  const ForkOutcome outcome =
      run_forks(argv, forks, reps, signals,
                [&](unsigned k, const std::vector<Results>& parts) {
                  merged = merge_processes(parts);
                  outputs.replace_runs(merged.runs);
                  if (verbose)
                    fmt::print(stderr, "apbench: process {} of {} finished\n",
                               k + 1, forks);
                });
  if (!outcome.parts.empty()) {
    results.runs = std::move(merged.runs);
    results.early_stops = std::move(merged.early_stops);
    results.interrupted = merged.interrupted;
  }
  results.context.processes = static_cast<unsigned>(outcome.parts.size());
  if (outcome.parts.size() < forks) results.interrupted = true;
  for (RunResult& r : results.runs) {
    if (r.status == RunStatus::not_applicable) continue;
    r.repetitions_requested = reps;  // of all processes, started or not
    r.interrupted = r.repetitions.size() < reps;
  }
  return outcome.status;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

int run_session(const Options& typed, const std::vector<std::string>& argv) {
  // A process of --forks: its share of the repetitions, into its JSON.
  const auto child = fork_child_from_environment();
  Options o = typed;
  if (child) {
    o.repetitions = std::to_string(child->repetitions);
    o.forks = "1";
    o.outputs.clear();
    o.outputs["json"] = child->json_path;
    o.charts_dir.clear();
    o.verbose = false;
  }
  if (o.list) {
    print_list(std::cout, terminal_width());
    return 0;
  }
  // Before the plan: its default threads are the CPUs apbench may use.
  if (o.cpus) pin_to_cpus(*o.cpus);
  const Plan plan = plan_from_options(o);
  const unsigned forks = child ? 1 : fork_count(o, plan);
  Outputs outputs(open_outputs(o, child.has_value()));

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
      tty && !o.quiet, o.verbose, plan.run_count(), plan.repetition_count(),
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
  NoiseWatch noise(results.context);
  const auto warn_if_noisy = [&](const RunResult& r) {
    if (child) return;  // the parent warns, from all processes' samples
    const std::string warning = noise.finished(r);
    if (!warning.empty()) fmt::print(stderr, "{}", warning);
  };
  int status = 0;
  if (forks > 1) {
    status = measure_in_processes(argv, forks, plan, results, outputs, signals,
                                  o.quiet, o.verbose);
    for (const RunResult& r : results.runs) warn_if_noisy(r);
  } else {
    PlanCallbacks callbacks;
    callbacks.repetition = [&](const RunRequest& r, std::size_t in_group,
                               unsigned rep, unsigned total) {
      if (!signals.received()) progress.update(r, in_group, rep, total);
    };
    callbacks.finished = [&](const RunResult& r) {
      progress.finished(r);
      outputs.finished(r);
      warn_if_noisy(r);
    };
    callbacks.skipped = [&](const EarlyStop& stop, std::size_t runs,
                            std::size_t repetitions) {
      progress.skipped(runs, repetitions);
      outputs.early_stop(stop);
    };
    callbacks.stop = signals.stop_token();
    try {
      run_plan(plan, results, callbacks);
    } catch (const UsageError&) {
      signals.measuring_done();
      progress.clear();
      write_all(results, outputs, console,
                o.charts_dir);  // keep what was measured
      throw;
    }
  }
  signals.measuring_done();
  progress.clear();
  const int written = write_all(results, outputs, console, o.charts_dir);
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
